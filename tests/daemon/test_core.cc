// The control core without DPDK: config applied to the engines, punted frames through the
// engines to frames out and FIB writes, displays from the live engines, reload by diff.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "control/daemon/cli/render.h"
#include "control/daemon/config/parser.h"
#include "control/daemon/core/interfaces.h"
#include "control/daemon/core/mld_group_store.h"
#include "control/daemon/core/router_core.h"
#include "control/wire/frame.h"
#include "dataplane/classify.h"
#include "tests/daemon/fake_io.h"
#include "tests/daemon/single_router.h"

namespace tandem::daemon {
namespace {

using wire::Ipv6Address;
using wire::MacAddress;

// A single router: upstream up0, downstream ge0 with MLD and VRRP6, no peer.
const char* const kConfig = test::kSingleRouterConfig;

std::vector<MacAddress> macs() {
  return test::single_router_macs();
}

struct Fixture : ::testing::Test {
  FakeIo io;
  std::vector<std::string> logs;
  RouterCore core{io,
                  [this](LogLevel, std::string_view sub, std::string_view line) {
                    logs.push_back(std::string(sub) + ": " + std::string(line));
                  },
                  42};
  TimePoint now{};
  config::Config cfg;

  void SetUp() override {
    auto r = config::parse_config(kConfig, "t.cfg");
    ASSERT_TRUE(r.ok()) << config::format_errors(r.errors);
    cfg = r.config;
    core.apply(cfg, macs(), now);
  }
  void advance(Duration d) {
    TimePoint end = now + d;
    while (true) {
      TimePoint next = core.next_deadline();
      if (next > end) break;
      now = std::max(now, next);
      core.on_timer(now);
    }
    now = end;
  }
  uint32_t ge0() const { return core.interfaces().ifindex("ge0"); }
  // Frames the core's parser refused on ge0 for `reason` (the control drop table).
  uint64_t parse_drops_on_ge0(const std::string& reason) const {
    for (const DropTable& t : core.drop_tables(now)) {
      if (t.layer != drop_layer::kControl) continue;
      for (const auto& r : t.rows)
        for (size_t i = 0; i < t.reasons.size(); ++i)
          if (r.name == "ge0" && t.reasons[i] == reason) return r.counts[i];
    }
    ADD_FAILURE() << "no control drop row ge0/" << reason;
    return 0;
  }
  void report(const std::vector<wire::MldRecordSpec>& records) {
    auto frame = wire::build_mld_v2_report_frame(*MacAddress::parse("02:00:00:00:aa:01"),
                                                 Ipv6Address::must_parse("fe80::aa"), records);
    core.on_frame(ge0(), frame, now);
  }
};

TEST_F(Fixture, PortsFollowInterfaceNameOrderAndLinkLocalIsEui64) {
  EXPECT_EQ(core.interfaces().by_name("ge0")->port, 0);
  EXPECT_EQ(core.interfaces().by_name("up0")->port, 1);
  EXPECT_EQ(core.interfaces().by_name("ge0")->link_local,
            Ipv6Address::must_parse("fe80::ff:fe00:2"));
  EXPECT_TRUE(io.fib_.upstream(1));
  EXPECT_FALSE(io.fib_.upstream(0));
}

// Port p is interface p+1 both ways, 0 stays "none", and the interface map agrees.
TEST_F(Fixture, IfIndexIsPortPlusOneAndZeroIsNone) {
  EXPECT_TRUE(dataplane::IfIndex().is_none());
  EXPECT_EQ(uint32_t{dataplane::IfIndex::from_port(0)}, 1u);
  EXPECT_EQ(dataplane::IfIndex(48).port(), 47);
  for (const auto& info : core.interfaces().all()) {
    EXPECT_EQ(info.ifindex, dataplane::IfIndex::from_port(info.port));
    EXPECT_EQ(core.interfaces().by_ifindex(info.ifindex), &info);
  }
  EXPECT_EQ(core.interfaces().by_ifindex(0), nullptr);
  EXPECT_EQ(core.interfaces().by_ifindex(3), nullptr);
}

TEST_F(Fixture, StartupSendsGeneralQueriesAndVrrpBecomesMaster) {
  EXPECT_GE(io.count(wire::PacketKind::mld_query), 1u);
  advance(std::chrono::seconds(5));
  auto v = core.vrrp6_snapshot(now);
  ASSERT_EQ(v.groups.size(), 1u);
  EXPECT_EQ(v.groups[0].state, "Master");
  EXPECT_GE(io.count(wire::PacketKind::vrrp), 1u);
  // The gate of ge0 follows VRRP6 vrid 1 and replicas leave from its virtual MAC.
  EXPECT_TRUE(io.fib_.gate(0));
  EXPECT_EQ(io.fib_.src_mac(0), MacAddress::vrrp6_virtual(1));
  // RFC 5798 §7.3: ge0's port accepts the virtual MAC while Master (ge0 is ifindex 1).
  EXPECT_EQ(io.virtual_macs,
            (std::set<std::pair<uint32_t, MacAddress>>{{1u, MacAddress::vrrp6_virtual(1)}}));
  bool logged = false;
  for (const auto& l : logs)
    logged |= l.find("vrrp6 ge0/1: Initialize -> Backup") == 0 ||
              l.find("vrrp6 ge0/1: Backup -> Master") == 0;
  EXPECT_TRUE(logged);
}

// The data plane's path: the worker's walk rides with the frame (dataplane::PuntTag) and the
// core parses from it; a fault the worker does not check is still a parse drop.
TEST_F(Fixture, PuntedFrameIsParsedFromTheWorkersWalk) {
  const Ipv6Address g = Ipv6Address::must_parse("ff05::db8:7");
  auto frame = wire::build_mld_v2_report_frame(*MacAddress::parse("02:00:00:00:aa:01"),
                                               Ipv6Address::must_parse("fe80::aa"),
                                               {{wire::MldRecordType::to_ex, g, {}}});
  auto hint_of = [](const std::vector<uint8_t>& f) {
    wire::HeaderWalk hw;
    const auto k = dataplane::classify(f.data(), static_cast<uint32_t>(f.size()), hw);
    EXPECT_EQ(k.verdict, dataplane::Verdict::punt);
    return dataplane::PuntTag::control(k.cls, hw).hint();
  };
  auto bad = frame;
  bad[bad.size() - 1] ^= 0x01;  // the body no longer matches its checksum
  const uint64_t drops = parse_drops_on_ge0("icmpv6_bad_checksum");
  core.on_frame(ge0(), bad, hint_of(bad), now);
  EXPECT_EQ(parse_drops_on_ge0("icmpv6_bad_checksum"), drops + 1);
  EXPECT_EQ(io.fib_.entries.count({Ipv6Address{}, g}), 0u);
  core.on_frame(ge0(), frame, hint_of(frame), now);
  EXPECT_EQ(parse_drops_on_ge0("icmpv6_bad_checksum"), drops + 1);
  EXPECT_EQ(io.fib_.entries.count({Ipv6Address{}, g}), 1u);
}

TEST_F(Fixture, Mldv2ReportInstallsFibEntryAndLeaveRemovesIt) {
  Ipv6Address g = Ipv6Address::must_parse("ff05::db8:1");
  Ipv6Address s1 = Ipv6Address::must_parse("2001:db8:100::10");
  report({{wire::MldRecordType::to_ex, g, {}}});
  ASSERT_EQ(io.fib_.entries.count({Ipv6Address{}, g}), 1u);
  EXPECT_EQ((io.fib_.entries[{Ipv6Address{}, g}]), dataplane::port_bit(0));
  auto groups = core.mld_group_snapshot("", now);
  ASSERT_EQ(groups.groups.size(), 1u);
  EXPECT_EQ(groups.groups[0].group, "ff05::db8:1");
  EXPECT_EQ(groups.groups[0].filter_mode, "exclude");
  EXPECT_EQ(groups.groups[0].origin, "local");
  EXPECT_EQ(groups.groups[0].last_reporter, "fe80::aa");
  EXPECT_EQ(groups.digest.size(), 16u);
  // EXCLUDE{S1}: (*,G) stays, (S1,G) blocks S1 on ge0.
  report({{wire::MldRecordType::block, g, {s1}}});
  auto fwd = core.forwarding_snapshot();
  EXPECT_EQ(fwd.entries.size(), io.fib_.entries.size());
  // Leave: TO_IN{} starts last-listener queries; after LLQT the entry goes.
  report({{wire::MldRecordType::to_in, g, {}}});
  advance(std::chrono::seconds(3));
  EXPECT_EQ(io.fib_.entries.count({Ipv6Address{}, g}), 0u);
  EXPECT_TRUE(core.forwarding_snapshot().entries.empty());
}

TEST_F(Fixture, DisplaysRenderFromLiveEngines) {
  advance(std::chrono::seconds(4));
  auto bfd = core.bfd_snapshot();
  ASSERT_EQ(bfd.sessions.size(), 1u);
  EXPECT_EQ(bfd.sessions[0].local, 10u);
  EXPECT_EQ(bfd.sessions[0].bind_application, "VRRP6");
  EXPECT_NE(cli::render_text(bfd, false).find("fe80::99"), std::string::npos);
  auto mi = core.mld_interface_snapshot("", now);
  ASSERT_EQ(mi.interfaces.size(), 1u);
  EXPECT_EQ(mi.interfaces[0].interface, "ge0");
  EXPECT_TRUE(mi.interfaces[0].is_querier);
  EXPECT_EQ(mi.interfaces[0].query_interval_s, 125u);
  EXPECT_TRUE(core.rbs_snapshot("", now).services.empty());
  metrics::MetricsSnapshot m;
  core.fill_metrics(m, now);
  EXPECT_EQ(m.vrrp6.size(), 1u);
  EXPECT_EQ(m.bfd.size(), 1u);
  EXPECT_EQ(m.mld.size(), 1u);
}

TEST_F(Fixture, BfdPacketsWaitForNeighborResolution) {
  advance(std::chrono::seconds(2));
  // No NA from fe80::99 yet: BFD is held back and an NS for it went out.
  EXPECT_GT(core.counters().dropped(CoreDrop::bfd_no_neighbor), 0u);
  EXPECT_GE(io.count(wire::PacketKind::nd_ns), 1u);
}

TEST_F(Fixture, ReloadAppliesOnlyTheDifference) {
  advance(std::chrono::seconds(4));
  std::string text = std::string(kConfig) + "interface ge0\n mld robust-count 3\nquit\n";
  auto next = config::parse_config(text, "t2.cfg");
  ASSERT_TRUE(next.ok());
  size_t vrrp_transitions = core.vrrp6_snapshot(now).groups[0].transitions;
  auto res = core.reload(next.config, now);
  EXPECT_TRUE(res.ok);
  ASSERT_EQ(res.lines.size(), 1u);
  EXPECT_EQ(res.lines[0], "interface ge0 changed: mld");
  EXPECT_EQ(core.mld_interface_snapshot("ge0", now).interfaces[0].robustness, 3u);
  // VRRP6 untouched: no new transitions.
  EXPECT_EQ(core.vrrp6_snapshot(now).groups[0].transitions, vrrp_transitions);
  // Same config again: nothing to do.
  EXPECT_EQ(core.reload(next.config, now).lines, std::vector<std::string>{"no change"});
}

// docs/mld-controls.md: ACLs, group-policy and static groups change in place on reload;
// groups the new policy denies go at once, static ones show as such and are not replicated.
TEST_F(Fixture, ReloadAppliesMldPoliciesInPlace) {
  const Ipv6Address g1 = Ipv6Address::must_parse("ff05::db8:1");
  const Ipv6Address g2 = Ipv6Address::must_parse("ff05::db8:2");
  const Ipv6Address gs = Ipv6Address::must_parse("ff0e::7");
  report({{wire::MldRecordType::to_ex, g1, {}}, {wire::MldRecordType::to_ex, g2, {}}});
  ASSERT_EQ(io.fib_.entries.count({Ipv6Address{}, g2}), 1u);
  std::string text = std::string(kConfig) +
                     "acl ipv6 number 2001\n rule permit source ff05::db8:1/128\nquit\n"
                     "interface ge0\n mld group-policy 2001\n mld static-group ff0e::7\nquit\n";
  auto next = config::parse_config(text, "t2.cfg");
  ASSERT_TRUE(next.ok()) << config::format_errors(next.errors);
  auto res = core.reload(next.config, now);
  EXPECT_TRUE(res.ok);
  EXPECT_EQ(res.lines, (std::vector<std::string>{"interface ge0 changed: mld",
                                                 "acl ipv6 / mld view changed"}));
  EXPECT_EQ(io.fib_.entries.count({Ipv6Address{}, g1}), 1u);
  EXPECT_EQ(io.fib_.entries.count({Ipv6Address{}, g2}), 0u);
  EXPECT_EQ(io.fib_.entries.count({Ipv6Address{}, gs}), 1u);
  report({{wire::MldRecordType::to_ex, g2, {}}});  // refused from now on
  EXPECT_EQ(io.fib_.entries.count({Ipv6Address{}, g2}), 0u);
  auto groups = core.mld_group_snapshot("ge0", now);
  ASSERT_EQ(groups.groups.size(), 2u);
  for (const auto& row : groups.groups) {
    if (row.group != "ff0e::7") continue;
    EXPECT_EQ(row.origin, "static");
    EXPECT_EQ(row.expires_ms, -1);
  }
  EXPECT_NE(cli::render_text(groups, false).find("static"), std::string::npos);
  EXPECT_NE(cli::render_json(groups).find("\"static\""), std::string::npos);
  EXPECT_TRUE(core.mld_interface_snapshot("ge0", now).interfaces[0].require_router_alert);
  advance(std::chrono::seconds(600));  // g1 ages out; the static group never does
  EXPECT_EQ(io.fib_.entries.count({Ipv6Address{}, g1}), 0u);
  EXPECT_EQ(io.fib_.entries.count({Ipv6Address{}, gs}), 1u);
  // Back to the first file: the static group goes, the policy is lifted.
  auto first = config::parse_config(kConfig, "t.cfg");
  EXPECT_TRUE(core.reload(first.config, now).ok);
  EXPECT_EQ(io.fib_.entries.count({Ipv6Address{}, gs}), 0u);
  report({{wire::MldRecordType::to_ex, g2, {}}});
  EXPECT_EQ(io.fib_.entries.count({Ipv6Address{}, g2}), 1u);
}

TEST_F(Fixture, ReloadNeedingNewPortsIsRefused) {
  auto next = config::parse_config(
      std::string(kConfig) + "interface ge9\n device net_null9\nquit\n", "t2.cfg");
  ASSERT_TRUE(next.ok());
  auto res = core.reload(next.config, now);
  EXPECT_FALSE(res.ok);
  EXPECT_EQ(core.config().interfaces.count("ge9"), 0u);
  EXPECT_EQ(core.counters().reload_failures, 1u);
}

TEST_F(Fixture, ShutdownResignsVrrpAndAdminDownsBfd) {
  advance(std::chrono::seconds(5));
  io.sent.clear();
  core.shutdown(now);
  bool resign = false;
  for (const auto& [i, f] : io.sent)
    resign |= f.kind == wire::PacketKind::vrrp && f.vrrp.priority == 0;
  EXPECT_TRUE(resign);
  EXPECT_TRUE(io.virtual_macs.empty());  // leaving Master removes the virtual MAC
  auto b = core.bfd_snapshot();
  EXPECT_EQ(b.sessions[0].state, "AdminDown");
}

TEST_F(Fixture, ResetStatisticsZeroesDisplaysButNotMetrics) {
  report({{wire::MldRecordType::to_ex, Ipv6Address::must_parse("ff05::7"), {}}});
  ASSERT_EQ(core.mld_interface_snapshot("ge0", now).interfaces[0].joins, 1u);
  core.reset_statistics("mld");
  EXPECT_EQ(core.mld_interface_snapshot("ge0", now).interfaces[0].joins, 0u);
  metrics::MetricsSnapshot m;
  core.fill_metrics(m, now);
  EXPECT_EQ(m.mld[0].joins, 1u);
  report({{wire::MldRecordType::to_ex, Ipv6Address::must_parse("ff05::8"), {}}});
  EXPECT_EQ(core.mld_interface_snapshot("ge0", now).interfaces[0].joins, 1u);
}

TEST_F(Fixture, GarbageFramesAreCountedNotFatal) {
  std::vector<uint8_t> junk(10, 0xff);
  core.on_frame(ge0(), junk, now);
  core.on_frame(77, junk, now);
  // 10 bytes: shorter than an Ethernet header, counted on ge0's row of the parser's drops.
  EXPECT_EQ(parse_drops_on_ge0("eth_truncated"), 1u);
  EXPECT_EQ(core.counters().dropped(CoreDrop::unknown_interface), 1u);
}

TEST(MldGroupStoreConversion, RoundTripKeepsStateAndTimes) {
  mld::GroupRecordView v;
  v.ifindex = 3;
  v.group = Ipv6Address::must_parse("ff05::1");
  v.filter_mode = mld::FilterMode::exclude;
  v.filter_remaining = std::chrono::milliseconds(259000);
  v.sources = {{Ipv6Address::must_parse("2001:db8::2"), Duration::zero()},
               {Ipv6Address::must_parse("2001:db8::1"), std::chrono::milliseconds(5000)}};
  auto r = to_replicated(v, 10, "ge0");
  EXPECT_EQ(r.key.backup_id, 10);
  EXPECT_EQ(r.key.interface, "ge0");
  EXPECT_EQ(r.filter_timer_ms, 259000);
  ASSERT_EQ(r.sources.size(), 2u);
  EXPECT_EQ(r.sources[0].address, Ipv6Address::must_parse("2001:db8::1"));  // sorted
  auto back = to_mld_view(r, 3);
  EXPECT_EQ(back.filter_mode, mld::FilterMode::exclude);
  EXPECT_EQ(back.origin, mld::Origin::backup);
  EXPECT_EQ(back.filter_remaining, std::chrono::milliseconds(259000));
}

TEST_F(Fixture, MldGlobalLimitsAreAppliedAtStartAndOnReload) {
  EXPECT_EQ(core.mld().global_limits(), mld::GlobalLimits{});  // the bounded defaults
  auto r = config::parse_config(std::string(kConfig) + "mld global limit groups 1\n", "t.cfg");
  ASSERT_TRUE(r.ok()) << config::format_errors(r.errors);
  EXPECT_TRUE(core.reload(r.config, now).ok);
  EXPECT_EQ(core.mld().global_limits().groups, 1u);
  report({{wire::MldRecordType::to_ex, Ipv6Address::must_parse("ff05::1"), {}}});
  report({{wire::MldRecordType::to_ex, Ipv6Address::must_parse("ff05::2"), {}}});
  EXPECT_EQ(core.mld().group_count(), 1u);
  EXPECT_EQ(core.mld().counters().ignored_count(mld::IgnoreReason::global_group_limit), 1u);
}

// An MLD engine with ge0 of kConfig, for the RBS store adapter tests.
struct StoreBench {
  InterfaceMap interfaces;
  uint32_t ge0 = 0;
  mld::MldRouter mld;
  TimePoint now{};

  explicit StoreBench(const mld::InterfaceConfig& cfg = {}) {
    auto parsed = config::parse_config(kConfig, "t.cfg");
    EXPECT_TRUE(parsed.ok()) << config::format_errors(parsed.errors);
    interfaces.build(parsed.config, macs());
    ge0 = interfaces.ifindex("ge0");
    EXPECT_TRUE(mld.add_interface(ge0, "ge0", cfg, interfaces.by_name("ge0")->link_local, now));
  }
};

// Static groups are each router's own configuration: the RBS store (snapshot, change feed,
// digest) never sees them, and a peer's record for the same group does not replace them.
TEST(MldGroupStoreStatic, StaticGroupsAreNeitherExportedNorReplaced) {
  mld::InterfaceConfig cfg;
  const Ipv6Address gs = Ipv6Address::must_parse("ff0e::7");
  cfg.static_groups = {{gs, {}}};
  StoreBench b(cfg);
  auto& [interfaces, ge0, mld, now] = b;
  MldGroupStore store(mld, interfaces);
  store.set_bindings({{"ge0", 10}});
  const replication::GroupKey key{10, "ge0", gs};
  EXPECT_FALSE(store.find(key, now));
  size_t exported = 0;
  store.for_each(now, [&](const replication::GroupRecord&) { ++exported; });
  EXPECT_EQ(exported, 0u);
  EXPECT_EQ(store.size(), 0u);
  replication::GroupRecord r;
  r.key = key;
  r.mode = replication::FilterMode::include;
  r.sources = {{Ipv6Address::must_parse("2001:db8::1"), 100000}};
  store.upsert(r, now);
  store.remove(key, now);
  ASSERT_TRUE(mld.find_group(ge0, gs, now));
  EXPECT_EQ(mld.find_group(ge0, gs, now)->origin, mld::Origin::static_config);
  EXPECT_EQ(mld.find_group(ge0, gs, now)->filter_mode, mld::FilterMode::exclude);
}

// The backup side of the RBS: records from the peer go through the store adapter into the
// engine, which applies its own global limits to them (a peer cannot grow the backup without
// bound); each refusal is counted by the store and, by reason, by the engine.
TEST(MldGroupStoreLimits, PeerRecordsOverTheGlobalGroupLimitAreRefusedAndCounted) {
  StoreBench b;
  auto& [interfaces, ge0, mld, now] = b;
  ASSERT_TRUE(mld.set_global_limits(mld::GlobalLimits{2, 100}));
  ASSERT_TRUE(mld.set_passive(ge0, true, now));
  MldGroupStore store(mld, interfaces);
  store.set_bindings({{"ge0", 10}});
  auto record = [](const char* group) {
    replication::GroupRecord r;
    r.key = replication::GroupKey{10, "ge0", Ipv6Address::must_parse(group)};
    r.mode = replication::FilterMode::exclude;
    r.filter_timer_ms = 200000;
    return r;
  };
  store.upsert(record("ff05::1"), now);
  store.upsert(record("ff05::2"), now);
  store.upsert(record("ff05::3"), now);
  EXPECT_EQ(mld.group_count(), 2u);
  EXPECT_EQ(store.rejected(), 1u);
  const auto ge0_counters = mld.interface_status(ge0, now)->counters;
  EXPECT_EQ(ge0_counters.ignored_count(mld::IgnoreReason::global_group_limit), 1u);
  store.upsert(record("ff05::2"), now);  // an update of a held record still applies
  EXPECT_EQ(store.rejected(), 1u);
}

}  // namespace
}  // namespace tandem::daemon
