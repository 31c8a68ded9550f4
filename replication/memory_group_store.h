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
  size_t size() const override { return entries_.size(); }

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
    GroupRecord record;                       // times fields unused; see the deadlines below
    TimePoint filter_deadline{};              // EXCLUDE only
    std::vector<TimePoint> source_deadlines;  // parallel to record.sources; {} = 0 (blocked)
    TimePoint ohp_deadline{};                 // MLDv1 compat only
    uint64_t hash = 0;
  };
  void put(Entry entry);
  std::unordered_map<GroupKey, Entry, GroupKeyHash> entries_;
  uint64_t digest_ = 0;
};

}  // namespace tandem::replication
