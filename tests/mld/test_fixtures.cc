// Every MLD frame of the real captures in tests/fixtures through parse_frame and the router,
// at the capture's own relative times; the resulting state is what RFC 3810 prescribes for
// the reports and queries in each file (tests/fixtures/README.md describes their contents).
#include <functional>

#include "control/wire/pcap_file.h"
#include "tests/fixtures/fixture_path.h"
#include "tests/mld/sim.h"

namespace tandem::mld::test {
namespace {

const Ipv6Address kG1 = A("ff05::db8:1");
const Ipv6Address kG3 = A("ff05::db8:3");

bool is_mld(const wire::Frame& f) {
  return f.kind == wire::PacketKind::mld_query || f.kind == wire::PacketKind::mld_report_v1 ||
         f.kind == wire::PacketKind::mld_done || f.kind == wire::PacketKind::mld_report_v2;
}

// Replays the MLD frames of `name` into `sim`; `before(frame)` may inspect the state before a
// frame is fed and return false to skip it. Returns the number of MLD frames fed.
size_t replay(Sim& sim, const char* name,
              const std::function<bool(const wire::Frame&)>& before = nullptr) {
  // The captured hosts join ff3e::db8:2 any-source (EXCLUDE records, MLDv1 reports): replayed
  // with an empty SSM range (ssm-policy naming an ACL without rules), as a router configured
  // for such hosts would be; the default range would refuse them (RFC 4604 §2.2).
  Policy asm_only;
  asm_only.acls.set(acl::Acl6{2000, {}});
  asm_only.ssm_policy_acl = 2000;
  EXPECT_TRUE(sim.router.set_policy(asm_only, sim.now));
  std::string error;
  auto file = wire::read_pcap(tandem::testing::fixture_path(name), error);
  EXPECT_TRUE(file) << name << ": " << error;
  if (!file) return 0;
  size_t fed = 0;
  const TimePoint start = sim.now;
  const uint64_t t0 = file->records.empty() ? 0 : file->records.front().ts_ns;
  for (const auto& rec : file->records) {
    sim.run_until(start + std::chrono::nanoseconds(rec.ts_ns - t0));
    const wire::Frame f = wire::parse_frame(rec.data);
    if (!is_mld(f)) continue;
    if (before && !before(f)) continue;
    sim.router.on_frame(f, kIf, sim.now);
    sim.drain();
    ++fed;
  }
  return fed;
}

TEST(Fixtures, Mldv2StateChanges_AsQuerier) {
  Sim sim;
  sim.clear_output();
  EXPECT_EQ(replay(sim, "mldv2_state_changes.pcap"), 28u);
  // DAD-time reports from :: (frames 1 and 3) are ignored and counted; solicited-node groups
  // are link-scope and never tracked.
  EXPECT_EQ(sim.ignored(IgnoreReason::from_unspecified), 2u);
  EXPECT_EQ(sim.ignored(IgnoreReason::link_scope_group), 2u);
  // ASM join G1, SSM joins (G2,S1) (G2,S2), drop S1, block/unblock S3 on G1, then leaves.
  EXPECT_TRUE(sim.has_event(EventKind::listener_added, {}, kG1));
  EXPECT_TRUE(sim.has_event(EventKind::listener_added, kS1, kG2));
  EXPECT_TRUE(sim.has_event(EventKind::listener_added, kS2, kG2));
  EXPECT_TRUE(sim.has_event(EventKind::listener_removed, kS1, kG2));
  EXPECT_TRUE(sim.has_event(EventKind::source_blocked, kS3, kG1));
  EXPECT_TRUE(sim.has_event(EventKind::source_unblocked, kS3, kG1));
  EXPECT_TRUE(sim.has_event(EventKind::listener_removed, {}, kG1));
  EXPECT_TRUE(sim.has_event(EventKind::record_removed, {}, kG2));
  // G3: MSFILTER EXCLUDE{S2,S3} then INCLUDE{S1,S2}: the TO_IN's Q(G) lets the filter timer
  // run out and the group falls back to INCLUDE{S1,S2}; the final BLOCK{S2,S1} queries both.
  EXPECT_TRUE(sim.has_event(EventKind::source_blocked, kS2, kG3));
  EXPECT_TRUE(sim.has_event(EventKind::listener_added, kS2, kG3));
  auto g3 = sim.group(kG3);
  ASSERT_TRUE(g3);
  EXPECT_EQ(g3->filter_mode, FilterMode::include);
  EXPECT_EQ(sources_of(*g3, true), (std::vector<Ipv6Address>{kS1, kS2}));
  for (const auto& s : g3->sources) EXPECT_LE(s.remaining, 2s);
  EXPECT_FALSE(sim.group(kG1));
  EXPECT_FALSE(sim.group(kG2));
  sim.advance(2s);
  EXPECT_EQ(sim.router.group_count(), 0u);  // nobody answered the last queries
}

TEST(Fixtures, Mldv2QueryResponses_NonQuerierAdoptsQuerierValues) {
  Sim sim;
  EXPECT_EQ(replay(sim, "mldv2_query_responses.pcap"), 11u);
  auto st = sim.router.interface_status(kIf, sim.now);
  ASSERT_TRUE(st);
  EXPECT_FALSE(st->is_querier);  // scapy's fe80::1 is lower than fe80::10
  EXPECT_EQ(st->querier, A("fe80::1"));
  EXPECT_EQ(st->timers.robustness, 7);          // QRV 7 of the last query
  EXPECT_EQ(st->timers.query_interval, 3072s);  // QQIC 200, exponential form
  auto g2 = sim.group(kG2);
  ASSERT_TRUE(g2);
  EXPECT_EQ(g2->filter_mode, FilterMode::include);
  EXPECT_EQ(sources_of(*g2, true), (std::vector<Ipv6Address>{kS1, kS2}));
  EXPECT_GT(source_remaining(*g2, kS1), 2s);  // lowered by (G2,{S1,S3}), then re-reported
  auto g1 = sim.group(kG1);
  ASSERT_TRUE(g1);
  EXPECT_EQ(g1->filter_mode, FilterMode::exclude);
  EXPECT_EQ(sources_of(*g1, false), std::vector<Ipv6Address>{kS3});
  EXPECT_TRUE(sources_of(*g1, true).empty());
  EXPECT_FALSE(sim.group(A("ff05::db8:99")));   // the unanswered query creates nothing
  EXPECT_TRUE(sim.specific_queries().empty());  // a non-querier sends none
}

TEST(Fixtures, Mldv1ReportDone_NonQuerierKeepsStateUntilQuerierAsks) {
  Sim sim;
  EXPECT_EQ(replay(sim, "mldv1_report_done.pcap"), 14u);
  EXPECT_EQ(sim.ignored(IgnoreReason::from_unspecified), 2u);
  EXPECT_EQ(sim.ignored(IgnoreReason::not_querier), 2u);  // two Dones, no Q(G) from us
  for (const auto& g : {kG1, kG2}) {
    auto v = sim.group(g);
    ASSERT_TRUE(v) << g.to_string();
    EXPECT_EQ(v->filter_mode, FilterMode::exclude);
    EXPECT_EQ(v->compat, CompatMode::v1);
    EXPECT_TRUE(v->sources.empty());
  }
}

TEST(Fixtures, Mldv1ReportDone_AsQuerierDoneLeadsToRemovalAfterLlqt) {
  Sim sim;
  sim.clear_output();
  TimePoint done_g1 = kNever;
  replay(sim, "mldv1_report_done.pcap", [&](const wire::Frame& f) {
    if (f.kind == wire::PacketKind::mld_query) return false;  // we stay the querier
    if (f.kind == wire::PacketKind::mld_done && f.mld.v1.group == kG1) {
      EXPECT_EQ(sim.group(kG1)->compat, CompatMode::v1);
      if (done_g1 == kNever) done_g1 = sim.now;
    }
    return true;
  });
  ASSERT_NE(done_g1, kNever);
  EXPECT_FALSE(sim.group(kG1));  // 2.5 s after its Done: LLQT 2 s passed
  EXPECT_TRUE(sim.has_event(EventKind::listener_removed, {}, kG1));
  ASSERT_TRUE(sim.group(kG2));  // its Done is the last frame
  sim.advance(2s);
  EXPECT_FALSE(sim.group(kG2));
  size_t q_g1 = 0;
  for (const auto& q : sim.specific_queries()) q_g1 += q.spec.group == kG1;
  EXPECT_EQ(q_g1, 2u);  // LLQC address-specific queries
}

TEST(Fixtures, Mldv2BridgeQuerier_HigherAddressBridgeDoesNotWin) {
  Sim sim;
  sim.clear_output();
  EXPECT_EQ(replay(sim, "mldv2_bridge_querier.pcap"), 36u);
  EXPECT_TRUE(sim.router.interface_status(kIf, sim.now)->is_querier);
  EXPECT_EQ(sim.ignored(IgnoreReason::from_unspecified), 4u);
  EXPECT_GE(sim.ignored(IgnoreReason::s_flag_suppressed), 1u);
  EXPECT_TRUE(sim.has_event(EventKind::listener_added, kS1, kG2));
  EXPECT_TRUE(sim.has_event(EventKind::listener_added, kS2, kG2));
  EXPECT_TRUE(sim.has_event(EventKind::listener_added, {}, kG1));
  EXPECT_TRUE(sim.has_event(EventKind::listener_removed, kS1, kG2));
  EXPECT_TRUE(sim.has_event(EventKind::record_removed, {}, kG1));
  EXPECT_TRUE(sim.has_event(EventKind::record_removed, {}, kG2));
  EXPECT_EQ(sim.router.group_count(), 0u);
}

TEST(Fixtures, Mldv1BridgeQuerierFallback_V1HostsPutGroupsInV1Mode) {
  Sim sim;
  sim.clear_output();
  bool checked = false;
  EXPECT_EQ(replay(sim, "mldv1_bridge_querier_fallback.pcap",
                   [&](const wire::Frame& f) {
                     if (f.kind == wire::PacketKind::mld_done && !checked) {
                       for (const auto& g : {kG1, kG2}) {
                         auto v = sim.group(g);
                         EXPECT_TRUE(v && v->compat == CompatMode::v1) << g.to_string();
                       }
                       checked = true;
                     }
                     return true;
                   }),
            29u);
  EXPECT_TRUE(checked);
  // The bridge's v1 queries come from a higher address: we stay querier and our own
  // address-specific queries after each Done remove the groups LLQT later.
  EXPECT_TRUE(sim.router.interface_status(kIf, sim.now)->is_querier);
  EXPECT_TRUE(sim.has_event(EventKind::listener_removed, {}, kG1));
  EXPECT_TRUE(sim.has_event(EventKind::listener_removed, {}, kG2));
  EXPECT_EQ(sim.router.group_count(), 0u);
}

TEST(Fixtures, RoutersOwnReportsInOtherCaptures) {
  // keepalived's routers forward, so their kernels join ff05::2 (site-local all-routers);
  // everything else they report is link-scope and never tracked.
  Sim sim;
  replay(sim, "vrrpv3_keepalived_adverts.pcap");
  EXPECT_EQ(sim.router.group_count(), 1u);
  auto g = sim.group(A("ff05::2"));
  ASSERT_TRUE(g);
  EXPECT_EQ(g->filter_mode, FilterMode::exclude);
  EXPECT_GT(sim.ignored(IgnoreReason::link_scope_group), 10u);
  for (const char* name :
       {"vrrpv3_frr_adverts.pcap", "bfd_frr_ipv6_global_10ms.pcap", "mcast_fwd_tandem.pcap"}) {
    Sim other;
    replay(other, name);
    other.router.for_each_group(
        [&](const GroupRecordView& v) {
          EXPECT_FALSE(v.group.is_link_scope_multicast()) << name << " " << v.group.to_string();
        },
        other.now);
  }
}

}  // namespace
}  // namespace tandem::mld::test
