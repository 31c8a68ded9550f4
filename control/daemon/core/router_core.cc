#include "control/daemon/core/router_core.h"

#include "control/nd/frames.h"
#include "control/vrrp6/frames.h"
#include "control/wire/frame.h"
#include "control/wire/nd.h"
#include "replication/digest.h"

namespace tandem::daemon {

RouterCore::RouterCore(PacketIo& io, LogSink log, uint64_t seed)
    : io_(io),
      log_(log ? log : null_log_sink()),
      mld_(log_),
      vrrp_(log_),
      pim_(log_, seed ^ 0x70696d),
      bfd_(seed, log_),
      track_(vrrp_, log_),
      fib_sync_(io.fib()),
      store_(mld_, interfaces_) {
  fib_sync_.set_pim(&pim_);
  responder_.set_virtual_predicate([this](uint32_t ifindex, const wire::Ipv6Address& target) {
    return vrrp_.should_answer_ns(ifindex, target);
  });
}

RouterCore::~RouterCore() = default;

void RouterCore::log(LogLevel level, const std::string& subsystem, const std::string& line) const {
  log_(level, subsystem, line);
}

void RouterCore::send(uint32_t ifindex, const std::vector<uint8_t>& frame) {
  if (frame.empty() || !io_.send(ifindex, frame)) ++counters_.tx_failed;
}

// ---- inputs ----

void RouterCore::on_frame(uint32_t ifindex, std::span<const uint8_t> bytes, TimePoint now) {
  ++counters_.frames;
  if (!interfaces_.by_ifindex(ifindex)) {
    ++counters_.unknown_interface;
    return;
  }
  wire::Frame f = wire::parse_frame(bytes);
  switch (f.kind) {
    case wire::PacketKind::drop: ++counters_.parse_drops; return;
    case wire::PacketKind::mld_query:
    case wire::PacketKind::mld_report_v1:
    case wire::PacketKind::mld_done:
    case wire::PacketKind::mld_report_v2: mld_.on_frame(f, ifindex, now); break;
    case wire::PacketKind::vrrp: vrrp_.on_advert(ifindex, f.src, f.vrrp, now); break;
    case wire::PacketKind::bfd:
      neighbors_.confirm_reachable(ifindex, f.src, now);
      bfd_.on_packet(ifindex, f.src, f.dst, f.bfd, now);
      break;
    case wire::PacketKind::nd_ns: {
      neighbors_.on_ns(ifindex, f.src, f.nd, now);
      if (auto na = responder_.on_ns(ifindex, f.src, f.eth_src, f.nd))
        send(ifindex, nd::na_frame(*na));
      break;
    }
    case wire::PacketKind::nd_na: neighbors_.on_na(ifindex, f.nd, now); break;
    case wire::PacketKind::pim_hello:
    case wire::PacketKind::pim_join_prune:
    case wire::PacketKind::pim_assert: pim_.on_message(ifindex, f.src, f.pim, now); break;
    case wire::PacketKind::mcast_data:
      // Sampled by the workers: a packet forwarded on a (*,G) entry that asks for new
      // sources, or one that failed RPF on a PIM port (dataplane/fib_writer.h).
      ++counters_.pim_data;
      pim_.on_data(ifindex, f.src, f.dst, now);
      break;
    default: ++counters_.unhandled_kind; return;
  }
  drain(now);
}

void RouterCore::on_link(uint32_t ifindex, bool up, TimePoint now) {
  const InterfaceInfo* info = interfaces_.by_ifindex(ifindex);
  if (!info) return;
  auto it = link_up_.find(ifindex);
  if (it != link_up_.end() && it->second == up) return;
  link_up_[ifindex] = up;
  log(LogLevel::notice, "link " + info->name, up ? "up" : "down");
  vrrp_.set_interface_up(ifindex, up, now);
  pim_.set_interface_up(ifindex, up, now);
  drain(now);
}

void RouterCore::on_timer(TimePoint now) {
  if (mld_.next_deadline() <= now) mld_.on_timer(now);
  if (vrrp_.next_deadline() <= now) vrrp_.on_timer(now);
  if (pim_.next_deadline() <= now) pim_.on_timer(now);
  if (bfd_.next_deadline() <= now) bfd_.on_timer(now);
  if (neighbors_.next_deadline() <= now) neighbors_.on_timer(now);
  for (auto& [name, r] : rbs_)
    if (r.started) r.endpoint->on_timer(now);
  drain(now);
}

TimePoint RouterCore::next_deadline() const {
  TimePoint t = std::min({mld_.next_deadline(), vrrp_.next_deadline(), bfd_.next_deadline(),
                          neighbors_.next_deadline(), pim_.next_deadline()});
  for (const auto& [name, r] : rbs_)
    if (r.started) t = std::min(t, r.endpoint->next_deadline());
  return t;
}

std::vector<replication::PollFd> RouterCore::rbs_poll_fds() const {
  std::vector<replication::PollFd> out;
  for (const auto& [name, r] : rbs_)
    if (r.started)
      for (const auto& p : r.endpoint->poll_fds()) out.push_back(p);
  return out;
}

void RouterCore::on_rbs_fd(int fd, bool readable, bool writable, TimePoint now) {
  for (auto& [name, r] : rbs_) {
    if (!r.started) continue;
    for (const auto& p : r.endpoint->poll_fds()) {
      if (p.fd != fd) continue;
      r.endpoint->on_fd_ready(fd, readable, writable, now);
      drain(now);
      return;
    }
  }
}

// ---- outputs ----

void RouterCore::drain(TimePoint now) {
  // Engines feed each other (BFD → tracking → VRRP6 → gates and roles → MLD passive →
  // queries); a few rounds settle it. The bound only guards against a feedback bug.
  for (int round = 0; round < 8; ++round) {
    bool any = mld_.has_output() || !vrrp_.pending_actions().empty() ||
               !bfd_.pending_actions().empty() || pim_.has_output();
    drain_mld(now);
    drain_pim(now);
    drain_bfd(now);
    drain_vrrp(now);
    drain_track(now);
    drain_nd(now);
    drain_rbs(now);
    if (!any && !mld_.has_output() && vrrp_.pending_actions().empty() &&
        bfd_.pending_actions().empty() && !pim_.has_output())
      break;
  }
  update_split_brain_inputs(now);
  // Changes just marked in a change feed leave in this same turn (deltas within ms), and a
  // role change is announced at once.
  for (auto& [name, r] : rbs_)
    if (r.started && r.endpoint->next_deadline() <= now) r.endpoint->on_timer(now);
}

void RouterCore::drain_mld(TimePoint now) {
  for (const auto& q : mld_.take_queries()) {
    const InterfaceInfo* info = interfaces_.by_ifindex(q.ifindex);
    if (!info) continue;
    send(q.ifindex, wire::build_mld_query_frame(info->mac, info->link_local, q.spec));
  }
  std::set<wire::Ipv6Address> touched;
  for (const auto& e : mld_.take_events()) {
    // Only listener and source events change forwarding; record_* fire on every refresh
    // (a million groups re-reported each query interval) and only feed replication.
    if (e.kind != mld::EventKind::record_changed && e.kind != mld::EventKind::record_removed) {
      touched.insert(e.group);
      continue;
    }
    if (e.origin != mld::Origin::local) continue;  // replicated records are not sent back
    const InterfaceInfo* info = interfaces_.by_ifindex(e.ifindex);
    if (!info) continue;
    auto id = store_.backup_id_of(info->name);
    if (!id) continue;
    auto rit = rbs_of_backup_id_.find(*id);
    if (rit == rbs_of_backup_id_.end()) continue;
    auto r = rbs_.find(rit->second);
    if (r == rbs_.end() || !r->second.endpoint) continue;
    r->second.endpoint->channel().feed().mark(replication::GroupKey{*id, info->name, e.group});
  }
  for (const auto& g : touched) {
    // PIM first: its answer for G (RPF interface, notifications) goes into the same write.
    update_pim_membership(g, now);
    fib_sync_.refresh_group(mld_, g, now);
  }
}

void RouterCore::update_pim_membership(const wire::Ipv6Address& group, TimePoint now) {
  std::vector<pim::Membership> members;
  for (auto& f : mld_filters(mld_, group, now))
    members.push_back({f.port + 1u, f.exclude, std::move(f.sources)});
  pim_.set_membership(group, std::move(members), now);
}

void RouterCore::drain_pim(TimePoint now) {
  pim::Actions a = pim_.take_actions();
  for (const auto& m : a.messages) {
    const InterfaceInfo* info = interfaces_.by_ifindex(m.ifindex);
    if (!info) continue;
    send(m.ifindex, wire::build_pim_message_frame(info->mac, info->link_local, m.message));
  }
  for (const auto& g : a.changed_groups) fib_sync_.refresh_group(mld_, g, now);
}

void RouterCore::drain_bfd(TimePoint now) {
  bfd::Actions a = bfd_.take_actions();
  for (const auto& p : a.packets) {
    const InterfaceInfo* info = interfaces_.by_ifindex(p.ifindex);
    if (!info) continue;
    auto mac = neighbors_.resolve(p.ifindex, p.dst, now, p.src);
    if (!mac) {
      ++counters_.bfd_no_neighbor;
      continue;
    }
    send(p.ifindex, wire::build_bfd_frame(info->mac, *mac, p.src, p.dst, p.src_port, p.control));
  }
  // Each engine logs its own state changes with the reason (one line each).
  for (const auto& sc : a.state_changes) {
    track_.on_bfd_change(sc, now);
  }
}

void RouterCore::drain_vrrp(TimePoint now) {
  vrrp6::Actions a = vrrp_.take_actions();
  for (const auto& ad : a.adverts) send(ad.ifindex, vrrp6::advert_frame(ad));
  // Unsolicited NA per virtual address (RFC 5798 §6.4.2), from the virtual MAC to ff02::1.
  for (const auto& na : a.neighbor_adverts) send(na.ifindex, vrrp6::neighbor_advert_frame(na));
  // RFC 5798 §7.3: the port accepts the virtual MAC only while the group is Master.
  for (const auto& v : a.vmac_changes) io_.set_virtual_mac(v.ifindex, v.vmac, v.add);
  for (const auto& sc : a.state_changes) {
    track_.on_vrrp_change(sc);
  }
  for (const auto& f : a.flowdown_changes) {
    const InterfaceInfo* info = interfaces_.by_ifindex(f.ifindex);
    log(LogLevel::info, "vrrp6 " + (info ? info->name : "?") + "/" + std::to_string(f.vrid),
        std::string("flowdown: service interface ") + (f.down ? "down" : "up") + " (" +
            vrrp6::reason_text(f.reason) + ")");
  }
  if (!a.state_changes.empty()) update_roles(now);
}

void RouterCore::drain_track(TimePoint now) {
  for (const auto& e : track_.take_events()) {
    switch (e.kind) {
      case track::EventKind::gate_changed: {
        const InterfaceInfo* info = interfaces_.by_ifindex(e.ifindex);
        if (!info) break;
        io_.fib().set_gate(info->port, e.open);
        pim_.set_forwarding(e.ifindex, e.open, now);
        log(LogLevel::debug, "gate " + info->name,
            std::string(e.open ? "open" : "closed") + " (" + e.reason + ")");
        break;
      }
      case track::EventKind::rbs_link_drop:
      case track::EventKind::rbs_link_allowed: {
        auto it = rbs_.find(e.service);
        if (it != rbs_.end() && it->second.started)
          it->second.endpoint->on_bfd(e.kind == track::EventKind::rbs_link_allowed, now);
        log(LogLevel::notice, "rbs " + e.service, e.reason);
        break;
      }
      default:
        log(LogLevel::info, "track", std::string(track::event_kind_name(e.kind)) + ": " + e.reason);
    }
  }
}

void RouterCore::drain_nd(TimePoint) {
  for (const auto& ns : neighbors_.take_solicitations()) send(ns.ifindex, nd::ns_frame(ns));
  for (const auto& e : neighbors_.take_events())
    log(e.resolved ? LogLevel::info : LogLevel::warning, "nd",
        e.address.to_string() + (e.resolved ? " resolved" : " unresolved (no answer to NS)"));
}

void RouterCore::drain_rbs(TimePoint now) {
  bool hold = false;
  for (auto& [name, r] : rbs_) {
    if (!r.started) continue;
    auto& ch = r.endpoint->channel();
    for (const auto& ev : ch.take_events()) {
      std::string line = replication::channel_event_name(ev.kind);
      if (ev.kind == replication::ChannelEvent::Kind::closed)
        line += std::string(" (") + replication::close_reason_name(ev.reason) + ")";
      if (ev.kind == replication::ChannelEvent::Kind::snapshot_complete)
        line +=
            " at seq " + std::to_string(ev.seq) + ", " + std::to_string(ev.records) + " records";
      if (ev.kind != replication::ChannelEvent::Kind::delta_applied)
        log(LogLevel::notice, "rbs " + name, line);
    }
    // DESIGN.md §5: hold VRRP6 preemption until the peer's snapshot is in.
    if (ch.link_up() && !ch.snapshot_complete()) hold = true;
  }
  if (hold != preempt_hold_) {
    vrrp_.set_preempt_hold(hold, now);
    preempt_hold_ = hold;
    log(LogLevel::info, "vrrp6",
        hold ? "preemption held until the RBS snapshot is in" : "preemption hold released");
  }
}

// ---- operator ----

void RouterCore::shutdown(TimePoint now) {
  if (shut_down_) return;
  shut_down_ = true;
  log(LogLevel::notice, "tandemd", "shutting down: VRRP6 priority 0, BFD AdminDown, RBS close");
  std::vector<std::pair<uint32_t, uint8_t>> groups;
  for (const auto& s : vrrp_.status()) groups.emplace_back(s.ifindex, s.vrid);
  for (const auto& [ifindex, vrid] : groups) vrrp_.remove_instance(ifindex, vrid, now);
  for (const auto& s : bfd_.status()) bfd_.set_admin_down(s.local_discriminator, true, now);
  pim_.shutdown(now);  // Prunes for what we joined, then Hello holdtime 0 (RFC 7761 4.3.1)
  drain(now);
  for (auto& [name, r] : rbs_)
    if (r.started) r.endpoint->stop(now);
}

void RouterCore::batch_backup(TimePoint now) {
  for (auto& [name, r] : rbs_) {
    if (!r.started) continue;
    r.endpoint->channel().batch_backup_now(now);
    log(LogLevel::notice, "rbs " + name, "batch-backup now");
  }
}

void RouterCore::reset_statistics(const std::string& subsystem) {
  const bool all = subsystem == "all";
  if (all || subsystem == "dataplane") {
    counters_.frames = counters_.parse_drops = counters_.unhandled_kind = 0;
    counters_.unknown_interface = counters_.tx_failed = counters_.bfd_no_neighbor = 0;
  }
  if (all || subsystem == "mld") {
    for (uint32_t ifindex : mld_.interfaces())
      if (auto st = mld_.interface_status(ifindex, TimePoint{}))
        mld_baseline_[st->name] = {st->joins, st->leaves};
  }
  if (all || subsystem == "vrrp6")
    for (const auto& st : vrrp_.status())
      vrrp_baseline_[st.ifname + "/" + std::to_string(st.vrid)] = {st.transitions,
                                                                   st.split_brain.events};
  if (all || subsystem == "bfd")
    for (const auto& st : bfd_.status()) bfd_baseline_[st.name] = st.flaps;
  log(LogLevel::info, "tandemd", "reset " + subsystem + " statistics");
}

std::string RouterCore::replication_digest() const {
  return replication::digest_hex(store_.digest());
}

}  // namespace tandem::daemon
