// Time for the sans-IO engines: every engine takes `now` as an argument and never reads a
// clock. The daemon passes steady_clock::now(); tests start at TimePoint{} and step by hand.
#pragma once

#include <chrono>
#include <cstdint>

namespace tandem {

using Clock = std::chrono::steady_clock;
using TimePoint = Clock::time_point;
using Duration = Clock::duration;

using std::chrono::hours;
using std::chrono::microseconds;
using std::chrono::milliseconds;
using std::chrono::seconds;

// A deadline that is "never": engines return it from next_deadline() when idle.
inline constexpr TimePoint kNever = TimePoint::max();

// Centiseconds: VRRP's unit on the wire (RFC 5798 §5.2.7). Converted at one boundary.
using centiseconds = std::chrono::duration<int64_t, std::centi>;

inline int64_t to_ms(Duration d) {
  return std::chrono::duration_cast<milliseconds>(d).count();
}

}  // namespace tandem
