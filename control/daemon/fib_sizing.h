// How many entries the data plane's FIB gets, from the config. The FIB's tables are allocated
// once, when tandemd starts, in EAL memory; a small config must not need the memory of the
// largest one (a lab or a test starts on EAL's default 64 MB with --no-huge).
//
// MLD puts at most one (*,G) entry per group and one (S,G) entry per source into the FIB, so
// `mld global limit groups` + `mld global limit sources` bound what it can ever need. PIM's
// source-tree entries (SPT switch) come on top and are refused, counted as FIB write
// failures, once the FIB is full.
//
// Without `mld global limit` lines (both limits at their defaults, 1,000,000 groups and
// 4,000,000 sources: refusal thresholds, not a sizing) the FIB keeps its historical room for
// 1,000,000 entries (about 200 MiB) rather than the 5,000,000 (about 850 MiB) the default
// limits would allow.
#pragma once

#include <cstdint>
#include <string>

#include "control/daemon/config/model.h"

namespace tandem::daemon {

inline constexpr uint32_t kDefaultFibCapacity = 1'000'000;

uint32_t fib_capacity_for(const config::MldGlobalConfig& mld);

// "room for N entries (mld global limit groups G + sources S), about X MiB of EAL memory"
std::string describe_fib_sizing(const config::MldGlobalConfig& mld);

// Empty when the FIB sized at start (`capacity`) holds what `next` allows; otherwise the line
// a reload reports: the new limits stay, but entries beyond the FIB wait for a restart.
std::string fib_too_small_for(const config::MldGlobalConfig& next, uint32_t capacity);

}  // namespace tandem::daemon
