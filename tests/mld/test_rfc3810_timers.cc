// RFC 3810 timer rules: source and filter timer expiry (§7.2.3, §7.5), MALI (§9.4),
// address-specific and address-and-source-specific queries on leaves (§7.6.3), timer updates
// from received queries and the S flag (§7.6.1).
#include "tests/mld/sim.h"

namespace tandem::mld::test {
namespace {

using T = MldRecordType;

TEST(Rfc3810Timers, Rfc3810_9_4_Mali_IsRobustnessTimesQiPlusQri) {
  InterfaceConfig cfg;
  cfg.robustness = 3;
  cfg.query_interval = 60s;
  cfg.max_response = 20s;
  Sim sim(cfg);
  sim.report(kHost1, T::is_ex);
  EXPECT_EQ(sim.group()->filter_remaining, 3 * 60s + 20s);
  EXPECT_EQ(EffectiveTimers::from_config(InterfaceConfig{}).mali(), 260s);
}

TEST(Rfc3810Timers, Rfc3810_7_2_3_SourceTimerExpiry_Include_DeletesSource) {
  Sim sim;
  sim.report(kHost1, T::is_in, {kS1});
  sim.advance(100s);
  sim.report(kHost1, T::is_in, {kS2});
  sim.advance(160s);  // S1 reaches MALI
  auto g = sim.group();
  ASSERT_TRUE(g);
  EXPECT_FALSE(has_source(*g, kS1));
  EXPECT_TRUE(has_source(*g, kS2));
  EXPECT_TRUE(sim.has_event(EventKind::listener_removed, kS1));
  sim.advance(100s);  // S2 too: INCLUDE({}) deletes the record
  EXPECT_FALSE(sim.group());
  EXPECT_TRUE(sim.has_event(EventKind::record_removed));
}

TEST(Rfc3810Timers, Rfc3810_7_2_3_SourceTimerExpiry_Exclude_MovesToExcludeList) {
  Sim sim2;
  sim2.report(kHost1, T::is_ex);
  sim2.report(kHost1, T::allow, {kS1});  // EXCLUDE({S1}, {})
  sim2.advance(100s);
  sim2.report(kHost1, T::is_ex, {kS1});  // filter timer to MALI; S1 (X*A) keeps its timer
  sim2.advance(160s);
  auto g = sim2.group();
  ASSERT_TRUE(g);
  EXPECT_EQ(g->filter_mode, FilterMode::exclude);
  EXPECT_EQ(source_remaining(*g, kS1), Duration{});  // now in the exclude list
  EXPECT_TRUE(sim2.has_event(EventKind::source_blocked, kS1));
}

TEST(Rfc3810Timers, Rfc3810_7_5_FilterTimerExpiry_SwitchesToIncludeWithRunningSources) {
  Sim sim;
  sim.report(kHost1, T::is_ex, {kS2});  // EXCLUDE({}, {S2})
  sim.advance(100s);
  sim.report(kHost2, T::allow, {kS1});  // X = {S1} until t = 360 s
  sim.clear_output();
  sim.advance(160s);  // Filter Timer expires at 260 s
  auto g = sim.group();
  ASSERT_TRUE(g);
  EXPECT_EQ(g->filter_mode, FilterMode::include);
  EXPECT_EQ(g->sources.size(), 1u);
  EXPECT_EQ(source_remaining(*g, kS1), 100s);
  EXPECT_TRUE(sim.has_event(EventKind::listener_added, kS1));
  EXPECT_TRUE(sim.has_event(EventKind::listener_removed));
  EXPECT_TRUE(sim.has_event(EventKind::source_unblocked, kS2));
}

TEST(Rfc3810Timers, Rfc3810_7_5_FilterTimerExpiry_DeletesWithoutRunningSources) {
  Sim sim;
  sim.report(kHost1, T::is_ex, {kS2});
  sim.clear_output();
  sim.advance(259s);
  EXPECT_TRUE(sim.group());
  sim.advance(1s);
  EXPECT_FALSE(sim.group());
  EXPECT_TRUE(sim.has_event(EventKind::listener_removed));
  EXPECT_TRUE(sim.has_event(EventKind::record_removed));
}

TEST(Rfc3810Timers, Rfc3810_7_6_3_1_AddressSpecificQuery_LlqcTimesLlqiApart) {
  InterfaceConfig cfg;
  cfg.last_listener_query_count = 3;
  cfg.last_listener_query_interval = 2s;
  Sim sim(cfg);
  sim.report(kHost1, T::is_ex);
  sim.advance(50s);
  sim.clear_output();
  sim.report(kHost1, T::to_in);  // leave
  std::vector<TimePoint> sent;
  auto collect = [&] {
    for (const auto& q : sim.specific_queries()) {
      EXPECT_EQ(q.spec.group, kG);
      EXPECT_EQ(q.dst, kG);
      EXPECT_TRUE(q.spec.sources.empty());
      EXPECT_EQ(q.spec.max_resp_ms, 2000u);  // LLQI as Maximum Response Delay
      EXPECT_FALSE(q.spec.s_flag);
    }
  };
  const TimePoint t0 = sim.now;
  EXPECT_EQ(sim.specific_queries().size(), 1u);
  EXPECT_EQ(sim.group()->filter_remaining, 6s);  // LLQT = 3 x 2 s
  collect();
  sim.queries.clear();
  sim.run_until(t0 + 2s);
  EXPECT_EQ(sim.specific_queries().size(), 1u);
  collect();
  sim.queries.clear();
  sim.run_until(t0 + 4s);
  EXPECT_EQ(sim.specific_queries().size(), 1u);
  sim.queries.clear();
  sim.run_until(t0 + 6s - 1ms);
  EXPECT_TRUE(sim.specific_queries().empty());
  EXPECT_TRUE(sim.group());
  sim.run_until(t0 + 6s);
  EXPECT_FALSE(sim.group());
}

TEST(Rfc3810Timers, Rfc3810_7_6_3_1_SFlagSetWhenReportRaisedTimerAboveLlqt) {
  Sim sim;
  sim.report(kHost1, T::is_ex);
  sim.report(kHost2, T::is_ex);
  sim.clear_output();
  sim.report(kHost1, T::to_in);  // host 1 leaves: Q(G) now, again in 1 s
  ASSERT_EQ(sim.specific_queries().size(), 1u);
  EXPECT_FALSE(sim.specific_queries()[0].spec.s_flag);
  sim.queries.clear();
  sim.advance(500ms);
  sim.report(kHost2, T::is_ex);  // host 2 answers: Filter Timer back to MALI
  sim.advance(500ms);            // the retransmission carries S
  ASSERT_EQ(sim.specific_queries().size(), 1u);
  EXPECT_TRUE(sim.specific_queries()[0].spec.s_flag);
  sim.advance(10s);
  EXPECT_TRUE(sim.group());  // no early prune
}

TEST(Rfc3810Timers, Rfc3810_7_6_3_2_SourceQuery_SplitsBySFlagOnRetransmission) {
  Sim sim;
  sim.report(kHost1, T::allow, {kS1, kS2});
  sim.clear_output();
  sim.report(kHost1, T::block, {kS1, kS2});  // Q(G,{S1,S2}), both lowered to LLQT
  auto q = sim.specific_queries();
  ASSERT_EQ(q.size(), 1u);
  EXPECT_EQ(q[0].spec.sources, (std::vector<Ipv6Address>{kS1, kS2}));
  EXPECT_FALSE(q[0].spec.s_flag);
  sim.queries.clear();
  sim.advance(300ms);
  sim.report(kHost2, T::is_in, {kS2});  // S2 refreshed to MALI
  sim.advance(700ms);
  q = sim.specific_queries();
  ASSERT_EQ(q.size(), 2u);  // one list without S, one with S (§7.6.3.2)
  EXPECT_EQ(q[0].spec.sources, std::vector<Ipv6Address>{kS1});
  EXPECT_FALSE(q[0].spec.s_flag);
  EXPECT_EQ(q[1].spec.sources, std::vector<Ipv6Address>{kS2});
  EXPECT_TRUE(q[1].spec.s_flag);
  sim.advance(1s);
  auto g = sim.group();
  ASSERT_TRUE(g);
  EXPECT_FALSE(has_source(*g, kS1));
  EXPECT_TRUE(has_source(*g, kS2));
}

TEST(Rfc3810Timers, Rfc3810_7_6_3_RetransmissionsContinueAfterQuerierRoleLost) {
  Sim sim;
  sim.report(kHost1, T::is_ex);
  sim.clear_output();
  sim.report(kHost1, T::to_in);
  ASSERT_EQ(sim.specific_queries().size(), 1u);
  sim.queries.clear();
  // A router with a lower address takes over between the two transmissions.
  wire::MldQuerySpec general;
  sim.query_from(A("fe80::1"), general);
  EXPECT_FALSE(sim.router.interface_status(kIf, sim.now)->is_querier);
  sim.advance(1s);
  EXPECT_EQ(sim.specific_queries().size(), 1u);  // the retransmission still goes out
  sim.advance(1s);
  EXPECT_FALSE(sim.group());
}

TEST(Rfc3810Timers, Rfc3810_7_6_3_NonQuerierSendsNoSpecificQuery) {
  Sim sim;
  sim.query_from(A("fe80::1"), wire::MldQuerySpec{});  // we lose the election
  sim.report(kHost1, T::is_ex);
  sim.clear_output();
  sim.report(kHost1, T::to_in);
  EXPECT_TRUE(sim.specific_queries().empty());
  EXPECT_EQ(sim.ignored(IgnoreReason::not_querier), 1u);
  EXPECT_EQ(sim.group()->filter_remaining, 260s);  // not lowered by the report itself
}

TEST(Rfc3810Timers, Rfc3810_7_6_1_ReceivedSpecificQueryLowersTimers) {
  Sim sim;
  sim.query_from(A("fe80::1"), wire::MldQuerySpec{});
  sim.report(kHost1, T::is_ex);
  sim.report_group(kHost1, T::allow, kG2, {kS1, kS2});
  wire::MldQuerySpec qg;
  qg.group = kG;
  qg.max_resp_ms = 1000;
  sim.query_from(A("fe80::1"), qg);
  EXPECT_EQ(sim.group()->filter_remaining, 2s);
  wire::MldQuerySpec qgs;
  qgs.group = kG2;
  qgs.sources = {kS1};
  sim.query_from(A("fe80::1"), qgs);
  auto g2 = sim.group(kG2);
  ASSERT_TRUE(g2);
  EXPECT_EQ(source_remaining(*g2, kS1), 2s);
  EXPECT_EQ(source_remaining(*g2, kS2), 260s);
}

TEST(Rfc3810Timers, Rfc3810_7_6_1_SFlagSuppressesTimerUpdate) {
  Sim sim;
  sim.query_from(A("fe80::1"), wire::MldQuerySpec{});
  sim.report(kHost1, T::is_ex);
  wire::MldQuerySpec qg;
  qg.group = kG;
  qg.s_flag = true;
  sim.query_from(A("fe80::1"), qg);
  EXPECT_EQ(sim.group()->filter_remaining, 260s);
  EXPECT_EQ(sim.ignored(IgnoreReason::s_flag_suppressed), 1u);
}

TEST(Rfc3810Timers, Rfc3810_5_1_10_SourceQueriesStayWithinMtu) {
  Sim sim;
  std::vector<Ipv6Address> many;
  for (int i = 0; i < 150; ++i) {
    Ipv6Address a = kS1;
    a.bytes[14] = static_cast<uint8_t>(i >> 8);
    a.bytes[15] = static_cast<uint8_t>(i);
    many.push_back(a);
  }
  for (size_t off = 0; off < many.size(); off += 50) {
    sim.report(kHost1, T::allow,
               std::vector<Ipv6Address>(many.begin() + static_cast<std::ptrdiff_t>(off),
                                        many.begin() + static_cast<std::ptrdiff_t>(off + 50)));
  }
  sim.clear_output();
  for (size_t off = 0; off < many.size(); off += 50) {
    sim.report(kHost1, T::block,
               std::vector<Ipv6Address>(many.begin() + static_cast<std::ptrdiff_t>(off),
                                        many.begin() + static_cast<std::ptrdiff_t>(off + 50)));
  }
  sim.queries.clear();
  sim.advance(1s);  // one retransmission round carries all 150
  size_t total = 0;
  for (const auto& q : sim.specific_queries()) {
    EXPECT_LE(q.spec.sources.size(), 89u);
    const auto frame = wire::build_mld_query_frame(host_mac(), kRouterLl, q.spec);
    EXPECT_LE(frame.size(), 1514u);
    total += q.spec.sources.size();
  }
  EXPECT_EQ(total, 150u);
}

}  // namespace
}  // namespace tandem::mld::test
