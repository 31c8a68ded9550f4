#include "control/daemon/core/dispatch.h"
#include "control/vrrp6/frames.h"

namespace tandem::daemon {

void dispatch_vrrp(vrrp6::Manager& vrrp, track::TrackTable& track, RbpRoles& roles, CoreOutput& out,
                   TimePoint now) {
  vrrp6::Actions a = vrrp.take_actions();
  for (const auto& ad : a.adverts) out.send(ad.ifindex, vrrp6::advert_frame(ad));
  // Unsolicited NA per virtual address (RFC 5798 §6.4.2), from the virtual MAC to ff02::1.
  for (const auto& na : a.neighbor_adverts) out.send(na.ifindex, vrrp6::neighbor_advert_frame(na));
  // RFC 5798 §7.3: the port accepts the virtual MAC only while the group is Master.
  for (const auto& v : a.vmac_changes) out.io().set_virtual_mac(v.ifindex, v.vmac, v.add);
  for (const auto& sc : a.state_changes) track.on_vrrp_change(sc);
  for (const auto& f : a.flowdown_changes) {
    const InterfaceInfo* info = out.interfaces().by_ifindex(f.ifindex);
    out.log(LogLevel::info, "vrrp6 " + (info ? info->name : "?") + "/" + std::to_string(f.vrid),
            std::string("flowdown: service interface ") + (f.down ? "down" : "up") + " (" +
                vrrp6::reason_text(f.reason) + ")");
  }
  if (!a.state_changes.empty()) roles.update(now);
}

}  // namespace tandem::daemon
