#include "control/daemon/core/dispatch.h"

namespace tandem::daemon {

void dispatch_rbs(RbsServices& rbs, vrrp6::Manager& vrrp, bool& hold, CoreOutput& out,
                  TimePoint now) {
  rbs.log_channel_events();
  // DESIGN.md §5: hold VRRP6 preemption until the peer's snapshot is in.
  const bool pending = rbs.snapshot_pending();
  if (pending == hold) return;
  vrrp.set_preempt_hold(pending, now);
  hold = pending;
  out.log(LogLevel::info, "vrrp6",
          pending ? "preemption held until the RBS snapshot is in" : "preemption hold released");
}

}  // namespace tandem::daemon
