#include "replication/peer_record_applier.h"

#include <algorithm>

namespace tandem::replication {

PeerRecordApplier::Admit PeerRecordApplier::admit(const GroupKey& key, TimePoint now) {
  if (roles_.role(key.backup_id) == Role::backup) return Admit::apply;
  if (roles_.in_takeover_grace(key.backup_id, now) && !feed_.journaled(key)) {
    auto mine = store_.find(key, now);
    if (!mine || mine->origin == Origin::backup) return Admit::merge;
  }
  ++c_.records_ignored_role;
  return Admit::ignore;
}

// We are the sender now: a merged record goes on to the peer, without counting as a key
// this router changed itself (requeue, not mark).
void PeerRecordApplier::applied(const GroupKey& key, Admit a) {
  if (a == Admit::merge) {
    ++c_.late_records_merged;
    feed_.requeue(key);
  }
  ++c_.records_applied;
}

void PeerRecordApplier::upsert(GroupRecord& r, TimePoint now) {
  const Admit a = admit(r.key, now);
  if (a == Admit::ignore) return;
  if (r.mode == FilterMode::include && r.sources.empty()) {
    store_.remove(r.key, now);  // every source expired in transit
  } else {
    r.origin = Origin::backup;
    store_.upsert(r, now);
  }
  applied(r.key, a);
}

void PeerRecordApplier::remove(const GroupKey& k, TimePoint now) {
  const Admit a = admit(k, now);
  if (a == Admit::ignore) return;
  store_.remove(k, now);
  applied(k, a);
}

void PeerRecordApplier::age(GroupRecord& r, Duration elapsed) {
  const int64_t e = to_ms(elapsed);
  if (e <= 0) return;
  auto dec = [e](int64_t& v) {
    if (v > 0) v = std::max<int64_t>(1, v - e);
  };
  dec(r.filter_timer_ms);
  dec(r.older_host_present_ms);
  for (auto& s : r.sources) dec(s.remaining_ms);
}

}  // namespace tandem::replication
