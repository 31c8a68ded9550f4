// RFC 5798 §6.1 timer formulas, in the RFC's unit (centiseconds). Conversion to the engine's
// Duration happens in one place (to_duration) so no call site multiplies by 10.
#pragma once

#include <cstdint>

#include "control/common/time.h"

namespace tandem::vrrp6 {

// Skew_Time = ((256 − Priority) × Master_Adver_Interval) / 256   [centiseconds]
// Integer division, as the RFC writes it (and FRR's vrrp_recalculate_timers does).
constexpr centiseconds skew_time(uint8_t priority, centiseconds master_adver_interval) {
  return centiseconds{((256 - int64_t{priority}) * master_adver_interval.count()) / 256};
}

// Master_Down_Interval = 3 × Master_Adver_Interval + Skew_Time   [centiseconds]
constexpr centiseconds master_down_interval(uint8_t priority, centiseconds master_adver_interval) {
  return 3 * master_adver_interval + skew_time(priority, master_adver_interval);
}

// The one cs → engine-time boundary.
constexpr Duration to_duration(centiseconds cs) {
  return std::chrono::duration_cast<Duration>(cs);
}

// Wire field (12 bits) → centiseconds; a zero field is treated as the minimum the wire
// allows (1 cs) so a broken peer cannot make Master_Down_Interval zero.
constexpr centiseconds from_wire_interval(uint16_t field) {
  const uint16_t v = field & 0x0fff;
  return centiseconds{v == 0 ? 1 : v};
}

}  // namespace tandem::vrrp6
