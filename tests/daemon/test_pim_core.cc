// PIM-SM through the control core without DPDK: punted PIM frames in, Join/Prune frames out,
// FIB entries that carry their RPF port and source notifications, the SPT switch on a
// sampled packet, replicated listeners joining on the backup, and reload in place.
#include <gtest/gtest.h>

#include "control/daemon/config/parser.h"
#include "control/daemon/core/router_core.h"
#include "control/wire/frame.h"
#include "tests/daemon/fake_io.h"

namespace tandem::daemon {
namespace {

using wire::Ipv6Address;
using wire::MacAddress;

Ipv6Address A(const char* s) {
  return Ipv6Address::must_parse(s);
}

// The reference procedure behind a PIM core: up0 runs PIM toward the RP's router
// (2001:db8:100::1, the next hop of the static route to the RP), ge0 is the listeners' LAN.
const char* kConfig = R"(
multicast ipv6 routing-enable
pim-ipv6
 static-rp 2001:db8::1
quit
ipv6 route-static 2001:db8::1 128 2001:db8:100::1
ipv6 route-static 2001:db8:200:: 64 2001:db8:100::9
interface up0
 device net_null0
 ipv6 address 2001:db8:100::2/64
 ipv6 address auto link-local
 pim ipv6 sm
quit
interface ge0
 device net_null1
 ipv6 address 2001:db8:1::2/64
 ipv6 address auto link-local
 pim ipv6 sm
 mld enable
 pim ipv6 ignore dr-state
 pim ipv6 ignore assert-state
quit
)";

const Ipv6Address kRp = A("2001:db8::1");
const Ipv6Address kRpRouterLl = A("fe80::100");
const Ipv6Address kG = A("ff0e::db8:1");
const Ipv6Address kS = A("2001:db8:200::50");

struct PimCore : ::testing::Test {
  FakeIo io;
  RouterCore core{io, null_log_sink(), 42};
  TimePoint now{};
  config::Config cfg;

  static config::Config parse(const std::string& text) {
    auto r = config::parse_config(text, "t.cfg");
    EXPECT_TRUE(r.ok()) << config::format_errors(r.errors);
    return r.config;
  }
  void SetUp() override {
    cfg = parse(kConfig);
    core.apply(cfg,
               {*MacAddress::parse("02:00:00:00:00:01"), *MacAddress::parse("02:00:00:00:00:02")},
               now);
    hello_from(kRpRouterLl, {A("2001:db8:100::1")});
  }
  uint32_t ge0() const { return core.interfaces().ifindex("ge0"); }
  uint32_t up0() const { return core.interfaces().ifindex("up0"); }
  dataplane::PortIndex up0_port() const { return core.interfaces().by_name("up0")->port; }

  void hello_from(const Ipv6Address& ll, std::vector<Ipv6Address> addresses) {
    wire::PimMessage m;
    m.type = wire::PimType::hello;
    m.hello.holdtime_s = 0xffff;
    m.hello.dr_priority = 1;
    m.hello.generation_id = 5;
    m.hello.address_list = std::move(addresses);
    auto frame = wire::build_pim_message_frame(*MacAddress::parse("02:00:00:00:01:00"), ll, m);
    core.on_frame(up0(), frame, now);
  }
  void report(const std::vector<wire::MldRecordSpec>& records) {
    auto frame = wire::build_mld_v2_report_frame(*MacAddress::parse("02:00:00:00:aa:01"),
                                                 A("fe80::aa"), records);
    core.on_frame(ge0(), frame, now);
  }
  // A multicast data packet from `s` to `g` arriving on `ifindex` (as a worker samples it).
  void data(uint32_t ifindex, const Ipv6Address& s, const Ipv6Address& g) {
    wire::L2L3Spec l;
    l.src_mac = *MacAddress::parse("02:00:00:00:05:00");
    l.src = s;
    l.dst = g;
    l.hop_limit = 30;
    const std::vector<uint8_t> payload(16, 0x5a);
    auto frame = wire::build_udp_frame(l, 4000, 5000, payload);
    core.on_frame(ifindex, frame, now);
  }
  std::vector<wire::PimJoinPrune> join_prunes_on(uint32_t ifindex) const {
    std::vector<wire::PimJoinPrune> out;
    for (const auto& [i, f] : io.sent)
      if (i == ifindex && f.kind == wire::PacketKind::pim_join_prune)
        out.push_back(f.pim.join_prune);
    return out;
  }
  static bool star_join(const wire::PimJoinPrune& jp, const Ipv6Address& g, const Ipv6Address& rp) {
    for (const auto& gs : jp.groups)
      if (gs.group == g)
        for (const auto& e : gs.joins)
          if (e.wildcard && e.rpt && e.source == rp) return true;
    return false;
  }
  static bool star_prune(const wire::PimJoinPrune& jp, const Ipv6Address& g) {
    for (const auto& gs : jp.groups)
      if (gs.group == g)
        for (const auto& e : gs.prunes)
          if (e.wildcard && e.rpt) return true;
    return false;
  }
};

TEST_F(PimCore, HellosLeaveBothInterfacesFromTheirLinkLocals) {
  size_t hellos = 0;
  for (const auto& [i, f] : io.sent) {
    if (f.kind != wire::PacketKind::pim_hello) continue;
    ++hellos;
    EXPECT_EQ(f.dst, A("ff02::d"));
    EXPECT_EQ(f.hop_limit, 1);
    EXPECT_EQ(f.src, core.interfaces().by_ifindex(i)->link_local);
  }
  EXPECT_GE(hellos, 3u);  // one per interface at start, one more on up0 for the new neighbor
  ASSERT_EQ(core.pim().neighbors(now).size(), 1u);
  EXPECT_EQ(core.pim().neighbors(now)[0].interface, "up0");
  // PIM ports sample RPF failures for PIM; up0 is not a static upstream port.
  EXPECT_TRUE(io.fib_.rpf_notify(up0_port()));
  EXPECT_FALSE(io.fib_.upstream(up0_port()));
}

TEST_F(PimCore, ListenerJoinsTowardRpAndFibEntryCarriesRpfPort) {
  report({{wire::MldRecordType::to_ex, kG, {}}});
  auto jps = join_prunes_on(up0());
  ASSERT_EQ(jps.size(), 1u);
  EXPECT_TRUE(star_join(jps[0], kG, kRp));
  EXPECT_EQ(jps[0].upstream_neighbor, kRpRouterLl);
  ASSERT_EQ(io.fib_.routes.count({Ipv6Address{}, kG}), 1u);
  const auto& r = io.fib_.routes[{Ipv6Address{}, kG}];
  EXPECT_EQ(r.iif, up0_port());
  EXPECT_TRUE(r.notify_sources);
  EXPECT_EQ(r.egress, dataplane::port_bit(core.interfaces().by_name("ge0")->port));
  // The forwarding display names the RPF interface as the accepting one.
  auto fwd = core.forwarding_snapshot();
  ASSERT_EQ(fwd.entries.size(), 1u);
  EXPECT_EQ(fwd.entries[0].upstream, std::vector<std::string>{"up0"});
}

TEST_F(PimCore, SampledPacketSwitchesToSourceTree) {
  report({{wire::MldRecordType::to_ex, kG, {}}});
  hello_from(A("fe80::9"), {A("2001:db8:100::9")});
  io.sent.clear();
  data(up0(), kS, kG);
  EXPECT_EQ(core.counters().pim_data, 1u);
  ASSERT_EQ(io.fib_.routes.count({kS, kG}), 1u);
  EXPECT_EQ((io.fib_.routes[{kS, kG}].iif), up0_port());
  EXPECT_FALSE((io.fib_.routes[{kS, kG}].notify_sources));
  bool sg_join = false;
  for (const auto& jp : join_prunes_on(up0()))
    for (const auto& gs : jp.groups)
      for (const auto& e : gs.joins) sg_join = sg_join || (e.source == kS && !e.wildcard);
  EXPECT_TRUE(sg_join);
}

TEST_F(PimCore, LastListenerLeavingPrunes) {
  report({{wire::MldRecordType::to_ex, kG, {}}});
  io.sent.clear();
  report({{wire::MldRecordType::to_in, kG, {}}});
  for (int i = 0; i < 40 && join_prunes_on(up0()).empty(); ++i) {
    now += std::chrono::milliseconds(100);
    core.on_timer(now);
  }
  auto jps = join_prunes_on(up0());
  ASSERT_EQ(jps.size(), 1u);  // after the last-listener queries (2 x 1 s)
  EXPECT_TRUE(star_prune(jps[0], kG));
  EXPECT_EQ(io.fib_.routes.count({Ipv6Address{}, kG}), 0u);
}

TEST_F(PimCore, ReplicatedListenerJoinsToo) {
  // The backup's listeners come over the RBS (origin backup): with ignore dr-state they
  // produce joins, so the stream already arrives when the backup takes over.
  mld::GroupRecordView v;
  v.ifindex = ge0();
  v.group = kG;
  v.filter_mode = mld::FilterMode::exclude;
  v.filter_remaining = std::chrono::seconds(200);
  v.origin = mld::Origin::backup;
  ASSERT_TRUE(core.mld().apply_upsert(v, now));
  core.on_timer(now);
  auto jps = join_prunes_on(up0());
  ASSERT_EQ(jps.size(), 1u);
  EXPECT_TRUE(star_join(jps[0], kG, kRp));
}

TEST_F(PimCore, ReloadMovesTheJoinToTheNewRp) {
  report({{wire::MldRecordType::to_ex, kG, {}}});
  io.sent.clear();
  std::string next = kConfig;
  next.replace(next.find("static-rp 2001:db8::1"), 21, "static-rp 2001:db8::2");
  next += "ipv6 route-static 2001:db8::2 128 2001:db8:100::1\n";
  auto res = core.reload(parse(next), now);
  ASSERT_TRUE(res.ok);
  auto jps = join_prunes_on(up0());
  ASSERT_EQ(jps.size(), 2u);
  EXPECT_TRUE(star_prune(jps[0], kG));
  EXPECT_TRUE(star_join(jps[1], kG, A("2001:db8::2")));
  EXPECT_EQ(core.pim().neighbors(now).size(), 1u);  // the neighbor survived the reload
}

TEST_F(PimCore, StaticUpstreamModeKeepsEntriesWithoutRpfPort) {
  std::string flooded = kConfig;
  flooded.replace(flooded.find(" pim ipv6 sm\nquit\ninterface ge0"), 12,
                  " multicast ipv6 upstream");
  auto res = core.reload(parse(flooded), now);
  ASSERT_TRUE(res.ok);
  EXPECT_TRUE(io.fib_.upstream(up0_port()));
  EXPECT_FALSE(io.fib_.rpf_notify(up0_port()));
  report({{wire::MldRecordType::to_ex, kG, {}}});
  ASSERT_EQ(io.fib_.routes.count({Ipv6Address{}, kG}), 1u);
  EXPECT_EQ((io.fib_.routes[{Ipv6Address{}, kG}].iif), dataplane::kNoIif);
}

TEST_F(PimCore, ShutdownPrunesAndSaysGoodbye) {
  report({{wire::MldRecordType::to_ex, kG, {}}});
  io.sent.clear();
  core.shutdown(now);
  auto jps = join_prunes_on(up0());
  ASSERT_EQ(jps.size(), 1u);
  EXPECT_TRUE(star_prune(jps[0], kG));
  bool goodbye = false;
  for (const auto& [i, f] : io.sent)
    goodbye = goodbye || (f.kind == wire::PacketKind::pim_hello && f.pim.hello.holdtime_s == 0);
  EXPECT_TRUE(goodbye);
}

}  // namespace
}  // namespace tandem::daemon
