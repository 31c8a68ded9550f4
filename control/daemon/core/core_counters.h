// Counters of the control core itself (frames it could not use, frames it could not send),
// by reason. The engines count their own drops; these are the core's.
#pragma once

#include <cstdint>

namespace tandem::daemon {

struct CoreCounters {
  uint64_t frames = 0;
  uint64_t pim_data = 0;        // data packets sampled for PIM (SPT switch, SPT bit, Assert)
  uint64_t unhandled_kind = 0;  // kinds the control core does not process (data, other)
  uint64_t unknown_interface = 0;
  uint64_t tx_failed = 0;
  uint64_t bfd_no_neighbor = 0;  // BFD packet not sent: peer MAC unresolved yet
  uint64_t reloads = 0, reload_failures = 0;
};

}  // namespace tandem::daemon
