// tandemctl requests → the control core's snapshots → rendered text or JSON. Thin handlers,
// like vrrp_vty.c: look up, render, or say why not.
#pragma once

#include <functional>
#include <string>

#include "control/daemon/cli/protocol.h"
#include "control/daemon/core/router_core.h"

namespace tandem::daemon {

struct CliActions {
  // `commit FILE`: parse and apply; returns the response (errors or changes).
  std::function<cli::WireResponse(const std::string& path)> commit;
  // `reset dataplane|all statistics` also resets the data plane's counters.
  std::function<void()> reset_dataplane;
  // The data plane's drops by port (dataplane_drop_table); unset: every port at zero.
  std::function<DropTable()> dataplane_drops;
  // The clock the big displays read each piece's rows at (they are produced over many
  // event-loop turns); unset: the `now` of the request.
  std::function<TimePoint()> clock;
};

cli::WireResponse dispatch_cli(const cli::WireRequest& req, RouterCore& core,
                               const CliActions& actions, TimePoint now);

}  // namespace tandem::daemon
