#include "control/mld/timer_queue.h"

#include <utility>

namespace tandem::mld {

void TimerQueue::push(TimePoint when, uint32_t id, uint32_t tag) {
  size_t i = heap_.size();
  heap_.push_back(Entry{when, id, tag});
  const Entry moving = heap_[i];
  while (i > 0) {
    const size_t parent = (i - 1) / kArity;
    if (!(moving.when < heap_[parent].when)) break;
    heap_[i] = heap_[parent];
    i = parent;
  }
  heap_[i] = moving;
}

void TimerQueue::pop() {
  const Entry last = heap_.back();
  heap_.pop_back();
  const size_t n = heap_.size();
  if (n == 0) return;
  size_t i = 0;
  for (;;) {
    const size_t first = i * kArity + 1;
    if (first >= n) break;
    size_t best = first;
    const size_t end = first + kArity < n ? first + kArity : n;
    for (size_t c = first + 1; c < end; ++c) {
      if (heap_[c].when < heap_[best].when) best = c;
    }
    if (!(heap_[best].when < last.when)) break;
    heap_[i] = heap_[best];
    i = best;
  }
  heap_[i] = last;
}

}  // namespace tandem::mld
