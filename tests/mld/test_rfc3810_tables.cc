// RFC 3810 §7.4.1 (current-state records) and §7.4.2 (filter-mode and source-list change
// records): one test per table row, in simulated time. Default timers: MALI 260 s, LLQI 1 s,
// LLQC 2, so LLQT = 2 s.
#include "tests/mld/sim.h"

namespace tandem::mld::test {
namespace {

using T = MldRecordType;
constexpr Duration kMali = 260s;
constexpr Duration kLlqt = 2s;

// INCLUDE(A) with A = {S1, S2}, both at MALI, 100 s ago.
void make_include_s1_s2(Sim& sim) {
  sim.advance(10s);
  sim.report(kHost1, T::is_in, {kS1, kS2});
  sim.advance(100s);
  sim.clear_output();
}

// EXCLUDE(X, Y) with X = {S1, S4} (S1 160 s left), Y = {S2}; Filter Timer 160 s left.
void make_exclude_x_s1_s4_y_s2(Sim& sim) {
  sim.advance(10s);
  sim.report(kHost1, T::is_ex, {kS2});
  sim.report(kHost1, T::allow, {kS1, kS4});
  sim.advance(100s);
  sim.clear_output();
}

TEST(Rfc3810Tables, Rfc3810_7_4_1_Include_IsIn) {
  Sim sim;
  make_include_s1_s2(sim);
  sim.report(kHost1, T::is_in, {kS2, kS3});  // INCLUDE(A+B); (B)=MALI
  auto g = sim.group();
  ASSERT_TRUE(g);
  EXPECT_EQ(g->filter_mode, FilterMode::include);
  EXPECT_EQ(source_remaining(*g, kS1), kMali - 100s);
  EXPECT_EQ(source_remaining(*g, kS2), kMali);
  EXPECT_EQ(source_remaining(*g, kS3), kMali);
  EXPECT_TRUE(sim.specific_queries().empty());
  EXPECT_TRUE(sim.has_event(EventKind::listener_added, kS3));
}

TEST(Rfc3810Tables, Rfc3810_7_4_1_Include_IsEx) {
  Sim sim;
  make_include_s1_s2(sim);
  // EXCLUDE(A*B, B-A); (B-A)=0; Delete(A-B); Filter Timer=MALI
  sim.report(kHost1, T::is_ex, {kS2, kS3});
  auto g = sim.group();
  ASSERT_TRUE(g);
  EXPECT_EQ(g->filter_mode, FilterMode::exclude);
  EXPECT_EQ(g->filter_remaining, kMali);
  EXPECT_FALSE(has_source(*g, kS1));
  EXPECT_EQ(source_remaining(*g, kS2), kMali - 100s);  // A*B keeps its timer
  EXPECT_EQ(source_remaining(*g, kS3), Duration{});    // B-A in the exclude list
  EXPECT_TRUE(sim.specific_queries().empty());
  EXPECT_TRUE(sim.has_event(EventKind::listener_added));  // (*,G)
  EXPECT_TRUE(sim.has_event(EventKind::source_blocked, kS3));
  EXPECT_TRUE(sim.has_event(EventKind::listener_removed, kS1));
}

TEST(Rfc3810Tables, Rfc3810_7_4_1_Exclude_IsIn) {
  Sim sim;
  make_exclude_x_s1_s4_y_s2(sim);
  sim.report(kHost1, T::is_in, {kS2, kS3});  // EXCLUDE(X+A, Y-A); (A)=MALI
  auto g = sim.group();
  ASSERT_TRUE(g);
  EXPECT_EQ(g->filter_mode, FilterMode::exclude);
  EXPECT_EQ(g->filter_remaining, kMali - 100s);  // untouched
  EXPECT_EQ(source_remaining(*g, kS1), kMali - 100s);
  EXPECT_EQ(source_remaining(*g, kS2), kMali);  // left the exclude list
  EXPECT_EQ(source_remaining(*g, kS3), kMali);
  EXPECT_TRUE(sources_of(*g, false).empty());
  EXPECT_TRUE(sim.has_event(EventKind::source_unblocked, kS2));
}

TEST(Rfc3810Tables, Rfc3810_7_4_1_Exclude_IsEx) {
  Sim sim;
  make_exclude_x_s1_s4_y_s2(sim);
  // EXCLUDE(A-Y, Y*A); (A-X-Y)=MALI; Delete(X-A); Delete(Y-A); Filter Timer=MALI
  sim.report(kHost1, T::is_ex, {kS1, kS2, kS3});
  auto g = sim.group();
  ASSERT_TRUE(g);
  EXPECT_EQ(g->filter_mode, FilterMode::exclude);
  EXPECT_EQ(g->filter_remaining, kMali);
  EXPECT_EQ(source_remaining(*g, kS1), kMali - 100s);  // X*A keeps its timer
  EXPECT_EQ(source_remaining(*g, kS2), Duration{});    // Y*A stays excluded
  EXPECT_EQ(source_remaining(*g, kS3), kMali);         // A-X-Y
  EXPECT_FALSE(has_source(*g, kS4));                   // X-A deleted
  EXPECT_TRUE(sim.specific_queries().empty());
}

TEST(Rfc3810Tables, Rfc3810_7_4_2_Include_Allow) {
  Sim sim;
  make_include_s1_s2(sim);
  sim.report(kHost2, T::allow, {kS3});  // INCLUDE(A+B); (B)=MALI
  auto g = sim.group();
  ASSERT_TRUE(g);
  EXPECT_EQ(g->filter_mode, FilterMode::include);
  EXPECT_EQ(source_remaining(*g, kS1), kMali - 100s);
  EXPECT_EQ(source_remaining(*g, kS3), kMali);
  EXPECT_EQ(g->last_reporter, kHost2);
  EXPECT_TRUE(sim.specific_queries().empty());
  EXPECT_TRUE(sim.has_event(EventKind::listener_added, kS3));
}

TEST(Rfc3810Tables, Rfc3810_7_4_2_Include_Block) {
  Sim sim;
  make_include_s1_s2(sim);
  sim.report(kHost1, T::block, {kS2, kS3});  // INCLUDE(A); Send Q(G, A*B)
  auto g = sim.group();
  ASSERT_TRUE(g);
  EXPECT_EQ(source_remaining(*g, kS1), kMali - 100s);
  EXPECT_EQ(source_remaining(*g, kS2), kLlqt);  // §7.6.3.2: lowered to LLQT
  EXPECT_FALSE(has_source(*g, kS3));
  auto q = sim.specific_queries();
  ASSERT_EQ(q.size(), 1u);
  EXPECT_EQ(q[0].dst, kG);
  EXPECT_EQ(q[0].spec.group, kG);
  EXPECT_EQ(q[0].spec.sources, std::vector<Ipv6Address>{kS2});
  EXPECT_FALSE(q[0].spec.s_flag);
  sim.advance(kLlqt);
  g = sim.group();
  ASSERT_TRUE(g);
  EXPECT_FALSE(has_source(*g, kS2));
  EXPECT_TRUE(has_source(*g, kS1));
  EXPECT_TRUE(sim.has_event(EventKind::listener_removed, kS2));
}

TEST(Rfc3810Tables, Rfc3810_7_4_2_Include_ToEx) {
  Sim sim;
  make_include_s1_s2(sim);
  // EXCLUDE(A*B, B-A); (B-A)=0; Delete(A-B); Send Q(G, A*B); Filter Timer=MALI
  sim.report(kHost1, T::to_ex, {kS2, kS3});
  auto g = sim.group();
  ASSERT_TRUE(g);
  EXPECT_EQ(g->filter_mode, FilterMode::exclude);
  EXPECT_EQ(g->filter_remaining, kMali);
  EXPECT_FALSE(has_source(*g, kS1));
  EXPECT_EQ(source_remaining(*g, kS2), kLlqt);
  EXPECT_EQ(source_remaining(*g, kS3), Duration{});
  auto q = sim.specific_queries();
  ASSERT_EQ(q.size(), 1u);
  EXPECT_EQ(q[0].spec.sources, std::vector<Ipv6Address>{kS2});
  // Nobody answers: S2's timer runs out and it joins the exclude list (EXCLUDE mode).
  sim.advance(kLlqt);
  g = sim.group();
  ASSERT_TRUE(g);
  EXPECT_EQ(source_remaining(*g, kS2), Duration{});
  EXPECT_TRUE(sim.has_event(EventKind::source_blocked, kS2));
}

TEST(Rfc3810Tables, Rfc3810_7_4_2_Include_ToIn) {
  Sim sim;
  make_include_s1_s2(sim);
  sim.report(kHost1, T::to_in, {kS2, kS3});  // INCLUDE(A+B); (B)=MALI; Send Q(G, A-B)
  auto g = sim.group();
  ASSERT_TRUE(g);
  EXPECT_EQ(g->filter_mode, FilterMode::include);
  EXPECT_EQ(source_remaining(*g, kS1), kLlqt);
  EXPECT_EQ(source_remaining(*g, kS2), kMali);
  EXPECT_EQ(source_remaining(*g, kS3), kMali);
  auto q = sim.specific_queries();
  ASSERT_EQ(q.size(), 1u);
  EXPECT_EQ(q[0].spec.sources, std::vector<Ipv6Address>{kS1});
  sim.advance(kLlqt);
  EXPECT_FALSE(has_source(*sim.group(), kS1));
}

TEST(Rfc3810Tables, Rfc3810_7_4_2_Exclude_Allow) {
  Sim sim;
  make_exclude_x_s1_s4_y_s2(sim);
  sim.report(kHost1, T::allow, {kS2, kS3});  // EXCLUDE(X+A, Y-A); (A)=MALI
  auto g = sim.group();
  ASSERT_TRUE(g);
  EXPECT_EQ(g->filter_mode, FilterMode::exclude);
  EXPECT_EQ(source_remaining(*g, kS2), kMali);
  EXPECT_EQ(source_remaining(*g, kS3), kMali);
  EXPECT_EQ(source_remaining(*g, kS1), kMali - 100s);
  EXPECT_TRUE(sources_of(*g, false).empty());
  EXPECT_TRUE(sim.specific_queries().empty());
  EXPECT_TRUE(sim.has_event(EventKind::source_unblocked, kS2));
}

TEST(Rfc3810Tables, Rfc3810_7_4_2_Exclude_Block) {
  Sim sim;
  make_exclude_x_s1_s4_y_s2(sim);
  // EXCLUDE(X+(A-Y), Y); (A-X-Y)=Filter Timer; Send Q(G, A-Y)
  sim.report(kHost1, T::block, {kS1, kS2, kS3});
  auto g = sim.group();
  ASSERT_TRUE(g);
  EXPECT_EQ(g->filter_mode, FilterMode::exclude);
  EXPECT_EQ(g->filter_remaining, kMali - 100s);
  EXPECT_EQ(source_remaining(*g, kS1), kLlqt);  // queried
  EXPECT_EQ(source_remaining(*g, kS3), kLlqt);  // added at FT, then queried
  EXPECT_EQ(source_remaining(*g, kS2), Duration{});
  EXPECT_EQ(source_remaining(*g, kS4), kMali - 100s);
  auto q = sim.specific_queries();
  ASSERT_EQ(q.size(), 1u);
  EXPECT_EQ(q[0].spec.sources, (std::vector<Ipv6Address>{kS1, kS3}));
  sim.advance(kLlqt);
  g = sim.group();
  EXPECT_EQ(sources_of(*g, false), (std::vector<Ipv6Address>{kS1, kS2, kS3}));
}

TEST(Rfc3810Tables, Rfc3810_7_4_2_Exclude_ToEx) {
  Sim sim;
  make_exclude_x_s1_s4_y_s2(sim);
  // EXCLUDE(A-Y, Y*A); (A-X-Y)=Filter Timer; Delete(X-A); Delete(Y-A); Send Q(G, A-Y);
  // Filter Timer=MALI
  sim.report(kHost1, T::to_ex, {kS1, kS2, kS3});
  auto g = sim.group();
  ASSERT_TRUE(g);
  EXPECT_EQ(g->filter_mode, FilterMode::exclude);
  EXPECT_EQ(g->filter_remaining, kMali);
  EXPECT_FALSE(has_source(*g, kS4));
  EXPECT_EQ(source_remaining(*g, kS2), Duration{});
  EXPECT_EQ(source_remaining(*g, kS1), kLlqt);
  EXPECT_EQ(source_remaining(*g, kS3), kLlqt);
  auto q = sim.specific_queries();
  ASSERT_EQ(q.size(), 1u);
  EXPECT_EQ(q[0].spec.sources, (std::vector<Ipv6Address>{kS1, kS3}));
  EXPECT_TRUE(sim.has_event(EventKind::record_changed));
}

TEST(Rfc3810Tables, Rfc3810_7_4_2_Exclude_ToEx_NewSourcesTakeFilterTimer) {
  // Y = {S2}, X = {}: TO_EX({S3}) gives S3 the old Filter Timer (110 s) before the query
  // lowers it; with LLQT above that (LLQI 25 s x LLQC 5 = 125 s) the FT value shows.
  InterfaceConfig cfg;
  cfg.last_listener_query_interval = 25s;
  cfg.last_listener_query_count = 5;
  Sim sim(cfg);
  sim.advance(10s);
  sim.report(kHost1, T::is_ex, {kS2});
  sim.advance(150s);
  const Duration ft = kMali - 150s;  // 110 s < LLQT
  const Duration mali = kMali;
  sim.report(kHost1, T::to_ex, {kS3});
  auto g = sim.group();
  ASSERT_TRUE(g);
  EXPECT_EQ(source_remaining(*g, kS3), ft);  // not lowered: FT < LLQT
  EXPECT_EQ(g->filter_remaining, mali);
  EXPECT_FALSE(has_source(*g, kS2));
}

TEST(Rfc3810Tables, Rfc3810_7_4_2_Exclude_ToIn) {
  Sim sim;
  make_exclude_x_s1_s4_y_s2(sim);
  // EXCLUDE(X+A, Y-A); (A)=MALI; Send Q(G, X-A); Send Q(G)
  sim.report(kHost1, T::to_in, {kS2, kS4});
  auto g = sim.group();
  ASSERT_TRUE(g);
  EXPECT_EQ(g->filter_mode, FilterMode::exclude);
  EXPECT_EQ(g->filter_remaining, kLlqt);  // Q(G) lowers the Filter Timer
  EXPECT_EQ(source_remaining(*g, kS1), kLlqt);
  EXPECT_EQ(source_remaining(*g, kS2), kMali);
  EXPECT_EQ(source_remaining(*g, kS4), kMali);
  auto q = sim.specific_queries();
  ASSERT_EQ(q.size(), 2u);
  EXPECT_TRUE(q[0].spec.sources.empty());  // Q(G)
  EXPECT_EQ(q[1].spec.sources, std::vector<Ipv6Address>{kS1});
  // Nobody answers: at LLQT the Filter Timer expires and the group falls back to INCLUDE
  // with the sources still running (§7.5); S1 expired with it.
  sim.clear_output();
  sim.advance(kLlqt);
  g = sim.group();
  ASSERT_TRUE(g);
  EXPECT_EQ(g->filter_mode, FilterMode::include);
  EXPECT_EQ(sources_of(*g, true), (std::vector<Ipv6Address>{kS2, kS4}));
  // Make-before-break: the (S,G) listeners appear before (*,G) goes.
  auto pos = [&](EventKind k, const Ipv6Address& s) {
    return std::find(sim.events.begin(), sim.events.end(), Event{k, kIf, kG, s, Origin::local}) -
           sim.events.begin();
  };
  EXPECT_LT(pos(EventKind::listener_added, kS2), pos(EventKind::listener_removed, Ipv6Address{}));
  EXPECT_LT(pos(EventKind::listener_removed, Ipv6Address{}),
            static_cast<std::ptrdiff_t>(sim.events.size()));
}

}  // namespace
}  // namespace tandem::mld::test
