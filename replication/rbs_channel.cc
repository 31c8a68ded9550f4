#include "replication/rbs_channel.h"

#include <algorithm>
#include <cstring>
#include <deque>
#include <map>
#include <unordered_set>

#include "replication/record_codec.h"

namespace tandem::replication {

const char* role_name(Role r) {
  return r == Role::master ? "master" : "backup";
}

const char* channel_event_name(ChannelEvent::Kind k) {
  switch (k) {
    case ChannelEvent::Kind::connected: return "connected";
    case ChannelEvent::Kind::peer_hello_ok: return "peer_hello_ok";
    case ChannelEvent::Kind::snapshot_complete: return "snapshot_complete";
    case ChannelEvent::Kind::delta_applied: return "delta_applied";
    case ChannelEvent::Kind::closed: return "closed";
  }
  return "?";
}

namespace {

fb::ErrorCode error_code_for(CloseReason r) {
  switch (r) {
    case CloseReason::bad_version: return fb::ErrorCode::BadVersion;
    case CloseReason::backup_id_mismatch: return fb::ErrorCode::BackupIdMismatch;
    case CloseReason::unexpected_message:
    case CloseReason::snapshot_mismatch: return fb::ErrorCode::UnexpectedMessage;
    case CloseReason::bad_record: return fb::ErrorCode::BadRecord;
    case CloseReason::auth_missing:
    case CloseReason::auth_failed:
    case CloseReason::auth_unexpected:
    case CloseReason::auth_refused: return fb::ErrorCode::AuthFailed;
    default: return fb::ErrorCode::Shutdown;
  }
}

// A snapshot chunk kept verbatim until SnapshotEnd: nothing is applied before the whole
// snapshot has arrived, so a reset in the middle leaves the table as it was.
struct StagedChunk {
  std::vector<uint64_t> frame;  // aligned copy of the verified Frame
  TimePoint received;
};

// What the peer's Hello announced, kept while its AuthProof is awaited: nothing of it takes
// effect before the proof matches.
struct PeerHello {
  uint64_t node_id = 0, epoch = 0;
  std::vector<uint16_t> backup_ids, master_backup_ids;
};

}  // namespace

struct RbsChannel::Impl {
  Impl(ChannelConfig c, GroupStore& s, LogSink l)
      : cfg(std::move(c)), store(s), log_sink(std::move(l)), reader(cfg.max_frame_bytes) {
    std::sort(cfg.backup_ids.begin(), cfg.backup_ids.end());
    cfg.backup_ids.erase(std::unique(cfg.backup_ids.begin(), cfg.backup_ids.end()),
                         cfg.backup_ids.end());
    for (uint16_t id : cfg.backup_ids) roles[id] = Role::backup;
    if (cfg.heartbeat_multiplier < 1) cfg.heartbeat_multiplier = 1;
    if (cfg.snapshot_chunk_records == 0) cfg.snapshot_chunk_records = 1;
    if (cfg.delta_max_records == 0) cfg.delta_max_records = 1;
    if (cfg.apply_slice_records == 0) cfg.apply_slice_records = 1;
  }

  ChannelConfig cfg;
  GroupStore& store;
  LogSink log_sink;
  ChangeFeed feed;
  FrameReader reader;
  std::vector<uint8_t> out;
  size_t out_pos = 0;
  std::deque<ChannelEvent> events;
  bool wants_close = false;
  ChannelCounters c;
  CloseReason last_close = CloseReason::none;

  // Link.
  bool link_up = false;
  bool hello_ok = false;
  TimePoint last_rx{}, last_tx{};

  // Authentication (auth.h), per connection.
  TcpSide side = TcpSide::dialer;
  TimePoint connected_at{};
  AuthNonce local_nonce{}, peer_nonce{};
  bool awaiting_proof = false;  // peer Hello checked, its AuthProof not yet
  bool authenticated = false;
  PeerHello pending_hello;

  // RBP roles.
  std::map<uint16_t, Role> roles;
  std::map<uint16_t, TimePoint> master_since;

  // Our stream.
  uint64_t seq = 0;
  uint64_t acked = 0;
  bool snapshot_due = false;
  std::vector<uint16_t> snapshot_scope;  // sorted; what the due snapshot covers

  // Peer's stream.
  uint64_t peer_epoch = 0, peer_node = 0;
  std::vector<uint16_t> peer_masters;
  bool stream_synced = false;  // a snapshot applied on this link and no gap since
  bool snapshot_complete = false;
  bool awaiting_snapshot = false;  // after a gap: deltas dropped until the next snapshot
  uint64_t expected_seq = 0;
  uint64_t last_applied = 0;
  bool ack_due = false;

  // Snapshot being received.
  bool staging = false;
  uint64_t staging_seq = 0;
  uint64_t staging_count = 0;
  uint64_t staging_received = 0;
  std::vector<uint16_t> staging_ids;
  std::vector<StagedChunk> staged;

  // Snapshot being applied (after its SnapshotEnd), slice by slice.
  bool applying = false;
  enum class ApplyPass : uint8_t { mark, remove_stale, apply } apply_pass = ApplyPass::mark;
  size_t apply_stale_removed = 0;
  size_t apply_chunk = 0, apply_index = 0;
  uint64_t apply_seq = 0;
  uint64_t apply_link = 0;
  uint64_t apply_applied_before = 0;
  std::unordered_set<GroupKey, GroupKeyHash> stale;
  uint64_t link_generation = 0;  // bumped per connection

  // ---------------------------------------------------------------- helpers
  void push_event(ChannelEvent e) {
    if (events.size() >= kMaxQueuedEvents) events.pop_front();
    events.push_back(e);
  }

  void log(LogLevel level, const std::string& line) const {
    log_sink(level, "rbs " + cfg.name, line);
  }

  size_t out_size() const { return out.size() - out_pos; }

  bool keyed() const { return !cfg.authentication_key.empty(); }
  // How long a keyed connection may stay unauthenticated; the heartbeat detect time, so a
  // peer that only sends heartbeats after its Hello cannot hold the link.
  Duration auth_timeout() const { return cfg.heartbeat_interval * cfg.heartbeat_multiplier; }
  AuthIdentity our_identity() const { return {cfg.node_id, cfg.epoch}; }

  std::vector<uint16_t> master_ids() const {
    std::vector<uint16_t> ids;
    for (const auto& [id, r] : roles) {
      if (r == Role::master) ids.push_back(id);
    }
    return ids;
  }

  Role role_of(uint16_t id) const {
    auto it = roles.find(id);
    return it == roles.end() ? Role::backup : it->second;
  }

  void emit(flatbuffers::FlatBufferBuilder& fbb, TimePoint now) {
    if (out_pos > 0 && out_pos >= out.size() / 2) {
      out.erase(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(out_pos));
      out_pos = 0;
    }
    append_frame(out, fbb);
    ++c.frames_sent;
    last_tx = now;
  }

  template <typename T>
  void send(flatbuffers::FlatBufferBuilder& fbb, flatbuffers::Offset<T> msg, fb::Message type,
            TimePoint now) {
    fbb.Finish(fb::CreateFrame(fbb, type, msg.Union()), fb::FrameIdentifier());
    emit(fbb, now);
  }

  void send_hello(TimePoint now) {
    flatbuffers::FlatBufferBuilder fbb(256);
    auto ids = fbb.CreateVector(cfg.backup_ids);
    auto masters = fbb.CreateVector(master_ids());
    const auto hb_ms = static_cast<uint32_t>(to_ms(cfg.heartbeat_interval));
    flatbuffers::Offset<flatbuffers::Vector<uint8_t>> nonce;
    if (keyed()) nonce = fbb.CreateVector(local_nonce.data(), local_nonce.size());
    auto hello =
        fb::CreateHello(fbb, kProtocolVersion, cfg.node_id, cfg.epoch, ids, masters, hb_ms, nonce);
    send(fbb, hello, fb::Message::Hello, now);
  }

  void send_auth_proof(TimePoint now) {
    const AuthProof proof =
        auth_proof(cfg.authentication_key, side, peer_nonce, local_nonce, our_identity(),
                   {pending_hello.node_id, pending_hello.epoch});
    flatbuffers::FlatBufferBuilder fbb(96);
    auto v = fbb.CreateVector(proof.data(), proof.size());
    send(fbb, fb::CreateAuthProof(fbb, v), fb::Message::AuthProof, now);
  }

  void send_ack(TimePoint now) {
    flatbuffers::FlatBufferBuilder fbb(64);
    send(fbb, fb::CreateAck(fbb, last_applied), fb::Message::Ack, now);
    ack_due = false;
  }

  void send_heartbeat(TimePoint now) {
    flatbuffers::FlatBufferBuilder fbb(64);
    auto masters = fbb.CreateVector(master_ids());
    send(fbb, fb::CreateHeartbeat(fbb, seq, last_applied, masters), fb::Message::Heartbeat, now);
    ++c.heartbeats_sent;
  }

  void send_batch_request(const std::vector<uint16_t>& ids, fb::BatchReason reason, TimePoint now) {
    flatbuffers::FlatBufferBuilder fbb(64);
    auto v = fbb.CreateVector(ids);
    send(fbb, fb::CreateBatchBackupRequest(fbb, v, reason), fb::Message::BatchBackupRequest, now);
    ++c.batch_requests_sent;
  }

  void send_error(CloseReason reason, const std::string& text, TimePoint now) {
    flatbuffers::FlatBufferBuilder fbb(128);
    auto t = fbb.CreateString(text);
    send(fbb, fb::CreateError(fbb, error_code_for(reason), t), fb::Message::Error, now);
  }

  // ---------------------------------------------------------------- link state
  void link_down(CloseReason reason, TimePoint) {
    if (!link_up) return;
    link_up = false;
    hello_ok = false;
    awaiting_proof = false;
    authenticated = false;
    stream_synced = false;
    snapshot_complete = false;
    awaiting_snapshot = false;
    ack_due = false;
    if (staging) {
      ++c.snapshots_discarded;
      log(LogLevel::warning,
          format_string("snapshot seq %llu discarded after %llu of %llu records: "
                        "link closed, table unchanged",
                        static_cast<unsigned long long>(staging_seq),
                        static_cast<unsigned long long>(staging_received),
                        static_cast<unsigned long long>(staging_count)));
    }
    staging = false;
    if (!applying) staged.clear();  // a verified snapshot is finished regardless
    reader.reset();
    // Whatever was queued is covered by the snapshot the next connection starts with.
    feed.clear();
    snapshot_due = false;
    ++c.closes[static_cast<size_t>(reason)];
    last_close = reason;
    push_event({ChannelEvent::Kind::closed, reason, 0, 0});
  }

  // Protocol failure: count, log, optionally tell the peer, and ask the transport to close.
  void fail(CloseReason reason, const std::string& detail, bool tell_peer, TimePoint now) {
    if (!link_up) return;
    log(LogLevel::warning, format_string("closing connection: %s%s%s", close_reason_text(reason),
                                         detail.empty() ? "" : ": ", detail.c_str()));
    out.clear();
    out_pos = 0;
    if (tell_peer) send_error(reason, detail.empty() ? close_reason_text(reason) : detail, now);
    wants_close = true;
    link_down(reason, now);
  }

  // ---------------------------------------------------------------- sending our stream
  void schedule_snapshot(std::vector<uint16_t> scope) {
    if (snapshot_due) {
      std::vector<uint16_t> merged;
      std::set_union(snapshot_scope.begin(), snapshot_scope.end(), scope.begin(), scope.end(),
                     std::back_inserter(merged));
      scope = std::move(merged);
    }
    snapshot_scope = std::move(scope);
    snapshot_due = true;
  }

  // Snapshot of the profiles in snapshot_scope we are Master of, at seq N = ++seq. Chunks are
  // cut by record count and by size so no frame nears the limit, however many sources a
  // record holds.
  void send_snapshot(TimePoint now) {
    std::vector<uint16_t> scope;
    for (uint16_t id : snapshot_scope) {
      if (role_of(id) == Role::master) scope.push_back(id);
    }
    snapshot_due = false;
    snapshot_scope.clear();
    if (scope == master_ids()) feed.clear();  // the snapshot carries every pending key
    const uint64_t n = ++seq;

    std::vector<uint8_t> chunks;
    uint64_t count = 0;
    const size_t byte_budget = std::max<size_t>(cfg.max_frame_bytes / 4, 4096);
    flatbuffers::FlatBufferBuilder fbb(byte_budget + 65536);
    InterfaceNameCache names;
    std::vector<flatbuffers::Offset<fb::GroupRecord>> offs;
    offs.reserve(cfg.snapshot_chunk_records);
    auto flush_chunk = [&] {
      if (offs.empty()) return;
      auto v = fbb.CreateVector(offs);
      fbb.Finish(fb::CreateFrame(fbb, fb::Message::SnapshotChunk,
                                 fb::CreateSnapshotChunk(fbb, n, v).Union()),
                 fb::FrameIdentifier());
      append_frame(chunks, fbb);
      ++c.frames_sent;
      fbb.Clear();
      names.clear();
      offs.clear();
    };
    if (!scope.empty()) {
      store.for_each(now, [&](const GroupRecord& r) {
        if (!contains_id(scope, r.key.backup_id)) return;
        offs.push_back(encode_record(fbb, r, names));
        ++count;
        if (offs.size() >= cfg.snapshot_chunk_records || fbb.GetSize() >= byte_budget) {
          flush_chunk();
        }
      });
      flush_chunk();
    }

    flatbuffers::FlatBufferBuilder head(256);
    auto ids = head.CreateVector(scope);
    send(head, fb::CreateSnapshotBegin(head, n, cfg.epoch, ids, count), fb::Message::SnapshotBegin,
         now);
    out.insert(out.end(), chunks.begin(), chunks.end());
    flatbuffers::FlatBufferBuilder tail(64);
    send(tail, fb::CreateSnapshotEnd(tail, n, count), fb::Message::SnapshotEnd, now);
    ++c.snapshots_sent;
    c.records_sent += count;
    log(LogLevel::info, format_string("snapshot seq %llu sent: %llu records, %zu profiles",
                                      static_cast<unsigned long long>(n),
                                      static_cast<unsigned long long>(count), scope.size()));
  }

  // Builds Deltas from the feed. `force` ignores flow control (a Master stepping down hands
  // over everything it still holds).
  void flush(TimePoint now, bool force) {
    if (!link_up || !hello_ok) {
      feed.clear();  // the next connection starts with a snapshot
      return;
    }
    if (feed.size() > cfg.max_pending_keys) {
      if (!snapshot_due) {
        ++c.backlog_overflows;
        log(LogLevel::warning,
            format_string("backlog of %zu keys above %zu: falling back to a snapshot", feed.size(),
                          cfg.max_pending_keys));
      }
      feed.clear();
      schedule_snapshot(master_ids());
    }
    if (snapshot_due && (force || out_size() < cfg.output_low_watermark)) send_snapshot(now);
    while (!feed.empty()) {
      if (!force &&
          (out_size() >= cfg.output_low_watermark || seq - acked >= cfg.max_unacked_deltas)) {
        break;
      }
      auto keys = feed.take(cfg.delta_max_records);
      flatbuffers::FlatBufferBuilder fbb(64 * 1024);
      InterfaceNameCache names;
      std::vector<flatbuffers::Offset<fb::GroupRecord>> ups;
      std::vector<flatbuffers::Offset<fb::GroupKey>> rms;
      for (const auto& k : keys) {
        if (role_of(k.backup_id) != Role::master) continue;  // Backup never sends
        if (auto r = store.find(k, now)) {
          ups.push_back(encode_record(fbb, *r, names));
        } else {
          rms.push_back(encode_key(fbb, k, names));
        }
      }
      if (ups.empty() && rms.empty()) continue;
      const uint64_t n = ++seq;
      auto uv = fbb.CreateVector(ups);
      auto rv = fbb.CreateVector(rms);
      send(fbb, fb::CreateDelta(fbb, n, uv, rv), fb::Message::Delta, now);
      ++c.deltas_sent;
      c.records_sent += ups.size() + rms.size();
    }
  }

  // ---------------------------------------------------------------- receiving
  // The peer's stream may only touch profiles we are Backup of; during takeover_grace after
  // becoming Master we also merge what the previous Master flushed, for keys we have not
  // learned ourselves (our own, fresher state wins).
  enum class Admit { apply, merge, ignore };
  Admit admit(const GroupKey& key, TimePoint now) {
    if (role_of(key.backup_id) == Role::backup) return Admit::apply;
    auto since = master_since.find(key.backup_id);
    if (since != master_since.end() && now - since->second < cfg.takeover_grace &&
        !feed.journaled(key)) {
      auto mine = store.find(key, now);
      if (!mine || mine->origin == Origin::backup) return Admit::merge;
    }
    ++c.records_ignored_role;
    return Admit::ignore;
  }

  void apply_upsert(GroupRecord& r, TimePoint now) {
    const Admit a = admit(r.key, now);
    if (a == Admit::ignore) return;
    if (r.mode == FilterMode::include && r.sources.empty()) {
      store.remove(r.key, now);  // every source expired in transit
    } else {
      r.origin = Origin::backup;
      store.upsert(r, now);
    }
    if (a == Admit::merge) {
      ++c.late_records_merged;
      pass_on(r.key);
    }
    ++c.records_applied;
  }

  void apply_remove(const GroupKey& k, TimePoint now) {
    const Admit a = admit(k, now);
    if (a == Admit::ignore) return;
    store.remove(k, now);
    if (a == Admit::merge) {
      ++c.late_records_merged;
      pass_on(k);
    }
    ++c.records_applied;
  }

  // We are the sender now: a merged record goes on to the peer, without counting as a key
  // this router changed itself.
  void pass_on(const GroupKey& k) { feed.requeue(k); }

  // The journal only matters while some profile is inside its takeover grace.
  void update_journal(TimePoint now) {
    bool any = false;
    for (const auto& [id, since] : master_since) {
      if (role_of(id) == Role::master && now - since < cfg.takeover_grace) any = true;
    }
    if (feed.journal_on() != any) feed.set_journal(any);
  }

  // Remaining times were measured when the peer built the frame; the frame waited
  // (now - received) here, so that much has elapsed. A running timer stays running (≥ 1 ms)
  // so an EXCLUDE source never flips to "blocked" on the way in; local ageing removes it.
  static void age(GroupRecord& r, Duration elapsed) {
    const int64_t e = to_ms(elapsed);
    if (e <= 0) return;
    auto dec = [e](int64_t& v) {
      if (v > 0) v = std::max<int64_t>(1, v - e);
    };
    dec(r.filter_timer_ms);
    dec(r.older_host_present_ms);
    for (auto& s : r.sources) dec(s.remaining_ms);
  }

  void on_hello(const fb::Hello* h, TimePoint now) {
    if (hello_ok || awaiting_proof) {
      return fail(CloseReason::unexpected_message, "second Hello", true, now);
    }
    if (h->protocol_version() != kProtocolVersion) {
      return fail(CloseReason::bad_version,
                  format_string("peer speaks version %u, we speak %u", h->protocol_version(),
                                kProtocolVersion),
                  true, now);
    }
    PeerHello peer;
    peer.node_id = h->node_id();
    peer.epoch = h->epoch();
    peer.backup_ids = decode_ids(h->backup_ids());
    peer.master_backup_ids = decode_ids(h->master_backup_ids());
    const auto* nonce = h->auth_nonce();
    if (!keyed()) {
      if (nonce) {
        return fail(CloseReason::auth_unexpected, "peer's Hello carries an authentication nonce",
                    true, now);
      }
      return accept_hello(std::move(peer), now);
    }
    if (!nonce) {
      return fail(CloseReason::auth_missing, "peer's Hello carries no authentication nonce", true,
                  now);
    }
    if (nonce->size() != kAuthNonceBytes) {
      return fail(CloseReason::auth_failed,
                  format_string("authentication nonce of %u bytes, expected %zu", nonce->size(),
                                kAuthNonceBytes),
                  true, now);
    }
    std::copy(nonce->begin(), nonce->end(), peer_nonce.begin());
    pending_hello = std::move(peer);
    awaiting_proof = true;
    send_auth_proof(now);
  }

  // With a key, the peer's Hello takes effect only here, once its proof of the key matches.
  void on_auth_proof(const fb::AuthProof* p, TimePoint now) {
    if (!keyed()) return fail(CloseReason::auth_unexpected, "peer sent an AuthProof", true, now);
    if (!awaiting_proof) {
      return fail(CloseReason::unexpected_message,
                  hello_ok ? "second AuthProof" : "AuthProof before Hello", true, now);
    }
    const AuthProof expected =
        auth_proof(cfg.authentication_key, other_side(side), local_nonce, peer_nonce,
                   {pending_hello.node_id, pending_hello.epoch}, our_identity());
    const auto* v = p->hmac();
    const auto received =
        v ? std::span<const uint8_t>(v->data(), v->size()) : std::span<const uint8_t>{};
    if (!auth_proof_matches(expected, received)) {
      return fail(CloseReason::auth_failed,
                  "AuthProof does not match: another key, or replayed from an earlier connection",
                  true, now);
    }
    awaiting_proof = false;
    authenticated = true;
    log(LogLevel::info, "peer authenticated");
    accept_hello(std::move(pending_hello), now);
  }

  void accept_hello(PeerHello peer, TimePoint now) {
    const auto& ids = peer.backup_ids;
    if (ids != cfg.backup_ids) {
      auto list = [](const std::vector<uint16_t>& v) {
        std::string s;
        for (uint16_t id : v) s += (s.empty() ? "" : ",") + std::to_string(id);
        return s.empty() ? std::string("none") : s;
      };
      return fail(CloseReason::backup_id_mismatch,
                  "peer backup-id " + list(ids) + ", local backup-id " + list(cfg.backup_ids), true,
                  now);
    }
    if (peer.epoch == 0) return fail(CloseReason::unexpected_message, "epoch 0", true, now);
    if (peer_epoch != 0 && peer.epoch != peer_epoch) {
      ++c.epoch_changes;
      log(LogLevel::notice, format_string("peer restarted (epoch %016llx → %016llx)",
                                          static_cast<unsigned long long>(peer_epoch),
                                          static_cast<unsigned long long>(peer.epoch)));
    }
    peer_epoch = peer.epoch;
    peer_node = peer.node_id;
    peer_masters = std::move(peer.master_backup_ids);
    hello_ok = true;
    push_event({ChannelEvent::Kind::peer_hello_ok, CloseReason::none, 0, 0});
    log(LogLevel::info, format_string("peer hello ok: node %016llx epoch %016llx",
                                      static_cast<unsigned long long>(peer_node),
                                      static_cast<unsigned long long>(peer_epoch)));
    // Every connection starts with a snapshot: an unknown epoch, a restart or a plain
    // reconnect are all handled the same way.
    schedule_snapshot(master_ids());
    send_snapshot(now);
  }

  void on_snapshot_begin(const fb::SnapshotBegin* b, TimePoint now) {
    if (!hello_ok || staging) {
      return fail(CloseReason::unexpected_message, "SnapshotBegin out of order", true, now);
    }
    if (b->epoch() != peer_epoch) {
      return fail(CloseReason::unexpected_message, "SnapshotBegin from another epoch", true, now);
    }
    auto ids = decode_ids(b->backup_ids());
    for (uint16_t id : ids) {
      if (!contains_id(cfg.backup_ids, id)) {
        return fail(CloseReason::bad_record, format_string("snapshot of unknown backup-id %u", id),
                    true, now);
      }
    }
    staging = true;
    staging_seq = b->seq();
    staging_count = b->record_count();
    staging_received = 0;
    staging_ids = std::move(ids);
    staged.clear();
    snapshot_complete = false;
  }

  void on_snapshot_chunk(const fb::SnapshotChunk* ch, TimePoint now) {
    if (!staging || ch->seq() != staging_seq) {
      return fail(CloseReason::unexpected_message, "SnapshotChunk outside its snapshot", true, now);
    }
    // Check every record now, keep the frame, apply nothing until SnapshotEnd.
    GroupRecord tmp;
    if (const auto* recs = ch->records()) {
      for (const auto* r : *recs) {
        if (!decode_record(r, &tmp) || !contains_id(staging_ids, tmp.key.backup_id)) {
          return fail(CloseReason::bad_record, "bad record in snapshot chunk", true, now);
        }
      }
      staging_received += recs->size();
    }
    if (staging_received > staging_count) {
      return fail(CloseReason::snapshot_mismatch, "more records than announced", true, now);
    }
    const auto bytes = reader.frame_bytes();
    StagedChunk chunk;
    chunk.frame.resize((bytes.size() + 7) / 8);
    std::memcpy(chunk.frame.data(), bytes.data(), bytes.size());
    chunk.received = now;
    staged.push_back(std::move(chunk));
  }

  void on_snapshot_end(const fb::SnapshotEnd* e, TimePoint now) {
    if (!staging || e->seq() != staging_seq) {
      return fail(CloseReason::unexpected_message, "SnapshotEnd outside its snapshot", true, now);
    }
    if (e->record_count() != staging_count || staging_received != staging_count) {
      return fail(CloseReason::snapshot_mismatch,
                  format_string("announced %llu, end says %llu, received %llu",
                                static_cast<unsigned long long>(staging_count),
                                static_cast<unsigned long long>(e->record_count()),
                                static_cast<unsigned long long>(staging_received)),
                  true, now);
    }
    // Replace the profiles we are Backup of: whatever the snapshot does not name goes.
    stale.clear();
    store.for_each(now, [&](const GroupRecord& r) {
      if (contains_id(staging_ids, r.key.backup_id) && role_of(r.key.backup_id) == Role::backup) {
        stale.insert(r.key);
      }
    });
    // Most of a resync's keys are usually present already; a fresh Backup has none.
    store.reserve(std::max<size_t>(store.size(), staging_count));
    // Everything has arrived and been checked: from here on the snapshot is applied whatever
    // happens to the link, in slices so the event loop keeps running (heartbeats) meanwhile.
    staging = false;
    applying = true;
    apply_pass = ApplyPass::mark;
    apply_stale_removed = 0;
    apply_chunk = 0;
    apply_index = 0;
    apply_seq = staging_seq;
    apply_link = link_generation;
    apply_applied_before = c.records_applied;
    // process_frames() applies the first slice right away.
  }

  // Calls f(record, chunk arrival) for up to `budget` staged records from the cursor on;
  // true (and the cursor back at the start) once every record has been visited.
  template <class F>
  bool walk_staged(size_t& budget, F&& f) {
    GroupRecord r;
    while (apply_chunk < staged.size() && budget > 0) {
      const auto& chunk = staged[apply_chunk];
      const auto* recs = fb::GetFrame(chunk.frame.data())->message_as_SnapshotChunk()->records();
      const size_t n = recs ? recs->size() : 0;
      for (; apply_index < n && budget > 0; ++apply_index, --budget) {
        decode_record(recs->Get(static_cast<flatbuffers::uoffset_t>(apply_index)), &r);
        f(r, chunk.received);
      }
      if (apply_index >= n) {
        ++apply_chunk;
        apply_index = 0;
      }
    }
    if (apply_chunk < staged.size()) return false;
    apply_chunk = 0;
    apply_index = 0;
    return true;
  }

  // Applies the staged snapshot in slices of apply_slice_records (the event loop runs in
  // between), in three passes: strike every staged key from `stale`, remove the keys left in
  // `stale`, then apply the records. Removals first, so a Backup at its MLD limits makes room
  // before it takes the Master's new groups instead of refusing them.
  void apply_step(TimePoint now) {
    if (!applying) return;
    size_t budget = cfg.apply_slice_records;
    if (apply_pass == ApplyPass::mark) {
      if (stale.empty()) {
        apply_pass = ApplyPass::apply;
      } else {
        if (!walk_staged(budget, [&](GroupRecord& r, TimePoint) { stale.erase(r.key); })) return;
        apply_pass = ApplyPass::remove_stale;
      }
    }
    if (apply_pass == ApplyPass::remove_stale) {
      for (auto it = stale.begin(); it != stale.end() && budget > 0; --budget) {
        store.remove(*it, now);
        ++c.records_applied;
        ++apply_stale_removed;
        it = stale.erase(it);
      }
      if (!stale.empty()) return;
      apply_pass = ApplyPass::apply;
    }
    if (!walk_staged(budget, [&](GroupRecord& r, TimePoint received) {
          age(r, now - received);
          apply_upsert(r, now);
        })) {
      return;
    }
    const size_t stale_count = apply_stale_removed;
    stale.clear();
    staged.clear();
    applying = false;
    ++c.snapshots_received;
    const uint64_t applied = c.records_applied - apply_applied_before;
    log(LogLevel::info,
        format_string("snapshot seq %llu applied: %llu records, %zu stale removed",
                      static_cast<unsigned long long>(apply_seq),
                      static_cast<unsigned long long>(applied - stale_count), stale_count));
    if (!link_up || apply_link != link_generation) return;  // that stream is gone
    stream_synced = true;
    awaiting_snapshot = false;
    snapshot_complete = true;
    expected_seq = apply_seq + 1;
    last_applied = apply_seq;
    ack_due = true;
    push_event({ChannelEvent::Kind::snapshot_complete, CloseReason::none, apply_seq, applied});
  }

  // Frames wait in the reader while a snapshot is being applied, so Deltas land after it.
  void process_frames(TimePoint now) {
    while (true) {
      if (applying) {
        apply_step(now);
        if (applying) break;
      }
      if (!link_up) break;
      const fb::Frame* frame = nullptr;
      CloseReason reason = CloseReason::none;
      const auto st = reader.next(&frame, &reason);
      if (st == FrameReader::Status::need_more) break;
      if (st == FrameReader::Status::error) {
        fail(reason, "", reason != CloseReason::oversized_frame, now);
        break;
      }
      on_frame(frame, now);
    }
    if (link_up && ack_due) send_ack(now);
  }

  void on_delta(const fb::Delta* d, TimePoint now) {
    if (!hello_ok || staging) {
      return fail(CloseReason::unexpected_message, "Delta before its snapshot ended", true, now);
    }
    if (awaiting_snapshot) return;  // gap already reported; the snapshot replaces these
    if (!stream_synced) {
      return fail(CloseReason::unexpected_message, "Delta before any snapshot", true, now);
    }
    if (d->seq() != expected_seq) {
      ++c.seq_gaps;
      log(LogLevel::warning,
          format_string("delta seq %llu, expected %llu: gap, asking for a snapshot",
                        static_cast<unsigned long long>(d->seq()),
                        static_cast<unsigned long long>(expected_seq)));
      awaiting_snapshot = true;
      stream_synced = false;
      send_batch_request({}, fb::BatchReason::Gap, now);
      return;
    }
    // Decode and check everything before touching the table.
    std::vector<GroupRecord> ups;
    std::vector<GroupKey> rms;
    if (const auto* v = d->upserts()) {
      ups.resize(v->size());
      for (size_t i = 0; i < v->size(); ++i) {
        if (!decode_record(v->Get(static_cast<flatbuffers::uoffset_t>(i)), &ups[i]) ||
            !contains_id(cfg.backup_ids, ups[i].key.backup_id)) {
          return fail(CloseReason::bad_record, "bad upsert in delta", true, now);
        }
      }
    }
    if (const auto* v = d->removes()) {
      rms.resize(v->size());
      for (size_t i = 0; i < v->size(); ++i) {
        if (!decode_key(v->Get(static_cast<flatbuffers::uoffset_t>(i)), &rms[i]) ||
            !contains_id(cfg.backup_ids, rms[i].backup_id)) {
          return fail(CloseReason::bad_record, "bad remove in delta", true, now);
        }
      }
    }
    const uint64_t before = c.records_applied;
    // Removals first: a Backup at its MLD limits makes room before it takes new groups (a
    // key is never in both lists).
    for (const auto& k : rms) apply_remove(k, now);
    for (auto& r : ups) apply_upsert(r, now);
    expected_seq = d->seq() + 1;
    last_applied = d->seq();
    ack_due = true;
    ++c.deltas_applied;
    push_event({ChannelEvent::Kind::delta_applied, CloseReason::none, d->seq(),
                c.records_applied - before});
  }

  void on_frame(const fb::Frame* f, TimePoint now) {
    ++c.frames_received;
    const fb::Message type = f->message_type();
    if (!hello_ok && type != fb::Message::Hello && type != fb::Message::Error &&
        type != fb::Message::AuthProof) {
      // Between a keyed peer's Hello and its proof nothing is applied. A heartbeat may
      // legitimately cross our Hello on a slow link: it only proves liveness.
      if (awaiting_proof && type == fb::Message::Heartbeat) {
        ++c.heartbeats_received;
        return;
      }
      if (awaiting_proof) {
        return fail(CloseReason::auth_missing,
                    format_string("%s before the peer's AuthProof", fb::EnumNameMessage(type)),
                    true, now);
      }
      return fail(CloseReason::unexpected_message, "first frame is not Hello", true, now);
    }
    switch (type) {
      case fb::Message::Hello: return on_hello(f->message_as_Hello(), now);
      case fb::Message::AuthProof: return on_auth_proof(f->message_as_AuthProof(), now);
      case fb::Message::SnapshotBegin: return on_snapshot_begin(f->message_as_SnapshotBegin(), now);
      case fb::Message::SnapshotChunk: return on_snapshot_chunk(f->message_as_SnapshotChunk(), now);
      case fb::Message::SnapshotEnd: return on_snapshot_end(f->message_as_SnapshotEnd(), now);
      case fb::Message::Delta: return on_delta(f->message_as_Delta(), now);
      case fb::Message::Ack: {
        const uint64_t s = f->message_as_Ack()->seq();
        if (s > seq)
          return fail(CloseReason::unexpected_message, "ack beyond last seq sent", true, now);
        acked = std::max(acked, s);
        return;
      }
      case fb::Message::Heartbeat:
        ++c.heartbeats_received;
        peer_masters = decode_ids(f->message_as_Heartbeat()->master_backup_ids());
        return;
      case fb::Message::BatchBackupRequest: {
        ++c.batch_requests_received;
        auto ids = decode_ids(f->message_as_BatchBackupRequest()->backup_ids());
        if (ids.empty()) ids = cfg.backup_ids;
        // Always answered, even with an empty snapshot, so the asker's stream resyncs.
        schedule_snapshot(ids);
        return;
      }
      case fb::Message::Error: {
        ++c.errors_received;
        const auto* e = f->message_as_Error();
        const std::string text = e->text() ? e->text()->str() : "";
        const auto reason = e->code() == fb::ErrorCode::AuthFailed ? CloseReason::auth_refused
                                                                   : CloseReason::peer_error;
        return fail(reason,
                    format_string("code %u: %s", static_cast<unsigned>(e->code()), text.c_str()),
                    false, now);
      }
      default: return fail(CloseReason::unexpected_message, "unknown message", true, now);
    }
  }
};

// -------------------------------------------------------------------- public surface

RbsChannel::RbsChannel(ChannelConfig config, GroupStore& store, LogSink log)
    : impl_(std::make_unique<Impl>(std::move(config), store, std::move(log))) {}

RbsChannel::~RbsChannel() = default;

void RbsChannel::on_connected(TimePoint now, TcpSide side) {
  Impl& m = *impl_;
  if (m.link_up) m.link_down(CloseReason::replaced, now);
  m.reader.reset();
  m.out.clear();
  m.out_pos = 0;
  m.wants_close = false;
  m.link_up = true;
  ++m.link_generation;
  m.hello_ok = false;
  m.last_rx = m.last_tx = now;
  m.side = side;
  m.connected_at = now;
  // A fresh nonce per connection: a proof recorded on an earlier one never matches again.
  if (m.keyed()) m.local_nonce = m.cfg.nonce_source();
  m.push_event({ChannelEvent::Kind::connected, CloseReason::none, 0, 0});
  m.send_hello(now);
}

void RbsChannel::on_bytes(std::span<const uint8_t> data, TimePoint now) {
  Impl& m = *impl_;
  if (!m.link_up || data.empty()) return;
  m.c.bytes_received += data.size();
  m.last_rx = now;  // any byte proves the peer alive, even inside a long snapshot
  m.reader.append(data);
  m.process_frames(now);
  if (m.link_up) m.flush(now, false);
}

void RbsChannel::on_disconnected(TimePoint now, CloseReason reason) {
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
  m.link_down(reason, now);
}

void RbsChannel::close(CloseReason reason, TimePoint now) {
  Impl& m = *impl_;
  if (!m.link_up) return;
  m.log(LogLevel::notice, format_string("closing connection: %s", close_reason_text(reason)));
  m.out.clear();
  m.out_pos = 0;
  m.wants_close = true;
  m.link_down(reason, now);
}

void RbsChannel::on_timer(TimePoint now) {
  Impl& m = *impl_;
  m.update_journal(now);
  if (m.applying) m.process_frames(now);
  if (!m.link_up) {
    m.feed.clear();
    return;
  }
  if (now - m.last_rx >= m.cfg.heartbeat_interval * m.cfg.heartbeat_multiplier) {
    m.fail(
        CloseReason::heartbeat_timeout,
        format_string("nothing heard for %lld ms", static_cast<long long>(to_ms(now - m.last_rx))),
        false, now);
    return;
  }
  if (m.keyed() && !m.hello_ok && now - m.connected_at >= m.auth_timeout()) {
    m.fail(CloseReason::auth_missing,
           format_string("not authenticated within %lld ms",
                         static_cast<long long>(to_ms(m.auth_timeout()))),
           true, now);
    return;
  }
  m.flush(now, false);
  if (m.link_up && now - m.last_tx >= m.cfg.heartbeat_interval) m.send_heartbeat(now);
}

TimePoint RbsChannel::next_deadline() const {
  const Impl& m = *impl_;
  if (m.applying) return kDueNow;  // more of the snapshot to apply
  if (!m.link_up) return kNever;
  TimePoint d = std::min(m.last_tx + m.cfg.heartbeat_interval,
                         m.last_rx + m.cfg.heartbeat_interval * m.cfg.heartbeat_multiplier);
  if (m.keyed() && !m.hello_ok) d = std::min(d, m.connected_at + m.auth_timeout());
  const bool can_send = m.hello_ok && m.out_size() < m.cfg.output_low_watermark &&
                        m.seq - m.acked < m.cfg.max_unacked_deltas;
  if (can_send && (m.snapshot_due || !m.feed.empty())) d = kDueNow;
  return d;
}

std::span<const uint8_t> RbsChannel::output() const {
  const Impl& m = *impl_;
  return {m.out.data() + m.out_pos, m.out.size() - m.out_pos};
}

void RbsChannel::consume_output(size_t n) {
  Impl& m = *impl_;
  n = std::min(n, m.out_size());
  m.out_pos += n;
  m.c.bytes_sent += n;
  if (m.out_pos == m.out.size()) {
    m.out.clear();
    m.out_pos = 0;
  }
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
  auto it = m.roles.find(backup_id);
  if (it == m.roles.end()) {
    m.log(LogLevel::error,
          format_string("set_role for backup-id %u not bound to this service", backup_id));
    return;
  }
  if (it->second == role) return;
  m.log(LogLevel::notice,
        format_string("backup-id %u: %s -> %s", backup_id, role_name(it->second), role_name(role)));
  if (role == Role::master) {
    it->second = Role::master;
    m.master_since[backup_id] = now;
    m.update_journal(now);
    // The new Master pushes its table (including what it learned as Backup) to the peer.
    if (m.link_up && m.hello_ok) m.schedule_snapshot({backup_id});
  } else {
    // Hand over: everything still queued goes out before we stop sending, then ask the new
    // Master for its table.
    if (m.link_up && m.hello_ok) m.flush(now, true);
    it->second = Role::backup;
    m.master_since.erase(backup_id);
    if (m.link_up && m.hello_ok) {
      m.snapshot_complete = false;
      m.send_batch_request({backup_id}, fb::BatchReason::RoleChange, now);
    }
  }
  // The peer's "Peer State" follows at once rather than at the next idle heartbeat.
  if (m.link_up && m.hello_ok) m.send_heartbeat(now);
}

Role RbsChannel::role(uint16_t backup_id) const {
  return impl_->role_of(backup_id);
}

void RbsChannel::batch_backup_now(TimePoint now) {
  Impl& m = *impl_;
  if (!m.link_up || !m.hello_ok) return;
  m.log(LogLevel::notice, "batch-backup now");
  auto masters = m.master_ids();
  if (!masters.empty()) m.schedule_snapshot(masters);
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
  return impl_->hello_ok;
}
bool RbsChannel::snapshot_complete() const {
  return impl_->snapshot_complete;
}

ChannelStatus RbsChannel::status() const {
  const Impl& m = *impl_;
  ChannelStatus s;
  s.link_up = m.link_up;
  s.hello_ok = m.hello_ok;
  s.snapshot_complete = m.snapshot_complete;
  s.authentication = m.keyed();
  s.authenticated = m.authenticated;
  s.epoch = m.cfg.epoch;
  s.peer_epoch = m.peer_epoch;
  s.peer_node_id = m.peer_node;
  s.last_seq_sent = m.seq;
  s.last_seq_acked = m.acked;
  s.last_seq_applied = m.last_applied;
  s.pending_keys = m.feed.size();
  s.output_bytes = m.out_size();
  for (const auto& [id, r] : m.roles) s.roles.emplace_back(id, r);
  s.peer_master_ids = m.peer_masters;
  s.last_close = m.last_close;
  s.counters = m.c;
  return s;
}

}  // namespace tandem::replication
