#include "control/daemon/core/dispatch.h"
#include "control/wire/frame.h"

namespace tandem::daemon {

void dispatch_bfd(bfd::Manager& bfd, nd::NeighborCache& neighbors, track::TrackTable& track,
                  CoreOutput& out, TimePoint now) {
  bfd::Actions a = bfd.take_actions();
  for (const auto& p : a.packets) {
    const InterfaceInfo* info = out.interfaces().by_ifindex(p.ifindex);
    if (!info) continue;
    auto mac = neighbors.resolve(p.ifindex, p.dst, now, p.src);
    if (!mac) {
      out.counters().drop(p.ifindex, CoreDrop::bfd_no_neighbor);
      continue;
    }
    out.send(p.ifindex,
             wire::build_bfd_frame(info->mac, *mac, p.src, p.dst, p.src_port, p.control));
  }
  // Each engine logs its own state changes with the reason (one line each).
  for (const auto& sc : a.state_changes) track.on_bfd_change(sc, now);
}

}  // namespace tandem::daemon
