// The engines' part of the metrics snapshot (the data plane's ports and lcores are filled by
// tandemd). Counters here are the engines' own, never the display baselines.
#pragma once

#include "control/common/time.h"
#include "control/daemon/core/core_counters.h"
#include "control/daemon/core/engines.h"
#include "control/daemon/core/fib_sync.h"
#include "control/daemon/core/mld_group_store.h"
#include "control/daemon/core/rbs_services.h"
#include "control/daemon/metrics/snapshot.h"

namespace tandem::daemon {

void fill_engine_metrics(metrics::MetricsSnapshot& m, TimePoint now, const Engines& e,
                         const RbsServices& rbs, const MldGroupStore& store,
                         const FibSync& fib_sync, const CoreCounters& counters);

}  // namespace tandem::daemon
