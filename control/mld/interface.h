// One MLD interface's state inside MldRouter (router.h): its querier, configuration, group
// count and counters. The router keeps them in a vector indexed through their ifindex.
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "control/common/time.h"
#include "control/mld/config.h"
#include "control/mld/counters.h"
#include "control/mld/fingerprint.h"
#include "control/mld/querier.h"
#include "control/mld/refusal_log.h"

namespace tandem::mld {

// Per-interface message counters (metrics label `interface`).
struct InterfaceCounters {
  std::array<uint64_t, kIgnoreReasonCount> ignored{};
  uint64_t queries_received = 0;
  uint64_t reports_received = 0;
  uint64_t queries_sent = 0;

  uint64_t ignored_count(IgnoreReason r) const { return ignored[static_cast<size_t>(r)]; }
};

struct Interface {
  uint32_t ifindex = 0;
  std::string name;
  std::string log_prefix;  // "mld ge0"
  InterfaceConfig config;
  Ipv6Address link_local;
  Querier querier;
  bool alive = true;
  bool passive = false;
  uint32_t generation = 0;
  TimePoint armed = kNever;  // deadline of this interface's timer queue entry
  uint32_t groups = 0;
  uint64_t joins = 0;
  uint64_t leaves = 0;
  bool warned_v1_querier = false;  // §8.3.1 warning logged once per interface
  RefusalLog refusal_log;          // limit refusals: one line per interval (issue #9)
  const RecordFingerprint* fingerprint = nullptr;  // records counted in FingerprintSum
  InterfaceCounters counters;
};

}  // namespace tandem::mld
