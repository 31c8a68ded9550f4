// Split-brain inputs the VRRP6 engine cannot see on its own (control/vrrp6/split_brain.h):
// whether a BFD session a group tracks is Up, and whether the RBS peer claims Master of the
// RBP bound to a group. update() runs after every drain: a few map lookups per group.
#pragma once

#include "control/bfd/manager.h"
#include "control/common/time.h"
#include "control/daemon/config/model.h"
#include "control/daemon/core/interfaces.h"
#include "control/daemon/core/rbs_services.h"
#include "control/vrrp6/manager.h"

namespace tandem::daemon {

class SplitBrainWatch {
 public:
  SplitBrainWatch(const config::Config& config, const InterfaceMap& interfaces,
                  vrrp6::Manager& vrrp, const bfd::Manager& bfd, const RbsServices& rbs)
      : config_(config), interfaces_(interfaces), vrrp_(vrrp), bfd_(bfd), rbs_(rbs) {}

  void update(TimePoint now);

 private:
  const config::Config& config_;
  const InterfaceMap& interfaces_;
  vrrp6::Manager& vrrp_;
  const bfd::Manager& bfd_;
  const RbsServices& rbs_;
};

}  // namespace tandem::daemon
