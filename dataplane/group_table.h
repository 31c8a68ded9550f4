// The (*,G) half of the FIB: a hash table keyed by the 16-byte group address, written by one
// thread (the control core) and read by the workers without locks.
//
// Why not rte_hash (which the (S,G) table still uses): the group lookup is on every
// forwarded packet, and perf/dataplane.sh measured rte_hash_lookup_bulk_data at ~25-30 cycles
// per key for a 1k-group table, a third of dpdk-testpmd's whole per-packet cost. This table
// does the same job in one cache line per key: the bucket holds eight 16-bit signatures
// compared at once (SSE2) and the entry indexes next to them.
//
//   bucket (64 B): sig[8] as two 64-bit words (0 = free) | entry index[8] | overflow count
//   entry  (32 B): key (16 B) | route word (readers) | value pointer (writer's bookkeeping)
//
// Readers get the RouteWord (ports and flags in one atomic word, types.h) straight from the
// entry they compared the key in: no third cache line for an EgressSet object, which at a
// million groups is one memory miss per packet less.
// Concurrency, single writer: an entry's key is written before its index and signature are
// published (store-release); a reader that matches a signature reads the index, then the
// entry (acquire). Removal clears the signature and hands the entry index to the caller,
// who must not reuse it (`release_entry`) before every reader has passed a quiescent state
// (the FIB's rte_rcu_qsbr). A value change is one atomic route store in the live entry.
// Keys that do not fit their home bucket go to the following buckets; each bucket counts
// how many such keys passed it, and a lookup continues only while that count is non-zero.
#pragma once

#include <nmmintrin.h>  // SSE4.2 crc32 (DPDK builds with -march=corei7)

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>

#include "dataplane/types.h"

namespace tandem::dataplane {

struct EgressSet;

class GroupTable {
 public:
  static constexpr unsigned kSlots = 8;
  static constexpr uint32_t kNoEntry = UINT32_MAX;

  // Room for `entries` live keys (plus removed ones still in their grace period, which the
  // caller includes in `entries`). Memory comes from rte_zmalloc (hugepages when EAL has
  // them), or from the C++ heap with `dpdk_memory` false (unit tests run without EAL).
  // Returns null when memory is short.
  static std::unique_ptr<GroupTable> create(uint32_t entries, bool dpdk_memory = true);
  ~GroupTable();
  GroupTable(const GroupTable&) = delete;
  GroupTable& operator=(const GroupTable&) = delete;

  // Where a key's lookup starts: its home bucket and signature.
  struct Probe {
    uint32_t bucket;
    uint16_t sig;
  };

  // ---- readers ----
  RouteWord lookup(const uint8_t* key) const;
  // A batched lookup in two steps, so a caller can hash each key while it still has the
  // packet at hand (l3fwd_em_hlm's batching, spread over the caller's loop):
  // probe() hashes a key and prefetches its bucket; resolve_bulk() then takes every bucket's
  // signature match and prefetches the matched entries before comparing any key.
  // out[i] = route of keys[i], or 0; n <= 64.
  Probe probe(const uint8_t* key) const {
    Probe p = hash(key);
    __builtin_prefetch(&buckets_[p.bucket], 0, 3);
    return p;
  }
  void resolve_bulk(const uint8_t* const* keys, const Probe* probes, unsigned n,
                    RouteWord* out) const;
  // Both steps for n <= 64 keys (tests, tools).
  void lookup_bulk(const uint8_t* const* keys, unsigned n, RouteWord* out) const;

  // ---- writer ----
  // The value object the writer attached to `key` (its own bookkeeping), or null.
  const EgressSet* value(const uint8_t* key) const;
  // Adds `key` or replaces its value and route. False when no entry or slot is free.
  bool set(const uint8_t* key, const EgressSet* value, RouteWord route);
  // Unpublishes `key`; returns the entry index to hand back after a grace period, or kNoEntry.
  uint32_t remove(const uint8_t* key);
  // Makes a removed entry reusable (the caller's grace period is over).
  void release_entry(uint32_t index);
  // Calls f(key, value) for every live key (writer only).
  template <class F>
  void for_each(F&& f) const {
    for (uint32_t b = 0; b <= mask_; ++b) {
      for (unsigned s = 0; s < kSlots; ++s) {
        if (sig_of(buckets_[b], s) == 0) continue;
        const Entry& e = entries_[buckets_[b].index[s].load(std::memory_order_relaxed)];
        f(e.key, e.value);
      }
    }
  }
  // Where a key's probe starts, and how many keys homed at or before `bucket` sit after it
  // (tests and diagnostics).
  uint32_t home_bucket(const uint8_t* key) const { return hash(key).bucket; }
  uint32_t overflow(uint32_t bucket) const {
    return buckets_[bucket & mask_].overflow.load(std::memory_order_relaxed);
  }
  uint32_t buckets() const { return mask_ + 1; }
  size_t size() const { return live_; }
  uint32_t capacity() const { return n_entries_; }
  // Entries neither live nor free (removed, waiting for release_entry).
  size_t pending() const { return n_entries_ - live_ - free_top_; }

 private:
  struct alignas(64) Bucket {
    std::atomic<uint64_t> sigs[2];  // 4 x 16-bit signatures each, slot s in word s/4
    std::atomic<uint32_t> index[kSlots];
    std::atomic<uint32_t> overflow;  // keys homed at or before this bucket, stored after it
  };
  struct alignas(32) Entry {
    uint8_t key[16];
    std::atomic<RouteWord> route;
    const EgressSet* value;  // writer only
  };
  using Hash = Probe;
  static_assert(sizeof(Bucket) == 64);
  static_assert(sizeof(Entry) == 32);

  GroupTable() = default;
  // Two independent CRC32-C chains: one picks the bucket, the other the signature, so keys
  // sharing a bucket rarely share a signature too.
  Hash hash(const uint8_t* key) const {
    uint64_t lo, hi;
    std::memcpy(&lo, key, 8);
    std::memcpy(&hi, key + 8, 8);
    auto a = static_cast<uint32_t>(_mm_crc32_u64(_mm_crc32_u64(0x9e3779b9u, lo), hi));
    auto b = static_cast<uint32_t>(_mm_crc32_u64(_mm_crc32_u64(0x85ebca6bu, hi), lo));
    auto sig = static_cast<uint16_t>(b ^ (b >> 16));
    return Hash{a & mask_, sig == 0 ? uint16_t{1} : sig};
  }
  static uint16_t sig_of(const Bucket& b, unsigned slot) {
    return static_cast<uint16_t>(b.sigs[slot / 4].load(std::memory_order_acquire) >>
                                 (16 * (slot % 4)));
  }
  static void store_sig(Bucket& b, unsigned slot, uint16_t sig);
  // Slots of `b` whose signature equals `sig`, one bit each (inline: once per lookup).
  static unsigned match(const Bucket& b, uint16_t sig) {
    __m128i v = _mm_set_epi64x(static_cast<long long>(b.sigs[1].load(std::memory_order_acquire)),
                               static_cast<long long>(b.sigs[0].load(std::memory_order_acquire)));
    // Equal lanes are all ones; packing the eight 16-bit lanes into bytes (saturating -1
    // to -1) gives one movemask bit per slot.
    __m128i eq = _mm_cmpeq_epi16(v, _mm_set1_epi16(static_cast<short>(sig)));
    return static_cast<unsigned>(_mm_movemask_epi8(_mm_packs_epi16(eq, _mm_setzero_si128())));
  }
  // Bucket and slot holding `key`, or false.
  bool find(const uint8_t* key, const Hash& h, uint32_t* bucket, unsigned* slot) const;

  Bucket* buckets_ = nullptr;
  Entry* entries_ = nullptr;
  bool dpdk_memory_ = true;
  uint32_t* free_ = nullptr;  // stack of free entry indexes (writer only)
  uint32_t free_top_ = 0;
  uint32_t mask_ = 0;  // buckets - 1
  uint32_t n_entries_ = 0;
  size_t live_ = 0;
};

}  // namespace tandem::dataplane
