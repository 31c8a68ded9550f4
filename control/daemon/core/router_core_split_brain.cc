// Split-brain inputs the VRRP6 engine cannot see on its own (control/vrrp6/split_brain.h):
// whether a BFD session a group tracks is Up, and whether the RBS peer claims Master of the
// RBP bound to a group. Recomputed after every drain: a few map lookups per group.
#include <algorithm>

#include "control/daemon/core/router_core.h"

namespace tandem::daemon {

void RouterCore::update_split_brain_inputs(TimePoint now) {
  for (vrrp6::Instance* inst : vrrp_.instances()) {
    const auto& tracks = inst->config().bfd_tracks;
    if (tracks.empty()) continue;  // no BFD contact to judge by: the engine never asks
    bool up = false;
    for (const auto& t : tracks)
      if (const bfd::Session* s = bfd_.find(t.session)) up |= s->state() == bfd::BfdState::up;
    inst->set_tracked_bfd_up(up, now);
  }
  for (const auto& [name, p] : config_.rbp) {
    if (!p.backup_id || !p.vrrp6_id || !p.vrrp6_interface || !p.service) continue;
    vrrp6::Instance* inst = vrrp_.find(interfaces_.ifindex(p.vrrp6_interface->name), *p.vrrp6_id);
    if (!inst) continue;
    // The peer's Hello and Heartbeats list the backup-ids it is Master of; only a live link
    // with both Hellos exchanged says anything about the peer now.
    bool claims = false;
    auto r = rbs_.find(p.service->name);
    if (r != rbs_.end() && r->second.started) {
      const replication::ChannelStatus st = r->second.endpoint->channel().status();
      claims = st.link_up && st.hello_ok &&
               std::find(st.peer_master_ids.begin(), st.peer_master_ids.end(), *p.backup_id) !=
                   st.peer_master_ids.end();
    }
    inst->set_peer_claims_master(claims, now);
  }
}

}  // namespace tandem::daemon
