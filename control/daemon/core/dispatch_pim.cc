#include "control/daemon/core/dispatch.h"
#include "control/wire/frame.h"

namespace tandem::daemon {

void dispatch_pim(pim::PimRouter& pim, const mld::MldRouter& mld, FibSync& fib_sync,
                  CoreOutput& out, TimePoint now) {
  pim::Actions a = pim.take_actions();
  for (const auto& m : a.messages) {
    const InterfaceInfo* info = out.interfaces().by_ifindex(m.ifindex);
    if (!info) continue;
    out.send(m.ifindex, wire::build_pim_message_frame(info->mac, info->link_local, m.message));
  }
  for (const auto& g : a.changed_groups) fib_sync.refresh_group(mld, g, now);
}

}  // namespace tandem::daemon
