// Master-side queue of keys whose state changed since they were last sent. Only keys are
// queued: the Delta builder reads the latest state from the GroupStore at send time, so any
// number of changes to one key between two sends cost one record (coalescing), and the
// remaining times are the ones current when the frame is built.
#pragma once

#include <cstddef>
#include <deque>
#include <unordered_set>
#include <vector>

#include "replication/group_store.h"

namespace tandem::replication {

class ChangeFeed {
 public:
  // The daemon calls these from MLD engine events (record created, refreshed, changed,
  // deleted). Both only mark the key dirty.
  void upsert(const GroupRecord& record) { mark(record.key); }
  void remove(const GroupKey& key) { mark(key); }
  void mark(const GroupKey& key);
  // Queues a key without journaling it (replication passing on a record it merged).
  void requeue(const GroupKey& key);

  bool empty() const { return pending_.empty(); }
  size_t size() const { return pending_.size(); }

  // Oldest-first: up to `max` pending keys, removed from the queue.
  std::vector<GroupKey> take(size_t max);
  // Drops every pending key (a snapshot is about to cover them all).
  void clear();

  // While the journal is on, every marked key is also remembered until it is turned off.
  // The channel uses it during a takeover: keys this router changed itself since becoming
  // Master are not overwritten by late records from the previous Master.
  void set_journal(bool on);
  bool journal_on() const { return journal_on_; }
  bool journaled(const GroupKey& key) const { return journal_.count(key) != 0; }

 private:
  std::deque<GroupKey> order_;
  std::unordered_set<GroupKey, GroupKeyHash> pending_;
  bool journal_on_ = false;
  std::unordered_set<GroupKey, GroupKeyHash> journal_;
};

}  // namespace tandem::replication
