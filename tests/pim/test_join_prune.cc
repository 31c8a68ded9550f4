// Join/Prune of a last-hop router (RFC 7761 §4.5), SPT switch (§4.2) and the hot-standby
// rule that local receiver state joins with `ignore dr-state`, one test per rule.
#include "tests/pim/pim_harness.h"

namespace tandem::pim::test {
namespace {

const Ipv6Address kG = A("ff0e::100");
const Ipv6Address kS = A("2001:db8:100::50");  // on up0's connected prefix
const Ipv6Address kFarS = A("2001:db8:200::50");

Membership star_on(uint32_t ifindex) {
  return {ifindex, true, {}};
}

struct JoinPrune : ::testing::Test {
  Harness h;
  void SetUp() override {
    h.start();
    h.rp_router_hello();
    h.clear();
  }
  const wire::PimJoinPrune& last_jp() { return h.join_prunes().back()->message.join_prune; }
};

TEST_F(JoinPrune, ListenerJoinsStarGTowardRp) {
  h.listen(kG, {star_on(kDown)});
  auto jps = h.join_prunes(kUp);
  ASSERT_EQ(jps.size(), 1u);
  const auto& jp = jps[0]->message.join_prune;
  EXPECT_EQ(jp.upstream_neighbor, h.rp_router_ll);  // link-local primary, not the global
  EXPECT_EQ(jp.holdtime_s, 210);                    // 3.5 x 60 s
  EXPECT_TRUE(has_star_join(jp, kG, h.rp));
  EXPECT_EQ(h.pim.rpf_interface({{}, kG}), kUp);
  EXPECT_TRUE(h.pim.notify_sources(kG));
}

TEST_F(JoinPrune, NoJoinWithoutRpfNeighbor) {
  h.receive_hello(kUp, h.rp_router_ll, Harness::hello(0));  // the RP's router left
  h.clear();
  h.listen(kG, {star_on(kDown)});
  EXPECT_TRUE(h.join_prunes().empty());
  h.rp_router_hello();  // it comes back: the join follows at once
  ASSERT_FALSE(h.join_prunes(kUp).empty());
  EXPECT_TRUE(has_star_join(last_jp(), kG, h.rp));
}

TEST_F(JoinPrune, NotDrDoesNotJoinForLocalReceivers) {
  h.receive_hello(kDown, A("fe80::9:0"), Harness::hello());  // a better DR on ge0
  h.clear();
  h.listen(kG, {star_on(kDown)});
  EXPECT_TRUE(h.join_prunes().empty());  // §4.1.6: local_receiver_include needs I_am_DR
}

TEST_F(JoinPrune, IgnoreDrStateJoinsWhetherOrNotDr) {
  h.itf(kDown).ignore_dr_state = true;
  h.reconfigure();
  h.receive_hello(kDown, A("fe80::9:0"), Harness::hello());
  h.clear();
  ASSERT_FALSE(h.pim.is_dr(kDown));
  h.listen(kG, {star_on(kDown)});
  ASSERT_EQ(h.join_prunes(kUp).size(), 1u);
  EXPECT_TRUE(has_star_join(last_jp(), kG, h.rp));
}

TEST_F(JoinPrune, LosingDrWithoutIgnorePrunes) {
  h.listen(kG, {star_on(kDown)});
  h.clear();
  h.receive_hello(kDown, A("fe80::9:0"), Harness::hello());
  ASSERT_EQ(h.join_prunes(kUp).size(), 1u);
  EXPECT_TRUE(has_star_prune(last_jp(), kG));
}

TEST_F(JoinPrune, PeriodicJoinEveryJoinPrunePeriod) {
  h.itf(kUp).join_prune_period = seconds(20);
  h.reconfigure();
  h.listen(kG, {star_on(kDown)});
  h.clear();
  h.advance(seconds(61));
  auto jps = h.join_prunes(kUp);
  ASSERT_EQ(jps.size(), 3u);
  for (auto* m : jps) {
    EXPECT_TRUE(has_star_join(m->message.join_prune, kG, h.rp));
    EXPECT_EQ(m->message.join_prune.holdtime_s, 70);
  }
}

TEST_F(JoinPrune, LastListenerLeavingPrunesAtOnce) {
  h.listen(kG, {star_on(kDown)});
  h.clear();
  h.listen(kG, {});
  ASSERT_EQ(h.join_prunes(kUp).size(), 1u);
  EXPECT_TRUE(has_star_prune(last_jp(), kG));
  h.clear();
  h.advance(seconds(200));
  EXPECT_TRUE(h.join_prunes().empty());  // no more periodic joins
  EXPECT_FALSE(h.pim.notify_sources(kG));
}

TEST_F(JoinPrune, JoinSuppressedBySameJoinFromAnotherRouter) {
  h.listen(kG, {star_on(kDown)});
  h.receive_hello(kUp, A("fe80::200"), Harness::hello());  // another downstream router
  h.clear();
  h.advance(seconds(30));
  wire::PimMessage m;
  m.type = wire::PimType::join_prune;
  m.join_prune.upstream_neighbor = h.rp_router_ll;
  m.join_prune.holdtime_s = 210;
  m.join_prune.groups = {{kG, 128, false, false, {{h.rp, 128, true, true, true}}, {}}};
  h.receive(kUp, A("fe80::200"), m);
  // §4.5.6: the Join Timer goes to t_joinsuppress in [66, 84] s: nothing at 60 s.
  h.advance(seconds(65));  // t = 95
  EXPECT_TRUE(h.join_prunes().empty());
  h.advance(seconds(20));  // t = 115
  EXPECT_EQ(h.join_prunes(kUp).size(), 1u);
}

TEST_F(JoinPrune, SuppressionOffWhenEveryRouterSetsTBit) {
  h.listen(kG, {star_on(kDown)});
  auto t_hello = Harness::hello(105, 1, 7, {h.rp_router_global});
  t_hello.lan_prune_delay->t_bit = true;
  h.receive_hello(kUp, h.rp_router_ll, t_hello);
  auto t2 = Harness::hello();
  t2.lan_prune_delay->t_bit = true;
  h.receive_hello(kUp, A("fe80::200"), t2);
  h.clear();
  h.advance(seconds(30));
  wire::PimMessage m;
  m.type = wire::PimType::join_prune;
  m.join_prune.upstream_neighbor = h.rp_router_ll;
  m.join_prune.holdtime_s = 210;
  m.join_prune.groups = {{kG, 128, false, false, {{h.rp, 128, true, true, true}}, {}}};
  h.receive(kUp, A("fe80::200"), m);
  h.advance(seconds(31));
  EXPECT_EQ(h.join_prunes(kUp).size(), 1u);  // sent at 60 s as if nothing was seen
}

TEST_F(JoinPrune, PruneFromAnotherRouterIsOverridden) {
  h.listen(kG, {star_on(kDown)});
  h.receive_hello(kUp, A("fe80::200"), Harness::hello());
  h.clear();
  h.advance(seconds(10));
  wire::PimMessage m;
  m.type = wire::PimType::join_prune;
  m.join_prune.upstream_neighbor = h.rp_router_ll;
  m.join_prune.holdtime_s = 210;
  m.join_prune.groups = {{kG, 128, false, false, {}, {{h.rp, 128, true, true, true}}}};
  h.receive(kUp, A("fe80::200"), m);
  // §4.5.4/§4.5.6: our Join goes out within the override interval (2.5 s).
  h.advance(milliseconds(2501));
  ASSERT_EQ(h.join_prunes(kUp).size(), 1u);
  EXPECT_TRUE(has_star_join(last_jp(), kG, h.rp));
}

TEST_F(JoinPrune, JoinPruneFromNonNeighborIsDropped) {
  h.listen(kG, {star_on(kDown)});
  h.clear();
  wire::PimMessage m;
  m.type = wire::PimType::join_prune;
  m.join_prune.upstream_neighbor = h.rp_router_ll;
  m.join_prune.groups = {{kG, 128, false, false, {}, {{h.rp, 128, true, true, true}}}};
  h.receive(kUp, A("fe80::999"), m);
  h.advance(seconds(5));
  EXPECT_TRUE(h.join_prunes().empty());
  EXPECT_EQ(
      h.pim.interfaces(h.now)[0].counters.rx_drops[static_cast<size_t>(RxDrop::not_from_neighbor)],
      1u);
}

TEST_F(JoinPrune, JoinNamingUsIsNotActedOn) {
  h.receive_hello(kDown, A("fe80::3"), Harness::hello());
  wire::PimMessage m;
  m.type = wire::PimType::join_prune;
  m.join_prune.upstream_neighbor = A("fe80::2:1");
  m.join_prune.groups = {{kG, 128, false, false, {{h.rp, 128, true, true, true}}, {}}};
  h.clear();
  h.receive(kDown, A("fe80::3"), m);
  EXPECT_TRUE(h.join_prunes().empty());
  EXPECT_EQ(
      h.pim.interfaces(h.now)[1].counters.rx_drops[static_cast<size_t>(RxDrop::join_prune_to_us)],
      1u);
}

TEST_F(JoinPrune, SsmGroupJoinsSourceOnlyAndIgnoresAnySource) {
  const Ipv6Address ssm = A("ff3e::8000:1");
  // A route to the far source through the RP's router.
  h.global.routes.push_back({{A("2001:db8:200::"), 64}, 0, h.rp_router_global});
  h.reconfigure();
  h.clear();
  h.listen(ssm, {star_on(kDown)});  // EXCLUDE {} in the SSM range: no RP tree (RFC 4607)
  EXPECT_TRUE(h.join_prunes().empty());
  h.listen(ssm, {{kDown, false, {kFarS}}});
  ASSERT_EQ(h.join_prunes(kUp).size(), 1u);
  EXPECT_TRUE(has_sg_join(last_jp(), ssm, kFarS));
  EXPECT_EQ(h.pim.rpf_interface({kFarS, ssm}), kUp);
  h.clear();
  h.listen(ssm, {});
  ASSERT_EQ(h.join_prunes(kUp).size(), 1u);
  EXPECT_TRUE(has_sg_prune(last_jp(), ssm, kFarS));
}

TEST_F(JoinPrune, IncludeSourceInAsmGroupJoinsTheSource) {
  h.global.routes.push_back({{A("2001:db8:200::"), 64}, 0, h.rp_router_global});
  h.reconfigure();
  h.clear();
  h.listen(kG, {{kDown, false, {kFarS}}});
  ASSERT_EQ(h.join_prunes(kUp).size(), 1u);
  EXPECT_TRUE(has_sg_join(last_jp(), kG, kFarS));
  EXPECT_FALSE(has_star_join(last_jp(), kG, h.rp));
}

TEST_F(JoinPrune, ExcludedSourcePrunedFromRpTree) {
  h.listen(kG, {{kDown, true, {kFarS}}});  // EXCLUDE {S}
  auto jps = h.join_prunes(kUp);
  ASSERT_FALSE(jps.empty());
  bool rpt_prune = false;
  for (auto* m : jps) rpt_prune = rpt_prune || has_sg_prune(m->message.join_prune, kG, kFarS, true);
  EXPECT_TRUE(rpt_prune);
  h.clear();
  h.advance(seconds(61));  // carried by the periodic (*,G) join
  ASSERT_FALSE(h.join_prunes(kUp).empty());
  EXPECT_TRUE(has_star_join(last_jp(), kG, h.rp));
  EXPECT_TRUE(has_sg_prune(last_jp(), kG, kFarS, true));
}

TEST_F(JoinPrune, FirstPacketSwitchesToSourceTreeAndPrunesRpt) {
  h.global.routes.push_back({{A("2001:db8:200::"), 64}, 0, A("2001:db8:100::9")});
  h.reconfigure();
  h.receive_hello(kUp, A("fe80::9"), Harness::hello(105, 1, 3, {A("2001:db8:100::9")}));
  h.listen(kG, {star_on(kDown)});
  h.clear();
  EXPECT_TRUE(h.pim.spt_sources(kG).empty());
  h.data(kUp, kFarS, kG);  // down the RP tree
  ASSERT_EQ(h.pim.spt_sources(kG), std::vector<Ipv6Address>{kFarS});
  ASSERT_FALSE(h.join_prunes(kUp).empty());
  EXPECT_TRUE(has_sg_join(h.join_prunes(kUp)[0]->message.join_prune, kG, kFarS));
  EXPECT_EQ(h.join_prunes(kUp)[0]->message.join_prune.upstream_neighbor, A("fe80::9"));
  // Both trees on up0 through different upstream neighbors: a packet on up0 cannot tell
  // which tree it came down, so §4.2.2 leaves the SPT bit clear and S stays on the RP tree
  // too (no (S,G,rpt) prune: §4.5.9 needs the SPT bit).
  h.clear();
  h.data(kUp, kFarS, kG);
  for (auto* m : h.join_prunes())
    EXPECT_FALSE(has_sg_prune(m->message.join_prune, kG, kFarS, true));
  for (const auto& r : h.pim.routes(h.now)) {
    if (r.source == kFarS) {
      EXPECT_FALSE(r.spt_bit);
    }
  }
  EXPECT_EQ(h.pim.rpf_interface({kFarS, kG}), kUp);
}

TEST_F(JoinPrune, DirectlyConnectedSourceSetsSptBitWithoutJoin) {
  h.listen(kG, {star_on(kDown)});
  h.clear();
  h.data(kUp, kS, kG);
  // No upstream router for a source on the link: no (S,G) join; the SPT bit is set and S
  // is pruned off the RP tree.
  for (auto* m : h.join_prunes()) EXPECT_FALSE(has_sg_join(m->message.join_prune, kG, kS));
  ASSERT_FALSE(h.join_prunes(kUp).empty());
  EXPECT_TRUE(has_sg_prune(last_jp(), kG, kS, true));
  EXPECT_EQ(h.pim.rpf_interface({kS, kG}), kUp);
}

TEST_F(JoinPrune, SptSwitchThresholdInfinityStaysOnRpTree) {
  h.global.spt_switch_infinity = true;
  h.reconfigure();
  h.listen(kG, {star_on(kDown)});
  EXPECT_FALSE(h.pim.notify_sources(kG));
  h.clear();
  h.data(kUp, kFarS, kG);
  EXPECT_TRUE(h.pim.spt_sources(kG).empty());
  EXPECT_TRUE(h.join_prunes().empty());
}

TEST_F(JoinPrune, SptStateEndsWithTheLastListener) {
  h.listen(kG, {star_on(kDown)});
  h.data(kUp, kS, kG);
  ASSERT_EQ(h.pim.spt_sources(kG).size(), 1u);
  h.advance(seconds(211));  // Keepalive restarted while receivers remain
  EXPECT_EQ(h.pim.spt_sources(kG).size(), 1u);
  h.listen(kG, {});
  h.advance(seconds(211));
  EXPECT_TRUE(h.pim.spt_sources(kG).empty());
  EXPECT_TRUE(h.pim.groups().empty());
}

TEST_F(JoinPrune, RpfNeighborChangeMovesTheJoin) {
  h.listen(kG, {star_on(kDown)});
  h.receive_hello(kUp, A("fe80::9"), Harness::hello(105, 1, 3, {A("2001:db8:100::9")}));
  h.clear();
  h.global.routes = {{{h.rp, 128}, 0, A("2001:db8:100::9")}};  // reload: new next hop
  h.reconfigure();
  auto jps = h.join_prunes(kUp);
  ASSERT_EQ(jps.size(), 2u);
  EXPECT_EQ(jps[0]->message.join_prune.upstream_neighbor, h.rp_router_ll);
  EXPECT_TRUE(has_star_prune(jps[0]->message.join_prune, kG));
  EXPECT_EQ(jps[1]->message.join_prune.upstream_neighbor, A("fe80::9"));
  EXPECT_TRUE(has_star_join(jps[1]->message.join_prune, kG, h.rp));
}

TEST_F(JoinPrune, UpstreamRestartCutsJoinTimer) {
  h.listen(kG, {star_on(kDown)});
  h.advance(seconds(10));
  h.clear();
  h.rp_router_hello(99);  // new GenID: it lost our join
  h.advance(milliseconds(2501));
  ASSERT_FALSE(h.join_prunes(kUp).empty());
  EXPECT_TRUE(has_star_join(last_jp(), kG, h.rp));
}

TEST_F(JoinPrune, EmbeddedRpGroupJoinsTowardItsRp) {
  // RFC 3956 §3: RIID 1, plen 0x40, prefix 2001:db8:dead:beef -> RP 2001:db8:dead:beef::1.
  const Ipv6Address g = A("ff7e:140:2001:db8:dead:beef:0:1");
  const Ipv6Address rp = A("2001:db8:dead:beef::1");
  h.global.routes.push_back({{A("2001:db8:dead:beef::"), 64}, 0, h.rp_router_global});
  h.reconfigure();
  h.clear();
  h.listen(g, {star_on(kDown)});
  ASSERT_EQ(h.join_prunes(kUp).size(), 1u);
  EXPECT_TRUE(has_star_join(last_jp(), g, rp));
}

TEST_F(JoinPrune, ShutdownPrunesEveryJoinedEntry) {
  h.listen(kG, {star_on(kDown)});
  h.clear();
  h.pim.shutdown(h.now);
  h.drain();
  ASSERT_EQ(h.join_prunes(kUp).size(), 1u);
  EXPECT_TRUE(has_star_prune(last_jp(), kG));
}

}  // namespace
}  // namespace tandem::pim::test

namespace tandem::pim::test {
namespace {

TEST_F(JoinPrune, LinkScopeGroupsAreNeverJoined) {
  h.global.static_rps = {{h.rp, {A("ff00::"), 8}}};  // the range covers ff02::/16 too
  h.reconfigure();
  h.clear();
  h.listen(A("ff02::1:3"), {{kDown, true, {}}});
  EXPECT_TRUE(h.join_prunes().empty());
  EXPECT_TRUE(h.pim.groups().empty());
}

}  // namespace
}  // namespace tandem::pim::test
