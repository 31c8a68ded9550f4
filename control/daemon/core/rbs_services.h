// The RBS services (DESIGN.md §5) by name: each one's endpoint, whether it runs, and which
// service carries each RBP backup-id. Sockets stay with the endpoints; the caller's loop
// polls poll_fds() and reports readiness through on_fd().
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "control/common/log.h"
#include "control/common/time.h"
#include "control/daemon/config/model.h"
#include "replication/group_store.h"
#include "replication/rbs_endpoint.h"

namespace tandem::daemon {

struct RbsService {
  std::unique_ptr<replication::RbsEndpoint> endpoint;
  bool started = false;  // false: configured `shutdown`
};

class RbsServices {
 public:
  RbsServices(replication::GroupStore& store, LogSink log) : store_(store), log_(std::move(log)) {}

  // Creates the service's endpoint from the config (its backup-ids are the RBPs naming it)
  // and starts it unless configured shut down. Returns "" or the problem to report; a
  // listener that cannot open yet is retried by the endpoint, which runs either way. A
  // service without both addresses is not created.
  std::string start(const config::RbsConfig& r, const config::Config& cfg, TimePoint now);
  void stop(const std::string& name, TimePoint now);
  void stop_all(TimePoint now);
  // backup-id → service name, from the RBPs of `cfg`.
  void set_backup_ids(const config::Config& cfg);

  const std::map<std::string, RbsService>& all() const { return services_; }
  const RbsService* find(const std::string& name) const;
  // The endpoint of `name`, running or not (roles and change feeds are kept while shut).
  replication::RbsEndpoint* endpoint(const std::string& name);
  replication::RbsEndpoint* endpoint_of_backup_id(uint16_t backup_id);
  // The endpoint of `name` when it runs.
  replication::RbsEndpoint* running(const std::string& name);
  const replication::RbsEndpoint* running(const std::string& name) const;

  void on_timer(TimePoint now);
  // Runs the endpoints whose deadline has passed: changes just marked in a change feed leave
  // in the same turn (deltas within ms), and a role change is announced at once.
  void run_due(TimePoint now);
  TimePoint next_deadline() const;
  std::vector<replication::PollFd> poll_fds() const;
  // False when no running endpoint owns `fd`.
  bool on_fd(int fd, bool readable, bool writable, TimePoint now);
  void batch_backup(TimePoint now);

  // Logs each channel's events (one line each; applied deltas are not logged).
  void log_channel_events();
  // A link is up and the peer's snapshot is not in yet (DESIGN.md §5: VRRP6 preemption
  // waits for it).
  bool snapshot_pending() const;

 private:
  replication::GroupStore& store_;
  LogSink log_;
  std::map<std::string, RbsService> services_;
  std::map<uint16_t, std::string> service_of_backup_id_;
};

}  // namespace tandem::daemon
