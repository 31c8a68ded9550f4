// RBS stream semantics in simulated time (DESIGN.md §5): hello, snapshot at N then deltas
// N+1…, coalescing, acks, heartbeats, fallbacks to a snapshot, roles, and every fault leaving
// the receiving table as it was with a named counter.
#include <gtest/gtest.h>

#include "replication/record_codec.h"
#include "tests/replication/harness.h"

namespace tandem::replication::test {
namespace {

constexpr TimePoint kT0 = TimePoint{} + seconds(1000);

struct Pair : ::testing::Test {
  Router master{1, 0x1111, {kBackupId}};
  Router backup{2, 0x2222, {kBackupId}};
  Link link{master, backup};
  Rng rng{42};
  TimePoint now = kT0;

  void SetUp() override { master.channel.set_role(kBackupId, Role::master, now); }
  void step(Duration d) {
    now += d;
    link.pump(now);
  }
  void synced_with(int groups) {
    churn(rng, master.store, master.channel.feed(), static_cast<uint32_t>(groups), groups, now);
    link.connect(now);
    link.pump(now);
    ASSERT_TRUE(backup.channel.snapshot_complete());
  }
};

TEST_F(Pair, SnapshotOnConnectThenDeltasKeepTablesEqual) {
  synced_with(2000);
  expect_tables_match(master.store, backup.store, now, 0);
  EXPECT_EQ(backup.channel.status().counters.snapshots_received, 1u);
  for (int i = 0; i < 20; ++i) {
    churn(rng, master.store, master.channel.feed(), 3000, 200, now);
    step(milliseconds(10));
  }
  expect_tables_match(master.store, backup.store, now, 0);
  const auto ms = master.channel.status();
  EXPECT_EQ(ms.last_seq_acked, ms.last_seq_sent);
  EXPECT_EQ(backup.channel.status().last_seq_applied, ms.last_seq_sent);
  EXPECT_GT(ms.counters.deltas_sent, 0u);
}

TEST_F(Pair, BothSidesPrintTheSameDigest) {
  synced_with(500);
  EXPECT_EQ(digest_hex(table_digest(master.store, now)),
            digest_hex(table_digest(backup.store, now)));
  EXPECT_EQ(digest_hex(master.store.digest()).size(), 16u);
}

TEST_F(Pair, DeltasCarryOnlyTheLatestStatePerKey) {
  synced_with(10);
  const uint64_t before = master.channel.status().counters.records_sent;
  const GroupKey k = key_of(3);
  for (int i = 0; i < 50; ++i) {
    auto r = random_record(rng, k);
    master.store.upsert(r, now);
    master.channel.feed().upsert(r);
  }
  EXPECT_EQ(master.channel.feed().size(), 1u);
  step(milliseconds(1));
  EXPECT_EQ(master.channel.status().counters.records_sent - before, 1u);
  expect_tables_match(master.store, backup.store, now, 0);
}

TEST_F(Pair, BackupEntriesAgeOutExactlyAsOnTheMaster) {
  GroupRecord r;
  r.key = key_of(1);
  r.mode = FilterMode::include;
  r.sources = {{source_addr(1), 5'000}, {source_addr(2), 9'000}};
  master.store.upsert(r, now);
  master.channel.feed().upsert(r);
  link.connect(now);
  link.pump(now);
  for (int i = 0; i < 40; ++i) step(milliseconds(50));  // link stays up, time passes
  for (auto* s : {&master.store, &backup.store}) s->expire(now);
  expect_tables_match(master.store, backup.store, now, 0);
  now += milliseconds(3'001);  // first source expired on both
  master.store.expire(now);
  backup.store.expire(now);
  ASSERT_TRUE(backup.store.find(r.key, now));
  EXPECT_EQ(backup.store.find(r.key, now)->sources.size(), 1u);
  now += milliseconds(4'000);  // second too: record gone on both, no message needed
  master.store.expire(now);
  backup.store.expire(now);
  EXPECT_FALSE(backup.store.find(r.key, now));
  EXPECT_FALSE(master.store.find(r.key, now));
}

TEST_F(Pair, HeartbeatsKeepAnIdleLinkUp) {
  synced_with(10);
  for (int i = 0; i < 50; ++i) step(milliseconds(50));
  EXPECT_TRUE(master.channel.link_up());
  EXPECT_TRUE(backup.channel.link_up());
  EXPECT_GT(master.channel.status().counters.heartbeats_sent, 10u);
  EXPECT_GT(backup.channel.status().counters.heartbeats_received, 10u);
  EXPECT_EQ(backup.channel.status().peer_master_ids, std::vector<uint16_t>{kBackupId});
  EXPECT_TRUE(master.channel.status().peer_master_ids.empty());
}

TEST_F(Pair, HalfOpenPeerDetectedWithinThreeIntervals) {
  synced_with(100);
  const uint64_t digest = backup.store.digest();
  // The peer vanishes without a FIN: nothing arrives any more.
  TimePoint t = now;
  while (backup.channel.link_up() && t < now + seconds(10)) {
    t = std::max(t + milliseconds(1), backup.channel.next_deadline());
    backup.channel.on_timer(t);
  }
  EXPECT_FALSE(backup.channel.link_up());
  EXPECT_LE(t - now, milliseconds(300));  // 3 × 100 ms
  EXPECT_GE(t - now, milliseconds(300));
  EXPECT_EQ(backup.closes(CloseReason::heartbeat_timeout), 1u);
  EXPECT_EQ(backup.store.digest(), digest);
}

TEST_F(Pair, ResetInTheMiddleOfASnapshotLeavesTheTableUnchanged) {
  synced_with(100);
  const uint64_t digest = backup.store.digest();
  const size_t size = backup.store.size();
  link.disconnect(now);
  const uint64_t closes_before =
      backup.closes(CloseReason::truncated_frame) + backup.closes(CloseReason::peer_closed);
  // The master's table changes a lot; a new snapshot starts and the link dies half-way.
  churn(rng, master.store, master.channel.feed(), 20000, 20000, now);
  link.connect(now);
  master.channel.on_bytes(backup.channel.output(), now);
  backup.channel.consume_output(backup.channel.output().size());
  auto out = master.channel.output();
  ASSERT_GT(out.size(), 100'000u);
  std::vector<uint8_t> half(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(out.size() / 2));
  backup.channel.on_bytes(half, now);
  link.disconnect(now);
  EXPECT_EQ(backup.store.digest(), digest);
  EXPECT_EQ(backup.store.size(), size);
  EXPECT_EQ(backup.channel.status().counters.snapshots_discarded, 1u);
  EXPECT_EQ(backup.closes(CloseReason::truncated_frame) + backup.closes(CloseReason::peer_closed),
            closes_before + 1);
  EXPECT_FALSE(backup.channel.snapshot_complete());
  // A later connection completes it.
  link.connect(now);
  link.pump(now);
  expect_tables_match(master.store, backup.store, now, 0);
}

// A Backup at its MLD group limit (modelled by a capped store) must not refuse the Master's
// new group when the same delta or snapshot also removes one: removals are applied first.
struct AtTheLimit : Pair {
  void fill(uint32_t n) {
    for (uint32_t i = 0; i < n; ++i) join(i);
    backup.store.capacity = n;
    link.connect(now);
    link.pump(now);
    ASSERT_TRUE(backup.channel.snapshot_complete());
    ASSERT_EQ(backup.store.size(), n);
  }
  void join(uint32_t i) {
    auto r = random_record(rng, key_of(i));
    master.store.upsert(r, now);
    master.channel.feed().upsert(r);
  }
  void leave(uint32_t i) {
    master.store.remove(key_of(i), now);
    master.channel.feed().remove(key_of(i));
  }
};

TEST_F(AtTheLimit, DeltaRemovingOneGroupAndAddingAnotherFitsInABackupAtItsLimit) {
  fill(10);
  leave(0);
  join(100);
  step(milliseconds(10));
  EXPECT_EQ(backup.store.refused, 0u);
  EXPECT_TRUE(backup.store.find(key_of(100), now));
  EXPECT_FALSE(backup.store.find(key_of(0), now));
  expect_tables_match(master.store, backup.store, now, 0);
}

TEST_F(AtTheLimit, ResyncSnapshotRemovesStaleGroupsBeforeAddingNewOnes) {
  fill(10);
  link.disconnect(now);
  for (uint32_t i = 0; i < 5; ++i) leave(i);
  for (uint32_t i = 100; i < 105; ++i) join(i);
  link.connect(now);
  link.pump(now);
  ASSERT_TRUE(backup.channel.snapshot_complete());
  EXPECT_EQ(backup.store.refused, 0u);
  expect_tables_match(master.store, backup.store, now, 0);
}

TEST_F(Pair, PeerRestartWithNewEpochResyncsBySnapshot) {
  synced_with(300);
  link.disconnect(now);
  // The master restarts: new epoch, seq starts over, different table.
  Router restarted{1, 0x9999, {kBackupId}};
  restarted.channel.set_role(kBackupId, Role::master, now);
  churn(rng, restarted.store, restarted.channel.feed(), 500, 400, now);
  Link l2{restarted, backup};
  l2.connect(now);
  l2.pump(now);
  EXPECT_EQ(backup.channel.status().counters.epoch_changes, 1u);
  EXPECT_EQ(backup.channel.status().peer_epoch, 0x9999u);
  EXPECT_EQ(backup.channel.status().counters.snapshots_received, 2u);
  expect_tables_match(restarted.store, backup.store, now, 0);
}

TEST_F(Pair, TruncatedFrameThenCloseIsCounted) {
  synced_with(50);
  const uint64_t digest = backup.store.digest();
  churn(rng, master.store, master.channel.feed(), 50, 30, now);
  master.channel.on_timer(now);
  auto out = master.channel.output();
  ASSERT_GT(out.size(), 10u);
  std::vector<uint8_t> part(out.begin(), out.begin() + 7);
  backup.channel.on_bytes(part, now);
  backup.channel.on_disconnected(now);
  EXPECT_EQ(backup.closes(CloseReason::truncated_frame), 1u);
  EXPECT_EQ(backup.store.digest(), digest);
}

TEST_F(Pair, OversizedFrameIsRefusedOnItsLengthAlone) {
  synced_with(50);
  const uint64_t digest = backup.store.digest();
  const uint8_t prefix[4] = {0x7f, 0xff, 0xff, 0xff};
  backup.channel.on_bytes(prefix, now);
  EXPECT_TRUE(backup.channel.wants_close());
  EXPECT_EQ(backup.closes(CloseReason::oversized_frame), 1u);
  EXPECT_EQ(backup.store.digest(), digest);
  EXPECT_TRUE(std::any_of(backup.logs.begin(), backup.logs.end(), [](const std::string& l) {
    return l.find("above the limit") != std::string::npos;
  }));
}

TEST_F(Pair, GarbageFrameFailsVerification) {
  synced_with(50);
  const uint64_t digest = backup.store.digest();
  std::vector<uint8_t> garbage = {0, 0, 0, 64};
  for (int i = 0; i < 64; ++i) garbage.push_back(static_cast<uint8_t>(rng.next()));
  backup.channel.on_bytes(garbage, now);
  EXPECT_EQ(backup.closes(CloseReason::unverifiable_frame), 1u);
  EXPECT_EQ(backup.store.digest(), digest);
}

TEST_F(Pair, ZeroLengthFrameIsRefused) {
  synced_with(5);
  const uint8_t zero[4] = {0, 0, 0, 0};
  backup.channel.on_bytes(zero, now);
  EXPECT_EQ(backup.closes(CloseReason::zero_length_frame), 1u);
}

TEST_F(Pair, RecordFailingSemanticChecksRejectsTheWholeDelta) {
  synced_with(50);
  const uint64_t digest = backup.store.digest();
  const uint64_t next = backup.channel.status().last_seq_applied + 1;
  flatbuffers::FlatBufferBuilder fbb;
  InterfaceNameCache names;
  GroupRecord good = random_record(rng, key_of(7777));
  GroupRecord bad = random_record(rng, key_of(7778));
  bad.key.group = wire::Ipv6Address::must_parse("2001:db8::1");  // not multicast
  std::vector<flatbuffers::Offset<fb::GroupRecord>> ups = {encode_record(fbb, good, names),
                                                           encode_record(fbb, bad, names)};
  auto delta = fb::CreateDelta(fbb, next, fbb.CreateVector(ups));
  fbb.Finish(fb::CreateFrame(fbb, fb::Message::Delta, delta.Union()), fb::FrameIdentifier());
  std::vector<uint8_t> bytes;
  append_frame(bytes, fbb);
  backup.channel.on_bytes(bytes, now);
  EXPECT_EQ(backup.closes(CloseReason::bad_record), 1u);
  EXPECT_EQ(backup.store.digest(), digest);
  EXPECT_FALSE(backup.store.find(good.key, now));
}

std::vector<uint8_t> frame_bytes(flatbuffers::FlatBufferBuilder& fbb) {
  std::vector<uint8_t> out;
  append_frame(out, fbb);
  return out;
}

TEST_F(Pair, SnapshotEndWithAnotherCountIsRefusedAndNothingApplied) {
  synced_with(100);
  const uint64_t digest = backup.store.digest();
  const uint64_t n = backup.channel.status().last_seq_applied + 1;
  std::vector<uint8_t> bytes;
  {
    flatbuffers::FlatBufferBuilder fbb;
    std::vector<uint16_t> ids = {kBackupId};
    fbb.Finish(
        fb::CreateFrame(fbb, fb::Message::SnapshotBegin,
                        fb::CreateSnapshotBegin(fbb, n, 0x1111, fbb.CreateVector(ids), 2).Union()),
        fb::FrameIdentifier());
    auto f = frame_bytes(fbb);
    bytes.insert(bytes.end(), f.begin(), f.end());
  }
  {
    flatbuffers::FlatBufferBuilder fbb;
    InterfaceNameCache names;
    std::vector<flatbuffers::Offset<fb::GroupRecord>> recs = {
        encode_record(fbb, random_record(rng, key_of(8001)), names),
        encode_record(fbb, random_record(rng, key_of(8002)), names)};
    fbb.Finish(fb::CreateFrame(fbb, fb::Message::SnapshotChunk,
                               fb::CreateSnapshotChunk(fbb, n, fbb.CreateVector(recs)).Union()),
               fb::FrameIdentifier());
    auto f = frame_bytes(fbb);
    bytes.insert(bytes.end(), f.begin(), f.end());
  }
  {
    flatbuffers::FlatBufferBuilder fbb;
    fbb.Finish(
        fb::CreateFrame(fbb, fb::Message::SnapshotEnd, fb::CreateSnapshotEnd(fbb, n, 3).Union()),
        fb::FrameIdentifier());
    auto f = frame_bytes(fbb);
    bytes.insert(bytes.end(), f.begin(), f.end());
  }
  backup.channel.on_bytes(bytes, now);
  EXPECT_EQ(backup.closes(CloseReason::snapshot_mismatch), 1u);
  EXPECT_EQ(backup.channel.status().counters.snapshots_discarded, 1u);
  EXPECT_EQ(backup.store.digest(), digest);
  EXPECT_FALSE(backup.store.find(key_of(8001), now));
}

TEST_F(Pair, SecondHelloIsAnUnexpectedMessage) {
  synced_with(10);
  flatbuffers::FlatBufferBuilder fbb;
  std::vector<uint16_t> ids = {kBackupId};
  fbb.Finish(fb::CreateFrame(fbb, fb::Message::Hello,
                             fb::CreateHello(fbb, 1, 9, 0x1111, fbb.CreateVector(ids)).Union()),
             fb::FrameIdentifier());
  backup.channel.on_bytes(frame_bytes(fbb), now);
  EXPECT_EQ(backup.closes(CloseReason::unexpected_message), 1u);
}

// Version 1 (no stream MAC) is refused by version 2.
TEST(Hello, OtherProtocolVersionIsRefused) {
  Router a{1, 0x1};
  TimePoint now = kT0;
  a.channel.on_connected(now);
  flatbuffers::FlatBufferBuilder fbb;
  std::vector<uint16_t> ids = {kBackupId};
  fbb.Finish(fb::CreateFrame(fbb, fb::Message::Hello,
                             fb::CreateHello(fbb, 1, 9, 0x5, fbb.CreateVector(ids)).Union()),
             fb::FrameIdentifier());
  a.channel.on_bytes(frame_bytes(fbb), now);
  EXPECT_EQ(a.closes(CloseReason::bad_version), 1u);
  EXPECT_TRUE(a.channel.wants_close());
  EXPECT_FALSE(a.channel.output().empty());  // the Error frame for the peer
}

TEST(Hello, WrongBackupIdRefusesTheConnectionOnBothSides) {
  Router a{1, 0x1, {10}};
  Router b{2, 0x2, {11}};
  TimePoint now = kT0;
  Link link{a, b};
  link.connect(now);
  link.pump(now);
  EXPECT_FALSE(link.up);
  const uint64_t refused =
      a.closes(CloseReason::backup_id_mismatch) + b.closes(CloseReason::backup_id_mismatch);
  EXPECT_GE(refused, 1u);
  // The side that refused first told the other with an Error frame.
  EXPECT_EQ(a.closes(CloseReason::peer_error) + b.closes(CloseReason::peer_error) + refused, 2u);
  EXPECT_EQ(b.store.size(), 0u);
  EXPECT_TRUE(std::any_of(a.logs.begin(), a.logs.end(), [](const std::string& l) {
    return l.find("backup-id") != std::string::npos;
  }));
}

TEST_F(Pair, GapInDeltaSeqFallsBackToASnapshot) {
  synced_with(200);
  const uint64_t digest = backup.store.digest();
  // A Delta that skips ahead: the backup must not apply it.
  flatbuffers::FlatBufferBuilder fbb;
  InterfaceNameCache names;
  GroupRecord r = random_record(rng, key_of(9999));
  std::vector<flatbuffers::Offset<fb::GroupRecord>> ups = {encode_record(fbb, r, names)};
  auto delta =
      fb::CreateDelta(fbb, backup.channel.status().last_seq_applied + 5, fbb.CreateVector(ups));
  fbb.Finish(fb::CreateFrame(fbb, fb::Message::Delta, delta.Union()), fb::FrameIdentifier());
  std::vector<uint8_t> bytes;
  append_frame(bytes, fbb);
  backup.channel.on_bytes(bytes, now);
  EXPECT_EQ(backup.channel.status().counters.seq_gaps, 1u);
  EXPECT_FALSE(backup.store.find(r.key, now));
  EXPECT_EQ(backup.store.digest(), digest);
  EXPECT_EQ(backup.channel.status().counters.batch_requests_sent, 1u);
  // The master answers with a snapshot; the stream resyncs.
  churn(rng, master.store, master.channel.feed(), 300, 100, now);
  link.pump(now);
  EXPECT_EQ(master.channel.status().counters.batch_requests_received, 1u);
  EXPECT_EQ(backup.channel.status().counters.snapshots_received, 2u);
  expect_tables_match(master.store, backup.store, now, 0);
  EXPECT_TRUE(link.up);
}

TEST(Backlog, OverflowFallsBackToASnapshot) {
  ChannelConfig cfg;
  cfg.max_pending_keys = 500;
  cfg.output_low_watermark = 4096;
  Router master{1, 0x1, {kBackupId}, cfg};
  Router backup{2, 0x2, {kBackupId}};
  Rng rng{7};
  TimePoint now = kT0;
  master.channel.set_role(kBackupId, Role::master, now);
  Link link{master, backup};
  link.connect(now);
  link.pump(now);
  // The backup stops reading: the master's output fills, then its feed overflows.
  for (int i = 0; i < 20; ++i) {
    churn(rng, master.store, master.channel.feed(), 5000, 200, now);
    master.channel.on_timer(now);
  }
  EXPECT_EQ(master.channel.status().counters.backlog_overflows, 1u);
  EXPECT_LE(master.channel.feed().size(), 500u);
  link.pump(now);
  expect_tables_match(master.store, backup.store, now, 0);
  EXPECT_GE(backup.channel.status().counters.snapshots_received, 2u);
}

TEST_F(Pair, BatchBackupNowForcesASnapshot) {
  synced_with(100);
  backup.channel.batch_backup_now(now);
  link.pump(now);
  EXPECT_EQ(master.channel.status().counters.snapshots_sent, 2u);
  EXPECT_EQ(backup.channel.status().counters.snapshots_received, 2u);
  master.channel.batch_backup_now(now);
  link.pump(now);
  EXPECT_EQ(backup.channel.status().counters.snapshots_received, 3u);
  expect_tables_match(master.store, backup.store, now, 0);
}

TEST_F(Pair, SnapshotsAreChunkedFarBelowTheFrameLimit) {
  synced_with(0);
  churn(rng, master.store, master.channel.feed(), 50'000, 50'000, now);
  master.channel.batch_backup_now(now);
  auto out = master.channel.output();
  size_t frames = 0, biggest = 0;
  for (size_t pos = 0; pos + 4 <= out.size();) {
    const size_t len = (size_t{out[pos]} << 24) | (size_t{out[pos + 1]} << 16) |
                       (size_t{out[pos + 2]} << 8) | out[pos + 3];
    biggest = std::max(biggest, len);
    ++frames;
    pos += 4 + len;
  }
  EXPECT_GE(frames, 2 + master.store.size() / 4096);
  EXPECT_LT(biggest, kDefaultMaxFrameBytes / 2);
  link.pump(now);
  expect_tables_match(master.store, backup.store, now, 0);
}

// A Master holding about 2000 records, a Backup that applies a snapshot 100 records per call.
struct Slicing : ::testing::Test {
  static ChannelConfig sliced() {
    ChannelConfig cfg;
    cfg.apply_slice_records = 100;
    return cfg;
  }
  Router master{1, 0x1, {kBackupId}};
  Router backup{2, 0x2, {kBackupId}, sliced()};
  Rng rng{3};
  TimePoint now = kT0;
  Link link{master, backup};
  void SetUp() override {
    master.channel.set_role(kBackupId, Role::master, now);
    churn(rng, master.store, master.channel.feed(), 3000, 3000, now);
  }
};

TEST_F(Slicing, LargeSnapshotIsAppliedInSlicesAndDeltasWaitForIt) {
  link.connect(now);
  // Hellos, then the whole snapshot followed by a few Deltas in one read.
  backup.channel.on_bytes(master.channel.output(), now);
  master.channel.consume_output(master.channel.output().size());
  master.channel.on_bytes(backup.channel.output(), now);
  backup.channel.consume_output(backup.channel.output().size());
  churn(rng, master.store, master.channel.feed(), 3000, 300, now);
  master.channel.on_timer(now);
  backup.channel.on_bytes(master.channel.output(), now);
  master.channel.consume_output(master.channel.output().size());
  EXPECT_FALSE(backup.channel.snapshot_complete());
  EXPECT_LT(backup.store.size(), 200u);  // one slice so far
  EXPECT_EQ(backup.channel.next_deadline(), kDueNow);
  int calls = 0;
  while (!backup.channel.snapshot_complete() && calls < 1000) {
    backup.channel.on_timer(now);
    ++calls;
  }
  EXPECT_GT(calls, 10);
  EXPECT_TRUE(backup.channel.snapshot_complete());
  link.pump(now);
  expect_tables_match(master.store, backup.store, now, 0);
  EXPECT_EQ(backup.channel.status().counters.seq_gaps, 0u);
}

// A resync of a Backup that holds a few of the Master's keys already: all of them are struck
// from the stale set inside the first slice, and the records that slice walked past must
// still be applied (they once were skipped, and the Backup missed them until the next
// snapshot).
TEST_F(Slicing, ResyncWhoseStaleKeysAreStruckInTheFirstSliceAppliesEveryRecord) {
  // The first records of the Master's snapshot are on the Backup already.
  int copied = 0;
  master.store.for_each(now, [&](const GroupRecord& r) {
    if (copied++ >= 5) return;
    GroupRecord held = r;
    held.origin = Origin::backup;
    backup.store.upsert(held, now);
  });
  link.connect(now);
  link.pump(now);
  EXPECT_TRUE(backup.channel.snapshot_complete());
  EXPECT_GT(master.store.size(), 1000u);
  expect_tables_match(master.store, backup.store, now, 0);
}

TEST_F(Pair, BackupNeverSendsAndMasterIgnoresRecordsOfItsOwnProfiles) {
  synced_with(100);
  // Changes pushed on the Backup's feed are not sent.
  const uint64_t backup_seq = backup.channel.status().last_seq_sent;
  GroupRecord r = random_record(rng, key_of(5555));
  backup.store.upsert(r, now);
  backup.channel.feed().upsert(r);
  step(milliseconds(1));
  EXPECT_EQ(backup.channel.status().last_seq_sent, backup_seq);
  EXPECT_FALSE(master.store.find(r.key, now));
}

TEST_F(Pair, PreemptionHoldUntilSnapshotComplete) {
  churn(rng, master.store, master.channel.feed(), 5000, 5000, now);
  link.connect(now);
  EXPECT_TRUE(backup.channel.link_up());
  EXPECT_FALSE(backup.channel.snapshot_complete());
  // Hello exchanged, snapshot begun but not finished.
  backup.channel.on_bytes(master.channel.output().first(master.channel.output().size()), now);
  master.channel.consume_output(master.channel.output().size());
  master.channel.on_bytes(backup.channel.output(), now);
  backup.channel.consume_output(backup.channel.output().size());
  EXPECT_FALSE(backup.channel.snapshot_complete());
  auto out = master.channel.output();
  backup.channel.on_bytes(out.first(out.size() / 2), now);
  EXPECT_FALSE(backup.channel.snapshot_complete());
  backup.channel.on_bytes(out.last(out.size() - out.size() / 2), now);
  master.channel.consume_output(out.size());
  EXPECT_TRUE(backup.channel.snapshot_complete());
  auto events = backup.channel.take_events();
  EXPECT_TRUE(std::any_of(events.begin(), events.end(), [](const ChannelEvent& e) {
    return e.kind == ChannelEvent::Kind::snapshot_complete;
  }));
}

// Switchover then switchback under continuous churn: whatever either Master learned, in
// particular just before handing over, ends up on both routers.
TEST_F(Pair, SwitchoverAndSwitchbackUnderChurnLoseNoEntry) {
  synced_with(2000);
  MemoryGroupStore truth;  // what hosts have reported, wherever they reported it
  auto churn_on = [&](Router& m, int ops) {
    for (int i = 0; i < ops; ++i) {
      const GroupKey k = key_of(static_cast<uint32_t>(rng.uniform(0, 2999)));
      if (rng.uniform(0, 4) == 0) {
        m.store.remove(k, now);
        truth.remove(k, now);
        m.channel.feed().remove(k);
      } else {
        auto r = random_record(rng, k);
        m.store.upsert(r, now);
        truth.upsert(r, now);
        m.channel.feed().upsert(r);
      }
    }
  };
  master.store.for_each(now, [&](const GroupRecord& r) { truth.upsert(r, now); });
  for (int round = 0; round < 3; ++round) {
    Router& m = round % 2 == 0 ? master : backup;
    Router& b = round % 2 == 0 ? backup : master;
    for (int i = 0; i < 5; ++i) {
      churn_on(m, 300);
      step(milliseconds(20));
    }
    // Changes learned right before the switch, not yet sent.
    churn_on(m, 300);
    // VRRP6: the backup takes over first (preempt), the old master steps down a moment later.
    b.channel.set_role(kBackupId, Role::master, now);
    churn_on(b, 50);  // new Master already hears reports
    m.channel.set_role(kBackupId, Role::backup, now);
    step(milliseconds(5));
    step(milliseconds(5));
    EXPECT_TRUE(m.channel.snapshot_complete());
    // Bytes spend simulated time on the link; remaining times then differ by that transit.
    expect_tables_match(truth, b.store, now, 10, false);
    expect_tables_match(b.store, m.store, now, 10, false);
  }
  EXPECT_GT(master.channel.status().counters.late_records_merged +
                backup.channel.status().counters.late_records_merged,
            0u);
}

}  // namespace
}  // namespace tandem::replication::test
