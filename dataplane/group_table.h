// The (*,G) half of the FIB: a hash table keyed by the 16-byte group address, written by one
// thread (the control core) and read by the workers without locks.
//
// Why not rte_hash (which the (S,G) table still uses): the group lookup is on every
// forwarded packet, and rte_hash's bulk lookup cost a large share of a packet's budget
// (perf/dataplane/README.md, "Figures behind the code": group lookup). A lookup here reads
// one cache line: the bucket holds two keys in full next to their routes, so there is no
// signature step and no separate entry to fetch.
//
//   bucket (64 B): key[2] (2 x 16 B) | route[2] (2 x 8 B, 0 = no live key) | overflow count
//
// Readers get the RouteWord (ports and flags in one atomic word, types.h) from the slot whose
// key equals theirs. Buckets are at least twice the capacity in slots, so a bucket is rarely
// full; keys that do not fit their home bucket go to the following buckets, each bucket
// counts how many such keys passed it, and a lookup goes on only while that count is not 0.
//
// Concurrency, single writer: a slot's key is written before its route is published
// (store-release); a reader loads the routes (acquire), then compares keys, and takes a
// matching slot's route only when it is not 0. Removal stores route 0 and hands the slot to the
// caller, who must not reuse it (`release_entry`) before every reader has passed a quiescent
// state (the FIB's rte_rcu_qsbr), so a key a reader matched cannot be rewritten under it. A
// value change is one atomic route store in the live slot.
#pragma once

#include <emmintrin.h>
#include <nmmintrin.h>  // SSE4.2 crc32 (DPDK builds with -march=corei7)

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <vector>

#include "dataplane/types.h"

namespace tandem::dataplane {

struct EgressSet;

class GroupTable {
 public:
  static constexpr unsigned kSlots = 2;
  static constexpr uint32_t kNoEntry = UINT32_MAX;

  // Room for `entries` live keys (plus removed ones still in their grace period, which the
  // caller includes in `entries`). Memory comes from rte_zmalloc (hugepages when EAL has
  // them), or from the C++ heap with `dpdk_memory` false (unit tests run without EAL).
  // Returns null when memory is short.
  static std::unique_ptr<GroupTable> create(uint32_t entries, bool dpdk_memory = true);
  // The bytes create() takes from EAL memory for `entries` (the bucket array).
  static size_t memory_bytes(uint32_t entries);
  ~GroupTable();
  GroupTable(const GroupTable&) = delete;
  GroupTable& operator=(const GroupTable&) = delete;

  // Where a key's lookup starts: its home bucket (a pointer, so resolve() need not index
  // again).
  struct Probe {
    const void* bucket;
  };

  // ---- readers ----
  RouteWord lookup(const uint8_t* key) const;
  // A batched lookup in two steps, so a caller can hash each key while it still has the
  // packet at hand (l3fwd_em_hlm's batching, spread over the caller's loop):
  // probe() hashes a key and prefetches its bucket; resolve_bulk() compares the keys once
  // every bucket is on its way. out[i] = route of keys[i], or 0.
  Probe probe(const uint8_t* key) const { return prober().probe(key); }
  // probe() from a copy of the table's address and mask, for a caller's loop to keep in
  // registers (its stores may alias the table object, so the members would be loaded again).
  class Prober {
   public:
    Probe probe(const uint8_t* key) const {
      Probe p{static_cast<const Bucket*>(buckets_) + bucket_index(key, mask_)};
      __builtin_prefetch(p.bucket, 0, 3);
      return p;
    }

   private:
    friend class GroupTable;
    Prober(const void* buckets, uint32_t mask) : buckets_(buckets), mask_(mask) {}
    const void* buckets_;
    uint32_t mask_;
  };
  Prober prober() const { return Prober(buckets_, mask_); }
  RouteWord resolve(const uint8_t* key, Probe p) const {
    RouteWord r;
    if (match_home(*static_cast<const Bucket*>(p.bucket), key, &r)) return r;
    return lookup(key);
  }
  // resolve() when the key's home bucket answers (true: *route is its route, or 0 when it
  // is certainly absent); false when the lookup would have to go on past it.
  bool resolve_at_home(const uint8_t* key, Probe p, RouteWord* route) const {
    return match_home(*static_cast<const Bucket*>(p.bucket), key, route);
  }
  void resolve_bulk(const uint8_t* const* keys, const Probe* probes, unsigned n,
                    RouteWord* out) const {
    for (unsigned i = 0; i < n; ++i) out[i] = resolve(keys[i], probes[i]);
  }
  // Both steps (tests, tools).
  void lookup_bulk(const uint8_t* const* keys, unsigned n, RouteWord* out) const;

  // ---- writer ----
  // The value object the writer attached to `key` (its own bookkeeping), or null.
  const EgressSet* value(const uint8_t* key) const;
  // Adds `key` or replaces its value and route (route must not be 0). False when the
  // capacity is used up (live keys plus removed ones not yet released).
  bool set(const uint8_t* key, const EgressSet* value, RouteWord route);
  // Unpublishes `key`; returns the slot to hand back after a grace period, or kNoEntry.
  uint32_t remove(const uint8_t* key);
  // Makes a removed slot reusable (the caller's grace period is over).
  void release_entry(uint32_t slot);
  // Calls f(key, value) for every live key (writer only).
  template <class F>
  void for_each(F&& f) const {
    for (uint32_t slot = 0; slot < state_.size(); ++slot) {
      if (state_[slot] == SlotState::live) f(key_at(slot), values_[slot]);
    }
  }
  // Where a key's probe starts, and how many keys homed at or before `bucket` sit after it
  // (tests and diagnostics).
  uint32_t home_bucket(const uint8_t* key) const { return bucket_of(key); }
  uint32_t overflow(uint32_t bucket) const {
    return buckets_[bucket & mask_].overflow.load(std::memory_order_relaxed);
  }
  size_t size() const { return live_; }
  uint32_t capacity() const { return n_entries_; }
  // Slots neither live nor free (removed, waiting for release_entry).
  size_t pending() const { return pending_; }

 private:
  struct alignas(64) Bucket {
    uint8_t key[kSlots][16];
    std::atomic<RouteWord> route[kSlots];
    std::atomic<uint32_t> overflow;  // keys homed at or before this bucket, stored after it
  };
  static_assert(sizeof(Bucket) == 64);
  enum class SlotState : uint8_t { free, live, pending };

  GroupTable() = default;
  // CRC32-C over both halves of the key.
  static uint32_t bucket_index(const uint8_t* key, uint32_t mask) {
    uint64_t lo, hi;
    std::memcpy(&lo, key, 8);
    std::memcpy(&hi, key + 8, 8);
    return static_cast<uint32_t>(_mm_crc32_u64(_mm_crc32_u64(0x9e3779b9u, lo), hi)) & mask;
  }
  uint32_t bucket_of(const uint8_t* key) const { return bucket_index(key, mask_); }
  static bool same_key(const Bucket& b, unsigned slot, __m128i k) {
    const __m128i stored = _mm_load_si128(reinterpret_cast<const __m128i*>(b.key[slot]));
    return _mm_movemask_epi8(_mm_cmpeq_epi8(stored, k)) == 0xffff;
  }
  // True when bucket `b` answers for `key`: *route is its route, or 0 when it is certainly
  // absent. False when the walk must go on to the following buckets (every RouteWord value
  // can be a real route, so no sentinel value says so). Each slot's route is loaded before
  // its key: a slot seen live (route not 0) cannot be reused before this reader's next
  // quiescent state, so the key compared after it is the key that route belongs to. (Key
  // first would let a slot freed and refilled in between pair an old key with a new route.)
  // Slot 0 first, on its own: it is where most keys live (a key takes slot 1 only when its
  // home bucket already holds one), and the usual lookup ends there.
  static bool match_home(const Bucket& b, const uint8_t* key, RouteWord* route) {
    const __m128i k = _mm_loadu_si128(reinterpret_cast<const __m128i*>(key));
    const RouteWord r0 = b.route[0].load(std::memory_order_acquire);
    if (r0 != 0 && same_key(b, 0, k)) {
      *route = r0;
      return true;
    }
    const RouteWord r1 = b.route[1].load(std::memory_order_acquire);
    if (r1 != 0 && same_key(b, 1, k)) {
      *route = r1;
      return true;
    }
    *route = 0;
    return b.overflow.load(std::memory_order_acquire) == 0;
  }
  const uint8_t* key_at(uint32_t slot) const { return buckets_[slot / kSlots].key[slot % kSlots]; }
  // Slot holding `key` live, or kNoEntry (writer).
  uint32_t find(const uint8_t* key) const;

  Bucket* buckets_ = nullptr;
  bool dpdk_memory_ = true;
  uint32_t mask_ = 0;  // buckets - 1
  uint32_t n_entries_ = 0;
  size_t live_ = 0;
  size_t pending_ = 0;
  // Writer-only bookkeeping, per slot: never read by the workers.
  std::vector<SlotState> state_;
  std::vector<const EgressSet*> values_;
};

}  // namespace tandem::dataplane
