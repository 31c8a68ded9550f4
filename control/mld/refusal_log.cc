#include "control/mld/refusal_log.h"

namespace tandem::mld {

bool RefusalLog::admit(TimePoint now, uint64_t& suppressed) {
  if (logged_ && now < next_line_) {
    ++suppressed_;
    return false;
  }
  suppressed = suppressed_;
  suppressed_ = 0;
  logged_ = true;
  next_line_ = now + kInterval;
  return true;
}

}  // namespace tandem::mld
