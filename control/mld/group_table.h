// Per-(interface, group) listener state (RFC 3810 §7.2) in a compact flat table.
//
// Memory at 1,000,000 (*,G) entries is the constraint (≤ 256 bytes each, DESIGN/issue 3):
// records live in fixed-size chunks (stable addresses, no 2× vector regrowth copy), a
// linear-probing index of 8-byte slots (record number + hash) finds them, and source lists
// are a sorted std::vector that costs nothing while empty — a (*,G) record has no sources.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <vector>

#include "control/common/time.h"
#include "control/mld/events.h"
#include "control/wire/address.h"

namespace tandem::mld {

// A source timer that is not running: EXCLUDE-mode exclude list ("timer = 0", §7.2.3).
inline constexpr TimePoint kStopped = TimePoint::min();

struct SourceEntry {
  Ipv6Address addr;
  TimePoint expires = kStopped;
  uint8_t retransmit_left = 0;  // pending Q(G,A) retransmissions naming this source (§7.6.3.2)
  bool query_fresh = false;     // asked for by a report just now, not yet sent once

  bool running() const { return expires != kStopped; }
};

// Index of `a` in a list sorted by addr, or list.size() when absent.
size_t find_source_in(std::span<const SourceEntry> list, const Ipv6Address& a);

struct GroupRecord {
  Ipv6Address group;
  Ipv6Address last_reporter;
  uint32_t ifindex = 0;
  uint32_t generation = 0;  // bumped when the slot is freed; validates timer entries
  TimePoint created{};
  TimePoint filter_timer = kNever;   // EXCLUDE mode only (§7.2.2)
  TimePoint compat_timer = kNever;   // Older Version Host Present (§8.3.2), kNever = v2
  TimePoint armed = kNever;          // deadline of this record's entry in the timer queue
  TimePoint query_next = kNever;     // next Q(G)/Q(G,A) retransmission
  std::vector<SourceEntry> sources;  // sorted by addr
  FilterMode mode = FilterMode::include;
  Origin origin = Origin::local;
  uint8_t group_query_left = 0;  // pending Q(G) transmissions (§7.6.3.1)
  bool group_query_fresh = false;
  bool in_use = false;
  bool fingerprinted = false;  // counted in the engine's FingerprintSum (fingerprint.h)
  uint64_t fingerprint = 0;    // its cached RecordFingerprint while counted

  CompatMode compat() const { return compat_timer == kNever ? CompatMode::v2 : CompatMode::v1; }
  // Index of `a` in sources, or sources.size() when absent.
  size_t find_source(const Ipv6Address& a) const;
  // Earliest of all timers of this record.
  TimePoint earliest_deadline() const;
  // When the record disappears if nothing refreshes it (display "Expires").
  TimePoint expiry() const;
  bool queries_pending() const;
};

class GroupTable {
 public:
  static constexpr uint32_t kNone = UINT32_MAX;

  GroupTable();
  ~GroupTable();
  GroupTable(const GroupTable&) = delete;
  GroupTable& operator=(const GroupTable&) = delete;

  uint32_t find(uint32_t ifindex, const Ipv6Address& group) const;
  // Precondition: find() returned kNone. The record comes back zeroed with its key set.
  uint32_t insert(uint32_t ifindex, const Ipv6Address& group, TimePoint now);
  void erase(uint32_t slot);
  // Batch helpers for the report path (l3fwd's lookup-ahead habit): pull the index slot, then
  // the record, of a key a few records ahead into cache before it is looked up.
  void prefetch_index(uint32_t ifindex, const Ipv6Address& group) const {
    __builtin_prefetch(&index_[hash_key(ifindex, group) & index_mask_]);
  }
  void prefetch_record(uint32_t ifindex, const Ipv6Address& group) const {
    const IndexSlot& s = index_[hash_key(ifindex, group) & index_mask_];
    if (s.record != kNone) __builtin_prefetch(&at(s.record));
  }

  GroupRecord& at(uint32_t slot) { return chunks_[slot >> kChunkBits][slot & kChunkMask]; }
  const GroupRecord& at(uint32_t slot) const {
    return chunks_[slot >> kChunkBits][slot & kChunkMask];
  }
  // Valid slot numbers are < slot_limit(); check in_use.
  uint32_t slot_limit() const { return next_slot_; }
  size_t size() const { return size_; }
  size_t memory_bytes() const;
  // Whether the table holds more than one chunk of records: worth giving back when empty.
  bool holds_spare_storage() const { return chunks_.size() > 1; }
  // Precondition: size() == 0. Frees every chunk and shrinks the index to its initial size;
  // slot numbers start from 0 again (the caller drops its timer entries for records).
  void release_storage();

 private:
  static constexpr uint32_t kChunkBits = 12;
  static constexpr uint32_t kChunkSize = 1u << kChunkBits;
  static constexpr uint32_t kChunkMask = kChunkSize - 1;

  struct IndexSlot {
    uint32_t record = kNone;
    uint32_t hash = 0;
  };

  static uint32_t hash_key(uint32_t ifindex, const Ipv6Address& group);
  void grow_index();
  void index_insert(uint32_t record, uint32_t hash);

  std::vector<std::unique_ptr<GroupRecord[]>> chunks_;
  std::vector<uint32_t> free_slots_;
  uint32_t next_slot_ = 0;
  std::vector<IndexSlot> index_;
  size_t index_mask_ = 0;
  size_t size_ = 0;
};

}  // namespace tandem::mld
