// tandemd: the data plane, the control core, the CLI socket, the metrics listeners and the
// signals, on one event loop (DESIGN.md §3: the control core is one thread, no blocking
// calls). The only code that reads the clock.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "control/common/log.h"
#include "control/daemon/cli/server.h"
#include "control/daemon/config/model.h"
#include "control/daemon/config/parser.h"
#include "control/daemon/core/router_core.h"
#include "control/daemon/io/event_loop.h"
#include "control/daemon/metrics/exporter.h"
#include "control/daemon/metrics/http_server.h"
#include "control/daemon/systemd_notify.h"
#include "dataplane/dataplane.h"

namespace tandem::daemon {

struct DaemonOptions {
  std::string config_path;
  std::string socket_path;
  // Members of this group may change the router over the CLI socket besides root (--cli-group;
  // empty: root only). A name that is not a group leaves root only, with a notice.
  std::string cli_group = "tandem";
  std::vector<std::string> eal_args;
  LogLevel log_level = LogLevel::info;
};

class DataplaneIo;

class Daemon {
 public:
  explicit Daemon(DaemonOptions opts);
  ~Daemon();

  // Loads the config, starts EAL, ports, engines, sockets. Returns a process exit code
  // (0 = running); errors are printed.
  int start();
  // Runs until SIGTERM/SIGINT, then shuts down cleanly. Returns the exit code.
  int run();

 private:
  int setup_signals();
  void on_signal();
  // SIGHUP: re-reads `path`.
  cli::WireResponse reload(const std::string& path);
  // `commit`: the file tandemctl passed as a descriptor.
  cli::WireResponse commit_passed_file(const std::string& path, int fd);
  // A reload as systemd sees it: RELOADING=1, the reload, READY=1 (the daemon serves on
  // with the old config when the new one is refused).
  cli::WireResponse notified_reload(const config::ParseResult& parsed);
  cli::WireResponse apply_reload(const config::ParseResult& parsed);
  // STATUS= for `systemctl status`: the role of each remote backup profile and VRRP6 group.
  std::string role_status(TimePoint now) const;
  void notify_systemd(TimePoint now);
  cli::CliAccess cli_access();
  void open_metrics();
  void sync_rbs_fds();
  std::string metrics_body();
  void iteration();

  DaemonOptions opts_;
  LogSink log_;
  config::Config config_;
  dataplane::Dataplane dataplane_;
  std::unique_ptr<DataplaneIo> io_;
  std::unique_ptr<RouterCore> core_;
  EventLoop loop_;
  std::unique_ptr<cli::CliServer> cli_;
  std::unique_ptr<metrics::HttpServer> http_;
  metrics::Exporter exporter_;
  std::vector<std::pair<int, uint64_t>> rbs_fds_;  // fd, watch id
  SystemdNotifier systemd_;
  TimePoint next_status_{};
  int signal_fd_ = -1;
  bool stop_ = false;
  bool one_lcore_ = false;
  uint32_t idle_sleep_us_ = 0;
  unsigned empty_polls_ = 0;
};

}  // namespace tandem::daemon
