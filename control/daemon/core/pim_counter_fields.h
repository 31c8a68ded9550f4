// A PIM interface's counters into its display row or its metrics: both carry the same
// field names, so one template fills either. Receive drops are not among them: the display
// lists them itself and the metrics take them from the pim drop table (drop_statistics.h).
#pragma once

#include "control/pim/router.h"

namespace tandem::daemon {

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
}

}  // namespace tandem::daemon
