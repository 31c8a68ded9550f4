// RBS channel, sans-IO: the stream protocol of one remote-backup-service over whatever link
// is currently active. Bytes and `now` in; bytes to write, events and a deadline out. It
// outlives connections: sequence numbers, the epoch and the change feed survive a reconnect.
//
// Per connection: Hello both ways (versions, node ids, epochs, backup-id sets must match;
// with an authentication key, each side's AuthProof must match first, see auth.h) →
// each side sends a snapshot of the profiles it is Master for (seq N) → Deltas N+1, N+2 …
// → Acks back. Heartbeats when idle; no byte from the peer for
// heartbeat_multiplier × heartbeat_interval closes the link as half-open.
//
// Use (daemon or RbsEndpoint):
//   on_connected(now, side) when a TCP connection becomes the active one;
//   on_bytes(data, now) for everything read; on_disconnected(now) on EOF/error;
//   on_timer(now) when next_deadline() passes and after pushing changes into feed();
//   write output(), then consume_output(bytes_written);
//   when wants_close(): write what output() still holds (an Error frame), then close.
//
// Inside, each job is its own sans-IO part (README.md): hello_handshake.h, stream_sender.h,
// stream_receiver.h, rbp_roles.h; this class wires them to the link.
#pragma once

#include <memory>
#include <span>
#include <vector>

#include "control/common/log.h"
#include "control/common/time.h"
#include "replication/auth.h"
#include "replication/change_feed.h"
#include "replication/channel_types.h"
#include "replication/group_store.h"

namespace tandem::replication {

class RbsChannel {
 public:
  RbsChannel(ChannelConfig config, GroupStore& store, LogSink log = null_log_sink());
  ~RbsChannel();
  RbsChannel(const RbsChannel&) = delete;
  RbsChannel& operator=(const RbsChannel&) = delete;

  // --- link ---
  // `side`: whether this router dialed the connection or accepted it. Only an authentication
  // key makes it matter (a proof covers it), and then the two ends must disagree.
  void on_connected(TimePoint now, TcpSide side = TcpSide::dialer);
  void on_bytes(std::span<const uint8_t> data, TimePoint now);
  // The transport closed (EOF, error, or after wants_close()). `reason` is what the
  // transport knows; a partial frame in the buffer turns peer_closed into truncated_frame.
  void on_disconnected(TimePoint now, CloseReason reason = CloseReason::peer_closed);
  // Ask to close (BFD down, lost tie-break, shutdown): counted, reported as an event.
  void close(CloseReason reason, TimePoint now);

  // --- time ---
  void on_timer(TimePoint now);
  TimePoint next_deadline() const;

  // --- output ---
  std::span<const uint8_t> output() const;
  void consume_output(size_t n);
  bool wants_close() const;
  // Events since the last call (at most kMaxQueuedEvents are kept; older ones are dropped).
  std::vector<ChannelEvent> take_events();
  static constexpr size_t kMaxQueuedEvents = 4096;

  // --- RBP / operator ---
  // The RBP follows its vrrp6-id group: Master → send, anything else → Backup (apply).
  void set_role(uint16_t backup_id, Role role, TimePoint now);
  Role role(uint16_t backup_id) const;
  // `batch-backup now`: send a snapshot of the profiles we are Master for, and ask the peer
  // for one of the profiles it is Master for.
  void batch_backup_now(TimePoint now);
  // The daemon pushes changed keys here (see change_feed.h).
  ChangeFeed& feed();

  bool link_up() const;
  // Both Hellos exchanged on the current link (and, with a key, the peer's AuthProof matched).
  bool hello_ok() const;
  // A complete snapshot from the peer has been applied on the current link. The daemon holds
  // VRRP6 preemption while link_up() && !snapshot_complete().
  bool snapshot_complete() const;
  ChannelStatus status() const;
  const ChannelConfig& config() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace tandem::replication
