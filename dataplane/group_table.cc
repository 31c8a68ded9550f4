#include "dataplane/group_table.h"

#include <rte_malloc.h>

#include <algorithm>
#include <bit>
#include <cstdlib>

namespace tandem::dataplane {

namespace {
void* zalloc(bool dpdk_memory, const char* name, size_t bytes) {
  if (dpdk_memory) return rte_zmalloc(name, bytes, 64);
  void* p = std::aligned_alloc(64, (bytes + 63) / 64 * 64);
  if (p != nullptr) std::memset(p, 0, bytes);
  return p;
}
void release(bool dpdk_memory, void* p) {
  if (dpdk_memory) {
    rte_free(p);
  } else {
    std::free(p);
  }
}
}  // namespace

namespace {
// One bucket per entry: at most half the slots in use keeps overflow rare.
uint32_t bucket_count(uint32_t entries) {
  return std::bit_ceil(std::max<uint32_t>(8, entries));
}
}  // namespace

size_t GroupTable::memory_bytes(uint32_t entries) {
  return sizeof(Bucket) * size_t{bucket_count(entries)};
}

std::unique_ptr<GroupTable> GroupTable::create(uint32_t entries, bool dpdk_memory) {
  std::unique_ptr<GroupTable> t(new GroupTable());
  t->dpdk_memory_ = dpdk_memory;
  if (entries == 0) entries = 1;
  uint32_t buckets = bucket_count(entries);
  t->mask_ = buckets - 1;
  t->n_entries_ = entries;
  t->buckets_ = static_cast<Bucket*>(
      zalloc(dpdk_memory, "tandem_fib_g_buckets", sizeof(Bucket) * size_t{buckets}));
  if (t->buckets_ == nullptr) return nullptr;
  t->state_.assign(size_t{buckets} * kSlots, SlotState::free);
  t->values_.assign(size_t{buckets} * kSlots, nullptr);
  return t;
}

GroupTable::~GroupTable() {
  release(dpdk_memory_, buckets_);
}

uint32_t GroupTable::find(const uint8_t* key) const {
  const __m128i k = _mm_loadu_si128(reinterpret_cast<const __m128i*>(key));
  uint32_t b = bucket_of(key);
  for (uint32_t probes = 0; probes <= mask_; ++probes) {
    const Bucket& bk = buckets_[b];
    for (unsigned s = 0; s < kSlots; ++s) {
      const uint32_t slot = b * kSlots + s;
      if (state_[slot] == SlotState::live && same_key(bk, s, k)) return slot;
    }
    if (bk.overflow.load(std::memory_order_relaxed) == 0) return kNoEntry;
    b = (b + 1) & mask_;
  }
  return kNoEntry;
}

RouteWord GroupTable::lookup(const uint8_t* key) const {
  uint32_t b = bucket_of(key);
  for (uint32_t probes = 0; probes <= mask_; ++probes) {
    RouteWord r;
    if (match_home(buckets_[b], key, &r)) return r;
    b = (b + 1) & mask_;
  }
  return 0;
}

void GroupTable::lookup_bulk(const uint8_t* const* keys, unsigned n, RouteWord* out) const {
  constexpr unsigned kChunk = 64;
  Probe p[kChunk];
  for (unsigned done = 0; done < n; done += kChunk) {
    const unsigned k = std::min(kChunk, n - done);
    for (unsigned i = 0; i < k; ++i) p[i] = probe(keys[done + i]);
    resolve_bulk(keys + done, p, k, out + done);
  }
}

const EgressSet* GroupTable::value(const uint8_t* key) const {
  const uint32_t slot = find(key);
  return slot == kNoEntry ? nullptr : values_[slot];
}

bool GroupTable::set(const uint8_t* key, const EgressSet* value, RouteWord route) {
  if (route == 0) return false;  // 0 means "no live key" to readers
  uint32_t slot = find(key);
  if (slot != kNoEntry) {
    values_[slot] = value;
    buckets_[slot / kSlots].route[slot % kSlots].store(route, std::memory_order_release);
    return true;
  }
  if (live_ + pending_ >= n_entries_) return false;
  // First free slot from the home bucket on (there is one: slots outnumber entries).
  const uint32_t home = bucket_of(key);
  uint32_t b = home;
  for (;; b = (b + 1) & mask_) {
    if (state_[b * kSlots] == SlotState::free) {
      slot = b * kSlots;
      break;
    }
    if (state_[b * kSlots + 1] == SlotState::free) {
      slot = b * kSlots + 1;
      break;
    }
  }
  Bucket& bk = buckets_[b];
  // A free slot's route is 0, so no reader takes its key while the bytes change.
  std::memcpy(bk.key[slot % kSlots], key, 16);
  for (uint32_t ob = home; ob != b; ob = (ob + 1) & mask_) {
    buckets_[ob].overflow.fetch_add(1, std::memory_order_relaxed);
  }
  state_[slot] = SlotState::live;
  values_[slot] = value;
  bk.route[slot % kSlots].store(route, std::memory_order_release);
  ++live_;
  return true;
}

uint32_t GroupTable::remove(const uint8_t* key) {
  const uint32_t slot = find(key);
  if (slot == kNoEntry) return kNoEntry;
  const uint32_t b = slot / kSlots;
  buckets_[b].route[slot % kSlots].store(0, std::memory_order_release);
  for (uint32_t ob = bucket_of(key); ob != b; ob = (ob + 1) & mask_) {
    buckets_[ob].overflow.fetch_sub(1, std::memory_order_relaxed);
  }
  state_[slot] = SlotState::pending;
  values_[slot] = nullptr;
  --live_;
  ++pending_;
  return slot;
}

void GroupTable::release_entry(uint32_t slot) {
  if (slot >= state_.size() || state_[slot] != SlotState::pending) return;
  state_[slot] = SlotState::free;
  --pending_;
}

}  // namespace tandem::dataplane
