#include "control/daemon/fib_sizing.h"

#include <algorithm>

#include "dataplane/fib.h"

namespace tandem::daemon {

namespace {
std::string mib(uint32_t capacity) {
  return std::to_string((dataplane::Fib::memory_bytes(capacity) + (1u << 20) - 1) >> 20) + " MiB";
}
}  // namespace

uint32_t fib_capacity_for(const config::MldGlobalConfig& mld) {
  if (mld == config::MldGlobalConfig{}) return kDefaultFibCapacity;
  // The parser bounds the limits (16,000,000 and 64,000,000): the sum fits.
  return std::max<uint32_t>(1, mld.global_group_limit + mld.global_source_limit);
}

std::string describe_fib_sizing(const config::MldGlobalConfig& mld) {
  const uint32_t n = fib_capacity_for(mld);
  std::string why = mld == config::MldGlobalConfig{}
                        ? "the default without mld global limit lines"
                        : "mld global limit groups " + std::to_string(mld.global_group_limit) +
                              " + sources " + std::to_string(mld.global_source_limit);
  return "room for " + std::to_string(n) + " entries (" + why + "), about " + mib(n) +
         " of EAL memory";
}

std::string fib_too_small_for(const config::MldGlobalConfig& next, uint32_t capacity) {
  const uint32_t want = fib_capacity_for(next);
  if (want <= capacity) return {};
  return "FIB: the new mld global limits allow " + std::to_string(want) +
         " entries but the FIB was sized for " + std::to_string(capacity) +
         " at start; entries beyond that are refused until tandemd restarts (it will then need "
         "about " +
         mib(want) + " of EAL memory for the FIB)";
}

}  // namespace tandem::daemon
