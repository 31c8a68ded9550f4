// A PIM interface's counters into its display row or its metrics: both carry the same
// field names, so one template fills either. Receive drops go in by every reason, zero
// included (an alert works from zero).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "control/pim/router.h"

namespace tandem::daemon {

inline void put_drop(std::vector<std::pair<std::string, uint64_t>>& to, const char* reason,
                     uint64_t n) {
  to.emplace_back(reason, n);
}
inline void put_drop(std::map<std::string, uint64_t>& to, const char* reason, uint64_t n) {
  to[reason] = n;
}

template <typename To>
void copy_pim_counters(const pim::InterfaceCounters& c, To& to) {
  to.hellos_sent = c.hellos_sent;
  to.hellos_received = c.hellos_received;
  to.join_prunes_sent = c.join_prunes_sent;
  to.join_prunes_received = c.join_prunes_received;
  to.joins_sent = c.joins_sent;
  to.prunes_sent = c.prunes_sent;
  to.asserts_sent = c.asserts_sent;
  to.asserts_received = c.asserts_received;
  to.asserts_won = c.asserts_won;
  to.asserts_lost = c.asserts_lost;
  for (size_t d = 0; d < pim::kRxDropCount; ++d)
    put_drop(to.rx_drops, pim::rx_drop_name(static_cast<pim::RxDrop>(d)), c.rx_drops[d]);
}

}  // namespace tandem::daemon
