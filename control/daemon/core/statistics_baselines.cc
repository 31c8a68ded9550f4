#include "control/daemon/core/statistics_baselines.h"

namespace tandem::daemon {

void StatisticsBaselines::reset(const std::string& subsystem, const Engines& e) {
  const bool all = subsystem == "all";
  if (all || subsystem == "mld")
    for (uint32_t ifindex : e.mld.interfaces())
      if (auto st = e.mld.interface_status(ifindex, TimePoint{}))
        mld[st->name] = {st->joins, st->leaves};
  if (all || subsystem == "vrrp6")
    for (const auto& st : e.vrrp.status())
      vrrp[st.ifname + "/" + std::to_string(st.vrid)] = {st.transitions, st.split_brain.events};
  if (all || subsystem == "bfd")
    for (const auto& st : e.bfd.status()) bfd[st.name] = st.flaps;
}

}  // namespace tandem::daemon
