// The parts of the RBS channel on their own, without a channel around them: the RBP roles
// and their takeover grace, the rules a peer's record is applied by, the Hello/AuthProof
// handshake, our stream's window and snapshot scope, the peer's stream staged and applied in
// slices, and the output queue. A StreamSender on one store feeds a StreamReceiver on
// another through FrameOutput and FrameReader, so each side is checked by the other.
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <string>
#include <vector>

#include "replication/channel_log.h"
#include "replication/control_frames.h"
#include "replication/frame_output.h"
#include "replication/hello_handshake.h"
#include "replication/peer_record_applier.h"
#include "replication/rbp_roles.h"
#include "replication/record_codec.h"
#include "replication/staged_snapshot.h"
#include "replication/stream_receiver.h"
#include "replication/stream_sender.h"
#include "tests/replication/harness.h"

namespace tandem::replication::test {
namespace {

constexpr TimePoint kT0 = TimePoint{} + seconds(100);
constexpr uint16_t kOtherId = 20;

// A record with one running INCLUDE source.
GroupRecord include_record(const GroupKey& key, int64_t remaining_ms = 200'000) {
  GroupRecord r;
  r.key = key;
  r.mode = FilterMode::include;
  r.sources.push_back({source_addr(1), remaining_ms});
  return r;
}

// Reads every frame a part queued on a FrameOutput, as the peer's FrameReader would.
struct FrameTap {
  FrameReader reader;
  // f(frame, its verified bytes); the frame is valid during the call only.
  void drain(FrameOutput& out,
             const std::function<void(const fb::Frame*, std::span<const uint8_t>)>& f) {
    reader.append(out.pending());
    out.consume(out.size());
    const fb::Frame* frame = nullptr;
    CloseReason reason{};
    FrameReader::Status st;
    while ((st = reader.next(&frame, &reason)) == FrameReader::Status::frame) {
      f(frame, reader.frame_bytes());
    }
    ASSERT_EQ(st, FrameReader::Status::need_more) << close_reason_name(reason);
  }
  std::vector<fb::Message> types(FrameOutput& out) {
    std::vector<fb::Message> t;
    drain(out,
          [&](const fb::Frame* f, std::span<const uint8_t>) { t.push_back(f->message_type()); });
    return t;
  }
};

ChannelConfig two_profile_config(uint64_t node, uint64_t epoch) {
  ChannelConfig cfg;
  cfg.node_id = node;
  cfg.epoch = epoch;
  cfg.backup_ids = {kBackupId, kOtherId};
  cfg.heartbeat_interval = milliseconds(100);
  return cfg;
}

// ------------------------------------------------------------------ RbpRoles

TEST(RbpRoles, TakeoverGraceRunsFromBecomingMasterForItsDuration) {
  RbpRoles roles({kOtherId, kBackupId}, milliseconds(3000));
  EXPECT_EQ(roles.role(kBackupId), Role::backup);
  EXPECT_FALSE(roles.any_in_takeover_grace(kT0));
  roles.set(kOtherId, Role::master, kT0);
  roles.set(kBackupId, Role::master, kT0 + milliseconds(1000));
  EXPECT_EQ(roles.master_ids(), (std::vector<uint16_t>{kBackupId, kOtherId}));
  EXPECT_TRUE(roles.in_takeover_grace(kOtherId, kT0 + milliseconds(2999)));
  EXPECT_FALSE(roles.in_takeover_grace(kOtherId, kT0 + milliseconds(3000)));
  EXPECT_TRUE(roles.in_takeover_grace(kBackupId, kT0 + milliseconds(3999)));
  EXPECT_TRUE(roles.any_in_takeover_grace(kT0 + milliseconds(3999)));
  EXPECT_FALSE(roles.any_in_takeover_grace(kT0 + milliseconds(4000)));
  // Setting Master again does not restart the grace.
  roles.set(kOtherId, Role::master, kT0 + milliseconds(2500));
  EXPECT_FALSE(roles.in_takeover_grace(kOtherId, kT0 + milliseconds(3000)));
  // Stepping down ends it at once.
  roles.set(kBackupId, Role::backup, kT0 + milliseconds(1500));
  EXPECT_FALSE(roles.in_takeover_grace(kBackupId, kT0 + milliseconds(1500)));
  EXPECT_EQ(roles.master_ids(), (std::vector<uint16_t>{kOtherId}));
}

TEST(RbpRoles, UnboundIdStaysBackupAndCannotBecomeMaster) {
  RbpRoles roles({kBackupId}, milliseconds(3000));
  EXPECT_FALSE(roles.bound(kOtherId));
  roles.set(kOtherId, Role::master, kT0);
  EXPECT_EQ(roles.role(kOtherId), Role::backup);
  EXPECT_TRUE(roles.master_ids().empty());
  EXPECT_EQ(roles.list().size(), 1u);
}

// ------------------------------------------------------------------ PeerRecordApplier

struct Applier : ::testing::Test {
  MemoryGroupStore store;
  RbpRoles roles{{kBackupId}, milliseconds(3000)};
  ChangeFeed feed;
  ChannelCounters c;
  PeerRecordApplier applier{store, roles, feed, c};
};

TEST_F(Applier, BackupProfileRecordBecomesAnEntryOfOriginBackup) {
  auto r = include_record(key_of(1));
  applier.upsert(r, kT0);
  auto got = store.find(key_of(1), kT0);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->origin, Origin::backup);
  EXPECT_EQ(c.records_applied, 1u);
  applier.remove(key_of(1), kT0);
  EXPECT_FALSE(store.find(key_of(1), kT0));
  EXPECT_EQ(c.records_applied, 2u);
  EXPECT_TRUE(feed.empty());  // a Backup passes nothing on
}

TEST_F(Applier, IncludeRecordWithoutSourcesRemovesTheEntry) {
  auto r = include_record(key_of(1));
  applier.upsert(r, kT0);
  auto empty = r;
  empty.sources.clear();
  applier.upsert(empty, kT0);
  EXPECT_FALSE(store.find(key_of(1), kT0));
}

TEST_F(Applier, MasterProfileRecordIsIgnoredAfterTheGrace) {
  roles.set(kBackupId, Role::master, kT0);
  auto r = include_record(key_of(1));
  applier.upsert(r, kT0 + milliseconds(3000));
  applier.remove(key_of(2), kT0 + milliseconds(3000));
  EXPECT_EQ(store.size(), 0u);
  EXPECT_EQ(c.records_ignored_role, 2u);
  EXPECT_EQ(c.records_applied, 0u);
}

TEST_F(Applier, DuringTheGraceUnknownKeysMergeAndGoOnToThePeer) {
  roles.set(kBackupId, Role::master, kT0);
  auto r = include_record(key_of(1));
  applier.upsert(r, kT0 + milliseconds(10));
  EXPECT_TRUE(store.find(key_of(1), kT0 + milliseconds(10)));
  EXPECT_EQ(c.late_records_merged, 1u);
  ASSERT_EQ(feed.size(), 1u);
  EXPECT_EQ(feed.take(1)[0], key_of(1));
  // requeue, not mark: the merged key does not count as one this router changed.
  feed.set_journal(true);
  applier.upsert(r, kT0 + milliseconds(20));
  EXPECT_FALSE(feed.journaled(key_of(1)));
}

TEST_F(Applier, DuringTheGraceOurOwnStateWins) {
  roles.set(kBackupId, Role::master, kT0);
  feed.set_journal(true);
  // Learned locally since the takeover (journaled): the late record leaves it.
  auto mine = include_record(key_of(1), 250'000);
  store.upsert(mine, kT0);
  feed.upsert(mine);
  // A local entry from before (origin local, not journaled) wins as well.
  store.upsert(include_record(key_of(2), 250'000), kT0);
  auto late1 = include_record(key_of(1), 1000);
  auto late2 = include_record(key_of(2), 1000);
  applier.upsert(late1, kT0 + milliseconds(5));
  applier.upsert(late2, kT0 + milliseconds(5));
  EXPECT_EQ(store.find(key_of(1), kT0)->sources[0].remaining_ms, 250'000);
  EXPECT_EQ(store.find(key_of(2), kT0)->sources[0].remaining_ms, 250'000);
  EXPECT_EQ(c.records_ignored_role, 2u);
  EXPECT_EQ(c.late_records_merged, 0u);
}

TEST(PeerRecordAge, RunningTimersShrinkButStayRunning) {
  GroupRecord r;
  r.key = key_of(1);
  r.mode = FilterMode::exclude;
  r.filter_timer_ms = 10'000;
  r.older_host_present_ms = 3'000;
  r.sources = {{source_addr(1), 0}, {source_addr(2), 4'000}, {source_addr(3), 9'000}};
  PeerRecordApplier::age(r, milliseconds(5'000));
  EXPECT_EQ(r.filter_timer_ms, 5'000);
  EXPECT_EQ(r.older_host_present_ms, 1);    // still running: local ageing removes it
  EXPECT_EQ(r.sources[0].remaining_ms, 0);  // blocked stays blocked
  EXPECT_EQ(r.sources[1].remaining_ms, 1);
  EXPECT_EQ(r.sources[2].remaining_ms, 4'000);
  PeerRecordApplier::age(r, milliseconds(-5));  // a clock step back changes nothing
  EXPECT_EQ(r.filter_timer_ms, 5'000);
}

// ------------------------------------------------------------------ HelloHandshake

struct Side {
  ChannelConfig cfg;
  ChannelCounters c;
  std::vector<std::string> logs;
  ChannelLog log{[this](LogLevel, std::string_view, std::string_view l) { logs.emplace_back(l); },
                 "t"};
  FrameOutput out{c};
  HelloHandshake hs{cfg, c, log};
  FrameTap tap;
  explicit Side(ChannelConfig config) : cfg(std::move(config)) {}
};

AuthNonce nonce_of(uint8_t fill) {
  AuthNonce n;
  n.fill(fill);
  return n;
}

ChannelConfig keyed_config(uint64_t node, uint64_t epoch, std::string key, uint8_t nonce_fill) {
  auto cfg = two_profile_config(node, epoch);
  cfg.authentication_key = std::move(key);
  cfg.nonce_source = [nonce_fill] { return nonce_of(nonce_fill); };
  return cfg;
}

// Delivers every frame `from` queued to `to`'s handshake; the last step taken.
HandshakeStep deliver(Side& from, Side& to, TimePoint now) {
  HandshakeStep last;
  from.tap.drain(from.out, [&](const fb::Frame* f, std::span<const uint8_t>) {
    if (f->message_type() == fb::Message::Hello) {
      last = to.hs.on_hello(f->message_as_Hello(), to.out, now);
    } else if (f->message_type() == fb::Message::AuthProof) {
      last = to.hs.on_auth_proof(f->message_as_AuthProof());
    }
  });
  return last;
}

TEST(HelloHandshake, UnkeyedHellosAcceptEachOther) {
  Side a(two_profile_config(1, 11)), b(two_profile_config(2, 22));
  a.hs.start(kT0, TcpSide::dialer, {kOtherId}, a.out);
  b.hs.start(kT0, TcpSide::acceptor, {}, b.out);
  const size_t queued = b.out.size();  // b's own Hello
  auto step = deliver(a, b, kT0);
  ASSERT_FALSE(step.refusal);
  ASSERT_TRUE(step.accepted);
  EXPECT_EQ(b.out.size(), queued);  // nothing to prove without a key
  EXPECT_EQ(step.accepted->master_backup_ids, (std::vector<uint16_t>{kOtherId}));
  EXPECT_TRUE(b.hs.hello_ok());
  EXPECT_EQ(b.hs.peer_node_id(), 1u);
  EXPECT_EQ(b.hs.peer_epoch(), 11u);
  EXPECT_FALSE(b.hs.authenticated());
  EXPECT_EQ(b.hs.auth_deadline(), kNever);
  // A second Hello on the same connection is refused.
  a.hs.start(kT0, TcpSide::dialer, {}, a.out);
  step = deliver(a, b, kT0);
  ASSERT_TRUE(step.refusal);
  EXPECT_EQ(step.refusal->reason, CloseReason::unexpected_message);
}

TEST(HelloHandshake, RefusesOtherBackupIdsAndEpochZero) {
  auto other = two_profile_config(1, 11);
  other.backup_ids = {kBackupId};
  Side a(other), b(two_profile_config(2, 22));
  a.hs.start(kT0, TcpSide::dialer, {}, a.out);
  auto step = deliver(a, b, kT0);
  ASSERT_TRUE(step.refusal);
  EXPECT_EQ(step.refusal->reason, CloseReason::backup_id_mismatch);
  EXPECT_EQ(step.refusal->detail, "peer backup-id 10, local backup-id 10,20");
  EXPECT_FALSE(b.hs.hello_ok());

  Side z(two_profile_config(3, 0)), y(two_profile_config(4, 44));
  z.hs.start(kT0, TcpSide::dialer, {}, z.out);
  step = deliver(z, y, kT0);
  ASSERT_TRUE(step.refusal);
  EXPECT_EQ(step.refusal->reason, CloseReason::unexpected_message);
  EXPECT_EQ(step.refusal->detail, "epoch 0");
}

TEST(HelloHandshake, PeerRestartIsCountedOnTheNextConnection) {
  Side b(two_profile_config(2, 22));
  for (uint64_t epoch : {11, 11, 12}) {
    Side a(two_profile_config(1, epoch));
    a.hs.start(kT0, TcpSide::dialer, {}, a.out);
    b.hs.reset();
    b.hs.start(kT0, TcpSide::acceptor, {}, b.out);
    ASSERT_TRUE(deliver(a, b, kT0).accepted);
  }
  EXPECT_EQ(b.c.epoch_changes, 1u);
  EXPECT_EQ(b.hs.peer_epoch(), 12u);
}

TEST(HelloHandshake, KeyedHelloTakesEffectOnlyOnceTheProofMatches) {
  Side a(keyed_config(1, 11, "secret", 0xaa)), b(keyed_config(2, 22, "secret", 0xbb));
  a.hs.start(kT0, TcpSide::dialer, {}, a.out);
  b.hs.start(kT0, TcpSide::acceptor, {}, b.out);
  EXPECT_EQ(b.hs.auth_deadline(), kT0 + milliseconds(300));
  // b checks a's Hello and answers its nonce, but accepts nothing yet.
  auto step = deliver(a, b, kT0);
  EXPECT_FALSE(step.refusal);
  EXPECT_FALSE(step.accepted);
  EXPECT_FALSE(b.hs.hello_ok());
  EXPECT_EQ(b.hs.screen(fb::Message::Heartbeat).kind, EarlyFrame::Kind::liveness_only);
  const auto early = b.hs.screen(fb::Message::Delta);
  EXPECT_EQ(early.kind, EarlyFrame::Kind::refuse);
  EXPECT_EQ(early.refusal.reason, CloseReason::auth_missing);
  EXPECT_EQ(b.hs.screen(fb::Message::AuthProof).kind, EarlyFrame::Kind::dispatch);
  // a gets b's Hello + proof: both are checked and a accepts b.
  step = deliver(b, a, kT0);
  ASSERT_FALSE(step.refusal);
  ASSERT_TRUE(step.accepted);
  EXPECT_TRUE(a.hs.authenticated());
  // b gets a's proof.
  step = deliver(a, b, kT0);
  ASSERT_FALSE(step.refusal);
  ASSERT_TRUE(step.accepted);
  EXPECT_TRUE(b.hs.authenticated());
  EXPECT_EQ(b.hs.screen(fb::Message::Delta).kind, EarlyFrame::Kind::dispatch);
  EXPECT_EQ(b.hs.auth_deadline(), kNever);
  EXPECT_FALSE(b.hs.on_timer(kT0 + seconds(10)));
  EXPECT_EQ(std::count(b.logs.begin(), b.logs.end(), "peer authenticated"), 1);
}

TEST(HelloHandshake, KeyedProofWithAnotherKeyFails) {
  Side a(keyed_config(1, 11, "secret", 0xaa)), b(keyed_config(2, 22, "other", 0xbb));
  a.hs.start(kT0, TcpSide::dialer, {}, a.out);
  b.hs.start(kT0, TcpSide::acceptor, {}, b.out);
  deliver(b, a, kT0);  // a answers b's nonce with a proof of "secret"
  auto step = deliver(a, b, kT0);
  ASSERT_TRUE(step.refusal);
  EXPECT_EQ(step.refusal->reason, CloseReason::auth_failed);
  EXPECT_FALSE(b.hs.hello_ok());
}

TEST(HelloHandshake, KeyedConnectionThatNeverProvesTimesOut) {
  Side b(keyed_config(2, 22, "secret", 0xbb));
  b.hs.start(kT0, TcpSide::acceptor, {}, b.out);
  EXPECT_FALSE(b.hs.on_timer(kT0 + milliseconds(299)));
  auto v = b.hs.on_timer(kT0 + milliseconds(300));
  ASSERT_TRUE(v);
  EXPECT_EQ(v->reason, CloseReason::auth_missing);
  EXPECT_TRUE(v->tell_peer);
}

TEST(HelloHandshake, UnkeyedSideRefusesANonceAndAProof) {
  Side a(keyed_config(1, 11, "secret", 0xaa)), b(two_profile_config(2, 22));
  a.hs.start(kT0, TcpSide::dialer, {}, a.out);
  auto step = deliver(a, b, kT0);
  ASSERT_TRUE(step.refusal);
  EXPECT_EQ(step.refusal->reason, CloseReason::auth_unexpected);
  EXPECT_EQ(b.hs.screen(fb::Message::Delta).refusal.reason, CloseReason::unexpected_message);
  queue_auth_proof(a.out, AuthProof{}, kT0);
  step = deliver(a, b, kT0);
  ASSERT_TRUE(step.refusal);
  EXPECT_EQ(step.refusal->reason, CloseReason::auth_unexpected);
  EXPECT_EQ(step.refusal->detail, "peer sent an AuthProof");
}

// ------------------------------------------------------------------ StreamSender → StreamReceiver

// A Master's sender and a Backup's receiver, each with its own store, joined by a tap.
struct Stream : ::testing::Test {
  ChannelConfig cfg = two_profile_config(1, 11);
  ChannelCounters mc, bc;  // Master's, Backup's
  std::vector<std::string> logs;
  ChannelLog log{[this](LogLevel, std::string_view, std::string_view l) { logs.emplace_back(l); },
                 "t"};
  MemoryGroupStore master_store;
  CappedStore backup_store;
  RbpRoles master_roles{cfg.backup_ids, cfg.takeover_grace};
  RbpRoles backup_roles{cfg.backup_ids, cfg.takeover_grace};
  ChangeFeed master_feed, backup_feed;
  FrameOutput out{mc};
  StreamSender sender{cfg, master_store, master_roles, master_feed, out, mc, log};
  PeerRecordApplier applier{backup_store, backup_roles, backup_feed, bc};
  StreamReceiver receiver{cfg, backup_store, backup_roles, applier, bc, log};
  FrameTap tap;
  std::vector<ChannelEvent> events;
  std::vector<Refusal> refusals;
  std::vector<uint64_t> gaps;

  void SetUp() override {
    cfg.apply_slice_records = 3;
    cfg.snapshot_chunk_records = 4;
    master_roles.set(kBackupId, Role::master, kT0);
  }

  void fill_master(uint32_t n, uint16_t bid = kBackupId) {
    for (uint32_t i = 0; i < n; ++i) master_store.upsert(include_record(key_of(i, bid)), kT0);
  }

  // Delivers what the sender queued; a snapshot is staged, not applied.
  void deliver(TimePoint now) {
    tap.drain(out, [&](const fb::Frame* f, std::span<const uint8_t> bytes) {
      Verdict v;
      switch (f->message_type()) {
        case fb::Message::SnapshotBegin:
          v = receiver.on_snapshot_begin(f->message_as_SnapshotBegin(), cfg.epoch);
          break;
        case fb::Message::SnapshotChunk:
          v = receiver.on_snapshot_chunk(f->message_as_SnapshotChunk(), bytes, now);
          break;
        case fb::Message::SnapshotEnd:
          v = receiver.on_snapshot_end(f->message_as_SnapshotEnd(), now);
          break;
        case fb::Message::Delta: {
          auto r = receiver.on_delta(f->message_as_Delta(), now);
          if (r.kind == DeltaResult::Kind::applied) events.push_back(r.applied);
          if (r.kind == DeltaResult::Kind::gap) gaps.push_back(f->message_as_Delta()->seq());
          if (r.kind == DeltaResult::Kind::refused) v = r.refusal;
          break;
        }
        default: ADD_FAILURE() << fb::EnumNameMessage(f->message_type());
      }
      if (v) refusals.push_back(*v);
    });
  }

  // Applies slices until the snapshot is in; the number of slices.
  int apply_all(TimePoint now) {
    int slices = 0;
    while (receiver.applying()) {
      ++slices;
      if (auto e = receiver.apply_step(now)) events.push_back(*e);
    }
    return slices;
  }

  void snapshot_then_apply(TimePoint now) {
    sender.schedule_snapshot(master_roles.master_ids());
    sender.send_snapshot(now);
    deliver(now);
    apply_all(now);
  }
};

TEST_F(Stream, SnapshotIsStagedWholeThenAppliedInSlicesStaleKeysFirst) {
  fill_master(10);
  // The Backup holds 4 keys the Master no longer has and 2 it has, and room for 10 only: the
  // stale ones must go before the new ones arrive.
  for (uint32_t i = 8; i < 14; ++i) backup_store.upsert(include_record(key_of(i)), kT0);
  backup_store.capacity = 10;
  sender.schedule_snapshot({kBackupId});
  sender.send_snapshot(kT0);
  EXPECT_EQ(mc.snapshots_sent, 1u);
  deliver(kT0);
  ASSERT_TRUE(refusals.empty());
  EXPECT_TRUE(receiver.applying());
  EXPECT_EQ(backup_store.size(), 6u);  // nothing applied at SnapshotEnd
  EXPECT_FALSE(receiver.snapshot_complete());
  // 10 marks (4 slices of 3), 4 removals + 10 upserts (5 slices): passes share slices.
  const int slices = apply_all(kT0);
  EXPECT_EQ(slices, 8);
  EXPECT_EQ(backup_store.refused, 0u);
  expect_tables_match(master_store, backup_store, kT0, 0);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].kind, ChannelEvent::Kind::snapshot_complete);
  EXPECT_EQ(events[0].seq, 1u);
  EXPECT_EQ(events[0].records, 14u);  // 10 upserts + 4 stale removals
  EXPECT_TRUE(receiver.snapshot_complete());
  EXPECT_TRUE(receiver.ack_due());
  EXPECT_EQ(receiver.last_applied(), 1u);
  EXPECT_EQ(bc.snapshots_received, 1u);
}

TEST_F(Stream, StaleKeysAllStruckBeforeTheMarkPassEndsStillApplyEveryRecord) {
  fill_master(10);
  // Key 0 comes first in the snapshot: the only stale candidate is struck in the first
  // slice, long before the mark pass has walked the whole snapshot.
  backup_store.upsert(include_record(key_of(0), 5'000), kT0);
  sender.schedule_snapshot({kBackupId});
  sender.send_snapshot(kT0);
  deliver(kT0);
  ASSERT_TRUE(refusals.empty());
  // One slice strikes key 0, then 10 upserts in slices of 3: the first slice's budget
  // went to the mark walk.
  EXPECT_EQ(apply_all(kT0), 5);
  expect_tables_match(master_store, backup_store, kT0, 0);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].records, 10u);
}

TEST_F(Stream, SnapshotCoversOnlyTheProfilesWeAreMasterOf) {
  fill_master(3, kBackupId);
  fill_master(5, kOtherId);
  sender.schedule_snapshot({kOtherId});
  sender.schedule_snapshot({kBackupId});  // merges with the one already due
  sender.send_snapshot(kT0);
  std::vector<uint16_t> ids;
  uint64_t count = 0;
  tap.drain(out, [&](const fb::Frame* f, std::span<const uint8_t>) {
    if (f->message_type() != fb::Message::SnapshotBegin) return;
    ids = decode_ids(f->message_as_SnapshotBegin()->backup_ids());
    count = f->message_as_SnapshotBegin()->record_count();
  });
  EXPECT_EQ(ids, (std::vector<uint16_t>{kBackupId}));  // 20 is a Backup profile here
  EXPECT_EQ(count, 3u);
}

TEST_F(Stream, LinkLostWhileApplyingFinishesTheTableButNotTheStream) {
  fill_master(7);
  sender.schedule_snapshot({kBackupId});
  sender.send_snapshot(kT0);
  deliver(kT0);
  ASSERT_TRUE(receiver.applying());
  receiver.apply_step(kT0);
  receiver.link_down();
  apply_all(kT0);
  expect_tables_match(master_store, backup_store, kT0, 0);
  EXPECT_TRUE(events.empty());
  EXPECT_FALSE(receiver.snapshot_complete());
  EXPECT_FALSE(receiver.ack_due());
  EXPECT_EQ(bc.snapshots_received, 1u);
  EXPECT_EQ(bc.snapshots_discarded, 0u);
}

TEST_F(Stream, LinkLostWhileStagingDiscardsTheSnapshot) {
  fill_master(9);
  sender.schedule_snapshot({kBackupId});
  sender.send_snapshot(kT0);
  // Only SnapshotBegin and the first chunk arrive.
  int frames = 0;
  tap.drain(out, [&](const fb::Frame* f, std::span<const uint8_t> bytes) {
    if (frames++ == 0) {
      EXPECT_FALSE(receiver.on_snapshot_begin(f->message_as_SnapshotBegin(), cfg.epoch));
    } else if (frames == 2) {
      EXPECT_FALSE(receiver.on_snapshot_chunk(f->message_as_SnapshotChunk(), bytes, kT0));
    }
  });
  receiver.link_down();
  EXPECT_FALSE(receiver.applying());
  EXPECT_EQ(backup_store.size(), 0u);
  EXPECT_EQ(bc.snapshots_discarded, 1u);
  ASSERT_FALSE(logs.empty());
  EXPECT_EQ(logs.back(),
            "snapshot seq 1 discarded after 4 of 9 records: link closed, table unchanged");
}

TEST_F(Stream, DeltasFollowTheSnapshotInSequenceAndAGapStopsThem) {
  fill_master(2);
  snapshot_then_apply(kT0);
  events.clear();
  master_store.upsert(include_record(key_of(5)), kT0);
  master_feed.mark(key_of(5));
  master_store.remove(key_of(0), kT0);
  master_feed.mark(key_of(0));
  sender.flush(kT0, false);
  deliver(kT0);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].seq, 2u);
  EXPECT_EQ(events[0].records, 2u);
  expect_tables_match(master_store, backup_store, kT0, 0);
  // A Delta lost on the way: the next one is a gap, reported once; later ones wait for the
  // snapshot the gap asks for.
  for (uint32_t i : {6, 7, 8}) {
    master_store.upsert(include_record(key_of(i)), kT0);
    master_feed.mark(key_of(i));
    sender.flush(kT0, false);
    if (i == 6) {
      out.consume(out.size());  // lost
      continue;
    }
    deliver(kT0);
  }
  EXPECT_EQ(gaps, (std::vector<uint64_t>{4}));
  EXPECT_EQ(bc.seq_gaps, 1u);
  EXPECT_EQ(events.size(), 1u);
  snapshot_then_apply(kT0);
  EXPECT_TRUE(refusals.empty());
  expect_tables_match(master_store, backup_store, kT0, 0);
  EXPECT_EQ(receiver.last_applied(), sender.last_seq_sent());
}

TEST_F(Stream, DeltaBeforeAnySnapshotOrInsideOneIsRefused) {
  fill_master(1);
  master_feed.mark(key_of(0));
  sender.flush(kT0, false);
  deliver(kT0);
  ASSERT_EQ(refusals.size(), 1u);
  EXPECT_EQ(refusals[0].reason, CloseReason::unexpected_message);
  EXPECT_EQ(refusals[0].detail, "Delta before any snapshot");
}

TEST_F(Stream, UnackedWindowHoldsDeltasBackUntilAnAck) {
  cfg.max_unacked_deltas = 2;
  cfg.delta_max_records = 1;
  fill_master(5);
  for (uint32_t i = 0; i < 5; ++i) master_feed.mark(key_of(i));
  sender.flush(kT0, false);
  EXPECT_EQ(mc.deltas_sent, 2u);
  EXPECT_FALSE(sender.window_open());
  EXPECT_TRUE(sender.has_work());
  ASSERT_TRUE(sender.on_ack(3));  // beyond the last seq sent
  EXPECT_EQ(sender.on_ack(3)->reason, CloseReason::unexpected_message);
  EXPECT_FALSE(sender.on_ack(2));
  EXPECT_FALSE(sender.on_ack(1));  // an older ack does not move the window back
  EXPECT_EQ(sender.last_seq_acked(), 2u);
  sender.flush(kT0, false);
  EXPECT_EQ(mc.deltas_sent, 4u);
  sender.flush(kT0, true);  // a Master stepping down ignores the window
  EXPECT_EQ(mc.deltas_sent, 5u);
  EXPECT_FALSE(sender.has_work());
}

TEST_F(Stream, BacklogBeyondItsBoundBecomesOneSnapshot) {
  cfg.max_pending_keys = 3;
  fill_master(5);
  for (uint32_t i = 0; i < 5; ++i) master_feed.mark(key_of(i));
  sender.flush(kT0, false);
  EXPECT_EQ(mc.backlog_overflows, 1u);
  EXPECT_EQ(mc.deltas_sent, 0u);
  EXPECT_EQ(mc.snapshots_sent, 1u);
  EXPECT_TRUE(master_feed.empty());
  EXPECT_EQ(tap.types(out),
            (std::vector<fb::Message>{fb::Message::SnapshotBegin, fb::Message::SnapshotChunk,
                                      fb::Message::SnapshotChunk, fb::Message::SnapshotEnd}));
}

TEST_F(Stream, KeysOfBackupProfilesAreNeverSent) {
  fill_master(2, kOtherId);
  master_feed.mark(key_of(0, kOtherId));
  master_feed.mark(key_of(1, kOtherId));
  sender.flush(kT0, false);
  EXPECT_EQ(mc.deltas_sent, 0u);
  EXPECT_EQ(sender.last_seq_sent(), 0u);
  EXPECT_TRUE(out.pending().empty());
}

TEST_F(Stream, ChunkOutsideItsSnapshotAndBadCountsAreRefused) {
  fill_master(5);
  sender.schedule_snapshot({kBackupId});
  sender.send_snapshot(kT0);
  std::vector<std::vector<uint8_t>> frames;
  tap.drain(out, [&](const fb::Frame*, std::span<const uint8_t> b) {
    frames.emplace_back(b.begin(), b.end());
  });
  ASSERT_EQ(frames.size(), 4u);  // begin, 2 chunks, end
  auto frame = [&](size_t i) { return fb::GetFrame(frames[i].data()); };
  auto v = receiver.on_snapshot_chunk(frame(1)->message_as_SnapshotChunk(), frames[1], kT0);
  ASSERT_TRUE(v);
  EXPECT_EQ(v->detail, "SnapshotChunk outside its snapshot");
  v = receiver.on_snapshot_begin(frame(0)->message_as_SnapshotBegin(), cfg.epoch + 1);
  ASSERT_TRUE(v);
  EXPECT_EQ(v->detail, "SnapshotBegin from another epoch");
  ASSERT_FALSE(receiver.on_snapshot_begin(frame(0)->message_as_SnapshotBegin(), cfg.epoch));
  ASSERT_FALSE(receiver.on_snapshot_chunk(frame(1)->message_as_SnapshotChunk(), frames[1], kT0));
  v = receiver.on_snapshot_end(frame(3)->message_as_SnapshotEnd(), kT0);  // a chunk short
  ASSERT_TRUE(v);
  EXPECT_EQ(v->reason, CloseReason::snapshot_mismatch);
  EXPECT_EQ(v->detail, "announced 5, end says 5, received 4");
  EXPECT_EQ(backup_store.size(), 0u);
}

// ------------------------------------------------------------------ StagedSnapshot

TEST(StagedSnapshot, WalkResumesWhereItsBudgetRanOutAcrossChunks) {
  ChannelCounters c;
  FrameOutput out(c);
  // Chunks of 3, 1 and 2 records.
  uint32_t next = 0;
  for (int n : {3, 1, 2}) {
    flatbuffers::FlatBufferBuilder fbb;
    InterfaceNameCache names;
    std::vector<flatbuffers::Offset<fb::GroupRecord>> recs;
    for (int i = 0; i < n; ++i)
      recs.push_back(encode_record(fbb, include_record(key_of(next++)), names));
    out.send(fbb, fb::CreateSnapshotChunk(fbb, 1, fbb.CreateVector(recs)),
             fb::Message::SnapshotChunk, kT0);
  }
  StagedSnapshot staged;
  FrameTap tap;
  int arrival = 0;
  tap.drain(out, [&](const fb::Frame*, std::span<const uint8_t> b) {
    staged.add(b, kT0 + milliseconds(arrival++));
  });
  ASSERT_EQ(staged.chunks(), 3u);
  std::vector<std::pair<GroupKey, TimePoint>> seen;
  auto visit = [&](GroupRecord& r, TimePoint received) { seen.emplace_back(r.key, received); };
  size_t budget = 2;
  EXPECT_FALSE(staged.walk(budget, visit));
  EXPECT_EQ(budget, 0u);
  budget = 2;
  EXPECT_FALSE(staged.walk(budget, visit));  // the last of chunk 0, all of chunk 1
  budget = 5;
  EXPECT_TRUE(staged.walk(budget, visit));
  EXPECT_EQ(budget, 3u);
  ASSERT_EQ(seen.size(), 6u);
  for (uint32_t i = 0; i < 6; ++i) EXPECT_EQ(seen[i].first, key_of(i));
  EXPECT_EQ(seen[3].second, kT0 + milliseconds(1));
  EXPECT_EQ(seen[5].second, kT0 + milliseconds(2));
  // The cursor is back at the start: a second pass sees everything again.
  budget = 100;
  EXPECT_TRUE(staged.walk(budget, visit));
  EXPECT_EQ(seen.size(), 12u);
}

// ------------------------------------------------------------------ FrameOutput

TEST(FrameOutput, WrittenBytesAreCountedAndLastTxFollowsEachFrame) {
  ChannelCounters c;
  FrameOutput out(c);
  out.restart(kT0);
  EXPECT_EQ(out.last_tx(), kT0);
  queue_ack(out, 7, kT0 + milliseconds(5));
  queue_heartbeat(out, 7, 3, {kBackupId}, kT0 + milliseconds(9));
  EXPECT_EQ(c.frames_sent, 2u);
  EXPECT_EQ(out.last_tx(), kT0 + milliseconds(9));
  const size_t total = out.size();
  out.consume(5);
  EXPECT_EQ(out.size(), total - 5);
  out.consume(total);  // more than pending: only what is there counts
  EXPECT_EQ(c.bytes_sent, total);
  EXPECT_TRUE(out.pending().empty());
  queue_error(out, CloseReason::auth_failed, "no", kT0);
  FrameTap tap;
  tap.drain(out, [&](const fb::Frame* f, std::span<const uint8_t>) {
    ASSERT_EQ(f->message_type(), fb::Message::Error);
    EXPECT_EQ(f->message_as_Error()->code(), fb::ErrorCode::AuthFailed);
  });
  out.restart(kT0 + seconds(1));
  EXPECT_EQ(out.size(), 0u);
  EXPECT_EQ(out.last_tx(), kT0 + seconds(1));
}

TEST(ControlFrames, EveryRefusalMapsToTheErrorCodeThePeerUnderstands) {
  EXPECT_EQ(error_code_for(CloseReason::bad_version), fb::ErrorCode::BadVersion);
  EXPECT_EQ(error_code_for(CloseReason::backup_id_mismatch), fb::ErrorCode::BackupIdMismatch);
  EXPECT_EQ(error_code_for(CloseReason::snapshot_mismatch), fb::ErrorCode::UnexpectedMessage);
  EXPECT_EQ(error_code_for(CloseReason::bad_record), fb::ErrorCode::BadRecord);
  for (CloseReason r : kAuthCloseReasons) EXPECT_EQ(error_code_for(r), fb::ErrorCode::AuthFailed);
  EXPECT_EQ(error_code_for(CloseReason::local_shutdown), fb::ErrorCode::Shutdown);
}

}  // namespace
}  // namespace tandem::replication::test
