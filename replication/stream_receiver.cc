#include "replication/stream_receiver.h"

#include <algorithm>
#include <utility>

#include "replication/record_codec.h"

namespace tandem::replication {

namespace {

DeltaResult delta_refused(CloseReason reason, const char* detail) {
  return {DeltaResult::Kind::refused, {reason, detail, true}, {}};
}

}  // namespace

Verdict StreamReceiver::on_snapshot_begin(const fb::SnapshotBegin* b, uint64_t peer_epoch) {
  if (staging_) return refuse(CloseReason::unexpected_message, "SnapshotBegin out of order");
  if (b->epoch() != peer_epoch) {
    return refuse(CloseReason::unexpected_message, "SnapshotBegin from another epoch");
  }
  auto ids = decode_ids(b->backup_ids());
  for (uint16_t id : ids) {
    if (!contains_id(cfg_.backup_ids, id)) {
      return refuse(CloseReason::bad_record, format_string("snapshot of unknown backup-id %u", id));
    }
  }
  if (cfg_.max_snapshot_records != 0 && b->record_count() > cfg_.max_snapshot_records) {
    return refuse(CloseReason::snapshot_too_large,
                  format_string("snapshot of %llu records, group limit %llu",
                                static_cast<unsigned long long>(b->record_count()),
                                static_cast<unsigned long long>(cfg_.max_snapshot_records)));
  }
  staging_ = true;
  staging_seq_ = b->seq();
  staging_count_ = b->record_count();
  staging_received_ = 0;
  staging_ids_ = std::move(ids);
  staged_.clear();
  snapshot_complete_ = false;
  return std::nullopt;
}

Verdict StreamReceiver::on_snapshot_chunk(const fb::SnapshotChunk* ch,
                                          std::span<const uint8_t> frame, TimePoint now) {
  if (!staging_ || ch->seq() != staging_seq_) {
    return refuse(CloseReason::unexpected_message, "SnapshotChunk outside its snapshot");
  }
  // Check every record now, keep the frame, apply nothing until SnapshotEnd.
  GroupRecord tmp;
  if (const auto* recs = ch->records()) {
    for (const auto* r : *recs) {
      if (!decode_record(r, &tmp) || !contains_id(staging_ids_, tmp.key.backup_id)) {
        return refuse(CloseReason::bad_record, "bad record in snapshot chunk");
      }
    }
    staging_received_ += recs->size();
  }
  if (staging_received_ > staging_count_) {
    return refuse(CloseReason::snapshot_mismatch, "more records than announced");
  }
  staged_.add(frame, now);
  return std::nullopt;
}

Verdict StreamReceiver::on_snapshot_end(const fb::SnapshotEnd* e, TimePoint now) {
  if (!staging_ || e->seq() != staging_seq_) {
    return refuse(CloseReason::unexpected_message, "SnapshotEnd outside its snapshot");
  }
  if (e->record_count() != staging_count_ || staging_received_ != staging_count_) {
    return refuse(CloseReason::snapshot_mismatch,
                  format_string("announced %llu, end says %llu, received %llu",
                                static_cast<unsigned long long>(staging_count_),
                                static_cast<unsigned long long>(e->record_count()),
                                static_cast<unsigned long long>(staging_received_)));
  }
  // Replace the profiles we are Backup of: whatever the snapshot does not name goes.
  stale_.clear();
  store_.for_each(now, [&](const GroupRecord& r) {
    if (contains_id(staging_ids_, r.key.backup_id) &&
        roles_.role(r.key.backup_id) == Role::backup) {
      stale_.insert(r.key);
    }
  });
  // Most of a resync's keys are usually present already; a fresh Backup has none.
  store_.reserve(std::max<size_t>(store_.size(), staging_count_));
  // Everything has arrived and been checked: from here on the snapshot is applied whatever
  // happens to the link, in slices so the event loop keeps running (heartbeats) meanwhile.
  staging_ = false;
  applying_ = true;
  apply_pass_ = stale_.empty() ? ApplyPass::apply : ApplyPass::mark;
  apply_stale_removed_ = 0;
  apply_seq_ = staging_seq_;
  apply_link_current_ = true;
  apply_applied_before_ = c_.records_applied;
  return std::nullopt;
}

// Three passes, each resumable where the slice ended: strike every staged key from `stale_`,
// remove the keys left in `stale_`, then apply the records. Removals first, so a Backup at
// its MLD limits makes room before it takes the Master's new groups instead of refusing them.
std::optional<ChannelEvent> StreamReceiver::apply_step(TimePoint now) {
  if (!applying_) return std::nullopt;
  size_t budget = cfg_.apply_slice_records;
  if (apply_pass_ == ApplyPass::mark) {
    if (!staged_.walk(budget, [&](GroupRecord& r, TimePoint) { stale_.erase(r.key); })) {
      if (!stale_.empty()) return std::nullopt;
      // Every stale key is struck already: the rest of the walk would strike nothing. The
      // apply pass must still start at the first record, not where this walk stopped.
      staged_.rewind();
    }
    apply_pass_ = ApplyPass::remove_stale;
  }
  if (apply_pass_ == ApplyPass::remove_stale) {
    for (auto it = stale_.begin(); it != stale_.end() && budget > 0; --budget) {
      store_.remove(*it, now);
      ++c_.records_applied;
      ++apply_stale_removed_;
      it = stale_.erase(it);
    }
    if (!stale_.empty()) return std::nullopt;
    apply_pass_ = ApplyPass::apply;
  }
  if (!staged_.walk(budget, [&](GroupRecord& r, TimePoint received) {
        PeerRecordApplier::age(r, now - received);
        applier_.upsert(r, now);
      })) {
    return std::nullopt;
  }
  const size_t stale_count = apply_stale_removed_;
  stale_.clear();
  staged_.clear();
  applying_ = false;
  ++c_.snapshots_received;
  const uint64_t applied = c_.records_applied - apply_applied_before_;
  log_(LogLevel::info,
       format_string("snapshot seq %llu applied: %llu records, %zu stale removed",
                     static_cast<unsigned long long>(apply_seq_),
                     static_cast<unsigned long long>(applied - stale_count), stale_count));
  if (!apply_link_current_) return std::nullopt;  // that stream is gone
  stream_synced_ = true;
  awaiting_snapshot_ = false;
  snapshot_complete_ = true;
  expected_seq_ = apply_seq_ + 1;
  last_applied_ = apply_seq_;
  ack_due_ = true;
  return ChannelEvent{ChannelEvent::Kind::snapshot_complete, CloseReason::none, apply_seq_,
                      applied};
}

DeltaResult StreamReceiver::on_delta(const fb::Delta* d, TimePoint now) {
  if (staging_)
    return delta_refused(CloseReason::unexpected_message, "Delta before its snapshot ended");
  if (awaiting_snapshot_) return {DeltaResult::Kind::ignored, {}, {}};
  if (!stream_synced_)
    return delta_refused(CloseReason::unexpected_message, "Delta before any snapshot");
  if (d->seq() != expected_seq_) {
    ++c_.seq_gaps;
    log_(LogLevel::warning,
         format_string("delta seq %llu, expected %llu: gap, asking for a snapshot",
                       static_cast<unsigned long long>(d->seq()),
                       static_cast<unsigned long long>(expected_seq_)));
    awaiting_snapshot_ = true;
    stream_synced_ = false;
    return {DeltaResult::Kind::gap, {}, {}};
  }
  // Decode and check everything before touching the table.
  std::vector<GroupRecord> ups;
  std::vector<GroupKey> rms;
  if (const auto* v = d->upserts()) {
    ups.resize(v->size());
    for (size_t i = 0; i < v->size(); ++i) {
      if (!decode_record(v->Get(static_cast<flatbuffers::uoffset_t>(i)), &ups[i]) ||
          !contains_id(cfg_.backup_ids, ups[i].key.backup_id)) {
        return delta_refused(CloseReason::bad_record, "bad upsert in delta");
      }
    }
  }
  if (const auto* v = d->removes()) {
    rms.resize(v->size());
    for (size_t i = 0; i < v->size(); ++i) {
      if (!decode_key(v->Get(static_cast<flatbuffers::uoffset_t>(i)), &rms[i]) ||
          !contains_id(cfg_.backup_ids, rms[i].backup_id)) {
        return delta_refused(CloseReason::bad_record, "bad remove in delta");
      }
    }
  }
  const uint64_t before = c_.records_applied;
  // Removals first: a Backup at its MLD limits makes room before it takes new groups (a
  // key is never in both lists).
  for (const auto& k : rms) applier_.remove(k, now);
  for (auto& r : ups) applier_.upsert(r, now);
  expected_seq_ = d->seq() + 1;
  last_applied_ = d->seq();
  ack_due_ = true;
  ++c_.deltas_applied;
  return {DeltaResult::Kind::applied,
          {},
          {ChannelEvent::Kind::delta_applied, CloseReason::none, d->seq(),
           c_.records_applied - before}};
}

void StreamReceiver::link_down() {
  stream_synced_ = false;
  snapshot_complete_ = false;
  awaiting_snapshot_ = false;
  ack_due_ = false;
  apply_link_current_ = false;
  if (staging_) {
    ++c_.snapshots_discarded;
    log_(LogLevel::warning, format_string("snapshot seq %llu discarded after %llu of %llu records: "
                                          "link closed, table unchanged",
                                          static_cast<unsigned long long>(staging_seq_),
                                          static_cast<unsigned long long>(staging_received_),
                                          static_cast<unsigned long long>(staging_count_)));
  }
  staging_ = false;
  if (!applying_) staged_.clear();  // a verified snapshot is finished regardless
}

}  // namespace tandem::replication
