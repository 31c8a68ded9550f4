// The protocol engines the control core owns, built together from one log sink and one seed.
// Each is sans-IO; the dispatchers (dispatch.h) turn their outputs into frames and writes.
#pragma once

#include <cstdint>

#include "control/bfd/manager.h"
#include "control/common/log.h"
#include "control/mld/router.h"
#include "control/nd/neighbor_cache.h"
#include "control/nd/responder.h"
#include "control/pim/router.h"
#include "control/track/track_table.h"
#include "control/vrrp6/manager.h"

namespace tandem::daemon {

struct Engines {
  Engines(LogSink log, uint64_t seed);
  Engines(const Engines&) = delete;
  Engines& operator=(const Engines&) = delete;

  mld::MldRouter mld;
  vrrp6::Manager vrrp;
  pim::PimRouter pim;
  bfd::Manager bfd;
  track::TrackTable track;  // reads and steers `vrrp`
  nd::Responder responder;  // answers for VRRP6 virtual addresses only while `vrrp` says so
  nd::NeighborCache neighbors;
};

}  // namespace tandem::daemon
