#include "control/daemon/core/display_snapshots.h"

#include "control/daemon/core/display_stream.h"
#include "control/daemon/core/pim_counter_fields.h"
#include "replication/digest.h"

namespace tandem::daemon {

namespace {
std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// PIM snapshot values: whole seconds (-1 when the time does not apply), "" for no address.
int64_t to_s(Duration d) {
  return std::chrono::duration_cast<seconds>(d).count();
}
int64_t to_s(const std::optional<Duration>& d) {
  return d ? to_s(*d) : -1;
}
std::string text(const std::optional<wire::Ipv6Address>& a) {
  return a ? a->to_string() : "";
}

}  // namespace

cli::RbsSnapshot DisplaySnapshots::rbs(const std::string& name, TimePoint now) const {
  cli::RbsSnapshot out;
  uint32_t index = 0;
  for (const auto& [n, r] : config_.rbs) {
    uint32_t idx = index++;
    if (!name.empty() && n != name) continue;
    cli::RbsRow row;
    row.index = idx;
    row.name = n;
    row.peer_ip = r.peer_ipv6 ? r.peer_ipv6->to_string() : "";
    row.source_ip = r.source_ipv6 ? r.source_ipv6->to_string() : "";
    row.tcp_port = r.port;
    if (r.track_bfd_session) row.track_bfd = std::to_string(*r.track_bfd_session);
    row.authentication = r.authentication_key.empty() ? "none" : "configured";
    row.tcp_state = r.shutdown ? "down" : "listening";
    row.role = "backup";
    const RbsService* svc = rbs_.find(n);
    if (svc && svc->endpoint) {
      replication::ServiceStatus s = svc->endpoint->status(now, store_);
      if (svc->started)
        row.tcp_state = s.tcp_state;
      else if (!r.shutdown)
        row.tcp_state = "down";
      row.role = s.role;
      row.channel = !s.channel.link_up        ? "-"
                    : s.channel.authenticated ? "authenticated"
                                              : "unauthenticated";
      row.last_up_ms_ago = s.last_up_ms_ago;
      row.digest = s.digest;
      row.last_seq_sent = s.channel.last_seq_sent;
      row.last_seq_acked = s.channel.last_seq_acked;
      row.batch_backup = !s.channel.link_up            ? "idle"
                         : s.channel.snapshot_complete ? "finished"
                                                       : "running";
      const auto& c = s.channel.counters;
      row.snapshots_sent = c.snapshots_sent;
      row.snapshots_received = c.snapshots_received;
      row.deltas_sent = c.deltas_sent;
      row.deltas_received = c.deltas_applied;
      row.reconnects = s.connector.connect_attempts - s.connector.connect_failures;
      row.frames_rejected = c.errors_received;
      for (auto reason : replication::kAuthCloseReasons)
        row.auth_failures.emplace_back(replication::close_reason_name(reason),
                                       c.closes[static_cast<size_t>(reason)]);
    } else {
      row.digest = replication::digest_hex(store_.digest());
    }
    out.services.push_back(row);
  }
  return out;
}

cli::RbpSnapshot DisplaySnapshots::rbp(const std::string& name) const {
  cli::RbpSnapshot out;
  uint32_t index = 0;
  for (const auto& [n, p] : config_.rbp) {
    uint32_t idx = index++;
    if (!name.empty() && n != name) continue;
    cli::RbpRow row;
    row.index = idx;
    row.name = n;
    row.service = p.service ? p.service->name : "";
    row.backup_id = p.backup_id.value_or(0);
    row.vrrp_id = p.vrrp6_id.value_or(0);
    row.vrrp_interface = p.vrrp6_interface ? p.vrrp6_interface->name : "";
    row.state = "initialize";
    if (p.vrrp6_id && p.vrrp6_interface) {
      if (const auto* inst = e_.vrrp.find(interfaces_.ifindex(row.vrrp_interface), *p.vrrp6_id))
        row.state = lower(vrrp6::state_name(inst->state()));
    }
    // The peer's role is the other one while the RBS is up; unknown otherwise.
    row.peer_state = "unknown";
    const replication::RbsEndpoint* ep = rbs_.running(row.service);
    if (ep && ep->channel().hello_ok())
      row.peer_state = row.state == "master" ? "backup" : "master";
    for (const auto& [ifname, itf] : config_.interfaces)
      if (itf.rbp && itf.rbp->name == n) row.interfaces.push_back(ifname);
    row.backup_mode = p.peer_backup_hot ? "hot" : "--";
    out.profiles.push_back(row);
  }
  return out;
}

cli::Vrrp6Snapshot DisplaySnapshots::vrrp6(TimePoint now) const {
  cli::Vrrp6Snapshot out;
  for (const auto& s : e_.vrrp.status()) {
    cli::Vrrp6Row g;
    g.interface = s.ifname;
    g.vrid = s.vrid;
    g.state = vrrp6::state_name(s.state);
    for (const auto& a : s.virtual_ips) g.virtual_ips.push_back(a.to_string());
    g.master_ip = s.master_ip.is_unspecified() ? "" : s.master_ip.to_string();
    g.local_ip = s.local_ip.to_string();
    g.priority_run = s.priority_run;
    g.priority_config = s.priority_config;
    g.master_priority = s.master_priority;
    g.preempt = s.preempt;
    g.delay_time_s = static_cast<uint32_t>(s.delay_time.count());
    g.timer_run_cs = static_cast<uint32_t>(s.timer_run.count());
    g.timer_config_cs = static_cast<uint32_t>(s.timer_config.count());
    g.virtual_mac = s.virtual_mac.to_string();
    g.config_type = vrrp6::config_type_name(s.config_type);
    for (const auto& t : s.track_bfd) {
      std::string line = std::to_string(t.session) + " " + vrrp6::bfd_track_mode_name(t.mode);
      if (t.mode == vrrp6::BfdTrackMode::reduced || t.mode == vrrp6::BfdTrackMode::increased)
        line += " " + std::to_string(t.value);
      g.track_bfd.push_back(line);
    }
    if (const auto* inst = e_.vrrp.find(s.ifindex, s.vrid))
      if (inst->config().admin)
        g.backup_group =
            inst->config().admin->ifname + " vrid " + std::to_string(inst->config().admin->vrid);
    g.create_ms_ago = to_ms(now - s.create_time);
    g.last_change_ms_ago = s.transitions ? to_ms(now - s.last_change_time) : -1;
    g.last_change_reason = s.last_change_reason;
    auto vb = baselines_.vrrp.find(s.ifname + "/" + std::to_string(s.vrid));
    const vrrp6::SplitBrainStatus& sb = s.split_brain;
    const bool based = vb != baselines_.vrrp.end();
    g.transitions = since(s.transitions, based ? vb->second.first : 0);
    g.split_brain = sb.active;
    g.split_brain_events = since(sb.events, based ? vb->second.second : 0);
    if (sb.events) g.split_brain_evidence = vrrp6::split_evidence_name(sb.evidence);
    if (sb.events && sb.evidence != vrrp6::SplitEvidence::rbs_peer_master)
      g.split_brain_other_master = sb.other_master.to_string();
    if (sb.raised_at != kNever) g.split_brain_raised_ms_ago = to_ms(now - sb.raised_at);
    if (sb.cleared_at != kNever) g.split_brain_cleared_ms_ago = to_ms(now - sb.cleared_at);
    out.groups.push_back(g);
  }
  return out;
}

cli::BfdSnapshot DisplaySnapshots::bfd() const {
  cli::BfdSnapshot out;
  for (const auto& s : e_.bfd.status()) {
    cli::BfdRow b;
    b.name = s.name;
    b.local = s.local_discriminator;
    b.remote = s.remote_discriminator;
    b.peer_ip = s.peer.to_string();
    b.state = wire::bfd_state_name(s.state);
    b.type = s.type;
    b.interface = s.ifname;
    b.min_tx_ms = static_cast<uint32_t>(s.min_tx.count() / 1000);
    b.min_rx_ms = static_cast<uint32_t>(s.min_rx.count() / 1000);
    b.actual_tx_ms = static_cast<uint32_t>(s.actual_tx.count() / 1000);
    b.actual_rx_ms = static_cast<uint32_t>(s.actual_rx.count() / 1000);
    b.detect_multiplier = s.detect_mult;
    b.bind_application = s.bind_application;
    b.not_up_reason = s.not_up_reason;
    auto bb = baselines_.bfd.find(s.name);
    b.flaps = since(s.flaps, bb == baselines_.bfd.end() ? 0 : bb->second);
    out.sessions.push_back(b);
  }
  return out;
}

cli::MldGroupSnapshot DisplaySnapshots::mld_group(const std::string& interface,
                                                  TimePoint now) const {
  cli::MldGroupSnapshot out;
  std::optional<uint32_t> only;
  if (!interface.empty()) only = interfaces_.ifindex(interface);
  for (uint32_t ifindex : e_.mld.interfaces()) {
    if (only && *only != ifindex) continue;
    const InterfaceInfo* info = interfaces_.by_ifindex(ifindex);
    std::vector<cli::MldGroupRow> rows;
    e_.mld.for_each_group(
        [&](const mld::GroupRecordView& v) {
          fill_mld_group_row(v, info ? info->name : std::to_string(ifindex), rows.emplace_back());
        },
        now, ifindex);
    std::sort(rows.begin(), rows.end(),
              [](const auto& a, const auto& b) { return a.group < b.group; });
    out.groups.insert(out.groups.end(), rows.begin(), rows.end());
  }
  out.digest = replication::digest_hex(store_.digest());
  return out;
}

cli::MldInterfaceSnapshot DisplaySnapshots::mld_interface(const std::string& interface,
                                                          TimePoint now) const {
  cli::MldInterfaceSnapshot out;
  for (uint32_t ifindex : e_.mld.interfaces()) {
    auto st = e_.mld.interface_status(ifindex, now);
    if (!st || (!interface.empty() && st->name != interface)) continue;
    cli::MldInterfaceRow r;
    r.interface = st->name;
    r.version = static_cast<uint32_t>(st->config.version);
    r.querier = st->querier.to_string();
    r.is_querier = st->is_querier;
    r.query_interval_s = static_cast<uint32_t>(
        std::chrono::duration_cast<std::chrono::seconds>(st->timers.query_interval).count());
    r.robustness = st->timers.robustness;
    r.max_response_s = static_cast<uint32_t>(
        std::chrono::duration_cast<std::chrono::seconds>(st->timers.query_response_interval)
            .count());
    r.last_listener_query_interval_s = static_cast<uint32_t>(
        std::chrono::duration_cast<std::chrono::seconds>(st->timers.last_listener_query_interval)
            .count());
    r.last_listener_query_count = st->timers.last_listener_query_count;
    r.groups = st->groups;
    auto mb = baselines_.mld.find(st->name);
    const bool based = mb != baselines_.mld.end();
    r.joins = since(st->joins, based ? mb->second.first : 0);
    r.leaves = since(st->leaves, based ? mb->second.second : 0);
    r.backup_mode = st->passive;
    r.require_router_alert = st->config.require_router_alert;
    out.interfaces.push_back(r);
  }
  return out;
}

cli::ForwardingSnapshot DisplaySnapshots::forwarding() const {
  cli::ForwardingSnapshot out;
  out.generation = fib_sync_.generation();
  std::vector<std::string> upstream;
  for (const auto& [name, itf] : config_.interfaces)
    if (itf.multicast_upstream) upstream.push_back(name);
  auto& fib = io_.fib();
  for (const auto& [group, entries] : fib_sync_.installed()) {
    for (const auto& e : entries)
      fill_forwarding_row(group, e, upstream, interfaces_, fib, out.entries.emplace_back());
  }
  return out;
}

cli::PimNeighborSnapshot DisplaySnapshots::pim_neighbor(TimePoint now) const {
  cli::PimNeighborSnapshot out;
  for (const auto& n : e_.pim.neighbors(now)) {
    cli::PimNeighborRow& r = out.neighbors.emplace_back();
    r.neighbor = n.address.to_string();
    r.interface = n.interface;
    r.uptime_s = to_s(n.uptime);
    r.expires_s = to_s(n.expires);
    r.dr_priority = n.dr_priority ? int64_t{*n.dr_priority} : -1;
    r.generation_id = n.generation_id;
    for (const auto& a : n.secondary) r.secondary_addresses.push_back(a.to_string());
  }
  return out;
}

cli::PimInterfaceSnapshot DisplaySnapshots::pim_interface(TimePoint now) const {
  cli::PimInterfaceSnapshot out;
  for (const auto& i : e_.pim.interfaces(now)) {
    cli::PimInterfaceRow& r = out.interfaces.emplace_back();
    r.interface = i.interface;
    r.up = i.up;
    r.neighbor_count = i.neighbor_count;
    r.hello_interval_s = static_cast<uint32_t>(i.hello_period.count());
    r.dr_priority = i.dr_priority;
    r.dr_address = i.dr_address.is_unspecified() ? "" : i.dr_address.to_string();
    r.is_dr = i.is_dr;
    r.address = i.address.to_string();
    r.hello_holdtime_s = i.hello_holdtime_s;
    r.join_prune_interval_s = static_cast<uint32_t>(i.join_prune_period.count());
    r.generation_id = i.generation_id;
    r.ignore_dr_state = i.ignore_dr_state;
    r.ignore_assert_state = i.ignore_assert_state;
    r.forwarding_gate_open = i.forwarding;
    r.override_interval_ms = to_ms(i.effective_override_interval);
    r.propagation_delay_ms = to_ms(i.effective_propagation_delay);
    r.join_suppression = i.join_suppression;
    copy_pim_counters(i.counters, r);
    for (size_t d = 0; d < pim::kRxDropCount; ++d)
      r.rx_drops.emplace_back(pim::rx_drop_name(static_cast<pim::RxDrop>(d)),
                              i.counters.rx_drops[d]);
    r.neighbor_ups = i.counters.neighbor_ups;
    r.neighbor_downs = i.counters.neighbor_downs;
  }
  return out;
}

cli::PimRoutingSnapshot DisplaySnapshots::pim_routing(TimePoint now) const {
  cli::PimRoutingSnapshot out;
  for (const auto& e : e_.pim.routes(now)) {
    cli::PimRouteRow& r = out.entries.emplace_back();
    r.source = e.source ? e.source->to_string() : "*";
    r.group = e.group.to_string();
    r.rp = text(e.rp);
    r.protocol = e.protocol;
    r.flags = e.flags;
    r.uptime_s = to_s(e.uptime);
    r.upstream_interface = e.upstream_interface;
    r.upstream_neighbor = text(e.upstream_neighbor);
    r.rpf_prime_neighbor = text(e.rpf_prime_neighbor);
    r.joined = e.joined;
    r.join_timer_s = to_s(e.join_timer);
    r.keepalive_s = to_s(e.keepalive);
    r.spt_bit = e.spt_bit;
    r.rpt_pruned = e.rpt_pruned;
    for (const auto& d : e.downstream) {
      cli::PimDownstreamRow& row = r.downstream.emplace_back();
      row.interface = d.interface;
      row.protocol = d.protocol;
      row.assert_state = pim::assert_state_name(d.assert_state);
      if (d.assert_state != pim::AssertState::no_info)
        row.assert_winner = d.assert_winner.to_string();
      row.assert_expires_s = to_s(d.assert_expires);
      row.excluded = d.excluded;
    }
  }
  return out;
}

cli::PimRpSnapshot DisplaySnapshots::pim_rp() const {
  cli::PimRpSnapshot out;
  for (const auto& rp : e_.pim.rp_info()) {
    cli::PimRpRow& r = out.rps.emplace_back();
    r.rp_address = rp.rp.to_string();
    r.group_range = rp.groups.address.to_string() + "/" + std::to_string(rp.groups.length);
    r.type = pim::rp_source_name(rp.source);
    r.rpf_interface = rp.rpf_interface;
    r.rpf_neighbor = text(rp.rpf_neighbor);
    r.groups_joined = rp.groups_joined;
  }
  return out;
}

}  // namespace tandem::daemon
