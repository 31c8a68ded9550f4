#include "control/daemon/core/rbp_roles.h"

namespace tandem::daemon {

void RbpRoles::update(TimePoint now) {
  for (const auto& [name, p] : config_.rbp) {
    if (!p.backup_id || !p.vrrp6_id || !p.vrrp6_interface) continue;
    const vrrp6::Instance* inst =
        vrrp_.find(interfaces_.ifindex(p.vrrp6_interface->name), *p.vrrp6_id);
    bool master = inst && inst->state() == vrrp6::State::master;
    auto old = master_.find(name);
    if (old != master_.end() && old->second == master) continue;
    master_[name] = master;
    if (p.service)
      if (replication::RbsEndpoint* ep = rbs_.endpoint(p.service->name))
        ep->channel().set_role(*p.backup_id,
                               master ? replication::Role::master : replication::Role::backup, now);
    // DESIGN.md §4: the Backup neither processes reports nor queries on the bound
    // interfaces; its state comes from the RBS. Becoming Master sends one general query.
    for (const auto& [ifname, itf] : config_.interfaces) {
      if (!itf.rbp || itf.rbp->name != name || !itf.mld_enable) continue;
      mld_.set(interfaces_.ifindex(ifname), PassiveCause::rbp_backup, !master, now);
    }
    log_(LogLevel::notice, "rbp " + name,
         std::string("role ") + (master ? "master" : "backup") + " (vrrp6 " +
             p.vrrp6_interface->name + "/" + std::to_string(*p.vrrp6_id) + " " +
             (inst ? vrrp6::state_name(inst->state()) : "missing") + ")");
  }
}

}  // namespace tandem::daemon
