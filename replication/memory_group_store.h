// In-memory GroupStore with RFC 3810 §7 ageing, for tests, benchmarks and as a reference for
// the daemon's adapter. Times are stored as absolute deadlines and handed out as remaining
// durations, so a record written on a Backup ages exactly as on the Master.
#pragma once

#include <unordered_map>

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

  // Incrementally maintained table_digest() of this store.
  uint64_t digest() const { return digest_; }
  void clear();

 private:
  struct Entry {
    GroupRecord record;                       // time fields unused; see the deadlines below
    TimePoint filter_deadline{};              // EXCLUDE only
    std::vector<TimePoint> source_deadlines;  // parallel to record.sources; min() = blocked
    TimePoint ohp_deadline{};                 // MLDv1 compat only
    uint64_t hash = 0;
  };
  void put(Entry entry);
  static GroupRecord materialize(const Entry& e, TimePoint now);
  // Records live in a dense vector (walked in order by for_each and snapshots, which is what
  // a million-record table needs); the map only indexes them.
  std::vector<Entry> slots_;
  std::unordered_map<GroupKey, uint32_t, GroupKeyHash> index_;
  uint64_t digest_ = 0;
};

}  // namespace tandem::replication
