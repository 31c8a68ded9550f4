// RP mapping (static RP, embedded RP of RFC 3956, the SSM range of RFC 4607) and the RPF
// table (connected prefixes and static routes, RFC 7761 §4.2 MRIB).
#include "control/pim/rp_map.h"
#include "control/pim/rpf_table.h"
#include "tests/pim/pim_harness.h"

namespace tandem::pim::test {
namespace {

TEST(PimRp, SsmRangeHasNoRp) {
  RpMap m;
  m.configure({{A("2001:db8::1"), {A("ff00::"), 8}}}, true);
  EXPECT_FALSE(m.rp_for(A("ff3e::1")).has_value());
  EXPECT_FALSE(m.rp_for(A("ff35::8000:1")).has_value());
  EXPECT_TRUE(is_ssm_group(A("ff3e::1")));
  EXPECT_FALSE(is_ssm_group(A("ff3e:40:2001:db8::1")));  // ff3x with plen: not ff3x::/32
  EXPECT_FALSE(is_ssm_group(A("ff0e::1")));
}

TEST(PimRp, StaticRpLongestRangeThenHighestAddress) {
  RpMap m;
  m.configure({{A("2001:db8::1"), {A("ff00::"), 8}},
               {A("2001:db8::2"), {A("ff0e::"), 16}},
               {A("2001:db8::3"), {A("ff0e::"), 16}}},
              true);
  EXPECT_EQ(m.rp_for(A("ff05::1"))->rp, A("2001:db8::1"));
  EXPECT_EQ(m.rp_for(A("ff0e::1"))->rp, A("2001:db8::3"));
  EXPECT_EQ(m.rp_for(A("ff0e::1"))->source, RpSource::static_rp);
}

TEST(PimRp, EmbeddedRpFromGroupAddress) {
  EXPECT_EQ(embedded_rp(A("ff7e:140:2001:db8:dead:beef:0:1")), A("2001:db8:dead:beef::1"));
  // plen 0x20: only the first 32 bits of the prefix field count; RIID 0xf.
  EXPECT_EQ(embedded_rp(A("ff75:f20:2001:db8:ffff:ffff:0:1")), A("2001:db8::f"));
  EXPECT_FALSE(embedded_rp(A("ff7e:100:2001:db8::1")).has_value());  // plen 0
  EXPECT_FALSE(embedded_rp(A("ff7e:141:2001:db8::1")).has_value());  // plen 65
  EXPECT_FALSE(embedded_rp(A("ff3e:140:2001:db8::1")).has_value());  // R flag clear
  RpMap m;
  m.configure({{A("2001:db8::1"), {A("ff00::"), 8}}}, true);
  EXPECT_EQ(m.rp_for(A("ff7e:140:2001:db8:dead:beef:0:1"))->source, RpSource::embedded);
  m.configure({{A("2001:db8::1"), {A("ff00::"), 8}}}, false);  // undo embedded-rp
  EXPECT_EQ(m.rp_for(A("ff7e:140:2001:db8:dead:beef:0:1"))->rp, A("2001:db8::1"));
}

TEST(PimRpf, ConnectedBeatsShorterStaticAndTargetIsNextHop) {
  InterfaceConfig up, down;
  up.ifindex = 1;
  up.addresses = {{A("2001:db8:100::2"), 64}};
  down.ifindex = 2;
  down.addresses = {{A("2001:db8:1::2"), 64}};
  RpfTable t;
  t.rebuild({up, down}, {{{A("2001:db8::"), 32}, 0, A("2001:db8:100::1")},
                         {{A("2001:db8:5::"), 48}, 2, std::nullopt},
                         {{A("2001:db8:6::"), 48}, 1, A("fe80::99")},
                         {{A("2001:db8:7::"), 48}, 0, A("2001:db8:99::1")}});  // unreachable
  auto c = t.lookup(A("2001:db8:1::77"));
  ASSERT_TRUE(c);
  EXPECT_EQ(c->ifindex, 2u);
  EXPECT_TRUE(c->connected);
  EXPECT_EQ(c->nexthop, A("2001:db8:1::77"));
  EXPECT_EQ(c->preference, kConnectedPreference);
  auto s = t.lookup(A("2001:db8:42::1"));
  ASSERT_TRUE(s);
  EXPECT_EQ(s->ifindex, 1u);  // resolved through the connected prefix of the next hop
  EXPECT_EQ(s->nexthop, A("2001:db8:100::1"));
  EXPECT_EQ(s->preference, kStaticPreference);
  auto i = t.lookup(A("2001:db8:5::9"));
  ASSERT_TRUE(i);
  EXPECT_EQ(i->ifindex, 2u);
  EXPECT_EQ(i->nexthop, A("2001:db8:5::9"));  // interface route: the target is on-link
  auto ll = t.lookup(A("2001:db8:6::9"));
  ASSERT_TRUE(ll);
  EXPECT_EQ(ll->nexthop, A("fe80::99"));
  auto u = t.lookup(A("2001:db8:7::1"));
  ASSERT_TRUE(u);  // skipped route: the /32 covers it
  EXPECT_EQ(u->prefix.length, 32);
  EXPECT_FALSE(t.lookup(A("2001:db9::1")).has_value());
}

TEST(PimRpf, GlobalNextHopFindsNeighborThroughAddressList) {
  Harness h;
  h.start();
  h.listen(A("ff0e::1"), {{kDown, true, {}}});
  EXPECT_TRUE(h.join_prunes().empty());  // no neighbor owns 2001:db8:100::1 yet
  h.receive_hello(kUp, h.rp_router_ll, Harness::hello(105, 1, 7, {}));
  EXPECT_TRUE(h.join_prunes().empty());  // still not: its Hello lists no address
  h.rp_router_hello();                   // now with 2001:db8:100::1 in the Address List
  ASSERT_EQ(h.join_prunes(kUp).size(), 1u);
  auto rp = h.pim.rp_info();
  ASSERT_EQ(rp.size(), 1u);
  EXPECT_EQ(rp[0].rpf_interface, "up0");
  EXPECT_EQ(rp[0].rpf_neighbor, h.rp_router_ll);
  EXPECT_EQ(rp[0].groups_joined, 1u);
}

}  // namespace
}  // namespace tandem::pim::test
