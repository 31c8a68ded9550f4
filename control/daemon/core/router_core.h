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
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "control/bfd/manager.h"
#include "control/common/log.h"
#include "control/common/time.h"
#include "control/daemon/cli/protocol.h"
#include "control/daemon/cli/snapshot.h"
#include "control/daemon/config/diff.h"
#include "control/daemon/config/model.h"
#include "control/daemon/core/display_stream.h"
#include "control/daemon/core/fib_sync.h"
#include "control/daemon/core/interfaces.h"
#include "control/daemon/core/mld_group_store.h"
#include "control/daemon/core/packet_io.h"
#include "control/daemon/metrics/snapshot.h"
#include "control/mld/router.h"
#include "control/nd/neighbor_cache.h"
#include "control/nd/responder.h"
#include "control/pim/router.h"
#include "control/track/track_table.h"
#include "control/vrrp6/manager.h"
#include "replication/rbs_endpoint.h"

namespace tandem::daemon {

// Counters of the core itself (frames it could not use), by reason.
struct CoreCounters {
  uint64_t frames = 0;
  uint64_t parse_drops = 0;     // wire::parse_frame said drop
  uint64_t pim_data = 0;        // data packets sampled for PIM (SPT switch, SPT bit, Assert)
  uint64_t unhandled_kind = 0;  // kinds the control core does not process (data, other)
  uint64_t unknown_interface = 0;
  uint64_t tx_failed = 0;
  uint64_t bfd_no_neighbor = 0;  // BFD packet not sent: peer MAC unresolved yet
  uint64_t reloads = 0, reload_failures = 0;
};

struct ReloadResult {
  bool ok = false;
  bool metrics_changed = false;    // the caller owns the HTTP listeners
  bool dataplane_changed = false;  // idle sleep: the caller owns the data plane
  std::vector<std::string> lines;  // what changed, or why nothing was applied
};

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
  // meanwhile: README "Large displays".
  cli::MoreOutput mld_group_stream(const std::string& interface, bool json, bool verbose,
                                   std::function<TimePoint()> clock, DisplayChunk chunk = {});
  cli::MoreOutput forwarding_stream(bool json, DisplayChunk chunk = {});
  // Engine parts of the metrics (ports and lcores come from the data plane).
  void fill_metrics(metrics::MetricsSnapshot& m, TimePoint now) const;

  const config::Config& config() const { return config_; }
  const InterfaceMap& interfaces() const { return interfaces_; }
  const CoreCounters& counters() const { return counters_; }
  mld::MldRouter& mld() { return mld_; }
  vrrp6::Manager& vrrp() { return vrrp_; }
  pim::PimRouter& pim() { return pim_; }
  const pim::PimRouter& pim() const { return pim_; }
  bfd::Manager& bfd() { return bfd_; }
  track::TrackTable& track() { return track_; }
  // The RBS digest of the bound interfaces' groups (16 hex digits), kept by MldGroupStore: O(1).
  std::string replication_digest() const;

 private:
  struct Rbs {
    std::unique_ptr<replication::RbsEndpoint> endpoint;
    bool started = false;
  };

  // ---- config application (router_core_apply.cc) ----
  void apply_interface(const config::InterfaceConfig& itf, TimePoint now);
  void apply_mld(const config::InterfaceConfig& itf, TimePoint now);
  void apply_gate(const config::InterfaceConfig& itf);
  // PIM: interfaces, the pim-ipv6 view and static routes to the engine; which ports sample
  // RPF failures to it; every group's receivers when `all_members` (a reload).
  void apply_pim(TimePoint now, bool all_members);
  void update_pim_membership(const wire::Ipv6Address& group, TimePoint now);
  void add_vrrp(const config::InterfaceConfig& itf, const config::Vrrp6GroupConfig& g,
                TimePoint now);
  void add_bfd(const config::BfdSessionConfig& s, TimePoint now);
  void start_rbs(const config::RbsConfig& r, TimePoint now);
  void stop_rbs(const std::string& name, TimePoint now);
  void rebuild_bindings();
  void update_bind_applications();
  void update_roles(TimePoint now);
  void problem(std::vector<std::string>* out, const std::string& line);

  // ---- outputs (router_core.cc) ----
  void drain(TimePoint now);
  void drain_mld(TimePoint now);
  void drain_pim(TimePoint now);
  void drain_vrrp(TimePoint now);
  void drain_bfd(TimePoint now);
  void drain_track(TimePoint now);
  void drain_nd(TimePoint now);
  void drain_rbs(TimePoint now);
  // BFD contact and RBS peer claims → VRRP6 split-brain evidence (router_core_split_brain.cc)
  void update_split_brain_inputs(TimePoint now);
  void send(uint32_t ifindex, const std::vector<uint8_t>& frame);
  void log(LogLevel level, const std::string& subsystem, const std::string& line) const;

  PacketIo& io_;
  LogSink log_;
  config::Config config_;
  InterfaceMap interfaces_;
  mld::MldRouter mld_;
  vrrp6::Manager vrrp_;
  pim::PimRouter pim_;
  bfd::Manager bfd_;
  track::TrackTable track_;
  nd::Responder responder_;
  nd::NeighborCache neighbors_;
  FibSync fib_sync_;
  MldGroupStore store_;
  std::map<std::string, Rbs> rbs_;
  std::map<uint16_t, std::string> rbs_of_backup_id_;  // backup-id → RBS name
  std::map<std::string, bool> rbp_master_;            // RBP name → our group is Master
  std::map<uint32_t, bool> link_up_;
  CoreCounters counters_;
  std::vector<wire::MacAddress> macs_;
  // Display baselines set by reset_statistics, keyed by interface, "if/vrid" or session.
  std::map<std::string, std::pair<uint64_t, uint64_t>> mld_baseline_;  // joins, leaves
  // transitions, split-brain events
  std::map<std::string, std::pair<uint64_t, uint64_t>> vrrp_baseline_;
  std::map<std::string, uint64_t> bfd_baseline_;
  std::vector<std::string>* problems_ = nullptr;  // collects problem() lines during apply()
  bool preempt_hold_ = false;
  bool shut_down_ = false;
  TimePoint started_{};
};

}  // namespace tandem::daemon
