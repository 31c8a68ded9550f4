// The engine's deadlines in one ordered set, so next_deadline() is O(1) and a tick touches
// only what is due (nothing scans every group per tick). Each key holds at most one deadline.
#pragma once

#include <compare>
#include <cstdint>
#include <map>
#include <set>
#include <utility>
#include <vector>

#include "control/common/time.h"
#include "control/wire/address.h"

namespace tandem::pim {

enum class TimerKind : uint8_t {
  hello,         // (ifindex): our next Hello
  neighbor,      // (ifindex, a = neighbor): neighbor liveness (§4.3.2)
  join,          // (a = source or ::, b = group): upstream Join Timer (§4.5.6, §4.5.7)
  keepalive,     // (a, b): (S,G) Keepalive Timer (§4.1.3)
  rpt_override,  // (a, b): (S,G,rpt) Override Timer (§4.5.9)
  assert_timer,  // (ifindex, a, b): Assert Timer (§4.6.1, §4.6.2)
};

struct TimerKey {
  TimerKind kind = TimerKind::hello;
  uint32_t ifindex = 0;
  wire::Ipv6Address a, b;
  auto operator<=>(const TimerKey&) const = default;
};

class TimerSet {
 public:
  void arm(const TimerKey& key, TimePoint when) {
    cancel(key);
    if (when == kNever) return;
    by_key_.emplace(key, when);
    queue_.emplace(when, key);
  }
  void cancel(const TimerKey& key) {
    auto it = by_key_.find(key);
    if (it == by_key_.end()) return;
    queue_.erase({it->second, key});
    by_key_.erase(it);
  }
  TimePoint when(const TimerKey& key) const {
    auto it = by_key_.find(key);
    return it == by_key_.end() ? kNever : it->second;
  }
  TimePoint next() const { return queue_.empty() ? kNever : queue_.begin()->first; }
  // Removes and returns the earliest key due at `now`, if any.
  bool pop_due(TimePoint now, TimerKey* out) {
    if (queue_.empty() || queue_.begin()->first > now) return false;
    *out = queue_.begin()->second;
    by_key_.erase(*out);
    queue_.erase(queue_.begin());
    return true;
  }
  void clear() {
    by_key_.clear();
    queue_.clear();
  }

 private:
  std::map<TimerKey, TimePoint> by_key_;
  std::set<std::pair<TimePoint, TimerKey>> queue_;
};

}  // namespace tandem::pim
