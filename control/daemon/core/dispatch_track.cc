#include "control/daemon/core/dispatch.h"

namespace tandem::daemon {

void dispatch_track(track::TrackTable& track, pim::PimRouter& pim, RbsServices& rbs,
                    CoreOutput& out, TimePoint now) {
  for (const auto& e : track.take_events()) {
    switch (e.kind) {
      case track::EventKind::gate_changed: {
        const InterfaceInfo* info = out.interfaces().by_ifindex(e.ifindex);
        if (!info) break;
        out.io().fib().set_gate(info->port, e.open);
        pim.set_forwarding(e.ifindex, e.open, now);
        out.log(LogLevel::debug, "gate " + info->name,
                std::string(e.open ? "open" : "closed") + " (" + e.reason + ")");
        break;
      }
      case track::EventKind::rbs_link_drop:
      case track::EventKind::rbs_link_allowed: {
        if (replication::RbsEndpoint* ep = rbs.running(e.service))
          ep->on_bfd(e.kind == track::EventKind::rbs_link_allowed, now);
        out.log(LogLevel::notice, "rbs " + e.service, e.reason);
        break;
      }
      default:
        out.log(LogLevel::info, "track",
                std::string(track::event_kind_name(e.kind)) + ": " + e.reason);
    }
  }
}

}  // namespace tandem::daemon
