// Engine state → display snapshots and metrics (one snapshot per display; render.h prints).
#include "control/daemon/core/router_core.h"
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

void put(std::vector<std::pair<std::string, uint64_t>>& to, const char* reason, uint64_t n) {
  to.emplace_back(reason, n);
}
void put(std::map<std::string, uint64_t>& to, const char* reason, uint64_t n) {
  to[reason] = n;
}
// A PIM interface's counters into its display row or its metrics (the same field names),
// receive drops by every reason, zero included (an alert works from zero).
template <typename To>
void copy_counters(const pim::InterfaceCounters& c, To& to) {
  to.hellos_sent = c.hellos_sent;
  to.hellos_received = c.hellos_received;
  to.join_prunes_sent = c.join_prunes_sent;
  to.join_prunes_received = c.join_prunes_received;
  to.joins_sent = c.joins_sent;
  to.prunes_sent = c.prunes_sent;
  to.asserts_sent = c.asserts_sent;
  to.asserts_received = c.asserts_received;
  to.asserts_won = c.asserts_won;
  to.asserts_lost = c.asserts_lost;
  for (size_t d = 0; d < pim::kRxDropCount; ++d)
    put(to.rx_drops, pim::rx_drop_name(static_cast<pim::RxDrop>(d)), c.rx_drops[d]);
}
}  // namespace

cli::RbsSnapshot RouterCore::rbs_snapshot(const std::string& name, TimePoint now) const {
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
    auto it = rbs_.find(n);
    if (it != rbs_.end() && it->second.endpoint) {
      replication::ServiceStatus s = it->second.endpoint->status(now, store_);
      if (it->second.started)
        row.tcp_state = s.tcp_state;
      else if (!r.shutdown)
        row.tcp_state = "down";
      row.role = s.role;
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
      row.digest = replication_digest();
    }
    out.services.push_back(row);
  }
  return out;
}

cli::RbpSnapshot RouterCore::rbp_snapshot(const std::string& name) const {
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
      if (const auto* inst = vrrp_.find(interfaces_.ifindex(row.vrrp_interface), *p.vrrp6_id))
        row.state = lower(vrrp6::state_name(inst->state()));
    }
    // The peer's role is the other one while the RBS is up; unknown otherwise.
    row.peer_state = "unknown";
    auto r = rbs_.find(row.service);
    if (r != rbs_.end() && r->second.started && r->second.endpoint->channel().hello_ok())
      row.peer_state = row.state == "master" ? "backup" : "master";
    for (const auto& [ifname, itf] : config_.interfaces)
      if (itf.rbp && itf.rbp->name == n) row.interfaces.push_back(ifname);
    row.backup_mode = p.peer_backup_hot ? "hot" : "--";
    out.profiles.push_back(row);
  }
  return out;
}

cli::Vrrp6Snapshot RouterCore::vrrp6_snapshot(TimePoint now) const {
  cli::Vrrp6Snapshot out;
  for (const auto& s : vrrp_.status()) {
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
    if (const auto* inst = vrrp_.find(s.ifindex, s.vrid))
      if (inst->config().admin)
        g.backup_group =
            inst->config().admin->ifname + " vrid " + std::to_string(inst->config().admin->vrid);
    g.create_ms_ago = to_ms(now - s.create_time);
    g.last_change_ms_ago = s.transitions ? to_ms(now - s.last_change_time) : -1;
    g.last_change_reason = s.last_change_reason;
    auto vb = vrrp_baseline_.find(s.ifname + "/" + std::to_string(s.vrid));
    const vrrp6::SplitBrainStatus& sb = s.split_brain;
    const bool based = vb != vrrp_baseline_.end();
    g.transitions = s.transitions - (based ? std::min(vb->second.first, s.transitions) : 0);
    g.split_brain = sb.active;
    g.split_brain_events = sb.events - (based ? std::min(vb->second.second, sb.events) : 0);
    if (sb.events) g.split_brain_evidence = vrrp6::split_evidence_name(sb.evidence);
    if (sb.events && sb.evidence != vrrp6::SplitEvidence::rbs_peer_master)
      g.split_brain_other_master = sb.other_master.to_string();
    if (sb.raised_at != kNever) g.split_brain_raised_ms_ago = to_ms(now - sb.raised_at);
    if (sb.cleared_at != kNever) g.split_brain_cleared_ms_ago = to_ms(now - sb.cleared_at);
    out.groups.push_back(g);
  }
  return out;
}

cli::BfdSnapshot RouterCore::bfd_snapshot() const {
  cli::BfdSnapshot out;
  for (const auto& s : bfd_.status()) {
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
    auto bb = bfd_baseline_.find(s.name);
    b.flaps = s.flaps - (bb == bfd_baseline_.end() ? 0 : std::min(bb->second, s.flaps));
    out.sessions.push_back(b);
  }
  return out;
}

cli::MldGroupSnapshot RouterCore::mld_group_snapshot(const std::string& interface,
                                                     TimePoint now) const {
  cli::MldGroupSnapshot out;
  std::optional<uint32_t> only;
  if (!interface.empty()) only = interfaces_.ifindex(interface);
  for (uint32_t ifindex : mld_.interfaces()) {
    if (only && *only != ifindex) continue;
    const InterfaceInfo* info = interfaces_.by_ifindex(ifindex);
    std::vector<cli::MldGroupRow> rows;
    mld_.for_each_group(
        [&](const mld::GroupRecordView& v) {
          fill_mld_group_row(v, info ? info->name : std::to_string(ifindex), rows.emplace_back());
        },
        now, ifindex);
    std::sort(rows.begin(), rows.end(),
              [](const auto& a, const auto& b) { return a.group < b.group; });
    out.groups.insert(out.groups.end(), rows.begin(), rows.end());
  }
  out.digest = replication_digest();
  return out;
}

cli::MldInterfaceSnapshot RouterCore::mld_interface_snapshot(const std::string& interface,
                                                             TimePoint now) const {
  cli::MldInterfaceSnapshot out;
  for (uint32_t ifindex : mld_.interfaces()) {
    auto st = mld_.interface_status(ifindex, now);
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
    auto mb = mld_baseline_.find(st->name);
    r.joins = st->joins - (mb == mld_baseline_.end() ? 0 : std::min(mb->second.first, st->joins));
    r.leaves =
        st->leaves - (mb == mld_baseline_.end() ? 0 : std::min(mb->second.second, st->leaves));
    r.backup_mode = st->passive;
    out.interfaces.push_back(r);
  }
  return out;
}

cli::ForwardingSnapshot RouterCore::forwarding_snapshot() const {
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

cli::PimNeighborSnapshot RouterCore::pim_neighbor_snapshot(TimePoint now) const {
  cli::PimNeighborSnapshot out;
  for (const auto& n : pim_.neighbors(now)) {
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

cli::PimInterfaceSnapshot RouterCore::pim_interface_snapshot(TimePoint now) const {
  cli::PimInterfaceSnapshot out;
  for (const auto& i : pim_.interfaces(now)) {
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
    copy_counters(i.counters, r);
    r.neighbor_ups = i.counters.neighbor_ups;
    r.neighbor_downs = i.counters.neighbor_downs;
  }
  return out;
}

cli::PimRoutingSnapshot RouterCore::pim_routing_snapshot(TimePoint now) const {
  cli::PimRoutingSnapshot out;
  for (const auto& e : pim_.routes(now)) {
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

cli::PimRpSnapshot RouterCore::pim_rp_snapshot() const {
  cli::PimRpSnapshot out;
  for (const auto& rp : pim_.rp_info()) {
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

void RouterCore::fill_metrics(metrics::MetricsSnapshot& m, TimePoint now) const {
  for (uint32_t ifindex : mld_.interfaces()) {
    auto st = mld_.interface_status(ifindex, now);
    if (!st) continue;
    m.mld.push_back({st->name, st->groups, st->joins, st->leaves, st->is_querier, {}});
    for (size_t i = 1; i < mld::kIgnoreReasonCount; ++i) {
      const auto reason = static_cast<mld::IgnoreReason>(i);
      const uint64_t n = st->counters.ignored_count(reason);
      // Limit refusals are always exported, so an alert on them works from zero.
      if (n != 0 || mld::is_limit_reason(reason))
        m.mld.back().ignored[std::string(mld::ignore_reason_name(reason))] = n;
    }
  }
  m.mld_source_entries = mld_.source_count();
  for (const auto& s : vrrp_.status())
    m.vrrp6.push_back({s.ifname, s.vrid, static_cast<int>(s.state), s.priority_run, s.transitions,
                       s.split_brain.active, s.split_brain.events});
  for (const auto& s : bfd_.status()) m.bfd.push_back({s.name, static_cast<int>(s.state), s.flaps});
  for (const auto& [name, r] : rbs_) {
    metrics::RbsMetrics x;
    x.service = name;
    if (r.endpoint) {
      auto st = r.endpoint->channel().status();
      x.connected = st.link_up;
      for (const auto& [id, role] : st.roles) x.master |= role == replication::Role::master;
      x.last_seq_sent = st.last_seq_sent;
      x.last_seq_acked = st.last_seq_acked;
      x.snapshots_sent = st.counters.snapshots_sent;
      x.snapshots_received = st.counters.snapshots_received;
      x.reconnects = r.endpoint->connector().counters().connect_attempts;
      for (auto reason : replication::kAuthCloseReasons)
        x.auth_failures[replication::close_reason_name(reason)] =
            st.counters.closes[static_cast<size_t>(reason)];
    }
    x.digest = store_.digest();
    m.rbs.push_back(x);
  }
  for (const auto& i : pim_.interfaces(now)) {
    metrics::PimInterfaceMetrics& p = m.pim.interfaces.emplace_back();
    p.interface = i.interface;
    p.neighbors = i.neighbor_count;
    p.dr = i.is_dr;
    copy_counters(i.counters, p);
  }
  const pim::Totals t = pim_.totals();
  m.pim.star_g = t.star_g;
  m.pim.s_g = t.s_g;
  m.pim.s_g_rpt = t.s_g_rpt;
  m.pim.spt_switches = t.spt_switches;
  m.pim.data_notifications = t.data_notifications;
  m.config_reloads = counters_.reloads;
  m.config_reload_failures = counters_.reload_failures;
  m.fib_entries = 0;
  for (const auto& [g, e] : fib_sync_.installed()) m.fib_entries += e.size();
}

}  // namespace tandem::daemon
