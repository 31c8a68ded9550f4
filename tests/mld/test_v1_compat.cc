// MLDv1 interoperation (RFC 3810 §8): per-group compatibility mode driven by MLDv1 reports
// and the Older Version Host Present timer (§8.3.2), and administrative MLDv1 interfaces.
#include "tests/mld/sim.h"

namespace tandem::mld::test {
namespace {

using T = MldRecordType;

TEST(V1Compat, Rfc3810_8_3_2_V1ReportIsIsExEmptyAndStartsOlderVersionHostPresent) {
  Sim sim;
  sim.v1_report(kHost1);
  auto g = sim.group();
  ASSERT_TRUE(g);
  EXPECT_EQ(g->filter_mode, FilterMode::exclude);
  EXPECT_TRUE(g->sources.empty());
  EXPECT_EQ(g->filter_remaining, 260s);
  EXPECT_EQ(g->compat, CompatMode::v1);
  EXPECT_EQ(g->compat_remaining, 260s);  // §9.12: RV x QI + QRI
  EXPECT_TRUE(sim.has_event(EventKind::listener_added));
}

TEST(V1Compat, Rfc3810_8_3_2_V1DoneIsToInEmpty) {
  Sim sim;
  sim.v1_report(kHost1);
  sim.clear_output();
  sim.v1_done(kHost1);
  auto q = sim.specific_queries();
  ASSERT_EQ(q.size(), 1u);  // Q(G)
  EXPECT_TRUE(q[0].spec.sources.empty());
  EXPECT_EQ(sim.group()->filter_remaining, 2s);
  sim.advance(2s);
  EXPECT_FALSE(sim.group());
}

TEST(V1Compat, Rfc3810_8_3_2_V1ModeIgnoresBlock) {
  Sim sim;
  sim.v1_report(kHost1);                // EXCLUDE({}, {}) + v1 mode
  sim.report(kHost2, T::allow, {kS1});  // EXCLUDE({S1}, {}) from an MLDv2 host
  sim.clear_output();
  sim.report(kHost2, T::block, {kS1});
  EXPECT_TRUE(sim.specific_queries().empty());
  EXPECT_EQ(source_remaining(*sim.group(), kS1), 260s);
  EXPECT_EQ(sim.ignored(IgnoreReason::v1_mode_block), 1u);
}

TEST(V1Compat, Rfc3810_8_3_2_V1ModeTreatsToExAsToExEmpty) {
  Sim sim;
  sim.v1_report(kHost1);
  sim.report(kHost2, T::to_ex, {kS1, kS2});
  auto g = sim.group();
  ASSERT_TRUE(g);
  EXPECT_EQ(g->filter_mode, FilterMode::exclude);
  EXPECT_TRUE(g->sources.empty());  // the v1 listener wants every source
  EXPECT_EQ(sim.ignored(IgnoreReason::v1_mode_to_ex_sources), 1u);
}

TEST(V1Compat, Rfc3810_8_3_2_FallsBackToV2AfterOlderVersionHostPresent) {
  Sim sim;
  sim.v1_report(kHost1);
  sim.advance(100s);
  sim.report(kHost2, T::is_ex);  // an MLDv2 host keeps the group alive
  sim.advance(160s);             // v1 host silent: Older Version Host Present runs out
  auto g = sim.group();
  ASSERT_TRUE(g);
  EXPECT_EQ(g->compat, CompatMode::v2);
  // Back in v2 mode BLOCK acts again.
  sim.report(kHost2, T::allow, {kS1});
  sim.clear_output();
  sim.report(kHost2, T::block, {kS1});
  EXPECT_EQ(sim.specific_queries().size(), 1u);
  EXPECT_EQ(sim.ignored(IgnoreReason::v1_mode_block), 0u);
}

TEST(V1Compat, Rfc3810_8_3_2_V1ReportsRefreshOlderVersionHostPresent) {
  Sim sim;
  sim.v1_report(kHost1);
  sim.advance(200s);
  sim.v1_report(kHost1);
  sim.advance(200s);
  EXPECT_EQ(sim.group()->compat, CompatMode::v1);
  EXPECT_EQ(sim.group()->compat_remaining, 60s);
}

TEST(V1Compat, Rfc3810_8_AdministrativeV1SendsMldv1Queries) {
  InterfaceConfig cfg;
  cfg.version = MldVersion::v1;
  Sim sim(cfg);
  ASSERT_GE(sim.queries.size(), 1u);
  for (const auto& q : sim.queries) EXPECT_FALSE(q.spec.v2);
  const auto body = wire::build_mld_query_body(sim.queries[0].spec);
  EXPECT_EQ(body.size(), wire::kMldV1Len);  // 24 bytes (RFC 2710 §3)
  sim.v1_report(kHost1);
  sim.clear_output();
  sim.v1_done(kHost1);
  auto q = sim.specific_queries();
  ASSERT_EQ(q.size(), 1u);
  EXPECT_FALSE(q[0].spec.v2);
  EXPECT_EQ(wire::build_mld_query_body(q[0].spec).size(), wire::kMldV1Len);
  // MLDv2 reports are not processed on an MLDv1 interface.
  sim.report_group(kHost2, T::is_ex, kG2);
  EXPECT_FALSE(sim.group(kG2));
  EXPECT_EQ(sim.ignored(IgnoreReason::v2_report_in_v1_mode), 1u);
}

TEST(V1Compat, Rfc3810_8_3_1_V2QueryOnV1InterfaceCountsForElectionOnly) {
  InterfaceConfig cfg;
  cfg.version = MldVersion::v1;
  Sim sim(cfg);
  sim.v1_report(kHost1);
  wire::MldQuerySpec q;
  q.group = kG;
  sim.query_from(A("fe80::1"), q);
  EXPECT_FALSE(sim.router.interface_status(kIf, sim.now)->is_querier);
  EXPECT_EQ(sim.group()->filter_remaining, 260s);
  EXPECT_EQ(sim.ignored(IgnoreReason::v2_query_in_v1_mode), 1u);
}

}  // namespace
}  // namespace tandem::mld::test
