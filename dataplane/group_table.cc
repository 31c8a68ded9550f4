#include "dataplane/group_table.h"

#include <rte_malloc.h>

#include <algorithm>
#include <bit>
#include <cstdlib>
#include <cstring>

namespace tandem::dataplane {

namespace {
struct KeyWords {
  uint64_t lo, hi;
};
inline KeyWords words(const uint8_t* key) {
  KeyWords w;
  std::memcpy(&w.lo, key, 8);
  std::memcpy(&w.hi, key + 8, 8);
  return w;
}
inline bool same_key(const uint8_t* a, const uint8_t* b) {
  KeyWords x = words(a), y = words(b);
  return ((x.lo ^ y.lo) | (x.hi ^ y.hi)) == 0;
}

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

std::unique_ptr<GroupTable> GroupTable::create(uint32_t entries, bool dpdk_memory) {
  std::unique_ptr<GroupTable> t(new GroupTable());
  t->dpdk_memory_ = dpdk_memory;
  if (entries == 0) entries = 1;
  // At most half the slots in use keeps overflow into the next bucket rare.
  uint32_t buckets = std::bit_ceil(std::max<uint32_t>(8, (entries + 3) / 4));
  t->mask_ = buckets - 1;
  t->n_entries_ = entries;
  t->buckets_ = static_cast<Bucket*>(
      zalloc(dpdk_memory, "tandem_fib_g_buckets", sizeof(Bucket) * size_t{buckets}));
  t->entries_ = static_cast<Entry*>(
      zalloc(dpdk_memory, "tandem_fib_g_entries", sizeof(Entry) * size_t{entries}));
  if (t->buckets_ == nullptr || t->entries_ == nullptr) return nullptr;
  t->free_ = new uint32_t[entries];
  for (uint32_t i = 0; i < entries; ++i) t->free_[i] = entries - 1 - i;  // 0 is used first
  t->free_top_ = entries;
  return t;
}

GroupTable::~GroupTable() {
  release(dpdk_memory_, buckets_);
  release(dpdk_memory_, entries_);
  delete[] free_;
}

void GroupTable::store_sig(Bucket& b, unsigned slot, uint16_t sig) {
  std::atomic<uint64_t>& w = b.sigs[slot / 4];
  const unsigned shift = 16 * (slot % 4);
  uint64_t v = w.load(std::memory_order_relaxed);
  v = (v & ~(uint64_t{0xffff} << shift)) | (uint64_t{sig} << shift);
  // Release: the entry and its index are visible before the signature that leads to them.
  w.store(v, std::memory_order_release);
}

bool GroupTable::find(const uint8_t* key, const Hash& h, uint32_t* bucket, unsigned* slot) const {
  uint32_t b = h.bucket;
  for (uint32_t probes = 0; probes <= mask_; ++probes) {
    const Bucket& bk = buckets_[b];
    for (unsigned m = match(bk, h.sig); m != 0; m &= m - 1) {
      unsigned s = static_cast<unsigned>(std::countr_zero(m));
      uint32_t idx = bk.index[s].load(std::memory_order_acquire);
      if (idx < n_entries_ && same_key(entries_[idx].key, key)) {
        *bucket = b;
        *slot = s;
        return true;
      }
    }
    if (bk.overflow.load(std::memory_order_acquire) == 0) return false;
    b = (b + 1) & mask_;
  }
  return false;
}

RouteWord GroupTable::lookup(const uint8_t* key) const {
  uint32_t b;
  unsigned s;
  if (!find(key, hash(key), &b, &s)) return 0;
  uint32_t idx = buckets_[b].index[s].load(std::memory_order_acquire);
  return entries_[idx].route.load(std::memory_order_acquire);
}

const EgressSet* GroupTable::value(const uint8_t* key) const {
  uint32_t b;
  unsigned s;
  if (!find(key, hash(key), &b, &s)) return nullptr;
  return entries_[buckets_[b].index[s].load(std::memory_order_relaxed)].value;
}

void GroupTable::resolve_bulk(const uint8_t* const* keys, const Probe* probes, unsigned n,
                              RouteWord* out) const {
  constexpr uint32_t kCertainMiss = kNoEntry - 1;
  uint32_t cand[64];
  if (n > 64) n = 64;
  // The first signature match is the answer almost always (a false match is 8 in 65536 at
  // most per bucket); anything else takes the full walk below.
  for (unsigned i = 0; i < n; ++i) {
    const Bucket& bk = buckets_[probes[i].bucket];
    unsigned m = match(bk, probes[i].sig);
    cand[i] = kNoEntry;
    if (m != 0) {
      uint32_t idx = bk.index[std::countr_zero(m)].load(std::memory_order_acquire);
      if (idx < n_entries_) {
        cand[i] = idx;
        __builtin_prefetch(&entries_[idx], 0, 3);
      }
    } else if (bk.overflow.load(std::memory_order_relaxed) == 0) {
      cand[i] = kCertainMiss;
    }
  }
  for (unsigned i = 0; i < n; ++i) {
    if (cand[i] < n_entries_ && same_key(entries_[cand[i]].key, keys[i])) {
      out[i] = entries_[cand[i]].route.load(std::memory_order_acquire);
    } else if (cand[i] == kCertainMiss) {
      out[i] = 0;
    } else {
      out[i] = lookup(keys[i]);
    }
  }
}

void GroupTable::lookup_bulk(const uint8_t* const* keys, unsigned n, RouteWord* out) const {
  Probe p[64];
  if (n > 64) n = 64;
  for (unsigned i = 0; i < n; ++i) p[i] = probe(keys[i]);
  resolve_bulk(keys, p, n, out);
}

bool GroupTable::set(const uint8_t* key, const EgressSet* value, RouteWord route) {
  const Hash h = hash(key);
  uint32_t b;
  unsigned s;
  if (find(key, h, &b, &s)) {
    Entry& e = entries_[buckets_[b].index[s].load(std::memory_order_relaxed)];
    e.value = value;
    e.route.store(route, std::memory_order_release);
    return true;
  }
  if (free_top_ == 0) return false;
  // First free slot from the home bucket on.
  b = h.bucket;
  uint32_t probes = 0;
  int slot = -1;
  for (; probes <= mask_; ++probes, b = (b + 1) & mask_) {
    for (unsigned i = 0; i < kSlots; ++i) {
      if (sig_of(buckets_[b], i) == 0) {
        slot = static_cast<int>(i);
        break;
      }
    }
    if (slot >= 0) break;
  }
  if (slot < 0) return false;
  const uint32_t idx = free_[--free_top_];
  Entry& e = entries_[idx];
  std::memcpy(e.key, key, 16);
  e.value = value;
  e.route.store(route, std::memory_order_relaxed);
  for (uint32_t p = 0, ob = h.bucket; p < probes; ++p, ob = (ob + 1) & mask_) {
    buckets_[ob].overflow.fetch_add(1, std::memory_order_relaxed);
  }
  buckets_[b].index[slot].store(idx, std::memory_order_release);
  store_sig(buckets_[b], static_cast<unsigned>(slot), h.sig);
  ++live_;
  return true;
}

uint32_t GroupTable::remove(const uint8_t* key) {
  const Hash h = hash(key);
  uint32_t b;
  unsigned s;
  if (!find(key, h, &b, &s)) return kNoEntry;
  const uint32_t idx = buckets_[b].index[s].load(std::memory_order_relaxed);
  store_sig(buckets_[b], s, 0);
  for (uint32_t ob = h.bucket; ob != b; ob = (ob + 1) & mask_) {
    buckets_[ob].overflow.fetch_sub(1, std::memory_order_relaxed);
  }
  --live_;
  return idx;
}

void GroupTable::release_entry(uint32_t index) {
  if (index < n_entries_ && free_top_ < n_entries_) free_[free_top_++] = index;
}

}  // namespace tandem::dataplane
