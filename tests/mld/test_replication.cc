// Hot-backup hooks: export (snapshot and change feed) on the master, apply on the backup, and
// the backup's entries ageing out on the same schedule as the master's.
#include "tests/mld/sim.h"

namespace tandem::mld::test {
namespace {

using T = MldRecordType;

// Compares the replicated part of two views (origin and display-only fields aside).
void expect_same_state(const GroupRecordView& a, const GroupRecordView& b) {
  EXPECT_EQ(a.ifindex, b.ifindex);
  EXPECT_EQ(a.group, b.group);
  EXPECT_EQ(a.filter_mode, b.filter_mode);
  EXPECT_EQ(a.filter_remaining, b.filter_remaining);
  EXPECT_EQ(a.sources, b.sources);
  EXPECT_EQ(a.compat, b.compat);
  EXPECT_EQ(a.compat_remaining, b.compat_remaining);
  EXPECT_EQ(a.last_reporter, b.last_reporter);
  EXPECT_EQ(a.expires, b.expires);
}

struct Pair {
  Sim master;
  Sim backup;
  Pair() {
    EXPECT_TRUE(backup.router.set_passive(kIf, true, backup.now));
    backup.clear_output();
  }
  // Streams the master's change feed to the backup, as the replication layer does.
  void sync() {
    for (const auto& e : master.events) {
      if (e.kind == EventKind::record_changed) {
        auto v = master.router.find_group(e.ifindex, e.group, master.now);
        ASSERT_TRUE(v);
        EXPECT_TRUE(backup.router.apply_upsert(*v, backup.now));
      } else if (e.kind == EventKind::record_removed) {
        EXPECT_TRUE(backup.router.apply_remove(e.ifindex, e.group, backup.now));
      }
    }
    master.events.clear();
    backup.drain();
  }
  void advance(Duration d) {
    master.advance(d);
    backup.advance(d);
    sync();
  }
  void expect_equal() {
    const auto a = master.router.snapshot(master.now);
    const auto b = backup.router.snapshot(backup.now);
    ASSERT_EQ(a.size(), b.size());
    for (const auto& va : a) {
      auto vb = backup.router.find_group(va.ifindex, va.group, backup.now);
      ASSERT_TRUE(vb) << va.group.to_string();
      expect_same_state(va, *vb);
      EXPECT_EQ(vb->origin, Origin::backup);
    }
  }
};

TEST(Replication, SnapshotAppliedOnBackupEqualsMaster) {
  Pair p;
  p.master.report(kHost1, T::to_ex, {kS3});
  p.master.report(kHost2, T::allow, {kS1});
  p.master.report_group(kHost1, T::allow, kG2, {kS1, kS2});
  p.master.v1_report(kHost2, A("ff05::99"));
  p.master.advance(40s);
  p.backup.advance(40s);
  for (const auto& v : p.master.router.snapshot(p.master.now)) {
    EXPECT_TRUE(p.backup.router.apply_upsert(v, p.backup.now));
  }
  p.backup.drain();
  p.expect_equal();
  // The backup's forwarding view came up with origin=backup.
  EXPECT_TRUE(p.backup.has_event(EventKind::listener_added));
  EXPECT_TRUE(p.backup.has_event(EventKind::source_blocked, kS3));
  EXPECT_TRUE(p.backup.has_event(EventKind::listener_added, kS1, kG2));
  for (const auto& e : p.backup.events) EXPECT_EQ(e.origin, Origin::backup);
}

TEST(Replication, BackupEntriesAgeOutWithTheMaster) {
  Pair p;
  p.master.report(kHost1, T::is_ex);
  p.master.report_group(kHost1, T::allow, kG2, {kS1});
  p.sync();
  p.advance(100s);
  p.master.report_group(kHost1, T::allow, kG2, {kS2});
  p.sync();
  p.expect_equal();
  p.advance(160s);  // G (260 s) and S1 of G2 expire on both sides at once
  EXPECT_FALSE(p.master.group(kG));
  EXPECT_FALSE(p.backup.group(kG));
  p.expect_equal();
  p.advance(100s);
  EXPECT_EQ(p.backup.router.group_count(), 0u);
  EXPECT_EQ(p.master.router.group_count(), 0u);
}

TEST(Replication, ChangeFeedKeepsBackupInStep) {
  Pair p;
  p.master.report(kHost1, T::to_ex);
  p.sync();
  p.expect_equal();
  p.master.advance(10s);
  p.backup.advance(10s);
  p.master.report(kHost1, T::to_in);  // leave: LLQT lowers the timer, replicated too
  p.sync();
  p.expect_equal();
  EXPECT_EQ(p.backup.group()->filter_remaining, 2s);
  p.advance(2s);
  EXPECT_FALSE(p.backup.group());
  EXPECT_TRUE(p.backup.has_event(EventKind::listener_removed));
}

TEST(Replication, ApplyRejectsUnknownInterfaceAndBadGroup) {
  Sim sim;
  GroupRecordView v;
  v.ifindex = 42;
  v.group = kG;
  v.filter_mode = FilterMode::exclude;
  v.filter_remaining = 100s;
  EXPECT_FALSE(sim.router.apply_upsert(v, sim.now));
  v.ifindex = kIf;
  v.group = A("2001:db8::1");
  EXPECT_FALSE(sim.router.apply_upsert(v, sim.now));
  EXPECT_EQ(sim.ignored(IgnoreReason::apply_invalid), 2u);
  EXPECT_EQ(sim.router.group_count(), 0u);
}

TEST(Replication, ApplyIncludeWithoutSourcesRemovesTheEntry) {
  Sim sim;
  sim.report(kHost1, T::allow, {kS1});
  GroupRecordView v = *sim.group();
  v.sources.clear();
  EXPECT_TRUE(sim.router.apply_upsert(v, sim.now));
  sim.drain();
  EXPECT_FALSE(sim.group());
  EXPECT_TRUE(sim.has_event(EventKind::listener_removed, kS1));
}

TEST(Replication, BackupEntryBecomesLocalOnceHostsReportAfterSwitchover) {
  Pair p;
  p.master.report(kHost1, T::is_ex);
  p.sync();
  ASSERT_TRUE(p.backup.router.set_passive(kIf, false, p.backup.now));
  p.backup.drain();
  EXPECT_EQ(p.backup.general_queries(), 1u);
  EXPECT_EQ(p.backup.group()->origin, Origin::backup);
  p.backup.report(kHost1, T::is_ex);  // the hosts answer the general query
  EXPECT_EQ(p.backup.group()->origin, Origin::local);
}

}  // namespace
}  // namespace tandem::mld::test
