// Global limits on groups and sources (issue #9, `mld global limit groups|sources N`): a limit
// refuses the creation of new state only, counts each refusal under its reason, logs at most
// one line per interface per interval, and applies to records from the hot-backup peer too.
#include <random>
#include <string>

#include "control/mld/refusal_log.h"
#include "tests/mld/sim.h"

namespace tandem::mld::test {
namespace {

using T = MldRecordType;

Ipv6Address group_n(int n) {
  return A(("ff05::" + std::to_string(n)).c_str());
}

// A router with one interface (ge0) and the given global limits.
struct LimitedSim : Sim {
  LimitedSim(uint32_t groups, uint32_t sources, LogSink log = null_log_sink())
      : Sim({}, kRouterLl, std::move(log)) {
    EXPECT_TRUE(router.set_global_limits(GlobalLimits{groups, sources}));
  }
};

// ---- groups ----

TEST(GlobalGroupLimit, NewGroupOverTheLimitIsRefusedAndCounted) {
  LimitedSim sim(2, 100);
  sim.report_group(kHost1, T::to_ex, group_n(1));
  sim.report_group(kHost1, T::is_ex, group_n(2));
  sim.clear_output();
  sim.report_group(kHost1, T::to_ex, group_n(3));
  EXPECT_EQ(sim.router.group_count(), 2u);
  EXPECT_FALSE(sim.group(group_n(3)));
  EXPECT_EQ(sim.ignored(IgnoreReason::global_group_limit), 1u);
  EXPECT_EQ(sim.router.interface_status(kIf, sim.now)
                ->counters.ignored_count(IgnoreReason::global_group_limit),
            1u);
  EXPECT_TRUE(sim.events.empty());  // nothing reaches the FIB or the peer
}

TEST(GlobalGroupLimit, ExistingGroupsRefreshAndLeaveAtTheLimit) {
  LimitedSim sim(2, 100);
  sim.report_group(kHost1, T::to_ex, group_n(1));
  sim.report_group(kHost1, T::to_ex, group_n(2));
  sim.advance(100s);
  sim.report_group(kHost1, T::is_ex, group_n(1));  // refresh: filter timer back to MALI
  EXPECT_EQ(sim.group(group_n(1))->expires, 260s);
  sim.report_group(kHost1, T::allow, group_n(1), {kS1});  // a source in an existing group
  EXPECT_TRUE(has_source(*sim.group(group_n(1)), kS1));
  sim.report_group(kHost1, T::to_in, group_n(2));  // leave: Q(G), then gone after LLQT
  sim.advance(2s);
  EXPECT_FALSE(sim.group(group_n(2)));
  EXPECT_EQ(sim.ignored(IgnoreReason::global_group_limit), 0u);
}

TEST(GlobalGroupLimit, NewGroupAcceptedAfterAnotherExpires) {
  LimitedSim sim(1, 100);
  sim.report_group(kHost1, T::is_ex, group_n(1));
  sim.report_group(kHost1, T::is_ex, group_n(2));
  EXPECT_EQ(sim.ignored(IgnoreReason::global_group_limit), 1u);
  sim.advance(261s);  // MALI: group 1 times out (§7.5)
  EXPECT_EQ(sim.router.group_count(), 0u);
  sim.report_group(kHost1, T::is_ex, group_n(2));
  EXPECT_TRUE(sim.group(group_n(2)));
  EXPECT_EQ(sim.ignored(IgnoreReason::global_group_limit), 1u);
}

TEST(GlobalGroupLimit, CountsGroupsOfAllInterfaces) {
  LimitedSim sim(2, 100);
  ASSERT_TRUE(sim.router.add_interface(2, "ge1", {}, kRouterLl, sim.now));
  ASSERT_TRUE(sim.router.add_interface(3, "ge2", {}, kRouterLl, sim.now));
  sim.feed(wire::build_mld_v2_report_frame(host_mac(), kHost1, {{T::to_ex, kG, {}}}), 2);
  sim.feed(wire::build_mld_v2_report_frame(host_mac(), kHost1, {{T::to_ex, kG, {}}}), 3);
  // The same group on a third interface is a new (interface, group) entry: refused.
  sim.report(kHost1, T::to_ex);
  EXPECT_FALSE(sim.group());
  EXPECT_EQ(sim.router.group_count(), 2u);
  auto ge0 = sim.router.interface_status(kIf, sim.now);
  EXPECT_EQ(ge0->counters.ignored_count(IgnoreReason::global_group_limit), 1u);
}

TEST(GlobalGroupLimit, AccessLimitIsCheckedFirstAndCountedUnderItsOwnReason) {
  InterfaceConfig cfg;
  cfg.access_limit = 1;
  Sim sim(cfg);
  ASSERT_TRUE(sim.router.set_global_limits(GlobalLimits{1, 100}));
  sim.report_group(kHost1, T::to_ex, group_n(1));
  sim.report_group(kHost1, T::to_ex, group_n(2));
  EXPECT_EQ(sim.ignored(IgnoreReason::access_limit), 1u);
  EXPECT_EQ(sim.ignored(IgnoreReason::global_group_limit), 0u);
}

TEST(GlobalGroupLimit, LoweringTheLimitKeepsExistingGroups) {
  LimitedSim sim(3, 100);
  for (int g = 1; g <= 3; ++g) sim.report_group(kHost1, T::to_ex, group_n(g));
  ASSERT_TRUE(sim.router.set_global_limits(GlobalLimits{1, 100}));
  EXPECT_EQ(sim.router.group_count(), 3u);
  sim.report_group(kHost1, T::is_ex, group_n(3));  // still refreshed
  EXPECT_EQ(sim.group(group_n(3))->expires, 260s);
  sim.report_group(kHost1, T::to_ex, group_n(4));
  EXPECT_EQ(sim.ignored(IgnoreReason::global_group_limit), 1u);
}

TEST(GlobalLimits, RangesAreChecked) {
  EXPECT_TRUE(GlobalLimits{}.validate().empty());
  EXPECT_EQ(GlobalLimits{}.groups, 1000000u);  // a bound by default, never unlimited
  EXPECT_EQ(GlobalLimits{}.sources, 4000000u);
  EXPECT_FALSE((GlobalLimits{0, 1}).validate().empty());
  EXPECT_FALSE((GlobalLimits{kMaxGlobalGroupLimit + 1, 1}).validate().empty());
  EXPECT_FALSE((GlobalLimits{1, kMaxGlobalSourceLimit + 1}).validate().empty());
  MldRouter router;
  EXPECT_FALSE(router.set_global_limits(GlobalLimits{0, 1}));
  EXPECT_EQ(router.global_limits(), GlobalLimits{});
}

// ---- sources ----

TEST(GlobalSourceLimit, IncludeModeRefusesTheNewSourceAndKeepsTheOthers) {
  LimitedSim sim(100, 2);
  sim.report(kHost1, T::is_in, {kS1, kS2});
  sim.advance(100s);
  sim.report(kHost1, T::allow, {kS1, kS3});  // S1 refreshed, S3 refused
  auto v = sim.group();
  ASSERT_TRUE(v);
  EXPECT_EQ(source_remaining(*v, kS1), 260s);
  EXPECT_EQ(source_remaining(*v, kS2), 160s);  // untouched
  EXPECT_FALSE(has_source(*v, kS3));
  EXPECT_FALSE(sim.has_event(EventKind::listener_added, kS3));
  EXPECT_EQ(sim.ignored(IgnoreReason::global_source_limit), 1u);
  EXPECT_EQ(sim.router.source_count(), 2u);
}

TEST(GlobalSourceLimit, NewIncludeGroupWithoutBudgetCreatesNoRecord) {
  LimitedSim sim(100, 1);
  sim.report(kHost1, T::is_in, {kS1});
  sim.clear_output();
  sim.report_group(kHost1, T::allow, kG2, {kS2, kS3});
  EXPECT_FALSE(sim.group(kG2));
  EXPECT_TRUE(sim.events.empty());  // no record created and deleted again
  EXPECT_EQ(sim.ignored(IgnoreReason::global_source_limit), 2u);
  EXPECT_EQ(sim.router.interface_status(kIf, sim.now)->joins, 1u);
}

TEST(GlobalSourceLimit, ExcludeModeKeepsTheGroupAndItsListsWhenAnExcludeEntryIsRefused) {
  LimitedSim sim(100, 1);
  sim.report(kHost1, T::to_ex, {kS1});  // EXCLUDE({}, {S1}): S1 blocked
  ASSERT_EQ(sim.router.source_count(), 1u);
  sim.clear_output();
  sim.report(kHost1, T::block, {kS2});  // §7.4.2: would add S2 with the filter timer; refused
  auto v = sim.group();
  ASSERT_TRUE(v);
  EXPECT_EQ(v->filter_mode, FilterMode::exclude);
  EXPECT_EQ(sources_of(*v, false), std::vector<Ipv6Address>{kS1});  // S1 still blocked
  EXPECT_FALSE(has_source(*v, kS2));
  EXPECT_FALSE(sim.has_event(EventKind::listener_removed));  // (*,G) keeps forwarding
  EXPECT_EQ(sim.ignored(IgnoreReason::global_source_limit), 1u);
  // IS_EX({S1, S2}): the group is refreshed, S1 stays blocked, S2 (new) is refused again.
  sim.advance(10s);
  sim.report(kHost1, T::is_ex, {kS1, kS2});
  v = sim.group();
  EXPECT_EQ(v->expires, 260s);
  EXPECT_EQ(sources_of(*v, false), std::vector<Ipv6Address>{kS1});
  EXPECT_EQ(sim.ignored(IgnoreReason::global_source_limit), 2u);
}

TEST(GlobalSourceLimit, IncludeToExcludeSwitchHappensWithTheRefusedEntriesLeftOut) {
  LimitedSim sim(100, 2);
  sim.report(kHost1, T::is_in, {kS1, kS2});
  sim.report(kHost1, T::to_ex, {kS2, kS3});  // §7.4.2: EXCLUDE(A*B, B-A) = ({S2}, {S3})
  auto v = sim.group();
  ASSERT_TRUE(v);
  EXPECT_EQ(v->filter_mode, FilterMode::exclude);
  EXPECT_TRUE(has_source(*v, kS2));   // A*B kept its timer
  EXPECT_FALSE(has_source(*v, kS1));  // Delete(A-B), as the RFC says
  EXPECT_FALSE(has_source(*v, kS3));  // new exclude entry refused: S3 stays forwarded
  EXPECT_EQ(sim.ignored(IgnoreReason::global_source_limit), 1u);
  EXPECT_EQ(sim.router.source_count(), 1u);
}

TEST(GlobalSourceLimit, SourceAcceptedAfterAnotherExpires) {
  LimitedSim sim(100, 1);
  sim.report(kHost1, T::is_in, {kS1});
  sim.report_group(kHost1, T::is_in, kG2, {kS2});
  EXPECT_EQ(sim.ignored(IgnoreReason::global_source_limit), 1u);
  sim.report(kHost1, T::block, {kS1});  // Q(G,S1); S1 goes after LLQT
  sim.advance(3s);
  EXPECT_EQ(sim.router.source_count(), 0u);
  sim.report_group(kHost1, T::is_in, kG2, {kS2});
  EXPECT_TRUE(sim.group(kG2));
  EXPECT_EQ(sim.router.source_count(), 1u);
}

TEST(GlobalSourceLimit, SourceCountFollowsEveryChange) {
  LimitedSim sim(100, 100);
  sim.report(kHost1, T::is_in, {kS1, kS2});
  sim.report_group(kHost1, T::to_ex, A("ff0e::db8:2"), {kS3});  // ASM: EXCLUDE allowed
  EXPECT_EQ(sim.router.source_count(), 3u);
  sim.report(kHost1, T::to_ex, {kS4});  // INCLUDE({S1,S2}) → EXCLUDE({}, {S4})
  EXPECT_EQ(sim.router.source_count(), 2u);
  sim.advance(261s);  // both groups expire
  EXPECT_EQ(sim.router.group_count(), 0u);
  EXPECT_EQ(sim.router.source_count(), 0u);
}

// ---- the rate-limited line ----

TEST(RefusalLog, OneLinePerIntervalCarryingTheSuppressedCount) {
  RefusalLog log;
  TimePoint t{};
  uint64_t suppressed = 99;
  EXPECT_TRUE(log.admit(t, suppressed));
  EXPECT_EQ(suppressed, 0u);
  EXPECT_FALSE(log.admit(t + 1s, suppressed));
  EXPECT_FALSE(log.admit(t + 9s, suppressed));
  EXPECT_EQ(log.pending(), 2u);
  EXPECT_TRUE(log.admit(t + RefusalLog::kInterval, suppressed));
  EXPECT_EQ(suppressed, 2u);
  EXPECT_EQ(log.pending(), 0u);
}

TEST(RefusalLog, StormLogsOneLinePerInterfacePerIntervalWithTheSuppressedCount) {
  std::vector<std::string> lines;
  auto sink = [&](LogLevel level, std::string_view subsystem, std::string_view line) {
    if (level == LogLevel::warning)
      lines.push_back(std::string(subsystem) + ": " + std::string(line));
  };
  LimitedSim sim(1, 100, sink);
  ASSERT_TRUE(sim.router.add_interface(2, "ge1", {}, kRouterLl, sim.now));
  sim.report_group(kHost1, T::to_ex, group_n(1));
  for (int g = 2; g <= 51; ++g) {  // 50 refusals on ge0 within one second
    sim.report_group(kHost1, T::to_ex, group_n(g));
    sim.advance(20ms);
  }
  sim.feed(wire::build_mld_v2_report_frame(host_mac(), kHost1, {{T::to_ex, kG, {}}}), 2);
  ASSERT_EQ(lines.size(), 2u);  // one per interface
  EXPECT_EQ(lines[0],
            "mld ge0: group ff05::2 from fe80::101 refused: global limit groups 1 reached (0 "
            "refusal(s) not logged since the last line)");
  EXPECT_EQ(lines[1].rfind("mld ge1: group ff05::db8:1 from fe80::101 refused", 0), 0u);
  sim.advance(RefusalLog::kInterval);
  sim.report_group(kHost1, T::to_ex, group_n(99));
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_NE(lines[2].find("global limit groups 1 reached (49 refusal(s) not logged"),
            std::string::npos)
      << lines[2];
  EXPECT_EQ(sim.ignored(IgnoreReason::global_group_limit), 52u);  // every one counted
}

// ---- records from the hot-backup peer ----

GroupRecordView peer_record(const Ipv6Address& group, FilterMode mode,
                            std::vector<SourceRecord> sources = {}) {
  GroupRecordView v;
  v.ifindex = kIf;
  v.group = group;
  v.filter_mode = mode;
  v.filter_remaining = mode == FilterMode::exclude ? Duration(200s) : Duration{};
  v.sources = std::move(sources);
  v.last_reporter = kHost1;
  return v;
}

struct Backup : Sim {
  Backup(uint32_t groups, uint32_t sources) {
    EXPECT_TRUE(router.set_global_limits(GlobalLimits{groups, sources}));
    EXPECT_TRUE(router.set_passive(kIf, true, now));
    clear_output();
  }
  bool upsert(const GroupRecordView& v) {
    bool ok = router.apply_upsert(v, now);
    drain();
    return ok;
  }
};

TEST(BackupLimits, UpsertOfANewGroupOverTheLimitIsRefusedAndCounted) {
  Backup b(2, 100);
  EXPECT_TRUE(b.upsert(peer_record(group_n(1), FilterMode::exclude)));
  EXPECT_TRUE(b.upsert(peer_record(group_n(2), FilterMode::exclude)));
  EXPECT_FALSE(b.upsert(peer_record(group_n(3), FilterMode::exclude)));
  EXPECT_EQ(b.router.group_count(), 2u);
  EXPECT_EQ(b.ignored(IgnoreReason::global_group_limit), 1u);
  // Updates and removals of what the backup holds still apply at the limit.
  EXPECT_TRUE(b.upsert(peer_record(group_n(2), FilterMode::include, {{kS1, 100s}})));
  EXPECT_EQ(b.group(group_n(2))->filter_mode, FilterMode::include);
  EXPECT_TRUE(b.router.apply_remove(kIf, group_n(1), b.now));
  EXPECT_TRUE(b.upsert(peer_record(group_n(3), FilterMode::exclude)));
}

TEST(BackupLimits, UpsertKeepsKnownSourcesAndRefusesNewOnesOverTheSourceLimit) {
  Backup b(100, 2);
  EXPECT_TRUE(b.upsert(peer_record(kG, FilterMode::include, {{kS1, 100s}, {kS2, 100s}})));
  // The peer's record now names S1..S4: S1 and S2 are refreshed, S3 and S4 are new.
  EXPECT_TRUE(b.upsert(
      peer_record(kG, FilterMode::include, {{kS1, 200s}, {kS2, 200s}, {kS3, 200s}, {kS4, 200s}})));
  auto v = b.group();
  ASSERT_TRUE(v);
  EXPECT_EQ(source_remaining(*v, kS1), 200s);
  EXPECT_EQ(source_remaining(*v, kS2), 200s);
  EXPECT_FALSE(has_source(*v, kS3));
  EXPECT_EQ(b.ignored(IgnoreReason::global_source_limit), 2u);
  EXPECT_EQ(b.router.source_count(), 2u);
  // A new INCLUDE group with no budget left is not created at all.
  EXPECT_FALSE(b.upsert(peer_record(kG2, FilterMode::include, {{kS3, 100s}})));
  EXPECT_FALSE(b.group(kG2));
  EXPECT_EQ(b.ignored(IgnoreReason::global_source_limit), 3u);
}

// ---- bookkeeping under random input ----

// Random reports of every type over three interfaces, with limits small enough to be hit all
// the time, plus random clock steps (leaves and expiries) and peer upserts: the running
// source count always equals the sources in the table, and neither limit is ever exceeded.
TEST(GlobalLimits, CountsStayExactAndBoundedUnderRandomInput) {
  const std::vector<T> types{T::is_in, T::is_ex, T::to_in, T::to_ex, T::allow, T::block};
  const std::vector<Ipv6Address> sources{kS1, kS2, kS3, kS4, A("2001:db8:1::14")};
  for (uint64_t seed = 1; seed <= 8; ++seed) {
    std::mt19937_64 rng(seed);
    LimitedSim sim(6, 9);
    ASSERT_TRUE(sim.router.add_interface(2, "ge1", {}, kRouterLl, sim.now));
    ASSERT_TRUE(sim.router.add_interface(3, "ge2", {}, kRouterLl, sim.now));
    for (int step = 0; step < 3000; ++step) {
      const uint32_t itf = static_cast<uint32_t>(rng() % 3) + 1;
      const Ipv6Address g = group_n(static_cast<int>(rng() % 5) + 1);
      std::vector<Ipv6Address> b;
      for (const auto& a : sources)
        if (rng() % 3 == 0) b.push_back(a);
      if (rng() % 10 == 0) {
        // A record from the peer, as the backup would get it (interfaces stay active).
        GroupRecordView v;
        v.ifindex = itf;
        v.group = g;
        v.filter_mode = rng() % 2 ? FilterMode::exclude : FilterMode::include;
        v.filter_remaining = 100s;
        for (const auto& a : b) v.sources.push_back({a, rng() % 2 ? Duration(50s) : Duration{}});
        sim.router.apply_upsert(v, sim.now);
        sim.drain();
      } else {
        sim.feed(wire::build_mld_v2_report_frame(host_mac(), kHost1,
                                                 {{types[rng() % types.size()], g, b}}),
                 itf);
      }
      sim.advance(std::chrono::milliseconds(rng() % 4000));
      size_t listed = 0;
      sim.router.for_each_group([&](const GroupRecordView& v) { listed += v.sources.size(); },
                                sim.now);
      ASSERT_EQ(sim.router.source_count(), listed) << "seed " << seed << " step " << step;
      ASSERT_LE(sim.router.group_count(), 6u);
      ASSERT_LE(sim.router.source_count(), 9u);
    }
    EXPECT_GT(sim.ignored(IgnoreReason::global_group_limit), 0u) << "seed " << seed;
    EXPECT_GT(sim.ignored(IgnoreReason::global_source_limit), 0u) << "seed " << seed;
  }
}

// ---- memory ----

TEST(GlobalLimits, StorageReturnsToBaselineWhenEveryGroupHasExpired) {
  Sim sim;
  const size_t baseline = sim.router.memory_bytes();
  std::vector<wire::MldRecordSpec> recs;
  for (int g = 1; g <= 10000; ++g) {  // more than one chunk of records
    wire::Ipv6Address a = group_n(0);
    a.bytes[13] = static_cast<uint8_t>(g >> 16);
    a.bytes[14] = static_cast<uint8_t>(g >> 8);
    a.bytes[15] = static_cast<uint8_t>(g);
    recs.push_back({T::is_in, a, {kS1, kS2}});
    if (recs.size() == 40) {
      sim.feed(wire::build_mld_v2_report_frame(host_mac(), kHost1, recs));
      recs.clear();
      sim.clear_output();
    }
  }
  EXPECT_EQ(sim.router.group_count(), 10000u);
  EXPECT_EQ(sim.router.source_count(), 20000u);
  EXPECT_GT(sim.router.memory_bytes(), baseline + 10000 * 100);
  sim.advance(261s);
  EXPECT_EQ(sim.router.group_count(), 0u);
  EXPECT_EQ(sim.router.source_count(), 0u);
  EXPECT_LE(sim.router.memory_bytes(), baseline);
  sim.report(kHost1, T::to_ex);  // and the table works again from empty
  EXPECT_TRUE(sim.group());
}

}  // namespace
}  // namespace tandem::mld::test
