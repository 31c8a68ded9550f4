#include <map>

#include "control/daemon/core/dispatch.h"
#include "control/vrrp6/frames.h"

namespace tandem::daemon {

void dispatch_vrrp(vrrp6::Manager& vrrp, track::TrackTable& track, RbpRoles& roles,
                   MldPassivity& passivity, CoreOutput& out, TimePoint now) {
  vrrp6::Actions a = vrrp.take_actions();
  for (const auto& ad : a.adverts) out.send(ad.ifindex, vrrp6::advert_frame(ad));
  // Unsolicited NA per virtual address (RFC 5798 §6.4.2), from the virtual MAC to ff02::1.
  for (const auto& na : a.neighbor_adverts) out.send(na.ifindex, vrrp6::neighbor_advert_frame(na));
  // RFC 5798 §7.3: the port accepts the virtual MAC only while the group is Master.
  for (const auto& v : a.vmac_changes) out.io().set_virtual_mac(v.ifindex, v.vmac, v.add);
  for (const auto& sc : a.state_changes) track.on_vrrp_change(sc);
  // A service group's interface follows its mVRRP6: the gate in both modes; with flowdown
  // MLD goes passive too (no queries, the RBS still fills it), and comes back with one
  // general query when the mVRRP6 is Master again. ND for the group's virtual addresses
  // already follows the group's own state (vrrp6::Manager::should_answer_ns).
  // Only the last change per interface counts: a group changed by a reload is removed
  // (release) and added again (hold) in one batch, and the interface must not wake between.
  std::map<uint32_t, const vrrp6::FlowdownChange*> last;
  for (const auto& f : a.flowdown_changes) last[f.ifindex] = &f;
  for (const auto& [ifindex, fp] : last) {
    const vrrp6::FlowdownChange& f = *fp;
    const InterfaceInfo* info = out.interfaces().by_ifindex(f.ifindex);
    const std::string who = "vrrp6 " + (info ? info->name : "?") + "/" + std::to_string(f.vrid);
    const std::string why = std::string(f.flowdown ? "flowdown" : "unflowdown") + " " + who + " (" +
                            vrrp6::reason_text(f.reason) + ")";
    track.set_service_hold(f.ifindex, f.down, why);
    if (f.flowdown) passivity.set(f.ifindex, PassiveCause::flowdown, f.down, now);
    out.log(LogLevel::info, who,
            std::string(f.flowdown ? "flowdown: service interface " : "unflowdown: gate ") +
                (f.down ? "down" : "up") + " (" + vrrp6::reason_text(f.reason) + ")");
  }
  if (!a.state_changes.empty()) roles.update(now);
}

}  // namespace tandem::daemon
