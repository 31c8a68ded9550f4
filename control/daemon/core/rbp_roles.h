// Each remote-backup-profile's role follows the state of its VRRP6 group: Master there makes
// us Master of the profile's backup-id on its RBS channel and the MLD querier on the bound
// interfaces; Backup makes those interfaces passive, their state coming from the peer
// (DESIGN.md §4).
#pragma once

#include <map>
#include <string>

#include "control/common/log.h"
#include "control/daemon/config/model.h"
#include "control/daemon/core/interfaces.h"
#include "control/daemon/core/mld_passivity.h"
#include "control/daemon/core/rbs_services.h"
#include "control/vrrp6/manager.h"

namespace tandem::daemon {

class RbpRoles {
 public:
  RbpRoles(const config::Config& config, const InterfaceMap& interfaces, const vrrp6::Manager& vrrp,
           MldPassivity& mld, RbsServices& rbs, LogSink log)
      : config_(config),
        interfaces_(interfaces),
        vrrp_(vrrp),
        mld_(mld),
        rbs_(rbs),
        log_(std::move(log)) {}

  // Pushes each profile whose role changed since the last call (or since forget()).
  void update(TimePoint now);
  // Every profile is pushed again on the next update (a new channel, a reload).
  void forget() { master_.clear(); }

 private:
  const config::Config& config_;
  const InterfaceMap& interfaces_;
  const vrrp6::Manager& vrrp_;
  MldPassivity& mld_;
  RbsServices& rbs_;
  LogSink log_;
  std::map<std::string, bool> master_;  // RBP name → our group is Master
};

}  // namespace tandem::daemon
