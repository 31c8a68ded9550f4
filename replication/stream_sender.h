// Our half of the RBS stream, sans-IO: a snapshot of the profiles we are Master of at seq N,
// then Deltas N+1, N+2 … built from the change feed, within a window of unacked Deltas and
// an output low watermark. A feed backlog beyond its bound, a peer's BatchBackupRequest and
// a new Master role turn into a snapshot instead. Sequence numbers survive reconnects.
#pragma once

#include <cstdint>
#include <vector>

#include "control/common/time.h"
#include "replication/change_feed.h"
#include "replication/channel_log.h"
#include "replication/channel_types.h"
#include "replication/frame_output.h"
#include "replication/group_store.h"
#include "replication/rbp_roles.h"
#include "replication/refusal.h"

namespace tandem::replication {

class StreamSender {
 public:
  // Frames go to `out`; snapshots_sent, deltas_sent, records_sent, backlog_overflows and the
  // frames of snapshot chunks are counted in `counters`.
  StreamSender(const ChannelConfig& cfg, GroupStore& store, const RbpRoles& roles, ChangeFeed& feed,
               FrameOutput& out, ChannelCounters& counters, const ChannelLog& log)
      : cfg_(cfg), store_(store), roles_(roles), feed_(feed), out_(out), c_(counters), log_(log) {}

  // A snapshot of `scope` (sorted backup-ids) is due; it merges with one already due.
  void schedule_snapshot(std::vector<uint16_t> scope);
  // Sends the due snapshot now, at seq N = last_seq_sent() + 1, restricted to the profiles
  // we are Master of (possibly none: an empty snapshot still resyncs the peer's stream).
  void send_snapshot(TimePoint now);
  // Sends the due snapshot and Deltas from the feed while the window allows. `force` ignores
  // the window (a Master stepping down hands over everything it still holds). Only while the
  // link is past its handshake.
  void flush(TimePoint now, bool force);
  // The peer acknowledged our stream up to `seq`.
  Verdict on_ack(uint64_t seq);
  // The link went down: what was pending is covered by the snapshot the next one starts with.
  void link_down();

  // A snapshot is due or keys are pending.
  bool has_work() const { return snapshot_due_ || !feed_.empty(); }
  // The output is below its low watermark and the unacked Deltas below their bound.
  bool window_open() const {
    return out_.size() < cfg_.output_low_watermark && seq_ - acked_ < cfg_.max_unacked_deltas;
  }
  uint64_t last_seq_sent() const { return seq_; }
  uint64_t last_seq_acked() const { return acked_; }

 private:
  void send_deltas(TimePoint now, bool force);

  const ChannelConfig& cfg_;
  GroupStore& store_;
  const RbpRoles& roles_;
  ChangeFeed& feed_;
  FrameOutput& out_;
  ChannelCounters& c_;
  const ChannelLog& log_;

  uint64_t seq_ = 0;
  uint64_t acked_ = 0;
  bool snapshot_due_ = false;
  std::vector<uint16_t> snapshot_scope_;  // sorted; what the due snapshot covers
};

}  // namespace tandem::replication
