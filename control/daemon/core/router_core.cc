#include "control/daemon/core/router_core.h"

#include <algorithm>

#include "control/daemon/core/dispatch.h"
#include "control/daemon/core/engine_metrics.h"
#include "control/nd/frames.h"
#include "control/wire/frame.h"
#include "replication/digest.h"

namespace tandem::daemon {

RouterCore::RouterCore(PacketIo& io, LogSink log, uint64_t seed)
    : io_(io),
      log_(log ? log : null_log_sink()),
      engines_(log_, seed),
      fib_sync_(io.fib()),
      store_(engines_.mld, interfaces_),
      rbs_(store_, log_),
      out_(io_, interfaces_, counters_, log_),
      passivity_(engines_.mld),
      roles_(config_, interfaces_, engines_.vrrp, passivity_, rbs_, log_),
      split_brain_(config_, interfaces_, engines_.vrrp, engines_.bfd, rbs_),
      applier_(config_, interfaces_, engines_, store_, rbs_, roles_, fib_sync_, io_, counters_,
               log_),
      snapshots_(config_, interfaces_, engines_, rbs_, store_, fib_sync_, io_, baselines_),
      drops_(interfaces_, engines_, rbs_, counters_) {
  fib_sync_.set_pim(&engines_.pim);
}

RouterCore::~RouterCore() = default;

// ---- config ----

std::vector<std::string> RouterCore::apply(const config::Config& cfg,
                                           const std::vector<wire::MacAddress>& macs,
                                           TimePoint now) {
  std::vector<std::string> problems = applier_.apply(cfg, macs, now);
  drain(now);
  return problems;
}

ReloadResult RouterCore::reload(const config::Config& next, TimePoint now) {
  ReloadResult res = applier_.reload(next, now);
  if (!res.applied) return res;
  drain(now);
  for (const auto& l : res.lines) log_(LogLevel::notice, "reload", l);
  return res;
}

// ---- inputs ----

bool RouterCore::count_frame(uint32_t ifindex) {
  ++counters_.frames;
  if (interfaces_.by_ifindex(ifindex)) return true;
  counters_.drop(ifindex, CoreDrop::unknown_interface);
  return false;
}

void RouterCore::on_frame(uint32_t ifindex, std::span<const uint8_t> bytes, TimePoint now) {
  if (count_frame(ifindex)) on_parsed(ifindex, wire::parse_frame(bytes), now);
}

void RouterCore::on_frame(uint32_t ifindex, std::span<const uint8_t> bytes,
                          const wire::FrameHint& hint, TimePoint now) {
  if (count_frame(ifindex)) on_parsed(ifindex, wire::parse_classified(bytes, hint), now);
}

void RouterCore::on_parsed(uint32_t ifindex, const wire::Frame& f, TimePoint now) {
  Engines& e = engines_;
  switch (f.kind) {
    case wire::PacketKind::drop: drops_.count_parse_drop(ifindex, f.drop_reason); return;
    case wire::PacketKind::mld_query:
    case wire::PacketKind::mld_report_v1:
    case wire::PacketKind::mld_done:
    case wire::PacketKind::mld_report_v2: e.mld.on_frame(f, ifindex, now); break;
    case wire::PacketKind::vrrp: e.vrrp.on_advert(ifindex, f.src, f.vrrp, now); break;
    case wire::PacketKind::bfd:
      e.neighbors.confirm_reachable(ifindex, f.src, now);
      e.bfd.on_packet(ifindex, f.src, f.dst, f.bfd, now);
      break;
    case wire::PacketKind::nd_ns: {
      e.neighbors.on_ns(ifindex, f.src, f.nd, now);
      if (auto na = e.responder.on_ns(ifindex, f.src, f.eth_src, f.nd))
        out_.send(ifindex, nd::na_frame(*na));
      break;
    }
    case wire::PacketKind::nd_na: e.neighbors.on_na(ifindex, f.nd, now); break;
    case wire::PacketKind::pim_hello:
    case wire::PacketKind::pim_join_prune:
    case wire::PacketKind::pim_assert: e.pim.on_message(ifindex, f.src, f.pim, now); break;
    case wire::PacketKind::mcast_data:
      // Sampled by the workers: a packet forwarded on a (*,G) entry that asks for new
      // sources, or one that failed RPF on a PIM port (dataplane/fib_writer.h).
      ++counters_.pim_data;
      e.pim.on_data(ifindex, f.src, f.dst, now);
      break;
    default: counters_.drop(ifindex, CoreDrop::unhandled_kind); return;
  }
  drain(now);
}

void RouterCore::on_link(uint32_t ifindex, bool up, TimePoint now) {
  const InterfaceInfo* info = interfaces_.by_ifindex(ifindex);
  if (!info) return;
  auto it = link_up_.find(ifindex);
  if (it != link_up_.end() && it->second == up) return;
  link_up_[ifindex] = up;
  log_(LogLevel::notice, "link " + info->name, up ? "up" : "down");
  engines_.vrrp.set_interface_up(ifindex, up, now);
  engines_.pim.set_interface_up(ifindex, up, now);
  drain(now);
}

void RouterCore::on_timer(TimePoint now) {
  Engines& e = engines_;
  if (e.mld.next_deadline() <= now) e.mld.on_timer(now);
  if (e.vrrp.next_deadline() <= now) e.vrrp.on_timer(now);
  if (e.pim.next_deadline() <= now) e.pim.on_timer(now);
  if (e.bfd.next_deadline() <= now) e.bfd.on_timer(now);
  if (e.neighbors.next_deadline() <= now) e.neighbors.on_timer(now);
  rbs_.on_timer(now);
  drain(now);
}

TimePoint RouterCore::next_deadline() const {
  const Engines& e = engines_;
  return std::min({e.mld.next_deadline(), e.vrrp.next_deadline(), e.bfd.next_deadline(),
                   e.neighbors.next_deadline(), e.pim.next_deadline(), rbs_.next_deadline()});
}

std::vector<replication::PollFd> RouterCore::rbs_poll_fds() const {
  return rbs_.poll_fds();
}

void RouterCore::on_rbs_fd(int fd, bool readable, bool writable, TimePoint now) {
  if (rbs_.on_fd(fd, readable, writable, now)) drain(now);
}

// ---- outputs ----

void RouterCore::drain(TimePoint now) {
  Engines& e = engines_;
  auto pending = [&e] {
    return e.mld.has_output() || !e.vrrp.pending_actions().empty() ||
           !e.bfd.pending_actions().empty() || e.pim.has_output();
  };
  // Engines feed each other (BFD → tracking → VRRP6 → gates and roles → MLD passive →
  // queries); a few rounds settle it. The bound only guards against a feedback bug.
  for (int round = 0; round < 8; ++round) {
    const bool any = pending();
    dispatch_mld(e.mld, e.pim, fib_sync_, store_, rbs_, out_, now);
    dispatch_pim(e.pim, e.mld, fib_sync_, out_, now);
    dispatch_bfd(e.bfd, e.neighbors, e.track, out_, now);
    dispatch_vrrp(e.vrrp, e.track, roles_, passivity_, out_, now);
    dispatch_track(e.track, e.pim, rbs_, out_, now);
    dispatch_nd(e.neighbors, out_);
    dispatch_rbs(rbs_, e.vrrp, preempt_hold_, out_, now);
    if (!any && !pending()) break;
  }
  split_brain_.update(now);
  rbs_.run_due(now);
}

// ---- operator ----

void RouterCore::shutdown(TimePoint now) {
  if (shut_down_) return;
  shut_down_ = true;
  log_(LogLevel::notice, "tandemd", "shutting down: VRRP6 priority 0, BFD AdminDown, RBS close");
  Engines& e = engines_;
  std::vector<std::pair<uint32_t, uint8_t>> groups;
  for (const auto& s : e.vrrp.status()) groups.emplace_back(s.ifindex, s.vrid);
  for (const auto& [ifindex, vrid] : groups)
    e.vrrp.remove_instance(ifindex, vrid, now, /*release_hold=*/false);
  for (const auto& s : e.bfd.status()) e.bfd.set_admin_down(s.local_discriminator, true, now);
  e.pim.shutdown(now);  // Prunes for what we joined, then Hello holdtime 0 (RFC 7761 4.3.1)
  drain(now);
  rbs_.stop_all(now);
}

void RouterCore::batch_backup(TimePoint now) {
  rbs_.batch_backup(now);
}

void RouterCore::reset_statistics(const std::string& subsystem) {
  if (subsystem == "all" || subsystem == "dataplane") {
    counters_.frames = 0;
  }
  baselines_.reset(subsystem, engines_);
  log_(LogLevel::info, "tandemd", "reset " + subsystem + " statistics");
}

std::string RouterCore::replication_digest() const {
  return replication::digest_hex(store_.digest());
}

// ---- displays and metrics ----

cli::RbsSnapshot RouterCore::rbs_snapshot(const std::string& name, TimePoint now) const {
  return snapshots_.rbs(name, now);
}
cli::RbpSnapshot RouterCore::rbp_snapshot(const std::string& name) const {
  return snapshots_.rbp(name);
}
cli::Vrrp6Snapshot RouterCore::vrrp6_snapshot(TimePoint now) const {
  return snapshots_.vrrp6(now);
}
cli::BfdSnapshot RouterCore::bfd_snapshot() const {
  return snapshots_.bfd();
}
cli::MldGroupSnapshot RouterCore::mld_group_snapshot(const std::string& interface,
                                                     TimePoint now) const {
  return snapshots_.mld_group(interface, now);
}
cli::MldInterfaceSnapshot RouterCore::mld_interface_snapshot(const std::string& interface,
                                                             TimePoint now) const {
  return snapshots_.mld_interface(interface, now);
}
cli::ForwardingSnapshot RouterCore::forwarding_snapshot() const {
  return snapshots_.forwarding();
}
cli::PimNeighborSnapshot RouterCore::pim_neighbor_snapshot(TimePoint now) const {
  return snapshots_.pim_neighbor(now);
}
cli::PimInterfaceSnapshot RouterCore::pim_interface_snapshot(TimePoint now) const {
  return snapshots_.pim_interface(now);
}
cli::PimRoutingSnapshot RouterCore::pim_routing_snapshot(TimePoint now) const {
  return snapshots_.pim_routing(now);
}
cli::PimRpSnapshot RouterCore::pim_rp_snapshot() const {
  return snapshots_.pim_rp();
}

cli::MoreOutput RouterCore::mld_group_stream(const std::string& interface, bool json, bool verbose,
                                             std::function<TimePoint()> clock, DisplayChunk chunk) {
  return daemon::mld_group_stream(engines_.mld, interfaces_, store_, interface, json, verbose,
                                  std::move(clock), chunk);
}
cli::MoreOutput RouterCore::forwarding_stream(bool json, DisplayChunk chunk) {
  return daemon::forwarding_stream(fib_sync_, interfaces_, io_.fib(), config_, json, chunk);
}

void RouterCore::fill_metrics(metrics::MetricsSnapshot& m, TimePoint now) const {
  fill_engine_metrics(m, now, engines_, rbs_, store_, fib_sync_, counters_);
  for (auto& t : drops_.tables(now)) m.drops.push_back(std::move(t));
}

// ---- drops ----

std::vector<DropTable> RouterCore::drop_tables(TimePoint now) const {
  return drops_.tables(now);
}

cli::DropSnapshot RouterCore::drop_snapshot(const std::string& interface, DropTable dataplane,
                                            TimePoint now) const {
  return drops_.snapshot(interface, std::move(dataplane), now);
}

void RouterCore::reset_drop_statistics(const std::string& subsystem, const DropTable& dataplane,
                                       TimePoint now) {
  drops_.reset(subsystem, dataplane, now);
}

}  // namespace tandem::daemon
