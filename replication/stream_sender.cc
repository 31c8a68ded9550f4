#include "replication/stream_sender.h"

#include <algorithm>
#include <iterator>

#include "replication/record_codec.h"

namespace tandem::replication {

void StreamSender::schedule_snapshot(std::vector<uint16_t> scope) {
  if (snapshot_due_) {
    std::vector<uint16_t> merged;
    std::set_union(snapshot_scope_.begin(), snapshot_scope_.end(), scope.begin(), scope.end(),
                   std::back_inserter(merged));
    scope = std::move(merged);
  }
  snapshot_scope_ = std::move(scope);
  snapshot_due_ = true;
}

// Chunks are cut by record count and by size so no frame nears the limit, however many
// sources a record holds.
void StreamSender::send_snapshot(TimePoint now) {
  std::vector<uint16_t> scope;
  for (uint16_t id : snapshot_scope_) {
    if (roles_.role(id) == Role::master) scope.push_back(id);
  }
  snapshot_due_ = false;
  snapshot_scope_.clear();
  if (scope == roles_.master_ids()) feed_.clear();  // the snapshot carries every pending key
  const uint64_t n = ++seq_;

  std::vector<uint8_t> chunks;
  uint64_t count = 0;
  const size_t byte_budget = std::max<size_t>(cfg_.max_frame_bytes / 4, 4096);
  flatbuffers::FlatBufferBuilder fbb(byte_budget + 65536);
  InterfaceNameCache names;
  std::vector<flatbuffers::Offset<fb::GroupRecord>> offs;
  offs.reserve(cfg_.snapshot_chunk_records);
  auto flush_chunk = [&] {
    if (offs.empty()) return;
    auto v = fbb.CreateVector(offs);
    fbb.Finish(fb::CreateFrame(fbb, fb::Message::SnapshotChunk,
                               fb::CreateSnapshotChunk(fbb, n, v).Union()),
               fb::FrameIdentifier());
    append_frame(chunks, fbb);
    ++c_.frames_sent;
    fbb.Clear();
    names.clear();
    offs.clear();
  };
  if (!scope.empty()) {
    store_.for_each(now, [&](const GroupRecord& r) {
      if (!contains_id(scope, r.key.backup_id)) return;
      offs.push_back(encode_record(fbb, r, names));
      ++count;
      if (offs.size() >= cfg_.snapshot_chunk_records || fbb.GetSize() >= byte_budget) {
        flush_chunk();
      }
    });
    flush_chunk();
  }

  flatbuffers::FlatBufferBuilder head(256);
  auto ids = head.CreateVector(scope);
  out_.send(head, fb::CreateSnapshotBegin(head, n, cfg_.epoch, ids, count),
            fb::Message::SnapshotBegin, now);
  out_.queue_encoded(chunks);
  flatbuffers::FlatBufferBuilder tail(64);
  out_.send(tail, fb::CreateSnapshotEnd(tail, n, count), fb::Message::SnapshotEnd, now);
  ++c_.snapshots_sent;
  c_.records_sent += count;
  log_(LogLevel::info, format_string("snapshot seq %llu sent: %llu records, %zu profiles",
                                     static_cast<unsigned long long>(n),
                                     static_cast<unsigned long long>(count), scope.size()));
}

void StreamSender::flush(TimePoint now, bool force) {
  if (feed_.size() > cfg_.max_pending_keys) {
    if (!snapshot_due_) {
      ++c_.backlog_overflows;
      log_(LogLevel::warning,
           format_string("backlog of %zu keys above %zu: falling back to a snapshot", feed_.size(),
                         cfg_.max_pending_keys));
    }
    feed_.clear();
    schedule_snapshot(roles_.master_ids());
  }
  if (snapshot_due_ && (force || out_.size() < cfg_.output_low_watermark)) send_snapshot(now);
  send_deltas(now, force);
}

// Each Delta reads the latest state of its keys from the store, so any number of changes to
// one key since the last Delta cost one record (change_feed.h).
void StreamSender::send_deltas(TimePoint now, bool force) {
  while (!feed_.empty()) {
    if (!force && !window_open()) break;
    auto keys = feed_.take(cfg_.delta_max_records);
    flatbuffers::FlatBufferBuilder fbb(64 * 1024);
    InterfaceNameCache names;
    std::vector<flatbuffers::Offset<fb::GroupRecord>> ups;
    std::vector<flatbuffers::Offset<fb::GroupKey>> rms;
    for (const auto& k : keys) {
      if (roles_.role(k.backup_id) != Role::master) continue;  // Backup never sends
      if (auto r = store_.find(k, now)) {
        ups.push_back(encode_record(fbb, *r, names));
      } else {
        rms.push_back(encode_key(fbb, k, names));
      }
    }
    if (ups.empty() && rms.empty()) continue;
    const uint64_t n = ++seq_;
    auto uv = fbb.CreateVector(ups);
    auto rv = fbb.CreateVector(rms);
    out_.send(fbb, fb::CreateDelta(fbb, n, uv, rv), fb::Message::Delta, now);
    ++c_.deltas_sent;
    c_.records_sent += ups.size() + rms.size();
  }
}

Verdict StreamSender::on_ack(uint64_t seq) {
  if (seq > seq_) return refuse(CloseReason::unexpected_message, "ack beyond last seq sent");
  acked_ = std::max(acked_, seq);
  return std::nullopt;
}

void StreamSender::link_down() {
  feed_.clear();
  snapshot_due_ = false;
}

}  // namespace tandem::replication
