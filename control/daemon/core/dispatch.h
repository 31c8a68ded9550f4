// The engines' outputs turned into effects, one dispatcher per engine (dispatch_<engine>.cc).
// Each takes what its engine produced since the last call and sends frames, writes the FIB,
// or feeds another engine; RouterCore::drain() calls them in rounds until nothing is left,
// since engines feed each other (BFD → tracking → VRRP6 → gates and roles → MLD passive →
// queries).
#pragma once

#include "control/common/time.h"
#include "control/daemon/core/core_output.h"
#include "control/daemon/core/engines.h"
#include "control/daemon/core/fib_sync.h"
#include "control/daemon/core/mld_group_store.h"
#include "control/daemon/core/mld_passivity.h"
#include "control/daemon/core/rbp_roles.h"
#include "control/daemon/core/rbs_services.h"

namespace tandem::daemon {

// MLD: queries out; listener and source changes to PIM and the FIB; record changes of
// locally learned groups on RBP-bound interfaces into their service's change feed.
void dispatch_mld(mld::MldRouter& mld, pim::PimRouter& pim, FibSync& fib_sync,
                  const MldGroupStore& store, RbsServices& rbs, CoreOutput& out, TimePoint now);
// PIM: messages out; the groups whose entries PIM changed are written again.
void dispatch_pim(pim::PimRouter& pim, const mld::MldRouter& mld, FibSync& fib_sync,
                  CoreOutput& out, TimePoint now);
// BFD: packets out to the peer's MAC (counted as bfd_no_neighbor while unresolved); state
// changes to tracking.
void dispatch_bfd(bfd::Manager& bfd, nd::NeighborCache& neighbors, track::TrackTable& track,
                  CoreOutput& out, TimePoint now);
// VRRP6: adverts, unsolicited NAs and virtual MACs; state changes to tracking and roles;
// service groups' holds to their interface's gate and, with flowdown, to MLD passivity.
void dispatch_vrrp(vrrp6::Manager& vrrp, track::TrackTable& track, RbpRoles& roles,
                   MldPassivity& passivity, CoreOutput& out, TimePoint now);
// Tracking: forwarding gates to the FIB and PIM, BFD verdicts to the RBS links.
void dispatch_track(track::TrackTable& track, pim::PimRouter& pim, RbsServices& rbs,
                    CoreOutput& out, TimePoint now);
// Neighbor discovery: solicitations out, resolution results logged.
void dispatch_nd(nd::NeighborCache& neighbors, CoreOutput& out);
// RBS: channel events logged; VRRP6 preemption held while a peer snapshot is pending
// (DESIGN.md §5). `hold` is the state last pushed to VRRP6.
void dispatch_rbs(RbsServices& rbs, vrrp6::Manager& vrrp, bool& hold, CoreOutput& out,
                  TimePoint now);

// G's receivers by interface, from MLD, into PIM (its downstream state for G).
void push_pim_membership(const mld::MldRouter& mld, pim::PimRouter& pim,
                         const wire::Ipv6Address& group, TimePoint now);

}  // namespace tandem::daemon
