// `reset ... statistics`: the counts the displays show run from the baselines taken here.
// Metrics stay monotonic (Prometheus counters): only the display snapshots subtract them.
#pragma once

#include <algorithm>
#include <cstdint>
#include <map>
#include <string>
#include <utility>

#include "control/common/time.h"
#include "control/daemon/core/engines.h"

namespace tandem::daemon {

struct StatisticsBaselines {
  std::map<std::string, std::pair<uint64_t, uint64_t>> mld;   // interface → joins, leaves
  std::map<std::string, std::pair<uint64_t, uint64_t>> vrrp;  // "if/vrid" → transitions,
                                                              // split-brain events
  std::map<std::string, uint64_t> bfd;                        // session → flaps

  // Takes the engines' counts now as the baselines of `subsystem` ("mld", "vrrp6", "bfd" or
  // "all"; any other name takes none).
  void reset(const std::string& subsystem, const Engines& e);
};

// `count` since `baseline`, never below zero.
inline uint64_t since(uint64_t count, uint64_t baseline) {
  return count - std::min(baseline, count);
}

}  // namespace tandem::daemon
