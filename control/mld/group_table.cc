#include "control/mld/group_table.h"

#include <algorithm>
#include <cstring>

namespace tandem::mld {

size_t find_source_in(std::span<const SourceEntry> list, const Ipv6Address& a) {
  auto it = std::lower_bound(list.begin(), list.end(), a,
                             [](const SourceEntry& s, const Ipv6Address& x) { return s.addr < x; });
  if (it != list.end() && it->addr == a) return static_cast<size_t>(it - list.begin());
  return list.size();
}

size_t GroupRecord::find_source(const Ipv6Address& a) const {
  return find_source_in(sources, a);
}

bool GroupRecord::queries_pending() const {
  if (group_query_left > 0) return true;
  for (const auto& s : sources) {
    if (s.retransmit_left > 0) return true;
  }
  return false;
}

TimePoint GroupRecord::earliest_deadline() const {
  TimePoint d = std::min({filter_timer, compat_timer, query_next});
  for (const auto& s : sources) {
    if (s.running() && s.expires < d) d = s.expires;
  }
  return d;
}

TimePoint GroupRecord::expiry() const {
  TimePoint e = mode == FilterMode::exclude ? filter_timer : TimePoint{};
  for (const auto& s : sources) {
    if (s.running() && s.expires > e) e = s.expires;
  }
  return e;
}

GroupTable::GroupTable() {
  release_storage();  // the initial, empty state
}

GroupTable::~GroupTable() = default;

void GroupTable::release_storage() {
  decltype(chunks_)().swap(chunks_);
  decltype(free_slots_)().swap(free_slots_);
  next_slot_ = 0;
  index_.assign(64, IndexSlot{});
  index_.shrink_to_fit();
  index_mask_ = index_.size() - 1;
}

uint32_t GroupTable::hash_key(uint32_t ifindex, const Ipv6Address& group) {
  uint64_t hi, lo;
  std::memcpy(&hi, group.bytes.data(), 8);
  std::memcpy(&lo, group.bytes.data() + 8, 8);
  uint64_t h = (lo ^ (static_cast<uint64_t>(ifindex) << 32 | ifindex)) * 0x9e3779b97f4a7c15ULL;
  h ^= hi * 0xc2b2ae3d27d4eb4fULL;
  h ^= h >> 29;
  h *= 0xbf58476d1ce4e5b9ULL;
  h ^= h >> 32;
  return static_cast<uint32_t>(h);
}

uint32_t GroupTable::find(uint32_t ifindex, const Ipv6Address& group) const {
  const uint32_t h = hash_key(ifindex, group);
  for (size_t i = h & index_mask_;; i = (i + 1) & index_mask_) {
    const IndexSlot& s = index_[i];
    if (s.record == kNone) return kNone;
    if (s.hash == h) {
      const GroupRecord& r = at(s.record);
      if (r.ifindex == ifindex && r.group == group) return s.record;
    }
  }
}

void GroupTable::index_insert(uint32_t record, uint32_t hash) {
  size_t i = hash & index_mask_;
  while (index_[i].record != kNone) i = (i + 1) & index_mask_;
  index_[i] = IndexSlot{record, hash};
}

void GroupTable::grow_index() {
  std::vector<IndexSlot> old;
  old.swap(index_);
  index_.assign(old.size() * 2, IndexSlot{});
  index_mask_ = index_.size() - 1;
  for (const auto& s : old) {
    if (s.record != kNone) index_insert(s.record, s.hash);
  }
}

uint32_t GroupTable::insert(uint32_t ifindex, const Ipv6Address& group, TimePoint now) {
  // Load factor ≤ 0.75 keeps linear probing short.
  if ((size_ + 1) * 4 > index_.size() * 3) grow_index();
  uint32_t slot;
  if (!free_slots_.empty()) {
    slot = free_slots_.back();
    free_slots_.pop_back();
  } else {
    slot = next_slot_++;
    if ((slot >> kChunkBits) >= chunks_.size()) {
      chunks_.push_back(std::make_unique<GroupRecord[]>(kChunkSize));
    }
  }
  GroupRecord& r = at(slot);
  const uint32_t generation = r.generation;
  r = GroupRecord{};
  r.generation = generation;
  r.ifindex = ifindex;
  r.group = group;
  r.created = now;
  r.in_use = true;
  index_insert(slot, hash_key(ifindex, group));
  ++size_;
  return slot;
}

void GroupTable::erase(uint32_t slot) {
  GroupRecord& r = at(slot);
  const uint32_t h = hash_key(r.ifindex, r.group);
  size_t i = h & index_mask_;
  while (index_[i].record != slot) i = (i + 1) & index_mask_;
  // Backward-shift deletion: pull later members of the probe run into the hole so lookups
  // never need tombstones.
  for (size_t j = (i + 1) & index_mask_;; j = (j + 1) & index_mask_) {
    if (index_[j].record == kNone) break;
    const size_t home = index_[j].hash & index_mask_;
    const bool stays = (i <= j) ? (i < home && home <= j) : (i < home || home <= j);
    if (stays) continue;
    index_[i] = index_[j];
    i = j;
  }
  index_[i] = IndexSlot{};
  // Give the source storage back now (`r.sources = {}` would keep it: it assigns an empty list).
  std::vector<SourceEntry>().swap(r.sources);
  r.in_use = false;
  ++r.generation;
  free_slots_.push_back(slot);
  --size_;
}

size_t GroupTable::memory_bytes() const {
  size_t bytes = chunks_.size() * kChunkSize * sizeof(GroupRecord) +
                 index_.capacity() * sizeof(IndexSlot) + free_slots_.capacity() * 4 +
                 chunks_.capacity() * sizeof(void*);
  for (uint32_t s = 0; s < next_slot_; ++s) {
    const GroupRecord& r = at(s);
    bytes += r.sources.capacity() * sizeof(SourceEntry);
  }
  return bytes;
}

}  // namespace tandem::mld
