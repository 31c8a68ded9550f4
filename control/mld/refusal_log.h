// Rate limit for the log lines of refused reports (issue #9): a report storm over a limit
// would otherwise write one line per record. At most one line per interface per interval; the
// line says how many refusals went unlogged since the previous one, so the log still adds up
// (the per-reason counters hold the exact totals). Sans-IO: the caller passes `now`.
#pragma once

#include <chrono>
#include <cstdint>

#include "control/common/time.h"

namespace tandem::mld {

class RefusalLog {
 public:
  static constexpr Duration kInterval = std::chrono::seconds(10);

  // True when this refusal gets a line now; `suppressed` then holds the number of refusals
  // not logged since the previous line. False (and counted) inside the interval.
  bool admit(TimePoint now, uint64_t& suppressed);
  // Refusals waiting to be reported by the next line.
  uint64_t pending() const { return suppressed_; }

 private:
  bool logged_ = false;
  TimePoint next_line_{};
  uint64_t suppressed_ = 0;
};

}  // namespace tandem::mld
