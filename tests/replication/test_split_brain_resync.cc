// Resync after a split brain (issue #9 part 4), in simulated time: both routers were Master of
// the profile with the RBS down, each learning on its own. Whichever comes back first (the RBS
// or the VRRP6 resolution), the router that stays Master sends and the one that became Backup
// replaces its table with the Master's snapshot: groups only the loser learned during the
// split go, the winner's reach it, and the winner never takes the loser's.
#include <gtest/gtest.h>

#include "tests/replication/harness.h"

namespace tandem::replication::test {
namespace {

constexpr TimePoint kT0 = TimePoint{} + seconds(1000);

struct SplitBrain : ::testing::Test {
  Router winner{1, 0x1111, {kBackupId}};  // stays Master (higher priority)
  Router loser{2, 0x2222, {kBackupId}};   // Master during the split only
  Link link{winner, loser};
  Rng rng{7};
  TimePoint now = kT0;

  void SetUp() override {
    winner.channel.set_role(kBackupId, Role::master, now);
    for (uint32_t i = 0; i < 100; ++i) join(winner, i);
    link.connect(now);
    link.pump(now);
    ASSERT_TRUE(loser.channel.snapshot_complete());
    expect_tables_match(winner.store, loser.store, now, 0);
    // The winner has been Master for long: its own takeover_grace is over. (Within 3 s of a
    // takeover the winner would still merge late records, the loser's split-only groups too.)
    // Runs stay below the 20 s shortest timer of random_record(), so nothing expires.
    run_for(seconds(4));
  }
  void step(Duration d) {
    now += d;
    link.pump(now);
  }
  // Advances in 50 ms steps: heartbeats (every 100 ms here) keep a live link up.
  void run_for(Duration d) {
    for (const TimePoint end = now + d; now < end;)
      step(std::min<Duration>(milliseconds(50), end - now));
  }
  void join(Router& r, uint32_t i) {
    auto rec = random_record(rng, key_of(i));
    r.store.upsert(rec, now);
    r.channel.feed().upsert(rec);
  }
  void leave(Router& r, uint32_t i) {
    r.store.remove(key_of(i), now);
    r.channel.feed().remove(key_of(i));
  }
  // RBS and adverts cut; the Backup takes over (its peer BFD went Down) and both are Master.
  // Hosts still reach both: a join on the LAN is heard by both, the rest by one only.
  void split_for(Duration d) {
    link.disconnect(now);
    loser.channel.set_role(kBackupId, Role::master, now);
    now += d / 2;
    for (uint32_t i = 1000; i < 1010; ++i) join(winner, i);  // only the winner heard these
    for (uint32_t i = 0; i < 5; ++i) leave(winner, i);       // and these leaves
    for (uint32_t i = 2000; i < 2010; ++i) join(loser, i);   // only the loser heard these
    for (uint32_t i = 3000; i < 3005; ++i) {                 // both heard these
      join(winner, i);
      join(loser, i);
    }
    now += d / 2;
  }
  void expect_resynced_from_the_winner() {
    EXPECT_TRUE(loser.channel.snapshot_complete());
    expect_tables_match(winner.store, loser.store, now, 10);
    for (uint32_t i = 2000; i < 2010; ++i) {
      EXPECT_FALSE(loser.store.find(key_of(i), now)) << "loser-only group " << i << " kept";
      EXPECT_FALSE(winner.store.find(key_of(i), now)) << "winner took loser's group " << i;
    }
    for (uint32_t i = 1000; i < 1010; ++i) EXPECT_TRUE(loser.store.find(key_of(i), now)) << i;
    for (uint32_t i = 3000; i < 3005; ++i) EXPECT_TRUE(loser.store.find(key_of(i), now)) << i;
    for (uint32_t i = 0; i < 5; ++i) EXPECT_FALSE(loser.store.find(key_of(i), now)) << i;
    EXPECT_EQ(winner.store.size(), 100u - 5 + 10 + 5);
  }
};

TEST_F(SplitBrain, RbsBackWhileBothAreMasterChangesNeitherTable) {
  split_for(seconds(8));
  const size_t winner_size = winner.store.size(), loser_size = loser.store.size();
  link.connect(now);
  step(milliseconds(1));
  // Each sent a snapshot of the profile it is Master of; each ignored the other's.
  EXPECT_EQ(winner.store.size(), winner_size);
  EXPECT_EQ(loser.store.size(), loser_size);
  EXPECT_GT(winner.channel.status().counters.records_ignored_role, 0u);
  EXPECT_GT(loser.channel.status().counters.records_ignored_role, 0u);
  EXPECT_EQ(winner.channel.status().peer_master_ids, std::vector<uint16_t>{kBackupId})
      << "the RBS shows the peer as Master too: the daemon's split-brain evidence";
}

TEST_F(SplitBrain, RbsBackFirstThenVrrpResolvesTheLoserTakesTheWinnersTable) {
  split_for(seconds(8));
  link.connect(now);
  step(milliseconds(1));
  run_for(seconds(2));                                   // both Master on the RBS for a while
  loser.channel.set_role(kBackupId, Role::backup, now);  // the winner's advert arrived
  step(milliseconds(1));
  expect_resynced_from_the_winner();
  EXPECT_TRUE(winner.channel.status().peer_master_ids.empty());
}

TEST_F(SplitBrain, VrrpResolvesFirstThenTheRbsReconnectSnapshotReplacesTheLosersTable) {
  split_for(seconds(8));
  loser.channel.set_role(kBackupId, Role::backup, now);  // adverts back, RBS still down
  now += seconds(3);
  link.connect(now);
  step(milliseconds(1));
  expect_resynced_from_the_winner();
}

TEST_F(SplitBrain, SplitShorterThanTheTakeoverGraceStillEndsWithTheWinnersTable) {
  // The loser became Master 1 s ago: records from the other side are still merged for keys it
  // has not learned itself (takeover_grace), and passed on; the winner must ignore them.
  split_for(seconds(1));
  link.connect(now);
  step(milliseconds(1));
  loser.channel.set_role(kBackupId, Role::backup, now);
  run_for(seconds(1));
  expect_resynced_from_the_winner();
}

TEST_F(SplitBrain, WinnersChangesAfterTheResyncReachTheLoserAsDeltas) {
  split_for(seconds(8));
  loser.channel.set_role(kBackupId, Role::backup, now);
  link.connect(now);
  step(milliseconds(1));
  join(winner, 4000);
  leave(winner, 1000);
  step(milliseconds(1));
  EXPECT_TRUE(loser.store.find(key_of(4000), now));
  EXPECT_FALSE(loser.store.find(key_of(1000), now));
  expect_tables_match(winner.store, loser.store, now, 10);
}

}  // namespace
}  // namespace tandem::replication::test
