#include "replication/memory_group_store.h"

#include <algorithm>

#include "replication/digest.h"

namespace tandem::replication {
namespace {

// Marks a timer that is not running (EXCLUDE-list source, INCLUDE filter timer, MLDv2 OHP).
constexpr TimePoint kStopped = TimePoint::min();

TimePoint deadline_from(TimePoint now, int64_t remaining_ms) {
  return remaining_ms > 0 ? now + milliseconds(remaining_ms) : kStopped;
}

// Rounded up so a timer that is still running never reads as 0 (which means "blocked").
int64_t remaining_from(TimePoint now, TimePoint deadline) {
  if (deadline == kStopped || deadline <= now) return 0;
  return std::chrono::ceil<milliseconds>(deadline - now).count();
}

}  // namespace

size_t MemoryGroupStore::probe(const GroupKey& key, size_t h) const {
  const size_t mask = index_.size() - 1;
  const uint64_t tag = cell(h, 0);
  size_t i = h & mask;
  while (index_[i] != kEmpty) {
    if ((index_[i] & 0xffffffff00000000ULL) == tag) {
      const Entry& e = slots_[slot_of(index_[i])];
      if (e.key_hash == h && e.record.key == key) return i;
    }
    i = (i + 1) & mask;
  }
  return i;
}

void MemoryGroupStore::grow_index(size_t min_records) {
  size_t cap = index_.empty() ? 16 : index_.size();
  while (cap < 2 * min_records) cap *= 2;
  if (cap == index_.size()) return;
  index_.assign(cap, kEmpty);
  const size_t mask = cap - 1;
  for (uint32_t slot = 0; slot < slots_.size(); ++slot) {
    size_t i = slots_[slot].key_hash & mask;
    while (index_[i] != kEmpty) i = (i + 1) & mask;
    index_[i] = cell(slots_[slot].key_hash, slot);
  }
}

// Linear-probing delete by backward shift: later entries of the same run move up so every
// key stays reachable from its home position without tombstones.
void MemoryGroupStore::erase_position(size_t pos) {
  const size_t mask = index_.size() - 1;
  size_t hole = pos;
  size_t j = pos;
  while (true) {
    j = (j + 1) & mask;
    if (index_[j] == kEmpty) break;
    const size_t home = slots_[slot_of(index_[j])].key_hash & mask;
    // Move j into the hole unless its home lies cyclically in (hole, j].
    const bool home_in_between =
        hole <= j ? (home > hole && home <= j) : (home > hole || home <= j);
    if (!home_in_between) {
      index_[hole] = index_[j];
      hole = j;
    }
  }
  index_[hole] = kEmpty;
}

void MemoryGroupStore::put(Entry entry) {
  entry.hash = record_digest(entry.record);
  entry.key_hash = GroupKeyHash{}(entry.record.key);
  digest_ += entry.hash;
  if (2 * (slots_.size() + 1) > index_.size()) grow_index(slots_.size() + 1);
  const size_t pos = probe(entry.record.key, entry.key_hash);
  if (index_[pos] == kEmpty) {
    index_[pos] = cell(entry.key_hash, static_cast<uint32_t>(slots_.size()));
    slots_.push_back(std::move(entry));
  } else {
    Entry& slot = slots_[slot_of(index_[pos])];
    digest_ -= slot.hash;
    slot = std::move(entry);
  }
}

void MemoryGroupStore::reserve(size_t records) {
  slots_.reserve(records);
  grow_index(records);
}

void MemoryGroupStore::upsert(const GroupRecord& record, TimePoint now) {
  Entry e;
  e.record = record;
  std::sort(e.record.sources.begin(), e.record.sources.end(),
            [](const SourceTimer& a, const SourceTimer& b) { return a.address < b.address; });
  e.filter_deadline =
      record.mode == FilterMode::exclude ? deadline_from(now, record.filter_timer_ms) : kStopped;
  e.source_deadlines.reserve(e.record.sources.size());
  for (const auto& s : e.record.sources)
    e.source_deadlines.push_back(deadline_from(now, s.remaining_ms));
  e.ohp_deadline = record.compat == CompatMode::mldv1
                       ? deadline_from(now, record.older_host_present_ms)
                       : kStopped;
  // Times live in the deadlines only; zero the copies so nothing reads a stale value.
  for (auto& s : e.record.sources) s.remaining_ms = s.remaining_ms > 0 ? 1 : 0;
  e.record.filter_timer_ms = 0;
  e.record.older_host_present_ms = 0;
  put(std::move(e));
}

void MemoryGroupStore::remove(const GroupKey& key, TimePoint) {
  if (slots_.empty()) return;
  const size_t pos = probe(key, GroupKeyHash{}(key));
  if (index_[pos] == kEmpty) return;
  const uint32_t slot = slot_of(index_[pos]);
  digest_ -= slots_[slot].hash;
  erase_position(pos);
  const uint32_t last = static_cast<uint32_t>(slots_.size() - 1);
  if (slot != last) {
    // Keep the vector dense: the last record moves into the hole; repoint its index entry.
    const size_t mask = index_.size() - 1;
    size_t i = slots_[last].key_hash & mask;
    while (index_[i] == kEmpty || slot_of(index_[i]) != last) i = (i + 1) & mask;
    index_[i] = cell(slots_[last].key_hash, slot);
    slots_[slot] = std::move(slots_[last]);
  }
  slots_.pop_back();
}

GroupRecord MemoryGroupStore::materialize(const Entry& e, TimePoint now) {
  GroupRecord r = e.record;
  for (size_t i = 0; i < r.sources.size(); ++i) {
    r.sources[i].remaining_ms = remaining_from(now, e.source_deadlines[i]);
  }
  r.filter_timer_ms = r.mode == FilterMode::exclude ? remaining_from(now, e.filter_deadline) : 0;
  r.older_host_present_ms = r.compat == CompatMode::mldv1 ? remaining_from(now, e.ohp_deadline) : 0;
  return r;
}

std::optional<GroupRecord> MemoryGroupStore::find(const GroupKey& key, TimePoint now) const {
  if (slots_.empty()) return std::nullopt;
  const size_t pos = probe(key, GroupKeyHash{}(key));
  if (index_[pos] == kEmpty) return std::nullopt;
  return materialize(slots_[slot_of(index_[pos])], now);
}

void MemoryGroupStore::for_each(TimePoint now,
                                const std::function<void(const GroupRecord&)>& fn) const {
  for (const auto& e : slots_) fn(materialize(e, now));
}

std::vector<GroupKey> MemoryGroupStore::expire(TimePoint now) {
  std::vector<GroupKey> changed;
  std::vector<GroupKey> deleted;
  for (auto& e : slots_) {
    const GroupKey& key = e.record.key;
    bool dirty = false;
    GroupRecord& r = e.record;
    if (r.compat == CompatMode::mldv1 && e.ohp_deadline != kStopped && e.ohp_deadline <= now) {
      r.compat = CompatMode::mldv2;  // RFC 3810 §8.3.2: OHP expiry → back to MLDv2
      e.ohp_deadline = kStopped;
      dirty = true;
    }
    auto expired = [&](size_t i) {
      return e.source_deadlines[i] != kStopped && e.source_deadlines[i] <= now;
    };
    if (r.mode == FilterMode::exclude && e.filter_deadline != kStopped &&
        e.filter_deadline <= now) {
      // RFC 3810 §7.5: filter timer expiry in EXCLUDE → INCLUDE with the running sources.
      r.mode = FilterMode::include;
      e.filter_deadline = kStopped;
      dirty = true;
      for (size_t i = r.sources.size(); i-- > 0;) {
        if (e.source_deadlines[i] == kStopped || expired(i)) {
          r.sources.erase(r.sources.begin() + static_cast<std::ptrdiff_t>(i));
          e.source_deadlines.erase(e.source_deadlines.begin() + static_cast<std::ptrdiff_t>(i));
        }
      }
    } else {
      for (size_t i = r.sources.size(); i-- > 0;) {
        if (!expired(i)) continue;
        dirty = true;
        if (r.mode == FilterMode::include) {
          // RFC 3810 §7.2.3: INCLUDE source timer expiry deletes the source.
          r.sources.erase(r.sources.begin() + static_cast<std::ptrdiff_t>(i));
          e.source_deadlines.erase(e.source_deadlines.begin() + static_cast<std::ptrdiff_t>(i));
        } else {
          // RFC 3810 §7.2.3: EXCLUDE source timer expiry → stop forwarding (Exclude List).
          r.sources[i].remaining_ms = 0;
          e.source_deadlines[i] = kStopped;
        }
      }
    }
    if (!dirty) continue;
    if (r.mode == FilterMode::include && r.sources.empty()) {
      deleted.push_back(key);
    } else {
      digest_ -= e.hash;
      e.hash = record_digest(r);
      digest_ += e.hash;
      changed.push_back(key);
    }
  }
  for (const auto& k : deleted) remove(k, now);
  changed.insert(changed.end(), deleted.begin(), deleted.end());
  return changed;
}

void MemoryGroupStore::clear() {
  slots_.clear();
  index_.clear();
  digest_ = 0;
}

}  // namespace tandem::replication
