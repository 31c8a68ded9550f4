// The channel wires its parts to one link: HelloHandshake (Hello/AuthProof), StreamSender
// (our snapshot and Deltas), StreamReceiver (the peer's), RbpRoles, FrameOutput. It owns what
// belongs to the link itself: its life (connect, close, half-open detection), the frame
// reader and the dispatch of each frame, heartbeats, acks, events and the status.
#include "replication/rbs_channel.h"

#include <algorithm>
#include <deque>

#include "replication/channel_log.h"
#include "replication/control_frames.h"
#include "replication/frame_output.h"
#include "replication/hello_handshake.h"
#include "replication/peer_record_applier.h"
#include "replication/peer_text.h"
#include "replication/rbp_roles.h"
#include "replication/record_codec.h"
#include "replication/refusal.h"
#include "replication/stream_receiver.h"
#include "replication/stream_sender.h"
#include "replication/token_bucket.h"

namespace tandem::replication {

namespace {

// Sorted, unique backup-ids and no bound below 1, so every part can rely on them.
ChannelConfig normalized(ChannelConfig cfg) {
  std::sort(cfg.backup_ids.begin(), cfg.backup_ids.end());
  cfg.backup_ids.erase(std::unique(cfg.backup_ids.begin(), cfg.backup_ids.end()),
                       cfg.backup_ids.end());
  if (cfg.heartbeat_multiplier < 1) cfg.heartbeat_multiplier = 1;
  if (cfg.snapshot_chunk_records == 0) cfg.snapshot_chunk_records = 1;
  if (cfg.delta_max_records == 0) cfg.delta_max_records = 1;
  if (cfg.apply_slice_records == 0) cfg.apply_slice_records = 1;
  return cfg;
}

}  // namespace

struct RbsChannel::Impl {
  Impl(ChannelConfig c, GroupStore& s, LogSink l)
      : cfg(normalized(std::move(c))),
        store(s),
        log(std::move(l), cfg.name),
        reader(cfg.max_frame_bytes),
        out(counters),
        roles(cfg.backup_ids, cfg.takeover_grace),
        handshake(cfg, counters, log),
        sender(cfg, store, roles, feed, out, counters, log),
        applier(store, roles, feed, counters),
        receiver(cfg, store, roles, applier, counters, log) {}

  const ChannelConfig cfg;
  GroupStore& store;
  const ChannelLog log;
  ChannelCounters counters;
  ChangeFeed feed;
  FrameReader reader;
  FrameOutput out;
  RbpRoles roles;
  HelloHandshake handshake;
  StreamSender sender;
  PeerRecordApplier applier;
  StreamReceiver receiver;

  std::deque<ChannelEvent> events;
  bool link_up = false;
  bool wants_close = false;
  TimePoint last_rx{};
  CloseReason last_close = CloseReason::none;
  std::vector<uint16_t> peer_masters;  // from the peer's Hello and Heartbeats
  TokenBucket batch_requests{cfg.batch_request_burst, cfg.batch_request_interval};

  Duration detect_time() const { return cfg.heartbeat_interval * cfg.heartbeat_multiplier; }
  bool past_handshake() const { return link_up && handshake.hello_ok(); }

  void push_event(ChannelEvent e) {
    if (events.size() >= kMaxQueuedEvents) events.pop_front();
    events.push_back(e);
  }

  void send_heartbeat(TimePoint now) {
    queue_heartbeat(out, sender.last_seq_sent(), receiver.last_applied(), roles.master_ids(), now);
    ++counters.heartbeats_sent;
  }

  void send_batch_request(const std::vector<uint16_t>& ids, fb::BatchReason reason, TimePoint now) {
    queue_batch_request(out, ids, reason, now);
    ++counters.batch_requests_sent;
  }

  // ---------------------------------------------------------------- link state
  void link_down(CloseReason reason) {
    if (!link_up) return;
    link_up = false;
    handshake.reset();
    receiver.link_down();
    reader.reset();
    sender.link_down();
    ++counters.closes[static_cast<size_t>(reason)];
    last_close = reason;
    push_event({ChannelEvent::Kind::closed, reason, 0, 0});
  }

  // Protocol failure: count, log, optionally tell the peer, and ask the transport to close.
  void fail(const Refusal& r, TimePoint now) {
    if (!link_up) return;
    log(LogLevel::warning, format_string("closing connection: %s%s%s", close_reason_text(r.reason),
                                         r.detail.empty() ? "" : ": ", r.detail.c_str()));
    out.clear();
    if (r.tell_peer) {
      queue_error(out, r.reason, r.detail.empty() ? close_reason_text(r.reason) : r.detail, now);
    }
    wants_close = true;
    link_down(r.reason);
  }

  void fail_if(const Verdict& v, TimePoint now) {
    if (v) fail(*v, now);
  }

  // Our stream moves only on a link past its handshake; otherwise the next connection
  // starts with a snapshot that covers whatever is pending.
  void flush(TimePoint now, bool force) {
    if (!past_handshake()) {
      feed.clear();
      return;
    }
    sender.flush(now, force);
  }

  // The journal only matters while some profile is inside its takeover grace.
  void update_journal(TimePoint now) {
    const bool on = roles.any_in_takeover_grace(now);
    if (feed.journal_on() != on) feed.set_journal(on);
  }

  // ---------------------------------------------------------------- receiving
  // Frames wait in the reader while a snapshot is being applied, so Deltas land after it.
  void process_frames(TimePoint now) {
    while (true) {
      if (receiver.applying()) {
        if (auto done = receiver.apply_step(now)) push_event(*done);
        if (receiver.applying()) break;
      }
      if (!link_up) break;
      const fb::Frame* frame = nullptr;
      CloseReason reason = CloseReason::none;
      const auto st = reader.next(&frame, &reason);
      if (st == FrameReader::Status::need_more) break;
      if (st == FrameReader::Status::error) {
        fail({reason, "", reason != CloseReason::oversized_frame}, now);
        break;
      }
      on_frame(frame, now);
    }
    if (link_up && receiver.ack_due()) {
      queue_ack(out, receiver.last_applied(), now);
      receiver.ack_sent();
    }
  }

  void on_handshake(HandshakeStep step, TimePoint now) {
    if (step.refusal) return fail(*step.refusal, now);
    // The peer's frames after its AuthProof are sealed; the next one the reader takes is.
    if (step.opener) reader.open_with(*step.opener);
    if (!step.accepted) return;
    peer_masters = std::move(step.accepted->master_backup_ids);
    push_event({ChannelEvent::Kind::peer_hello_ok, CloseReason::none, 0, 0});
    // Every connection starts with a snapshot: an unknown epoch, a restart or a plain
    // reconnect are all handled the same way.
    sender.schedule_snapshot(roles.master_ids());
    sender.send_snapshot(now);
  }

  void on_delta(const fb::Delta* d, TimePoint now) {
    DeltaResult r = receiver.on_delta(d, now);
    switch (r.kind) {
      case DeltaResult::Kind::applied: return push_event(r.applied);
      case DeltaResult::Kind::ignored: return;
      case DeltaResult::Kind::gap: return send_batch_request({}, fb::BatchReason::Gap, now);
      case DeltaResult::Kind::refused: return fail(r.refusal, now);
    }
  }

  void on_frame(const fb::Frame* f, TimePoint now) {
    ++counters.frames_received;
    const fb::Message type = f->message_type();
    const EarlyFrame early = handshake.screen(type);
    if (early.kind == EarlyFrame::Kind::refuse) return fail(early.refusal, now);
    if (early.kind == EarlyFrame::Kind::liveness_only) {
      ++counters.heartbeats_received;
      return;
    }
    switch (type) {
      case fb::Message::Hello:
        return on_handshake(handshake.on_hello(f->message_as_Hello(), out, now), now);
      case fb::Message::AuthProof:
        return on_handshake(handshake.on_auth_proof(f->message_as_AuthProof()), now);
      case fb::Message::SnapshotBegin:
        return fail_if(
            receiver.on_snapshot_begin(f->message_as_SnapshotBegin(), handshake.peer_epoch()), now);
      case fb::Message::SnapshotChunk:
        return fail_if(
            receiver.on_snapshot_chunk(f->message_as_SnapshotChunk(), reader.frame_bytes(), now),
            now);
      case fb::Message::SnapshotEnd:
        return fail_if(receiver.on_snapshot_end(f->message_as_SnapshotEnd(), now), now);
      case fb::Message::Delta: return on_delta(f->message_as_Delta(), now);
      case fb::Message::Ack: return fail_if(sender.on_ack(f->message_as_Ack()->seq()), now);
      case fb::Message::Heartbeat:
        ++counters.heartbeats_received;
        peer_masters = decode_ids(f->message_as_Heartbeat()->master_backup_ids());
        return;
      case fb::Message::BatchBackupRequest: {
        ++counters.batch_requests_received;
        // Each request costs a full snapshot: beyond the bucket's rate they are dropped (the
        // snapshot already due covers them), counted, the link kept.
        if (!batch_requests.take(now)) {
          ++counters.batch_requests_limited;
          return;
        }
        auto ids = decode_ids(f->message_as_BatchBackupRequest()->backup_ids());
        if (ids.empty()) ids = cfg.backup_ids;
        // Always answered, even with an empty snapshot, so the asker's stream resyncs.
        sender.schedule_snapshot(ids);
        return;
      }
      case fb::Message::Error: {
        ++counters.errors_received;
        const auto* e = f->message_as_Error();
        // The peer's words, cut and escaped: they go into our log.
        const std::string text =
            e->text() ? escaped_peer_text({e->text()->data(), e->text()->size()}) : "";
        const auto reason = e->code() == fb::ErrorCode::AuthFailed ? CloseReason::auth_refused
                                                                   : CloseReason::peer_error;
        return fail(
            {reason, format_string("code %u: %s", static_cast<unsigned>(e->code()), text.c_str()),
             false},
            now);
      }
      default: return fail({CloseReason::unexpected_message, "unknown message", true}, now);
    }
  }
};

// -------------------------------------------------------------------- public surface

RbsChannel::RbsChannel(ChannelConfig config, GroupStore& store, LogSink log)
    : impl_(std::make_unique<Impl>(std::move(config), store, std::move(log))) {}

RbsChannel::~RbsChannel() = default;

void RbsChannel::on_connected(TimePoint now, TcpSide side) {
  Impl& m = *impl_;
  if (m.link_up) m.link_down(CloseReason::replaced);
  m.reader.reset();
  m.out.restart(now);
  m.wants_close = false;
  m.link_up = true;
  m.last_rx = now;
  m.push_event({ChannelEvent::Kind::connected, CloseReason::none, 0, 0});
  m.handshake.start(now, side, m.roles.master_ids(), m.out);
}

void RbsChannel::on_bytes(std::span<const uint8_t> data, TimePoint now) {
  Impl& m = *impl_;
  if (!m.link_up || data.empty()) return;
  m.counters.bytes_received += data.size();
  m.last_rx = now;  // any byte proves the peer alive, even inside a long snapshot
  m.reader.append(data);
  m.process_frames(now);
  if (m.link_up) m.flush(now, false);
}

void RbsChannel::on_disconnected(TimePoint /*now*/, CloseReason reason) {
  Impl& m = *impl_;
  if (m.wants_close) {
    m.wants_close = false;  // our own close, already counted
    return;
  }
  if (!m.link_up) return;
  if (m.reader.mid_frame() && reason == CloseReason::peer_closed) {
    reason = CloseReason::truncated_frame;
  }
  m.log(reason == CloseReason::peer_closed ? LogLevel::notice : LogLevel::warning,
        format_string("connection closed: %s", close_reason_text(reason)));
  m.link_down(reason);
}

void RbsChannel::close(CloseReason reason, TimePoint /*now*/) {
  Impl& m = *impl_;
  if (!m.link_up) return;
  m.log(LogLevel::notice, format_string("closing connection: %s", close_reason_text(reason)));
  m.out.clear();
  m.wants_close = true;
  m.link_down(reason);
}

void RbsChannel::on_timer(TimePoint now) {
  Impl& m = *impl_;
  m.update_journal(now);
  if (m.receiver.applying()) m.process_frames(now);
  if (!m.link_up) {
    m.feed.clear();
    return;
  }
  if (now - m.last_rx >= m.detect_time()) {
    m.fail(
        {CloseReason::heartbeat_timeout,
         format_string("nothing heard for %lld ms", static_cast<long long>(to_ms(now - m.last_rx))),
         false},
        now);
    return;
  }
  if (auto refusal = m.handshake.on_timer(now)) {
    m.fail(*refusal, now);
    return;
  }
  m.flush(now, false);
  if (m.link_up && now - m.out.last_tx() >= m.cfg.heartbeat_interval) m.send_heartbeat(now);
}

TimePoint RbsChannel::next_deadline() const {
  const Impl& m = *impl_;
  if (m.receiver.applying()) return kDueNow;  // more of the snapshot to apply
  if (!m.link_up) return kNever;
  TimePoint d = std::min(m.out.last_tx() + m.cfg.heartbeat_interval, m.last_rx + m.detect_time());
  d = std::min(d, m.handshake.auth_deadline());
  if (m.handshake.hello_ok() && m.sender.window_open() && m.sender.has_work()) d = kDueNow;
  return d;
}

std::span<const uint8_t> RbsChannel::output() const {
  return impl_->out.pending();
}

void RbsChannel::consume_output(size_t n) {
  impl_->out.consume(n);
}

bool RbsChannel::wants_close() const {
  return impl_->wants_close;
}

std::vector<ChannelEvent> RbsChannel::take_events() {
  std::vector<ChannelEvent> ev(impl_->events.begin(), impl_->events.end());
  impl_->events.clear();
  return ev;
}

void RbsChannel::set_role(uint16_t backup_id, Role role, TimePoint now) {
  Impl& m = *impl_;
  if (!m.roles.bound(backup_id)) {
    m.log(LogLevel::error,
          format_string("set_role for backup-id %u not bound to this service", backup_id));
    return;
  }
  const Role was = m.roles.role(backup_id);
  if (was == role) return;
  m.log(LogLevel::notice,
        format_string("backup-id %u: %s -> %s", backup_id, role_name(was), role_name(role)));
  if (role == Role::master) {
    m.roles.set(backup_id, Role::master, now);
    m.update_journal(now);
    // The new Master pushes its table (including what it learned as Backup) to the peer.
    if (m.past_handshake()) m.sender.schedule_snapshot({backup_id});
  } else {
    // Hand over: everything still queued goes out before we stop sending, then ask the new
    // Master for its table.
    if (m.past_handshake()) m.flush(now, true);
    m.roles.set(backup_id, Role::backup, now);
    if (m.past_handshake()) {
      m.receiver.expect_snapshot();
      m.send_batch_request({backup_id}, fb::BatchReason::RoleChange, now);
    }
  }
  // The peer's "Peer State" follows at once rather than at the next idle heartbeat.
  if (m.past_handshake()) m.send_heartbeat(now);
}

Role RbsChannel::role(uint16_t backup_id) const {
  return impl_->roles.role(backup_id);
}

void RbsChannel::batch_backup_now(TimePoint now) {
  Impl& m = *impl_;
  if (!m.past_handshake()) return;
  m.log(LogLevel::notice, "batch-backup now");
  auto masters = m.roles.master_ids();
  if (!masters.empty()) m.sender.schedule_snapshot(masters);
  if (masters.size() != m.cfg.backup_ids.size()) {
    m.send_batch_request({}, fb::BatchReason::Operator, now);
  }
  m.flush(now, false);
}

ChangeFeed& RbsChannel::feed() {
  return impl_->feed;
}
const ChannelConfig& RbsChannel::config() const {
  return impl_->cfg;
}
bool RbsChannel::link_up() const {
  return impl_->link_up;
}
bool RbsChannel::hello_ok() const {
  return impl_->handshake.hello_ok();
}
bool RbsChannel::snapshot_complete() const {
  return impl_->receiver.snapshot_complete();
}

ChannelStatus RbsChannel::status() const {
  const Impl& m = *impl_;
  ChannelStatus s;
  s.link_up = m.link_up;
  s.hello_ok = m.handshake.hello_ok();
  s.snapshot_complete = m.receiver.snapshot_complete();
  s.authentication = m.handshake.keyed();
  s.authenticated = m.handshake.authenticated();
  s.epoch = m.cfg.epoch;
  s.peer_epoch = m.handshake.peer_epoch();
  s.peer_node_id = m.handshake.peer_node_id();
  s.last_seq_sent = m.sender.last_seq_sent();
  s.last_seq_acked = m.sender.last_seq_acked();
  s.last_seq_applied = m.receiver.last_applied();
  s.pending_keys = m.feed.size();
  s.output_bytes = m.out.size();
  s.roles = m.roles.list();
  s.peer_master_ids = m.peer_masters;
  s.last_close = m.last_close;
  s.counters = m.counters;
  return s;
}

}  // namespace tandem::replication
