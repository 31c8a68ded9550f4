// Engine state → one snapshot per display (cli/snapshot.h; cli/render.h prints them). Reads
// only: the counts shown run from the `reset ... statistics` baselines.
#pragma once

#include <string>

#include "control/common/time.h"
#include "control/daemon/cli/snapshot.h"
#include "control/daemon/config/model.h"
#include "control/daemon/core/engines.h"
#include "control/daemon/core/fib_sync.h"
#include "control/daemon/core/interfaces.h"
#include "control/daemon/core/mld_group_store.h"
#include "control/daemon/core/packet_io.h"
#include "control/daemon/core/rbs_services.h"
#include "control/daemon/core/statistics_baselines.h"

namespace tandem::daemon {

class DisplaySnapshots {
 public:
  DisplaySnapshots(const config::Config& config, const InterfaceMap& interfaces,
                   const Engines& engines, const RbsServices& rbs, const MldGroupStore& store,
                   const FibSync& fib_sync, PacketIo& io, const StatisticsBaselines& baselines)
      : config_(config),
        interfaces_(interfaces),
        e_(engines),
        rbs_(rbs),
        store_(store),
        fib_sync_(fib_sync),
        io_(io),
        baselines_(baselines) {}

  cli::RbsSnapshot rbs(const std::string& name, TimePoint now) const;
  cli::RbpSnapshot rbp(const std::string& name) const;
  cli::Vrrp6Snapshot vrrp6(TimePoint now) const;
  cli::BfdSnapshot bfd() const;
  cli::MldGroupSnapshot mld_group(const std::string& interface, TimePoint now) const;
  cli::MldInterfaceSnapshot mld_interface(const std::string& interface, TimePoint now) const;
  cli::ForwardingSnapshot forwarding() const;
  cli::PimNeighborSnapshot pim_neighbor(TimePoint now) const;
  cli::PimInterfaceSnapshot pim_interface(TimePoint now) const;
  cli::PimRoutingSnapshot pim_routing(TimePoint now) const;
  cli::PimRpSnapshot pim_rp() const;

 private:
  const config::Config& config_;
  const InterfaceMap& interfaces_;
  const Engines& e_;
  const RbsServices& rbs_;
  const MldGroupStore& store_;
  const FibSync& fib_sync_;
  PacketIo& io_;  // the FIB's gates, read only
  const StatisticsBaselines& baselines_;
};

}  // namespace tandem::daemon
