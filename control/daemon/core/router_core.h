// The control core: every engine, wired together. This is the one place where a punted
// frame meets the engines and their outputs become frames, FIB writes, gates and
// replication (DESIGN.md §1). Sans-IO like the engines it holds: `now` comes in, frames go
// out through PacketIo, and the RBS sockets are exposed as fds for the caller's loop.
//
//   core.apply(config, now)             start everything from a parsed config
//   core.on_frame(ifindex, bytes, now)  a punted frame
//   core.on_timer(now)                  whenever next_deadline() has passed (cheap otherwise)
//   core.reload(next_config, now)       apply only the difference (config/diff.h)
//   core.shutdown(now)                  VRRP6 priority 0, BFD AdminDown, RBS close
//
// RouterCore owns the state and wires the units that each do one job: ConfigApplier
// (config → engines), the per-engine dispatchers (dispatch.h: outputs → frames, FIB, other
// engines), RbsServices (the replication endpoints), RbpRoles (RBP role from VRRP6),
// SplitBrainWatch (BFD/RBS evidence → VRRP6), DisplaySnapshots and display_stream.h (the
// displays), fill_engine_metrics (metrics), StatisticsBaselines (`reset statistics`) and
// DropStatistics (every layer's drop table).
#pragma once

#include <functional>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "control/common/log.h"
#include "control/common/time.h"
#include "control/daemon/cli/protocol.h"
#include "control/daemon/cli/snapshot.h"
#include "control/daemon/config/model.h"
#include "control/daemon/core/config_applier.h"
#include "control/daemon/core/core_counters.h"
#include "control/daemon/core/core_output.h"
#include "control/daemon/core/display_snapshots.h"
#include "control/daemon/core/display_stream.h"
#include "control/daemon/core/drop_statistics.h"
#include "control/daemon/core/engines.h"
#include "control/daemon/core/fib_sync.h"
#include "control/daemon/core/interfaces.h"
#include "control/daemon/core/mld_group_store.h"
#include "control/daemon/core/packet_io.h"
#include "control/daemon/core/rbp_roles.h"
#include "control/daemon/core/rbs_services.h"
#include "control/daemon/core/split_brain_watch.h"
#include "control/daemon/core/statistics_baselines.h"
#include "control/daemon/metrics/snapshot.h"
#include "control/wire/frame.h"
#include "replication/rbs_endpoint.h"

namespace tandem::daemon {

class RouterCore {
 public:
  RouterCore(PacketIo& io, LogSink log, uint64_t seed);
  ~RouterCore();
  RouterCore(const RouterCore&) = delete;
  RouterCore& operator=(const RouterCore&) = delete;

  // `macs[i]` is port i's MAC (ports in InterfaceMap::port_order). Returns problems the
  // engines reported (each also logged); the rest of the config is still applied.
  std::vector<std::string> apply(const config::Config& cfg,
                                 const std::vector<wire::MacAddress>& macs, TimePoint now);
  ReloadResult reload(const config::Config& next, TimePoint now);

  void on_frame(uint32_t ifindex, std::span<const uint8_t> bytes, TimePoint now);
  // A frame the data plane punted, with the worker's walk of it (dataplane::PuntTag): parsed
  // from the hint's offsets (wire::parse_classified), the chain is not walked again.
  void on_frame(uint32_t ifindex, std::span<const uint8_t> bytes, const wire::FrameHint& hint,
                TimePoint now);
  void on_link(uint32_t ifindex, bool up, TimePoint now);
  void on_timer(TimePoint now);
  TimePoint next_deadline() const;

  // RBS sockets: the caller polls these fds and reports readiness.
  std::vector<replication::PollFd> rbs_poll_fds() const;
  void on_rbs_fd(int fd, bool readable, bool writable, TimePoint now);

  void shutdown(TimePoint now);
  void batch_backup(TimePoint now);
  // `reset ... statistics`: displays count from now on (metrics stay monotonic: the
  // baselines only apply to the display snapshots).
  void reset_statistics(const std::string& subsystem);

  // ---- displays and metrics (one snapshot each) ----
  cli::RbsSnapshot rbs_snapshot(const std::string& name, TimePoint now) const;
  cli::RbpSnapshot rbp_snapshot(const std::string& name) const;
  cli::Vrrp6Snapshot vrrp6_snapshot(TimePoint now) const;
  cli::BfdSnapshot bfd_snapshot() const;
  cli::MldGroupSnapshot mld_group_snapshot(const std::string& interface, TimePoint now) const;
  cli::MldInterfaceSnapshot mld_interface_snapshot(const std::string& interface,
                                                   TimePoint now) const;
  cli::ForwardingSnapshot forwarding_snapshot() const;
  cli::PimNeighborSnapshot pim_neighbor_snapshot(TimePoint now) const;
  cli::PimInterfaceSnapshot pim_interface_snapshot(TimePoint now) const;
  cli::PimRoutingSnapshot pim_routing_snapshot(TimePoint now) const;
  cli::PimRpSnapshot pim_rp_snapshot() const;
  // The same two displays rendered a bounded step per call (display_stream.cc): each call of
  // the returned function appends one piece and returns false after the last. `clock` gives
  // the time each piece's rows are read at. What a listing shows when the tables change
  // meanwhile: docs/status.md "Large displays".
  cli::MoreOutput mld_group_stream(const std::string& interface, bool json, bool verbose,
                                   std::function<TimePoint()> clock, DisplayChunk chunk = {});
  cli::MoreOutput forwarding_stream(bool json, DisplayChunk chunk = {});
  // Engine parts of the metrics (ports and lcores come from the data plane).
  void fill_metrics(metrics::MetricsSnapshot& m, TimePoint now) const;
  // ---- drops (DropStatistics) ----
  // Every layer's drop table but the data plane's (its caller owns the data plane): since
  // start, as the metrics show them.
  std::vector<DropTable> drop_tables(TimePoint now) const;
  // display drop statistics [interface IF]: `dataplane` (dataplane_drop_table) and every
  // other layer, counted since the last reset; rows of other interfaces left out.
  cli::DropSnapshot drop_snapshot(const std::string& interface, DropTable dataplane,
                                  TimePoint now) const;
  // `reset SUBSYSTEM statistics`: the drop layers it covers count from zero in the display.
  void reset_drop_statistics(const std::string& subsystem, const DropTable& dataplane,
                             TimePoint now);

  const config::Config& config() const { return config_; }
  const InterfaceMap& interfaces() const { return interfaces_; }
  const CoreCounters& counters() const { return counters_; }
  mld::MldRouter& mld() { return engines_.mld; }
  vrrp6::Manager& vrrp() { return engines_.vrrp; }
  pim::PimRouter& pim() { return engines_.pim; }
  const pim::PimRouter& pim() const { return engines_.pim; }
  bfd::Manager& bfd() { return engines_.bfd; }
  track::TrackTable& track() { return engines_.track; }
  // The RBS digest of the bound interfaces' groups (16 hex digits), kept by MldGroupStore: O(1).
  std::string replication_digest() const;

 private:
  // Counts a received frame; false (counted as unknown_interface) when `ifindex` is not ours.
  bool count_frame(uint32_t ifindex);
  // A parsed frame to its engine, then drain.
  void on_parsed(uint32_t ifindex, const wire::Frame& f, TimePoint now);
  // Engines feed each other; the dispatchers (dispatch.h) run in rounds until all is said.
  void drain(TimePoint now);

  // State the units share; they hold references, so it is declared (built) first.
  PacketIo& io_;
  LogSink log_;
  config::Config config_;
  InterfaceMap interfaces_;
  CoreCounters counters_;
  Engines engines_;
  FibSync fib_sync_;
  MldGroupStore store_;
  RbsServices rbs_;  // after store_: the endpoints read it until they go
  StatisticsBaselines baselines_;
  // The units, one job each.
  CoreOutput out_;
  MldPassivity passivity_;
  RbpRoles roles_;
  SplitBrainWatch split_brain_;
  ConfigApplier applier_;
  DisplaySnapshots snapshots_;
  DropStatistics drops_;
  std::map<uint32_t, bool> link_up_;
  bool preempt_hold_ = false;
  bool shut_down_ = false;
};

}  // namespace tandem::daemon
