#include "control/daemon/core/split_brain_watch.h"

#include <algorithm>

namespace tandem::daemon {

void SplitBrainWatch::update(TimePoint now) {
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
    if (const replication::RbsEndpoint* ep = rbs_.running(p.service->name)) {
      const replication::ChannelStatus st = ep->channel().status();
      claims = st.link_up && st.hello_ok &&
               std::find(st.peer_master_ids.begin(), st.peer_master_ids.end(), *p.backup_id) !=
                   st.peer_master_ids.end();
    }
    inst->set_peer_claims_master(claims, now);
  }
}

}  // namespace tandem::daemon
