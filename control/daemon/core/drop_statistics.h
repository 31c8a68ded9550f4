// The drop tables of every layer but the data plane's (drop_counters.h), read from the engines
// and the RBS services the control core owns, plus the two things the core itself keeps for
// them: the parser's drops by interface and the display baselines `reset ... statistics`
// takes. The data plane's table comes from the caller, which owns the data plane.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "control/common/time.h"
#include "control/daemon/cli/snapshot.h"
#include "control/daemon/core/drop_counters.h"
#include "control/daemon/core/engines.h"
#include "control/daemon/core/interfaces.h"
#include "control/daemon/core/rbs_services.h"
#include "control/daemon/drop_table.h"
#include "control/wire/drop_reason.h"

namespace tandem::daemon {

class DropStatistics {
 public:
  DropStatistics(const InterfaceMap& interfaces, const Engines& engines, const RbsServices& rbs,
                 const CoreCounters& core)
      : interfaces_(interfaces), e_(engines), rbs_(rbs), core_(core) {}

  // wire::parse_frame (or parse_classified) refused a frame received on `ifindex`.
  void count_parse_drop(uint32_t ifindex, wire::DropReason r) { parse_drops_.count(ifindex, r); }

  // Every layer's table but the data plane's: counts since start, as the metrics show them.
  std::vector<DropTable> tables(TimePoint now) const;
  // display drop statistics [interface IF]: `dataplane` and every other layer, counted since
  // the last reset; rows of other interfaces left out (and RBS rows, which are services).
  cli::DropSnapshot snapshot(const std::string& interface, DropTable dataplane,
                             TimePoint now) const;
  // `reset SUBSYSTEM statistics`: the layers it covers count from zero in the display.
  void reset(const std::string& subsystem, const DropTable& dataplane, TimePoint now);

 private:
  const InterfaceMap& interfaces_;
  const Engines& e_;
  const RbsServices& rbs_;
  const CoreCounters& core_;
  ParseDropCounters parse_drops_;
  DropBaselines baselines_;
};

}  // namespace tandem::daemon
