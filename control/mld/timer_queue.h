// The one timer structure of the MLD engine: a 4-ary min-heap of (deadline, id, tag) with
// lazy invalidation. Owners (group records, interfaces) keep the deadline of the entry they
// have in flight ("armed"); an entry whose tag or deadline no longer matches its owner is
// stale and dropped when it reaches the top. Owners push a new entry only when their earliest
// deadline moves *earlier*; a later deadline (a refresh, the common case at 1M groups) costs
// nothing until the old entry pops and is re-pushed once. Every operation is O(log n).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "control/common/time.h"

namespace tandem::mld {

class TimerQueue {
 public:
  struct Entry {
    TimePoint when;
    uint32_t id = 0;   // owner slot
    uint32_t tag = 0;  // owner kind + generation, checked by the owner on pop
  };

  void push(TimePoint when, uint32_t id, uint32_t tag);
  bool empty() const { return heap_.empty(); }
  size_t size() const { return heap_.size(); }
  // Precondition: !empty().
  const Entry& top() const { return heap_.front(); }
  void pop();
  TimePoint earliest() const { return heap_.empty() ? kNever : heap_.front().when; }
  void clear() { heap_.clear(); }
  // Keeps the entries for which keep(entry) holds, in fresh storage sized to them.
  template <typename Keep>
  void retain_if(Keep keep) {
    std::vector<Entry> old;
    old.swap(heap_);
    for (const Entry& e : old) {
      if (keep(e)) push(e.when, e.id, e.tag);
    }
  }
  size_t memory_bytes() const { return heap_.capacity() * sizeof(Entry); }

 private:
  static constexpr size_t kArity = 4;  // shallower than binary, children share a cache line
  std::vector<Entry> heap_;
};

}  // namespace tandem::mld
