// Every drop the router makes, one table per layer ([row][reason], control/daemon/drop_table.h)
// built on the control core from the counters each layer already keeps where it drops:
//
//   layer      rows        reasons (one enum each, names from its own table)
//   dataplane  port        wire::DropReason   workers' per-lcore counters, summed by Dataplane
//   control    interface   wire::DropReason   the control core's parser (ParseDropCounters)
//   mld        interface   mld::IgnoreReason  MldRouter, per interface (+ ones without MLD)
//   vrrp6      interface   vrrp6::RxDrop      instances + the manager's unknown VRIDs
//   bfd        interface   bfd::RxDrop        sessions + the manager's unmatched packets
//   pim        interface   pim::RxDrop        PimRouter, per interface (+ unconfigured ones)
//   nd         interface   nd::NsIgnore       the NS responder, per interface
//   rbs        service     CloseReason        each RBS channel's close counters
//   core       interface   CoreDrop           the control core itself (core_counters.h)
//
// Nothing here runs on a worker: workers keep plain per-lcore counters (dataplane/counters.h)
// and the control core only reads them. Every configured row is present with every reason
// from zero, so an alert on a reason works before its first drop.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "control/bfd/manager.h"
#include "control/common/time.h"
#include "control/daemon/core/core_counters.h"
#include "control/daemon/core/interfaces.h"
#include "control/daemon/drop_table.h"
#include "control/mld/router.h"
#include "control/nd/responder.h"
#include "control/pim/router.h"
#include "control/vrrp6/manager.h"
#include "control/wire/drop_reason.h"
#include "dataplane/types.h"
#include "replication/rbs_channel.h"

namespace tandem::daemon {

// The data plane's drops by port (port p is the interface with port p in `ifs`).
DropTable dataplane_drop_table(const std::vector<dataplane::PortCounters>& per_port,
                               const InterfaceMap& ifs);

// Frames wire::parse_frame refused on the control core (the deeper checks the workers'
// classifier leaves to it: MLD records, checksums, VRRP/BFD/PIM fields), by interface.
class ParseDropCounters {
 public:
  void count(uint32_t ifindex, wire::DropReason r) {
    ++by_ifindex_[ifindex][static_cast<size_t>(r)];
  }
  DropTable table(const InterfaceMap& ifs) const;

 private:
  std::map<uint32_t, std::array<uint64_t, wire::kDropReasonCount>> by_ifindex_;
};

DropTable mld_drop_table(const mld::MldRouter& mld, const InterfaceMap& ifs, TimePoint now);
DropTable vrrp6_drop_table(const vrrp6::Manager& vrrp, const InterfaceMap& ifs);
DropTable bfd_drop_table(const bfd::Manager& bfd, const InterfaceMap& ifs);
DropTable pim_drop_table(const pim::PimRouter& pim, const InterfaceMap& ifs, TimePoint now);
DropTable nd_drop_table(const nd::Responder& responder, const InterfaceMap& ifs);
// One row per RBS service: its channel's counters, or none while it has no channel.
DropTable rbs_drop_table(
    const std::vector<std::pair<std::string, const replication::ChannelCounters*>>& services);

// The control core's own drops (a frame from a port without an interface: row "ifindexN").
DropTable core_drop_table(const CoreCounters& c, const InterfaceMap& ifs);

// Whether `reset SUBSYSTEM statistics` (cli::CliRequest::subsystem) restarts a layer's display.
bool reset_covers_layer(const std::string& subsystem, const std::string& layer);

// What `display drop statistics` shows after a reset: each row's counts when it was reset are
// remembered and subtracted (the metrics keep the raw counts: they stay monotonic).
class DropBaselines {
 public:
  void remember(const DropTable& t);
  // `t` minus the remembered counts. A count below its baseline belongs to a source that
  // restarted (a reset data plane, an instance removed and added again): shown as it is.
  DropTable since_reset(DropTable t) const;

 private:
  std::map<std::pair<std::string, std::string>, std::vector<uint64_t>> rows_;  // (layer, row)
};

}  // namespace tandem::daemon
