// Config → engines: the initial apply and the reload that touches only what changed
// (config/diff.h). Writes the config and the interface map the other units read; the caller
// settles the engines afterwards (RouterCore::drain).
#pragma once

#include <string>
#include <vector>

#include "control/common/log.h"
#include "control/common/time.h"
#include "control/daemon/config/model.h"
#include "control/daemon/core/core_counters.h"
#include "control/daemon/core/engines.h"
#include "control/daemon/core/fib_sync.h"
#include "control/daemon/core/interfaces.h"
#include "control/daemon/core/mld_group_store.h"
#include "control/daemon/core/packet_io.h"
#include "control/daemon/core/rbp_roles.h"
#include "control/daemon/core/rbs_services.h"

namespace tandem::daemon {

struct ReloadResult {
  bool ok = false;
  bool applied = false;            // the engines changed: the caller settles them
  bool metrics_changed = false;    // the caller owns the HTTP listeners
  bool dataplane_changed = false;  // idle sleep: the caller owns the data plane
  std::vector<std::string> lines;  // what changed, or why nothing was applied
};

class ConfigApplier {
 public:
  ConfigApplier(config::Config& config, InterfaceMap& interfaces, Engines& engines,
                MldGroupStore& store, RbsServices& rbs, RbpRoles& roles, FibSync& fib_sync,
                PacketIo& io, CoreCounters& counters, LogSink log)
      : config_(config),
        interfaces_(interfaces),
        e_(engines),
        store_(store),
        rbs_(rbs),
        roles_(roles),
        fib_sync_(fib_sync),
        io_(io),
        counters_(counters),
        log_(std::move(log)) {}

  // `macs[i]` is port i's MAC. Returns the problems the engines reported (each also logged);
  // the rest of the config is still applied.
  std::vector<std::string> apply(const config::Config& cfg,
                                 const std::vector<wire::MacAddress>& macs, TimePoint now);
  // Nothing is applied when a change needs a restart (counted as a reload failure).
  ReloadResult reload(const config::Config& next, TimePoint now);

 private:
  void apply_interface(const config::InterfaceConfig& itf, TimePoint now);
  void apply_mld(const config::InterfaceConfig& itf, TimePoint now);
  void apply_gate(const config::InterfaceConfig& itf);
  // PIM: interfaces, the pim-ipv6 view and static routes to the engine; which ports sample
  // RPF failures to it; every group's receivers when `all_members` (a reload).
  void apply_pim(TimePoint now, bool all_members);
  void add_vrrp(const config::InterfaceConfig& itf, const config::Vrrp6GroupConfig& g,
                TimePoint now);
  void add_bfd(const config::BfdSessionConfig& s, TimePoint now);
  void start_rbs(const config::RbsConfig& r, TimePoint now);
  void stop_rbs(const std::string& name, TimePoint now);
  void rebuild_bindings();
  void update_bind_applications();
  // Logged, and collected into the list apply() returns.
  void problem(const std::string& line);

  config::Config& config_;
  InterfaceMap& interfaces_;
  Engines& e_;
  MldGroupStore& store_;
  RbsServices& rbs_;
  RbpRoles& roles_;
  FibSync& fib_sync_;
  PacketIo& io_;
  CoreCounters& counters_;
  LogSink log_;
  std::vector<wire::MacAddress> macs_;
  std::vector<std::string>* problems_ = nullptr;  // collects problem() lines during apply()
};

}  // namespace tandem::daemon
