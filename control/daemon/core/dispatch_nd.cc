#include "control/daemon/core/dispatch.h"
#include "control/nd/frames.h"

namespace tandem::daemon {

void dispatch_nd(nd::NeighborCache& neighbors, CoreOutput& out) {
  for (const auto& ns : neighbors.take_solicitations()) out.send(ns.ifindex, nd::ns_frame(ns));
  for (const auto& e : neighbors.take_events())
    out.log(e.resolved ? LogLevel::info : LogLevel::warning, "nd",
            e.address.to_string() + (e.resolved ? " resolved" : " unresolved (no answer to NS)"));
}

}  // namespace tandem::daemon
