#include <set>

#include "control/daemon/core/dispatch.h"
#include "control/wire/frame.h"

namespace tandem::daemon {

void push_pim_membership(const mld::MldRouter& mld, pim::PimRouter& pim,
                         const wire::Ipv6Address& group, TimePoint now) {
  std::vector<pim::Membership> members;
  for (auto& f : mld_filters(mld, group, now))
    members.push_back({dataplane::IfIndex::from_port(f.port), f.exclude, std::move(f.sources)});
  pim.set_membership(group, std::move(members), now);
}

void dispatch_mld(mld::MldRouter& mld, pim::PimRouter& pim, FibSync& fib_sync,
                  const MldGroupStore& store, RbsServices& rbs, CoreOutput& out, TimePoint now) {
  for (const auto& q : mld.take_queries()) {
    const InterfaceInfo* info = out.interfaces().by_ifindex(q.ifindex);
    if (!info) continue;
    out.send(q.ifindex, wire::build_mld_query_frame(info->mac, info->link_local, q.spec));
  }
  std::set<wire::Ipv6Address> touched;
  for (const auto& e : mld.take_events()) {
    // Only listener and source events change forwarding; record_* fire on every refresh
    // (a million groups re-reported each query interval) and only feed replication.
    if (e.kind != mld::EventKind::record_changed && e.kind != mld::EventKind::record_removed) {
      touched.insert(e.group);
      continue;
    }
    if (e.origin != mld::Origin::local) continue;  // replicated records are not sent back
    const InterfaceInfo* info = out.interfaces().by_ifindex(e.ifindex);
    if (!info) continue;
    auto id = store.backup_id_of(info->name);
    if (!id) continue;
    replication::RbsEndpoint* ep = rbs.endpoint_of_backup_id(*id);
    if (!ep) continue;
    ep->channel().feed().mark(replication::GroupKey{*id, info->name, e.group});
  }
  for (const auto& g : touched) {
    // PIM first: its answer for G (RPF interface, notifications) goes into the same write.
    push_pim_membership(mld, pim, g, now);
    fib_sync.refresh_group(mld, g, now);
  }
}

}  // namespace tandem::daemon
