// In-memory GroupStore with RFC 3810 §7 ageing, for tests, benchmarks and as a reference for
// the daemon's adapter. Times are stored as absolute deadlines and handed out as remaining
// durations, so a record written on a Backup ages exactly as on the Master.
#pragma once

#include <cstdint>
#include <vector>

#include "replication/group_store.h"

namespace tandem::replication {

class MemoryGroupStore : public GroupStore {
 public:
  void upsert(const GroupRecord& record, TimePoint now) override;
  void remove(const GroupKey& key, TimePoint now) override;
  std::optional<GroupRecord> find(const GroupKey& key, TimePoint now) const override;
  void for_each(TimePoint now, const std::function<void(const GroupRecord&)>& fn) const override;
  size_t size() const override { return slots_.size(); }
  void reserve(size_t records) override;

  // Runs every timer due by `now` (RFC 3810 §7.2.3 / §7.5 / §8.3):
  //  - INCLUDE: a source whose timer expires is deleted; no source left → record deleted.
  //  - EXCLUDE: a Requested-List source whose timer expires moves to the Exclude List
  //    (timer 0); when the filter timer expires the record switches to INCLUDE with the
  //    sources still running, or is deleted when there are none.
  //  - Older Version Host Present expiry → back to MLDv2 compatibility.
  // Returns the keys of records changed or deleted (the Master pushes them to its feed).
  std::vector<GroupKey> expire(TimePoint now);

  uint64_t digest() const override { return digest_; }
  void clear();

 private:
  struct Entry {
    GroupRecord record;                       // time fields unused; see the deadlines below
    TimePoint filter_deadline{};              // EXCLUDE only
    std::vector<TimePoint> source_deadlines;  // parallel to record.sources; min() = blocked
    TimePoint ohp_deadline{};                 // MLDv1 compat only
    uint64_t hash = 0;                        // record_digest()
    size_t key_hash = 0;                      // GroupKeyHash, for the index
  };
  void put(Entry entry);
  static GroupRecord materialize(const Entry& e, TimePoint now);

  // Records live in a dense vector (walked in order by for_each and snapshots); an
  // open-addressing index (linear probing, power-of-two size, at most half full) maps a key
  // to its slot without a heap node per record, which is what a million-record table needs.
  // An index cell holds the slot (low 32 bits) and the upper half of the key hash (high 32
  // bits), so a probe compares hashes without touching the record.
  static constexpr uint64_t kEmpty = UINT64_MAX;
  static uint64_t cell(size_t key_hash, uint32_t slot) {
    return (static_cast<uint64_t>(key_hash) & 0xffffffff00000000ULL) | slot;
  }
  static uint32_t slot_of(uint64_t c) { return static_cast<uint32_t>(c); }
  size_t probe(const GroupKey& key, size_t h) const;  // position of key, or the empty one
  void grow_index(size_t min_records);
  void erase_position(size_t pos);
  std::vector<Entry> slots_;
  std::vector<uint64_t> index_;
  uint64_t digest_ = 0;
};

}  // namespace tandem::replication
