// The vocabulary the RBS channel (rbs_channel.h) and its parts share: RBP roles, the
// channel's configuration, the events it reports and the counters and status it displays.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "control/common/time.h"
#include "replication/auth.h"
#include "replication/frame_codec.h"
#include "replication/reasons.h"

namespace tandem::replication {

// Role of one RBP, following its vrrp6-id group: Master sends, Backup applies.
enum class Role : uint8_t { backup, master };
const char* role_name(Role r);  // "backup" / "master"

// 2: every frame after a side's AuthProof is sealed (frame_mac.h); 1 had no stream MAC.
inline constexpr uint16_t kProtocolVersion = 2;

// next_deadline() value meaning "work is waiting: call on_timer() at once". It is the clock's
// epoch, earlier than any `now`, and safe to subtract from (TimePoint::min() is not).
inline constexpr TimePoint kDueNow = TimePoint{};

struct ChannelConfig {
  std::string name = "rbs";          // log prefix: "rbs <name>"
  uint64_t node_id = 0;              // stable id of this router (e.g. hash of source-ipv6)
  uint64_t epoch = 0;                // random per daemon start; never 0
  std::vector<uint16_t> backup_ids;  // RBP backup-ids bound to this RBS (1..4095)
  Duration heartbeat_interval = milliseconds(1000);
  int heartbeat_multiplier = 3;  // half-open after this many silent intervals
  size_t max_frame_bytes = kDefaultMaxFrameBytes;
  size_t snapshot_chunk_records = 4096;   // records per SnapshotChunk frame
  size_t delta_max_records = 1024;        // records per Delta frame
  size_t max_pending_keys = 1 << 20;      // feed backlog bound → snapshot instead
  uint64_t max_unacked_deltas = 8192;     // deltas in flight without ack → snapshot instead
  size_t output_low_watermark = 1 << 20;  // build more Deltas only below this many bytes
  // A received snapshot is applied this many records per call (on_bytes / on_timer), so a
  // million-record snapshot never blocks the event loop long enough to miss heartbeats.
  size_t apply_slice_records = 65536;
  // After becoming Master for a profile, records still arriving from the previous Master
  // (its last Deltas, flushed as it stepped down) are merged for this long, for keys not
  // already learned locally, so a switchover loses nothing learned in between.
  Duration takeover_grace = milliseconds(3000);
  // A peer's BatchBackupRequests (each costs a full snapshot) are honoured at most `burst` at
  // once and one per `interval` after that; the rest are dropped and counted.
  uint32_t batch_request_burst = 4;
  Duration batch_request_interval = milliseconds(1000);
  // Records a peer's snapshot may announce: the group limits of the profiles it covers
  // (`mld global group-limit`); 0 = no bound. A larger SnapshotBegin is refused before
  // anything is staged (snapshot_too_large).
  uint64_t max_snapshot_records = 0;
  // `authentication-key`: empty = none. Both ends must hold the same key (auth.h); it is
  // never logged, displayed or exported. Without a key, a peer that offers one is refused.
  std::string authentication_key;
  // Fresh Hello nonces, one per connection; only called when a key is configured.
  NonceSource nonce_source = random_nonce_source();
};

struct ChannelEvent {
  enum class Kind : uint8_t { connected, peer_hello_ok, snapshot_complete, delta_applied, closed };
  Kind kind;
  CloseReason reason = CloseReason::none;  // closed
  uint64_t seq = 0;                        // snapshot_complete, delta_applied
  uint64_t records = 0;                    // records applied (upserts + removes)
};
const char* channel_event_name(ChannelEvent::Kind k);

struct ChannelCounters {
  uint64_t frames_sent = 0, frames_received = 0;
  uint64_t bytes_sent = 0, bytes_received = 0;
  uint64_t snapshots_sent = 0, snapshots_received = 0, snapshots_discarded = 0;
  uint64_t deltas_sent = 0, deltas_applied = 0;
  uint64_t records_sent = 0, records_applied = 0;
  uint64_t heartbeats_sent = 0, heartbeats_received = 0;
  uint64_t seq_gaps = 0;           // Delta seq != expected → snapshot requested
  uint64_t epoch_changes = 0;      // peer restarted (new epoch in Hello)
  uint64_t backlog_overflows = 0;  // feed or unacked bound exceeded → snapshot
  uint64_t batch_requests_sent = 0, batch_requests_received = 0;
  uint64_t batch_requests_limited = 0;  // dropped by the rate limit
  uint64_t records_ignored_role = 0;    // record for a profile we are Master of
  uint64_t late_records_merged = 0;     // merged during takeover_grace
  uint64_t errors_received = 0;
  std::array<uint64_t, kCloseReasonCount> closes{};  // by CloseReason
};

struct ChannelStatus {
  bool link_up = false;
  bool hello_ok = false;
  bool snapshot_complete = false;
  bool authentication = false;  // a key is configured ("Authentication: configured")
  bool authenticated = false;   // the peer proved the key on the current link
  uint64_t epoch = 0, peer_epoch = 0, peer_node_id = 0;
  uint64_t last_seq_sent = 0;                    // our stream
  uint64_t last_seq_acked = 0;                   // our stream, acked by the peer
  uint64_t last_seq_applied = 0;                 // peer's stream, applied here
  uint64_t pending_keys = 0;                     // feed backlog
  size_t output_bytes = 0;                       // not yet written
  std::vector<std::pair<uint16_t, Role>> roles;  // ours, per backup-id
  std::vector<uint16_t> peer_master_ids;  // backup-ids the peer is Master of (Hello/Heartbeat)
  CloseReason last_close = CloseReason::none;
  ChannelCounters counters;
};

}  // namespace tandem::replication
