// Host-level scenarios in simulated time: joins and leaves of several hosts, leave latency,
// silent hosts, ignored input (each with its counted reason), access limit, passive mode and
// the display view.
#include "tests/mld/sim.h"

namespace tandem::mld::test {
namespace {

using T = MldRecordType;

TEST(Scenario, TwoHostsJoinAndLeave_NoEarlyPrune) {
  Sim sim;
  sim.report(kHost1, T::to_ex);  // host 1 joins (*,G)
  sim.report(kHost2, T::to_ex);  // host 2 joins
  sim.advance(30s);
  sim.clear_output();
  sim.report(kHost1, T::to_in);  // host 1 leaves: the querier asks who is left
  ASSERT_EQ(sim.specific_queries().size(), 1u);
  sim.advance(300ms);
  sim.report(kHost2, T::is_ex);  // host 2 answers the address-specific query
  sim.advance(10s);
  ASSERT_TRUE(sim.group());
  EXPECT_EQ(sim.group()->filter_mode, FilterMode::exclude);
  EXPECT_FALSE(sim.has_event(EventKind::listener_removed));
  // Host 2 leaves too and nobody answers: gone after LLQT.
  sim.report(kHost2, T::to_in);
  sim.advance(2s);
  EXPECT_FALSE(sim.group());
  EXPECT_TRUE(sim.has_event(EventKind::listener_removed));
}

TEST(Scenario, LeaveLatencyEqualsLlqt) {
  Sim sim;
  sim.report(kHost1, T::to_ex);
  sim.advance(42s);
  sim.clear_output();
  const TimePoint leave = sim.now;
  sim.report(kHost1, T::to_in);
  sim.run_until(leave + 2s - 1ms);
  EXPECT_TRUE(sim.group());
  EXPECT_FALSE(sim.has_event(EventKind::listener_removed));
  sim.run_until(leave + 2s);  // LLQT = LLQI 1 s x LLQC 2
  EXPECT_FALSE(sim.group());
  EXPECT_TRUE(sim.has_event(EventKind::listener_removed));
  EXPECT_EQ(sim.specific_queries().size(), 2u);  // LLQC queries
}

TEST(Scenario, SilentHostExpiresAtMali) {
  Sim sim;
  sim.advance(5s);
  const TimePoint joined = sim.now;
  sim.report(kHost1, T::is_ex);
  sim.run_until(joined + 260s - 1ms);
  ASSERT_TRUE(sim.group());
  EXPECT_EQ(sim.group()->expires, 1ms);
  sim.run_until(joined + 260s);
  EXPECT_FALSE(sim.group());
  EXPECT_TRUE(sim.has_event(EventKind::record_removed));
}

TEST(Scenario, Rfc3810_5_2_13_ReportFromUnspecifiedIsIgnoredAndCounted) {
  Sim sim;
  // The host is still in DAD: parse_frame accepts the report, the router ignores it.
  sim.feed(wire::build_mld_v2_report_frame(host_mac(), Ipv6Address{}, {{T::to_ex, kG, {}}}));
  EXPECT_FALSE(sim.group());
  EXPECT_EQ(sim.ignored(IgnoreReason::from_unspecified), 1u);
  const auto st = sim.router.interface_status(kIf, sim.now);
  EXPECT_EQ(st->counters.ignored_count(IgnoreReason::from_unspecified), 1u);
  EXPECT_EQ(st->counters.reports_received, 1u);
  EXPECT_GE(st->counters.queries_sent, 1u);  // the first start-up query
}

TEST(Scenario, ReportFromGlobalSourceIsIgnored) {
  Sim sim;
  const auto bytes = wire::build_mld_v2_report_frame(host_mac(), kHost1, {{T::to_ex, kG, {}}});
  const wire::Frame f = wire::parse_frame(bytes);
  sim.router.on_message(kIf, A("2001:db8::5"), f.mld, sim.now);
  EXPECT_FALSE(sim.group());
  EXPECT_EQ(sim.ignored(IgnoreReason::source_not_link_local), 1u);
}

TEST(Scenario, LinkScopeGroupIsNotTracked) {
  Sim sim;
  sim.report_group(kHost1, T::to_ex, A("ff02::1:ff00:101"));
  EXPECT_EQ(sim.router.group_count(), 0u);
  EXPECT_EQ(sim.ignored(IgnoreReason::link_scope_group), 1u);
}

TEST(Scenario, NonMldFrameAndUnknownInterfaceAreCounted) {
  Sim sim;
  wire::Frame f;
  f.kind = wire::PacketKind::vrrp;
  sim.router.on_frame(f, kIf, sim.now);
  EXPECT_EQ(sim.ignored(IgnoreReason::unknown_type), 1u);
  sim.feed(wire::build_mld_v2_report_frame(host_mac(), kHost1, {{T::to_ex, kG, {}}}), 99);
  EXPECT_EQ(sim.ignored(IgnoreReason::unknown_interface), 1u);
}

TEST(Scenario, BlockAndToInForUnknownGroupCreateNothing) {
  Sim sim;
  sim.report(kHost1, T::block, {kS1});
  sim.report(kHost1, T::to_in);
  sim.report(kHost1, T::is_in);
  EXPECT_EQ(sim.router.group_count(), 0u);
  EXPECT_TRUE(sim.specific_queries().empty());
}

TEST(Scenario, AccessLimitCapsGroupsPerInterface) {
  InterfaceConfig cfg;
  cfg.access_limit = 2;
  Sim sim(cfg);
  sim.report_group(kHost1, T::to_ex, A("ff05::1"));
  sim.report_group(kHost1, T::to_ex, A("ff05::2"));
  sim.report_group(kHost1, T::to_ex, A("ff05::3"));
  EXPECT_EQ(sim.router.group_count(), 2u);
  EXPECT_EQ(sim.ignored(IgnoreReason::access_limit), 1u);
  sim.report_group(kHost1, T::is_ex, A("ff05::1"));  // refreshing an existing one is fine
  EXPECT_EQ(sim.ignored(IgnoreReason::access_limit), 1u);
  sim.report_group(kHost1, T::to_in, A("ff05::2"));
  sim.advance(2s);
  sim.report_group(kHost1, T::to_ex, A("ff05::3"));  // room again after a leave
  EXPECT_TRUE(sim.group(A("ff05::3")));
  InterfaceConfig bad;
  bad.access_limit = 16385;
  EXPECT_FALSE(bad.validate().empty());
}

TEST(Scenario, SourceListIsBounded) {
  Sim sim;
  std::vector<Ipv6Address> batch;
  for (uint32_t i = 0; i < kMaxSourcesPerGroup + 10; ++i) {
    Ipv6Address a = kS1;
    a.bytes[13] = static_cast<uint8_t>(i >> 16);
    a.bytes[14] = static_cast<uint8_t>(i >> 8);
    a.bytes[15] = static_cast<uint8_t>(i);
    batch.push_back(a);
    if (batch.size() == 80) {
      sim.report(kHost1, T::allow, batch);
      batch.clear();
    }
  }
  sim.report(kHost1, T::allow, batch);
  EXPECT_EQ(sim.group()->sources.size(), kMaxSourcesPerGroup);
  EXPECT_EQ(sim.ignored(IgnoreReason::source_limit), 10u);
}

TEST(Scenario, PassiveInterfaceIgnoresReportsAndSendsNoQueries) {
  Sim sim;
  sim.report(kHost1, T::to_ex);
  ASSERT_TRUE(sim.router.set_passive(kIf, true, sim.now));
  sim.clear_output();
  sim.report_group(kHost1, T::to_ex, kG2);
  EXPECT_FALSE(sim.group(kG2));
  EXPECT_EQ(sim.ignored(IgnoreReason::passive_interface), 1u);
  sim.query_from(A("fe80::1"), wire::MldQuerySpec{});
  EXPECT_EQ(sim.ignored(IgnoreReason::passive_interface), 2u);
  sim.advance(259s);
  EXPECT_TRUE(sim.queries.empty());
  EXPECT_TRUE(sim.group());  // existing state keeps aging
  sim.advance(1s);
  EXPECT_FALSE(sim.group());
  ASSERT_TRUE(sim.router.set_passive(kIf, false, sim.now));
  sim.drain();
  EXPECT_EQ(sim.general_queries(), 1u);  // one general query at once
  EXPECT_TRUE(sim.router.interface_status(kIf, sim.now)->is_querier);
}

TEST(Scenario, DisplayViewCarriesUptimeExpiresReporterAndCounts) {
  Sim sim;
  sim.advance(10s);
  sim.report(kHost1, T::to_ex, {kS3});
  sim.advance(20s);
  sim.report(kHost2, T::allow, {kS1});
  sim.advance(5s);
  auto g = sim.group();
  ASSERT_TRUE(g);
  EXPECT_EQ(g->uptime, 25s);
  EXPECT_EQ(g->filter_remaining, 235s);
  EXPECT_EQ(g->expires, 255s);  // S1 outlives the Filter Timer (INCLUDE({S1}) then)
  EXPECT_EQ(g->last_reporter, kHost2);
  EXPECT_EQ(g->origin, Origin::local);
  EXPECT_EQ(g->compat, CompatMode::v2);
  EXPECT_EQ(source_remaining(*g, kS1), 255s);
  EXPECT_EQ(source_remaining(*g, kS3), Duration{});
  auto st = sim.router.interface_status(kIf, sim.now);
  ASSERT_TRUE(st);
  EXPECT_EQ(st->groups, 1u);
  EXPECT_EQ(st->joins, 1u);
  EXPECT_EQ(st->name, "ge0");
  size_t seen = 0;
  sim.router.for_each_group([&](const GroupRecordView&) { ++seen; }, sim.now, kIf);
  EXPECT_EQ(seen, 1u);
  sim.router.for_each_group([&](const GroupRecordView&) { ++seen; }, sim.now, 7u);
  EXPECT_EQ(seen, 1u);
}

TEST(Scenario, RemoveInterfaceWithdrawsItsListeners) {
  Sim sim;
  sim.report(kHost1, T::to_ex);
  sim.report_group(kHost1, T::allow, kG2, {kS1});
  sim.clear_output();
  ASSERT_TRUE(sim.router.remove_interface(kIf, sim.now));
  sim.drain();
  EXPECT_EQ(sim.router.group_count(), 0u);
  EXPECT_TRUE(sim.has_event(EventKind::listener_removed));
  EXPECT_TRUE(sim.has_event(EventKind::listener_removed, kS1, kG2));
  EXPECT_EQ(sim.router.next_deadline(), kNever);  // stale timers fire into nothing
}

TEST(Scenario, ConfigRangesFollowTheCli) {
  InterfaceConfig c;
  EXPECT_EQ(c.validate(), "");
  c.query_interval = 0s;
  EXPECT_NE(c.validate(), "");
  c = {};
  c.query_interval = 18001s;
  EXPECT_NE(c.validate(), "");
  c = {};
  c.robustness = 1;
  EXPECT_NE(c.validate(), "");
  c.robustness = 6;
  EXPECT_NE(c.validate(), "");
  c = {};
  c.max_response = 126s;
  EXPECT_NE(c.validate(), "");
  c = {};
  c.last_listener_query_interval = 26s;
  EXPECT_NE(c.validate(), "");
  c = {};
  c.query_interval = 10s;
  c.max_response = 10s;  // §9.3: QRI < QI
  EXPECT_NE(c.validate(), "");
  MldRouter r;
  EXPECT_FALSE(r.add_interface(1, "x", c, kRouterLl, TimePoint{}));
}

TEST(Scenario, IgnoreReasonNamesRoundTrip) {
  for (size_t i = 0; i < kIgnoreReasonCount; ++i) {
    const auto r = static_cast<IgnoreReason>(i);
    EXPECT_FALSE(ignore_reason_text(r).empty());
    EXPECT_EQ(ignore_reason_from_name(ignore_reason_name(r)), r);
  }
  EXPECT_EQ(ignore_reason_name(IgnoreReason::from_unspecified), "from_unspecified");
}

TEST(Scenario, Rfc3810_7_2_3_EgressInterfacesFollowFilterModes) {
  Sim sim;
  ASSERT_TRUE(sim.router.add_interface(2, "ge1", InterfaceConfig{}, kRouterLl, sim.now));
  ASSERT_TRUE(sim.router.add_interface(3, "ge2", InterfaceConfig{}, kRouterLl, sim.now));
  // ge0: EXCLUDE({}, {S1}); ge1: INCLUDE({S1}); ge2: nothing.
  sim.report(kHost1, T::is_ex, {kS1});
  sim.feed(wire::build_mld_v2_report_frame(host_mac(), kHost2, {{T::allow, kG, {kS1}}}), 2);
  EXPECT_EQ(sim.router.egress_interfaces(kG, kS1), std::vector<uint32_t>{2});
  EXPECT_EQ(sim.router.egress_interfaces(kG, kS2), std::vector<uint32_t>{kIf});
  EXPECT_EQ(sim.router.egress_interfaces(kG, Ipv6Address{}), std::vector<uint32_t>{kIf});
  EXPECT_TRUE(sim.router.egress_interfaces(kG2, kS1).empty());
}

TEST(Scenario, DebugLogNamesTheRuleThatDeletedAGroup) {
  std::vector<std::string> lines;
  MldRouter r([&](LogLevel, std::string_view sub, std::string_view line) {
    lines.push_back(std::string(sub) + ": " + std::string(line));
  });
  r.set_debug(true);
  ASSERT_TRUE(r.add_interface(kIf, "ge0", InterfaceConfig{}, kRouterLl, TimePoint{}));
  const auto bytes = wire::build_mld_v2_report_frame(host_mac(), kHost1, {{T::is_ex, kG, {}}});
  r.on_frame(wire::parse_frame(bytes), kIf, TimePoint{});
  r.on_timer(TimePoint{} + 260s);
  auto has = [&](std::string_view needle) {
    return std::any_of(lines.begin(), lines.end(),
                       [&](const std::string& l) { return l.find(needle) != std::string::npos; });
  };
  EXPECT_TRUE(has("mld ge0: group ff05::db8:1 created"));
  EXPECT_TRUE(has("mld ge0: group ff05::db8:1 deleted: timers expired"));
}

TEST(Scenario, Rfc3810_8_3_1_V1QueryOnV2InterfaceIsLoggedOnce) {
  std::vector<std::string> warnings;
  MldRouter r([&](LogLevel level, std::string_view, std::string_view line) {
    if (level == LogLevel::warning) warnings.emplace_back(line);
  });
  ASSERT_TRUE(r.add_interface(kIf, "ge0", InterfaceConfig{}, kRouterLl, TimePoint{}));
  wire::MldQuerySpec q;
  q.v2 = false;
  const auto bytes = wire::build_mld_query_frame(host_mac(), A("fe80::20"), q);
  r.on_frame(wire::parse_frame(bytes), kIf, TimePoint{});
  r.on_frame(wire::parse_frame(bytes), kIf, TimePoint{});
  EXPECT_EQ(warnings.size(), 1u);
}

TEST(Scenario, SourcesThatCannotSendAreDroppedFromRecords) {
  Sim sim;
  // :: would read as (*,G) in the events; multicast and loopback addresses never send.
  sim.report(kHost1, T::is_ex, {Ipv6Address{}, A("ff05::9"), A("::1"), kS1});
  auto g = sim.group();
  ASSERT_TRUE(g);
  ASSERT_EQ(g->sources.size(), 1u);
  EXPECT_EQ(g->sources[0].source, kS1);
  EXPECT_EQ(sim.ignored(IgnoreReason::bad_source_address), 3u);
  for (const auto& e : sim.events) {
    if (e.kind == EventKind::source_blocked) {
      EXPECT_EQ(e.source, kS1);
    }
  }
}

}  // namespace
}  // namespace tandem::mld::test
