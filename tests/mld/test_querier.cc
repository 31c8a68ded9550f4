// Querier election and general queries (RFC 3810 §7.1, §7.6.2, §9.1, §9.2, §9.5), including a
// hand-over between two MldRouter instances on one simulated link.
#include "tests/mld/sim.h"

namespace tandem::mld::test {
namespace {

using T = MldRecordType;

std::vector<TimePoint> general_query_times(Sim& sim, Duration span) {
  std::vector<TimePoint> out;
  const TimePoint end = sim.now + span;
  while (sim.router.next_deadline() <= end) {
    sim.run_until(sim.router.next_deadline());
    for (const auto& q : sim.queries) {
      if (q.spec.group.is_unspecified()) out.push_back(sim.now);
    }
    sim.queries.clear();
  }
  sim.run_until(end);
  return out;
}

TEST(Querier, Rfc3810_7_1_StartupQueries_RobustnessCountAtQiOver4) {
  InterfaceConfig cfg;
  cfg.robustness = 3;
  cfg.query_interval = 100s;
  MldRouter r;
  ASSERT_TRUE(r.add_interface(kIf, "ge0", cfg, kRouterLl, TimePoint{}));
  auto first = r.take_queries();
  ASSERT_EQ(first.size(), 1u);  // the first start-up query goes out at once
  std::vector<TimePoint> times{TimePoint{}};
  TimePoint now{};
  while (r.next_deadline() <= TimePoint{} + 300s) {
    now = r.next_deadline();
    r.on_timer(now);
    for (const auto& q : r.take_queries()) {
      if (q.spec.group.is_unspecified()) times.push_back(now);
    }
  }
  // RV = 3 start-up queries QI/4 = 25 s apart, then every QI = 100 s.
  std::vector<TimePoint> want{TimePoint{}, TimePoint{} + 25s, TimePoint{} + 50s, TimePoint{} + 150s,
                              TimePoint{} + 250s};
  EXPECT_EQ(times, want);
}

TEST(Querier, Rfc3810_5_1_15_GeneralQueryToAllNodesWithOwnParameters) {
  Sim sim;
  sim.queries.clear();
  sim.advance(31250ms);
  ASSERT_EQ(sim.queries.size(), 1u);
  const auto& q = sim.queries[0];
  EXPECT_EQ(q.dst, wire::addr::all_nodes());
  EXPECT_TRUE(q.spec.group.is_unspecified());
  EXPECT_TRUE(q.spec.v2);
  EXPECT_EQ(q.spec.max_resp_ms, 10000u);
  EXPECT_EQ(q.spec.qrv, 2);
  EXPECT_EQ(q.spec.qqi_s, 125u);
  EXPECT_FALSE(q.spec.s_flag);
  const auto frame = wire::build_mld_query_frame(host_mac(), kRouterLl, q.spec);
  const auto parsed = wire::parse_frame(frame);
  EXPECT_EQ(parsed.kind, wire::PacketKind::mld_query);
  EXPECT_EQ(parsed.dst, wire::addr::all_nodes());
}

TEST(Querier, Rfc3810_7_1_PeriodicGeneralQueriesEveryQi) {
  Sim sim;
  sim.advance(31250ms);  // past start-up
  sim.queries.clear();
  auto times = general_query_times(sim, 500s);
  ASSERT_GE(times.size(), 3u);
  for (size_t i = 1; i < times.size(); ++i) EXPECT_EQ(times[i] - times[i - 1], 125s);
}

TEST(Querier, Rfc3810_7_6_2_LowerAddressWinsElection) {
  Sim sim;  // we are fe80::10
  sim.query_from(A("fe80::20"), wire::MldQuerySpec{});
  EXPECT_TRUE(sim.router.interface_status(kIf, sim.now)->is_querier);  // higher: ignored
  sim.query_from(A("fe80::5"), wire::MldQuerySpec{});
  auto st = sim.router.interface_status(kIf, sim.now);
  EXPECT_FALSE(st->is_querier);
  EXPECT_EQ(st->querier, A("fe80::5"));
  EXPECT_EQ(st->querier_expires, 255s);  // §9.5: RV x QI + QRI/2
  sim.queries.clear();
  sim.advance(200s);
  EXPECT_EQ(sim.general_queries(), 0u);  // a non-querier sends no general queries
}

TEST(Querier, Rfc3810_5_1_7_1_SFlagDoesNotSuppressElection) {
  Sim sim;
  wire::MldQuerySpec q;
  q.group = kG;
  q.s_flag = true;
  sim.query_from(A("fe80::5"), q);
  EXPECT_FALSE(sim.router.interface_status(kIf, sim.now)->is_querier);
}

TEST(Querier, Rfc3810_9_5_OtherQuerierPresentExpiry_ResumesQuerier) {
  Sim sim;
  sim.query_from(A("fe80::5"), wire::MldQuerySpec{});
  sim.queries.clear();
  sim.advance(254s);
  EXPECT_EQ(sim.general_queries(), 0u);
  sim.advance(1s);
  EXPECT_TRUE(sim.router.interface_status(kIf, sim.now)->is_querier);
  EXPECT_EQ(sim.general_queries(), 1u);  // resumes with a general query at once
}

TEST(Querier, Rfc3810_7_6_2_QuerierQueriesRefreshOtherQuerierPresent) {
  Sim sim;
  sim.query_from(A("fe80::5"), wire::MldQuerySpec{});
  sim.advance(200s);
  sim.query_from(A("fe80::5"), wire::MldQuerySpec{});
  sim.advance(200s);
  EXPECT_FALSE(sim.router.interface_status(kIf, sim.now)->is_querier);
}

TEST(Querier, Rfc3810_9_1_9_2_NonQuerierAdoptsQrvAndQqi) {
  Sim sim;
  wire::MldQuerySpec q;
  q.qrv = 4;
  q.qqi_s = 60;
  sim.query_from(A("fe80::5"), q);
  auto st = sim.router.interface_status(kIf, sim.now);
  EXPECT_EQ(st->timers.robustness, 4);
  EXPECT_EQ(st->timers.query_interval, 60s);
  EXPECT_EQ(st->querier_expires, 4 * 60s + 5s);
  sim.report(kHost1, T::is_ex);
  EXPECT_EQ(sim.group()->filter_remaining, 4 * 60s + 10s);  // MALI from the adopted values
  // QRV 0 (the querier's RV > 7) keeps the configured value (§9.1).
  q.qrv = 0;
  sim.query_from(A("fe80::5"), q);
  EXPECT_EQ(sim.router.interface_status(kIf, sim.now)->timers.robustness, 2);
}

TEST(Querier, Rfc3810_7_6_2_OwnQueryLoopedBackIsIgnored) {
  Sim sim;
  sim.query_from(kRouterLl, wire::MldQuerySpec{});
  EXPECT_TRUE(sim.router.interface_status(kIf, sim.now)->is_querier);
  EXPECT_EQ(sim.ignored(IgnoreReason::own_query), 1u);
}

// Two routers on one link, each one's queries delivered to the other as frames.
struct Link {
  Sim a{InterfaceConfig{}, A("fe80::1")};
  Sim b{InterfaceConfig{}, A("fe80::2")};

  // Delivers queries each router sent since the last call, then clears them.
  void exchange() {
    for (int round = 0; round < 4; ++round) {
      auto qa = std::move(a.queries);
      auto qb = std::move(b.queries);
      a.queries.clear();
      b.queries.clear();
      if (qa.empty() && qb.empty()) return;
      for (const auto& q : qa) b.query_from(A("fe80::1"), q.spec);
      for (const auto& q : qb) a.query_from(A("fe80::2"), q.spec);
    }
  }
  void advance(Duration d) {
    const TimePoint end = a.now + d;
    for (;;) {
      const TimePoint next = std::min(a.router.next_deadline(), b.router.next_deadline());
      if (next > end) break;
      a.run_until(std::max(a.now, next));
      b.run_until(std::max(b.now, next));
      exchange();
    }
    a.run_until(end);
    b.run_until(end);
    exchange();
  }
  bool a_querier() const { return a.router.interface_status(kIf, a.now)->is_querier; }
  bool b_querier() const { return b.router.interface_status(kIf, b.now)->is_querier; }
};

TEST(Querier, QuerierHandOverBetweenTwoRouters) {
  Link link;
  link.exchange();  // both start as querier and hear each other's first start-up query
  EXPECT_TRUE(link.a_querier());
  EXPECT_FALSE(link.b_querier());
  link.advance(1000s);
  EXPECT_TRUE(link.a_querier());
  EXPECT_FALSE(link.b_querier());
  // Router a goes away (passive, as on a hot-backup switchover): b takes over after OQPI.
  ASSERT_TRUE(link.a.router.set_passive(kIf, true, link.a.now));
  const TimePoint gone = link.a.now;
  TimePoint took_over = kNever;
  for (int i = 0; i < 400 && took_over == kNever; ++i) {
    link.advance(1s);
    if (link.b_querier()) took_over = link.b.now;
  }
  ASSERT_NE(took_over, kNever);
  // The last query b heard from a was at most one QI before a went quiet.
  EXPECT_LE(took_over - gone, 255s);
  EXPECT_GT(took_over - gone, 255s - 125s);
  // a comes back: one general query now, and with the lower address it wins again.
  link.b.queries.clear();
  ASSERT_TRUE(link.a.router.set_passive(kIf, false, link.a.now));
  link.a.drain();
  EXPECT_EQ(link.a.general_queries(), 1u);
  link.exchange();
  EXPECT_TRUE(link.a_querier());
  EXPECT_FALSE(link.b_querier());
}

}  // namespace
}  // namespace tandem::mld::test
