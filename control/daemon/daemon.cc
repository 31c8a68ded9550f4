#include "control/daemon/daemon.h"

#include <grp.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iostream>

#include "control/daemon/cli_dispatch.h"
#include "control/daemon/config/parser.h"
#include "control/daemon/dataplane_io.h"
#include "control/daemon/fib_sizing.h"
#include "control/daemon/io/passed_file.h"
#include "control/daemon/log_sink.h"
#include "control/wire/drop_reason.h"

namespace tandem::daemon {

namespace {
constexpr size_t kPuntBurst = 256;
// With workers on their own lcores the control loop still polls their punt queues; this
// bounds how long a punted frame waits when nothing else wakes the loop.
constexpr int64_t kPuntPollUs = 1000;
// One-lcore mode: empty polls in a row before the idle sleep kicks in (DESIGN.md §3).
constexpr unsigned kEmptyPollsBeforeSleep = 64;
// How often the VRRP6 roles are read for systemd's STATUS= (sent only when they changed).
constexpr auto kStatusPeriod = std::chrono::seconds(1);

// Why tandemd did not start, on stderr (with journal priorities under systemd). Returns the
// process exit code.
int start_failed(const std::string& text) {
  std::cerr << for_stderr(LogLevel::error, text);
  return 1;
}
}  // namespace

Daemon::Daemon(DaemonOptions opts)
    : opts_(std::move(opts)), log_(make_stderr_log(opts_.log_level)) {}

Daemon::~Daemon() {
  if (signal_fd_ >= 0) ::close(signal_fd_);
}

int Daemon::setup_signals() {
  // Blocked before EAL starts its threads, so only this thread ever sees them (signalfd).
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGHUP);
  if (pthread_sigmask(SIG_BLOCK, &set, nullptr) != 0) return -1;
  signal_fd_ = ::signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
  ::signal(SIGPIPE, SIG_IGN);
  return signal_fd_;
}

int Daemon::start() {
  if (setup_signals() < 0) {
    return start_failed(std::string("tandemd: signalfd: ") + std::strerror(errno) + "\n");
  }
  auto parsed = config::load_config_file(opts_.config_path);
  if (!parsed.ok()) {
    return start_failed(config::format_errors(parsed.errors) +
                        "tandemd: " + std::to_string(parsed.errors.size()) + " error(s) in " +
                        opts_.config_path + ", not started\n");
  }
  config_ = parsed.config;

  dataplane::DataplaneConfig dc;
  for (const auto& name : InterfaceMap::port_order(config_)) {
    const auto& itf = config_.interfaces.at(name);
    dc.ports.push_back(dataplane::PortConfig{itf.device, itf.multicast_upstream});
  }
  dc.eal_args = opts_.eal_args;
  dc.fib_capacity = fib_capacity_for(config_.mld);
  dc.idle_sleep_us = config_.dataplane.idle_sleep_us;
  dc.log = log_;
  idle_sleep_us_ = config_.dataplane.idle_sleep_us;
  if (dc.ports.empty()) {
    return start_failed("tandemd: the config names no interface with a device\n");
  }
  log_(LogLevel::info, "tandemd", "FIB: " + describe_fib_sizing(config_.mld));
  auto init = dataplane_.init(dc);
  if (!init.ok) {
    std::string text = "tandemd: data plane: " + init.error + "\n";
    if (init.error.rfind("FIB", 0) == 0)
      text += "tandemd: the FIB has " + describe_fib_sizing(config_.mld) +
              "; lower `mld global limit groups|sources` or give EAL more memory\n";
    return start_failed(text);
  }
  std::vector<wire::MacAddress> macs;
  for (size_t p = 0; p < dataplane_.port_count(); ++p)
    macs.push_back(dataplane_.port_mac(static_cast<dataplane::PortIndex>(p)));

  io_ = std::make_unique<DataplaneIo>(dataplane_);
  core_ = std::make_unique<RouterCore>(*io_, log_, static_cast<uint64_t>(::getpid()) * 2654435761u);
  TimePoint now = Clock::now();
  // Problems the engines report (each already logged) leave the rest of the config running:
  // e.g. an RBS whose source-ipv6 is not configured on the host cannot listen.
  size_t problems = core_->apply(config_, macs, now).size();

  cli_ = std::make_unique<cli::CliServer>(
      loop_,
      [this](const cli::WireRequest& req) {
        CliActions actions;
        actions.commit = [this, fd = req.file_fd](const std::string& path) {
          return commit_passed_file(path, fd);
        };
        actions.reset_dataplane = [this] { dataplane_.reset_counters(); };
        actions.dataplane_drops = [this] {
          return dataplane_drop_table(dataplane_.counters().per_port, core_->interfaces());
        };
        actions.clock = [] { return Clock::now(); };
        return dispatch_cli(req, *core_, actions, Clock::now());
      },
      cli_access());
  std::string err;
  if (!cli_->listen(opts_.socket_path, err)) {
    return start_failed("tandemd: " + err + "\n");
  }
  open_metrics();
  loop_.watch(signal_fd_, POLLIN, [this](short) { on_signal(); });

  dataplane_.start();
  one_lcore_ = dataplane_.one_lcore_mode();
  for (const auto& info : core_->interfaces().all())
    core_->on_link(info.ifindex, dataplane_.link_status(info.port).up, Clock::now());
  log_(LogLevel::notice, "tandemd",
       "started: " + std::to_string(dataplane_.port_count()) + " ports, " +
           std::to_string(dataplane_.worker_count()) + " workers" +
           (one_lcore_ ? " (one-lcore mode)" : "") + ", socket " + opts_.socket_path +
           (problems ? ", " + std::to_string(problems) + " config problem(s) logged above" : ""));
  systemd_.ready(role_status(Clock::now()));
  if (systemd_.watchdog_enabled())
    log_(LogLevel::info, "tandemd",
         "systemd watchdog: WATCHDOG=1 every " +
             std::to_string(
                 std::chrono::duration_cast<milliseconds>(systemd_.watchdog_period()).count()) +
             " ms");
  return 0;
}

std::string Daemon::role_status(TimePoint now) const {
  // "serving; rbp rbp1 master (peer backup); vrrp6 ge0/1 Master, ge1/2 Backup"
  std::string s = "serving";
  for (const cli::RbpRow& p : core_->rbp_snapshot("").profiles)
    s += "; rbp " + p.name + " " + p.state + " (peer " + p.peer_state + ")";
  const cli::Vrrp6Snapshot vrrp = core_->vrrp6_snapshot(now);
  for (size_t i = 0; i < vrrp.groups.size(); ++i) {
    const cli::Vrrp6Row& g = vrrp.groups[i];
    s += (i ? ", " : "; vrrp6 ") + g.interface + "/" + std::to_string(g.vrid) + " " + g.state;
  }
  return s;
}

void Daemon::notify_systemd(TimePoint now) {
  if (!systemd_.active()) return;
  systemd_.watchdog(now);
  if (now >= next_status_) {
    next_status_ = now + kStatusPeriod;
    systemd_.status(role_status(now));
  }
}

// Resolved once at start (NSS may block; the control loop must not).
cli::CliAccess Daemon::cli_access() {
  cli::CliAccess access;
  if (opts_.cli_group.empty()) return access;
  std::vector<char> buf(16384);
  group gr{};
  group* found = nullptr;
  if (::getgrnam_r(opts_.cli_group.c_str(), &gr, buf.data(), buf.size(), &found) == 0 && found) {
    access.admin_gid = found->gr_gid;
    access.admin_group = opts_.cli_group;
  } else {
    log_(LogLevel::notice, "cli",
         "group " + opts_.cli_group + " does not exist: only root may change the router");
  }
  return access;
}

void Daemon::open_metrics() {
  http_ = std::make_unique<metrics::HttpServer>(loop_, [this] { return metrics_body(); });
  for (const auto& m : config_.metrics) {
    std::string err;
    if (http_->listen(m.address, m.port, err))
      log_(LogLevel::info, "metrics",
           "listening on " + m.address + " port " + std::to_string(m.port));
    else
      log_(LogLevel::error, "metrics", err);
  }
}

std::string Daemon::metrics_body() {
  metrics::MetricsSnapshot m;
  dataplane::CountersSnapshot c = dataplane_.counters();
  const auto& ifs = core_->interfaces().all();
  auto port_name = [&](size_t p) { return p < ifs.size() ? ifs[p].name : std::to_string(p); };
  for (size_t p = 0; p < c.per_port.size(); ++p) {
    const auto& pc = c.per_port[p];
    metrics::PortMetrics pm;
    pm.port = port_name(p);
    pm.rx = pc.rx;
    pm.tx = pc.tx;
    pm.forwarded = pc.forwarded;
    pm.copies = pc.copies;
    pm.clones = pc.clones;
    pm.punted = pc.punted;
    auto by_class = [&](dataplane::PuntClass k) {
      return pc.punted_by_class[static_cast<size_t>(k)];
    };
    pm.punted_mld = by_class(dataplane::PuntClass::mld);
    pm.punted_vrrp = by_class(dataplane::PuntClass::vrrp);
    pm.punted_bfd = by_class(dataplane::PuntClass::bfd);
    pm.punted_nd = by_class(dataplane::PuntClass::nd);
    pm.punted_pim = by_class(dataplane::PuntClass::pim);
    pm.punted_data = by_class(dataplane::PuntClass::data);
    m.ports.push_back(std::move(pm));
  }
  m.drops.push_back(dataplane_drop_table(c.per_port, core_->interfaces()));
  for (size_t row = 0; row < c.per_lcore.size(); ++row) {
    for (size_t p = 0; p < c.per_lcore[row].size(); ++p) {
      const auto& pc = c.per_lcore[row][p];
      uint64_t dropped = 0;
      for (size_t r = 1; r < wire::kDropReasonCount; ++r) dropped += pc.drops[r];
      m.lcores.push_back({std::to_string(c.lcores[row]), port_name(p), pc.rx, pc.tx, pc.copies,
                          pc.punted, dropped});
    }
  }
  core_->fill_metrics(m, Clock::now());
  exporter_.update(m);
  return exporter_.serialize();
}

cli::WireResponse Daemon::reload(const std::string& path) {
  return notified_reload(config::load_config_file(path));
}

// `commit`: the file comes as the descriptor tandemctl opened, never by the path, so a caller
// commits only a file it can read (cli/protocol.h).
cli::WireResponse Daemon::commit_passed_file(const std::string& path, int fd) {
  if (fd < 0) return {false, "commit needs the file passed by tandemctl (none came along)\n"};
  std::string error;
  auto text = read_passed_file(fd, error);
  if (!text) return {false, path + ": " + error + "\n"};
  return notified_reload(config::parse_config(*text, path));
}

// opts_.config_path stays the --config file: SIGHUP re-reads it, never a committed path, which
// would let a --cli-group member point root's next SIGHUP at a file swapped in after the commit.
cli::WireResponse Daemon::notified_reload(const config::ParseResult& parsed) {
  systemd_.reloading();
  cli::WireResponse r = apply_reload(parsed);
  systemd_.ready(role_status(Clock::now()));
  return r;
}

cli::WireResponse Daemon::apply_reload(const config::ParseResult& parsed) {
  if (!parsed.ok()) {
    for (const auto& e : parsed.errors) log_(LogLevel::error, "reload", e.to_string());
    return {false, config::format_errors(parsed.errors) + "nothing applied (" +
                       std::to_string(parsed.errors.size()) + " error(s))\n"};
  }
  ReloadResult r = core_->reload(parsed.config, Clock::now());
  std::string body;
  for (const auto& l : r.lines) body += l + "\n";
  if (!r.ok) {
    for (const auto& l : r.lines) log_(LogLevel::error, "reload", l);
    return {false, body};
  }
  const std::string fib_warning =
      fib_too_small_for(parsed.config.mld, static_cast<uint32_t>(dataplane_.fib().capacity()));
  if (!fib_warning.empty()) {
    log_(LogLevel::warning, "reload", fib_warning);
    body += fib_warning + "\n";
  }
  config_ = parsed.config;
  if (r.metrics_changed) {
    http_.reset();
    open_metrics();
  }
  if (r.dataplane_changed) {
    idle_sleep_us_ = config_.dataplane.idle_sleep_us;
    dataplane_.set_idle_sleep_us(idle_sleep_us_);
  }
  return {true, body};
}

void Daemon::on_signal() {
  signalfd_siginfo si;
  while (::read(signal_fd_, &si, sizeof si) == static_cast<ssize_t>(sizeof si)) {
    if (si.ssi_signo == SIGHUP) {
      log_(LogLevel::notice, "tandemd", "SIGHUP: reloading " + opts_.config_path);
      auto r = reload(opts_.config_path);
      log_(r.ok ? LogLevel::notice : LogLevel::error, "reload", r.ok ? "applied" : "refused");
    } else {
      log_(LogLevel::notice, "tandemd",
           std::string("signal ") + strsignal(static_cast<int>(si.ssi_signo)) + ": stopping");
      stop_ = true;
    }
  }
}

void Daemon::sync_rbs_fds() {
  // The engine closes its sockets itself, inside callbacks of the last turn: a number it
  // closed may already be a CLI or metrics connection accepted later in that turn, whose
  // watch must stay (a plain unwatch left that request unanswered).
  for (auto [fd, id] : rbs_fds_) loop_.unwatch(fd, id);
  rbs_fds_.clear();
  for (const auto& p : core_->rbs_poll_fds()) {
    int fd = p.fd;
    short ev = POLLIN | (p.want_write ? POLLOUT : 0);
    uint64_t id = loop_.watch(fd, ev, [this, fd](short re) {
      core_->on_rbs_fd(fd, re & (POLLIN | POLLHUP | POLLERR), re & POLLOUT, Clock::now());
    });
    rbs_fds_.push_back({fd, id});
  }
}

void Daemon::iteration() {
  TimePoint start = Clock::now();
  unsigned frames = 0;
  if (one_lcore_) frames += dataplane_.poll_once();
  size_t punts = dataplane_.poll_punts(kPuntBurst, [&](const dataplane::PuntedFrame& f) {
    core_->on_frame(dataplane::IfIndex::from_port(f.port), f.bytes, f.hint, start);
  });
  for (const auto& ev : dataplane_.poll_link_events())
    core_->on_link(dataplane::IfIndex::from_port(ev.port), ev.status.up, start);
  if (core_->next_deadline() <= start) core_->on_timer(start);
  notify_systemd(start);
  dataplane_.fib().reclaim();
  sync_rbs_fds();
  TimePoint done = Clock::now();
  if (frames || punts)
    exporter_.observe_loop_latency(std::chrono::duration<double>(done - start).count());

  // How long to wait: until the earliest engine deadline, at most the punt poll period;
  // in one-lcore mode this thread forwards, so it only sleeps after a run of empty polls.
  int64_t wait_us = kPuntPollUs;
  TimePoint deadline = core_->next_deadline();
  if (deadline != kNever)
    wait_us = std::min<int64_t>(
        wait_us,
        std::max<int64_t>(0, std::chrono::duration_cast<microseconds>(deadline - done).count()));
  if (one_lcore_) {
    empty_polls_ = (frames || punts) ? 0 : empty_polls_ + 1;
    wait_us = (empty_polls_ >= kEmptyPollsBeforeSleep && idle_sleep_us_)
                  ? std::min<int64_t>(wait_us, idle_sleep_us_)
                  : 0;
  }
  loop_.run_once_us(wait_us);
}

int Daemon::run() {
  while (!stop_) iteration();
  systemd_.stopping();
  TimePoint now = Clock::now();
  core_->shutdown(now);
  // Let the goodbye frames (priority-0 adverts, AdminDown) leave before the ports stop.
  for (int i = 0; i < 3; ++i) {
    if (one_lcore_) dataplane_.poll_once();
    loop_.run_once(5);
  }
  cli_->close();
  http_.reset();
  dataplane_.stop();
  log_(LogLevel::notice, "tandemd", "stopped");
  return 0;
}

}  // namespace tandem::daemon
