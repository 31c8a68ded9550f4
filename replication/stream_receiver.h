// The peer's half of the RBS stream, sans-IO: its snapshots are staged chunk by chunk,
// checked whole, then applied in slices (stale keys of the covered profiles removed first);
// its Deltas are applied in sequence after a snapshot, and a gap in their numbering stops
// them until the next snapshot. Every record goes through PeerRecordApplier.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <unordered_set>
#include <vector>

#include "control/common/time.h"
#include "replication/channel_log.h"
#include "replication/channel_types.h"
#include "replication/group_store.h"
#include "replication/peer_record_applier.h"
#include "replication/rbp_roles.h"
#include "replication/refusal.h"
#include "replication/staged_snapshot.h"

namespace tandem::replication {

// The receiver's answer to a Delta.
struct DeltaResult {
  enum class Kind : uint8_t {
    applied,  // `applied` says what (a delta_applied event)
    ignored,  // a gap was reported; the snapshot asked for replaces this Delta
    gap,      // out of sequence: ask the peer for a snapshot
    refused,
  } kind = Kind::applied;
  Refusal refusal;  // refused
  ChannelEvent applied{ChannelEvent::Kind::delta_applied};
};

class StreamReceiver {
 public:
  // `cfg.backup_ids` sorted. Counts snapshots_received, snapshots_discarded, deltas_applied
  // and seq_gaps in `counters` (PeerRecordApplier counts the records).
  StreamReceiver(const ChannelConfig& cfg, GroupStore& store, const RbpRoles& roles,
                 PeerRecordApplier& applier, ChannelCounters& counters, const ChannelLog& log)
      : cfg_(cfg), store_(store), roles_(roles), applier_(applier), c_(counters), log_(log) {}

  // Frames of a link past its handshake; `peer_epoch` is the one its Hello announced.
  Verdict on_snapshot_begin(const fb::SnapshotBegin* begin, uint64_t peer_epoch);
  // `frame` is the verified frame carrying `chunk`, kept until SnapshotEnd.
  Verdict on_snapshot_chunk(const fb::SnapshotChunk* chunk, std::span<const uint8_t> frame,
                            TimePoint now);
  // Starts applying: applying() is true until apply_step() has applied every slice.
  Verdict on_snapshot_end(const fb::SnapshotEnd* end, TimePoint now);
  DeltaResult on_delta(const fb::Delta* delta, TimePoint now);

  // While a snapshot is being applied, further frames wait (so Deltas land after it).
  bool applying() const { return applying_; }
  // Applies up to apply_slice_records more of the snapshot. Once it is all applied, the
  // snapshot_complete event if the link it arrived on is still the current one.
  std::optional<ChannelEvent> apply_step(TimePoint now);

  // The link went down: a snapshot still arriving is discarded (the table unchanged); one
  // already verified is applied regardless, but completes no stream.
  void link_down();
  // We became Backup of a profile: a fresh snapshot of it is awaited.
  void expect_snapshot() { snapshot_complete_ = false; }

  // A complete snapshot applied on the current link.
  bool snapshot_complete() const { return snapshot_complete_; }
  // The last seq of the peer's stream applied here, to acknowledge.
  uint64_t last_applied() const { return last_applied_; }
  bool ack_due() const { return ack_due_; }
  void ack_sent() { ack_due_ = false; }

 private:
  const ChannelConfig& cfg_;
  GroupStore& store_;
  const RbpRoles& roles_;
  PeerRecordApplier& applier_;
  ChannelCounters& c_;
  const ChannelLog& log_;

  // The stream on the current link.
  bool stream_synced_ = false;  // a snapshot applied on this link and no gap since
  bool snapshot_complete_ = false;
  bool awaiting_snapshot_ = false;  // after a gap: Deltas dropped until the next snapshot
  uint64_t expected_seq_ = 0;
  uint64_t last_applied_ = 0;
  bool ack_due_ = false;

  // Snapshot being received.
  bool staging_ = false;
  uint64_t staging_seq_ = 0;
  uint64_t staging_count_ = 0;
  uint64_t staging_received_ = 0;
  std::vector<uint16_t> staging_ids_;
  StagedSnapshot staged_;

  // Snapshot being applied (after its SnapshotEnd), slice by slice.
  bool applying_ = false;
  enum class ApplyPass : uint8_t { mark, remove_stale, apply } apply_pass_ = ApplyPass::mark;
  size_t apply_stale_removed_ = 0;
  uint64_t apply_seq_ = 0;
  bool apply_link_current_ = false;  // the link it arrived on is still up
  uint64_t apply_applied_before_ = 0;
  std::unordered_set<GroupKey, GroupKeyHash> stale_;
};

}  // namespace tandem::replication
