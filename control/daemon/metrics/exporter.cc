#include "control/daemon/metrics/exporter.h"

#include <prometheus/text_serializer.h>

#include <sstream>

namespace tandem::metrics {

namespace {
// The family of each drop layer; its labels are the table's row key and `reason`. The names
// of the data plane's, MLD's and PIM's families predate the drop tables: kept as they were.
struct DropFamily {
  const char* layer;
  const char* name;
  const char* help;
};
constexpr DropFamily kDropFamilies[] = {
    {daemon::drop_layer::kDataplane, "tandem_drops_total",
     "Frames the workers dropped, by port and reason (every reason present)."},
    {daemon::drop_layer::kControl, "tandem_control_drops_total",
     "Punted frames the control core's parser refused, by interface and reason."},
    {daemon::drop_layer::kMld, "tandem_mld_ignored_total",
     "MLD messages, records and entries ignored or refused, by reason (limits included)."},
    {daemon::drop_layer::kVrrp6, "tandem_vrrp6_rx_drops_total",
     "VRRP6 adverts received and not used, by interface and reason."},
    {daemon::drop_layer::kBfd, "tandem_bfd_rx_drops_total",
     "BFD control packets received and not used, by interface and reason."},
    {daemon::drop_layer::kPim, "tandem_pim_rx_drops_total",
     "PIM messages received and not used, by reason (every reason present)."},
    {daemon::drop_layer::kNd, "tandem_nd_solicitations_ignored_total",
     "Neighbor Solicitations received and not answered, by interface and reason."},
    {daemon::drop_layer::kRbs, "tandem_rbs_closes_total",
     "RBS connections closed or refused, by service and reason."},
    {daemon::drop_layer::kCore, "tandem_core_drops_total",
     "Frames the control core could not use or could not send, by interface and reason."},
};

template <typename Builder>
auto& build(Builder b, const char* name, const char* help, prometheus::Registry& r) {
  return b.Name(name).Help(help).Register(r);
}
}  // namespace

Exporter::Exporter() : registry_(std::make_shared<prometheus::Registry>()) {
  auto& r = *registry_;
  auto counter = [&](Series<prometheus::Counter>& s, const char* name, const char* help) {
    s.family = &build(prometheus::BuildCounter(), name, help, r);
    counters_.push_back(&s);
  };
  auto gauge = [&](Series<prometheus::Gauge>& s, const char* name, const char* help) {
    s.family = &build(prometheus::BuildGauge(), name, help, r);
    gauges_.push_back(&s);
  };
  counter(port_rx_, "tandem_port_rx_packets_total", "Frames received on the port.");
  counter(port_tx_, "tandem_port_tx_packets_total", "Frames sent on the port.");
  counter(port_forwarded_, "tandem_port_forwarded_packets_total",
          "Multicast data frames received on the port that left on at least one port.");
  counter(port_copies_, "tandem_port_copies_total", "Replicas made for this egress port.");
  counter(port_clones_, "tandem_port_clones_total",
          "Replicas made as header mbuf plus indirect payload.");
  counter(port_punted_, "tandem_port_punted_packets_total",
          "Frames queued to the control core: control messages and, for PIM, data.");
  counter(port_punted_mld_, "tandem_port_punted_mld_packets_total", "MLD frames punted.");
  counter(port_punted_vrrp_, "tandem_port_punted_vrrp_packets_total", "VRRP frames punted.");
  counter(port_punted_bfd_, "tandem_port_punted_bfd_packets_total", "BFD frames punted.");
  counter(port_punted_nd_, "tandem_port_punted_nd_packets_total", "ND frames punted.");
  counter(port_punted_pim_, "tandem_port_punted_pim_packets_total", "PIM frames punted.");
  counter(port_punted_data_, "tandem_port_punted_data_packets_total",
          "Multicast data frames punted for PIM: copies of frames forwarded on a (*,G) entry "
          "that notifies sources, and frames that failed RPF on a PIM interface.");
  for (const auto& f : kDropFamilies) counter(drop_families_[f.layer], f.name, f.help);
  counter(lcore_rx_, "tandem_lcore_rx_packets_total", "Frames received by the lcore on the port.");
  counter(lcore_tx_, "tandem_lcore_tx_packets_total", "Frames sent by the lcore on the port.");
  counter(lcore_copies_, "tandem_lcore_copies_total", "Replicas made by the lcore for the port.");
  counter(lcore_punted_, "tandem_lcore_punted_packets_total", "Frames the lcore punted.");
  counter(lcore_dropped_, "tandem_lcore_dropped_packets_total", "Frames the lcore dropped.");
  counter(mld_joins_, "tandem_mld_joins_total", "Group entries created on the interface.");
  counter(mld_leaves_, "tandem_mld_leaves_total", "Group entries removed on the interface.");
  gauge(mld_source_entries_, "tandem_mld_source_entries",
        "MLD source entries on all interfaces (bounded by mld global limit sources).");
  counter(vrrp_transitions_, "tandem_vrrp6_transitions_total", "VRRP6 state changes.");
  counter(bfd_flaps_, "tandem_bfd_flaps_total", "BFD session transitions out of Up.");
  counter(rbs_reconnects_, "tandem_rbs_reconnects_total", "RBS TCP connections re-established.");
  counter(rbs_snapshots_sent_, "tandem_rbs_snapshots_sent_total", "Full snapshots sent.");
  counter(rbs_snapshots_received_, "tandem_rbs_snapshots_received_total",
          "Full snapshots received.");
  counter(rbs_auth_failures_, "tandem_rbs_auth_failures_total",
          "RBS connections refused by peer authentication (authentication-key), by reason.");
  counter(reloads_, "tandem_config_reloads_total", "Configuration reloads applied.");
  counter(reload_failures_, "tandem_config_reload_failures_total",
          "Configuration reloads refused (errors in the file).");
  gauge(mld_groups_, "tandem_mld_groups", "MLD group entries on the interface.");
  gauge(mld_querier_, "tandem_mld_querier", "1 when this router is the MLD querier.");
  gauge(vrrp_state_, "tandem_vrrp6_state", "VRRP6 state: 0 Initialize, 1 Backup, 2 Master.");
  gauge(vrrp_priority_, "tandem_vrrp6_priority", "VRRP6 running priority.");
  gauge(vrrp_split_brain_, "tandem_vrrp6_split_brain",
        "1 while this router and another are both VRRP6 Master of the group (split brain).");
  counter(vrrp_split_brain_events_, "tandem_vrrp6_split_brain_events_total",
          "Split-brain alarms raised for the VRRP6 group.");
  gauge(bfd_state_, "tandem_bfd_state", "BFD state: 0 AdminDown, 1 Down, 2 Init, 3 Up.");
  gauge(rbs_connected_, "tandem_rbs_connected", "1 when the RBS TCP connection is up.");
  gauge(rbs_authenticated_, "tandem_rbs_authenticated",
        "1 when the live RBS link is authenticated and MAC-protected, 0 when it is not.");
  gauge(rbs_master_, "tandem_rbs_master", "1 when this router sends the RBS state (master).");
  gauge(rbs_seq_sent_, "tandem_rbs_last_seq_sent", "Last delta sequence number sent.");
  gauge(rbs_seq_acked_, "tandem_rbs_last_seq_acked", "Last delta sequence number acknowledged.");
  gauge(rbs_lag_, "tandem_rbs_seq_lag", "Deltas sent and not yet acknowledged.");
  gauge(rbs_digest_, "tandem_rbs_digest_low32",
        "Low 32 bits of the replicated-state digest (equal on both routers when in sync).");
  gauge(fib_entries_, "tandem_fib_entries", "(S,G) and (*,G) entries in the FIB.");
  gauge(pim_neighbors_, "tandem_pim_neighbors", "PIM neighbors on the interface.");
  gauge(pim_is_dr_, "tandem_pim_is_dr", "1 when this router is the PIM DR of the interface.");
  counter(pim_hellos_sent_, "tandem_pim_hellos_sent_total", "PIM Hellos sent.");
  counter(pim_hellos_received_, "tandem_pim_hellos_received_total", "PIM Hellos received.");
  counter(pim_jp_sent_, "tandem_pim_join_prune_sent_total", "PIM Join/Prune messages sent.");
  counter(pim_jp_received_, "tandem_pim_join_prune_received_total",
          "PIM Join/Prune messages received.");
  counter(pim_joins_sent_, "tandem_pim_joins_sent_total",
          "Join entries inside the Join/Prune messages sent.");
  counter(pim_prunes_sent_, "tandem_pim_prunes_sent_total",
          "Prune entries inside the Join/Prune messages sent.");
  counter(pim_asserts_sent_, "tandem_pim_asserts_sent_total", "PIM Asserts sent.");
  counter(pim_asserts_received_, "tandem_pim_asserts_received_total", "PIM Asserts received.");
  counter(pim_asserts_won_, "tandem_pim_asserts_won_total", "PIM Assert elections won.");
  counter(pim_asserts_lost_, "tandem_pim_asserts_lost_total", "PIM Assert elections lost.");
  gauge(pim_routes_, "tandem_pim_routes",
        "PIM upstream entries by kind: star_g (*,G), s_g (S,G), s_g_rpt (S,G,rpt) pruned.");
  counter(pim_spt_switches_, "tandem_pim_spt_switches_total",
          "Switches from the RP tree to a source tree (first packet of a source).");
  counter(pim_data_notifications_, "tandem_pim_data_notifications_total",
          "Data packets the workers reported to PIM (source notifications and RPF failures).");
  auto& lat = build(prometheus::BuildHistogram(), "tandem_control_loop_seconds",
                    "Time one control-loop iteration spent working.", r);
  loop_latency_ =
      &lat.Add({}, prometheus::Histogram::BucketBoundaries{0.00001, 0.00005, 0.0001, 0.0005, 0.001,
                                                           0.005, 0.01, 0.05, 0.1});
}

void Exporter::begin_round() {
  for (auto* s : counters_) s->seen.clear();
  for (auto* s : gauges_) s->seen.clear();
}

template <typename T>
static void prune(std::map<prometheus::Labels, T*>& live, std::map<prometheus::Labels, bool>& seen,
                  prometheus::Family<T>* family, std::map<prometheus::Labels, double>* last) {
  for (auto it = live.begin(); it != live.end();) {
    if (seen.count(it->first)) {
      ++it;
      continue;
    }
    family->Remove(it->second);
    if (last) last->erase(it->first);
    it = live.erase(it);
  }
}

void Exporter::end_round() {
  for (auto* s : counters_) prune(s->live, s->seen, s->family, &s->last);
  for (auto* s : gauges_) prune(s->live, s->seen, s->family, &s->last);
}

void Exporter::set_gauge(Series<prometheus::Gauge>& s, const prometheus::Labels& l, double v) {
  auto it = s.live.find(l);
  if (it == s.live.end()) it = s.live.emplace(l, &s.family->Add(l)).first;
  it->second->Set(v);
  s.seen[l] = true;
}

void Exporter::set_counter(Series<prometheus::Counter>& s, const prometheus::Labels& l,
                           uint64_t v) {
  auto it = s.live.find(l);
  if (it == s.live.end()) it = s.live.emplace(l, &s.family->Add(l)).first;
  double now = static_cast<double>(v);
  auto last = s.last.find(l);
  double before = last == s.last.end() ? 0.0 : last->second;
  if (now > before) it->second->Increment(now - before);
  s.last[l] = now;  // after a reset the source restarts from 0: follow it, never decrement
  s.seen[l] = true;
}

void Exporter::update(const MetricsSnapshot& s) {
  begin_round();
  for (const auto& p : s.ports) {
    prometheus::Labels l{{"port", p.port}};
    set_counter(port_rx_, l, p.rx);
    set_counter(port_tx_, l, p.tx);
    set_counter(port_forwarded_, l, p.forwarded);
    set_counter(port_copies_, l, p.copies);
    set_counter(port_clones_, l, p.clones);
    set_counter(port_punted_, l, p.punted);
    set_counter(port_punted_mld_, l, p.punted_mld);
    set_counter(port_punted_vrrp_, l, p.punted_vrrp);
    set_counter(port_punted_bfd_, l, p.punted_bfd);
    set_counter(port_punted_nd_, l, p.punted_nd);
    set_counter(port_punted_pim_, l, p.punted_pim);
    set_counter(port_punted_data_, l, p.punted_data);
  }
  for (const auto& c : s.lcores) {
    prometheus::Labels l{{"lcore", c.lcore}, {"port", c.port}};
    set_counter(lcore_rx_, l, c.rx);
    set_counter(lcore_tx_, l, c.tx);
    set_counter(lcore_copies_, l, c.copies);
    set_counter(lcore_punted_, l, c.punted);
    set_counter(lcore_dropped_, l, c.dropped);
  }
  for (const auto& m : s.mld) {
    prometheus::Labels l{{"interface", m.interface}};
    set_gauge(mld_groups_, l, static_cast<double>(m.groups));
    set_gauge(mld_querier_, l, m.querier ? 1 : 0);
    set_counter(mld_joins_, l, m.joins);
    set_counter(mld_leaves_, l, m.leaves);
  }
  for (const auto& v : s.vrrp6) {
    prometheus::Labels l{{"interface", v.interface}, {"vrid", std::to_string(v.vrid)}};
    set_gauge(vrrp_state_, l, v.state);
    set_gauge(vrrp_priority_, l, v.priority);
    set_counter(vrrp_transitions_, l, v.transitions);
    set_gauge(vrrp_split_brain_, l, v.split_brain ? 1 : 0);
    set_counter(vrrp_split_brain_events_, l, v.split_brain_events);
  }
  for (const auto& b : s.bfd) {
    prometheus::Labels l{{"session", b.session}};
    set_gauge(bfd_state_, l, b.state);
    set_counter(bfd_flaps_, l, b.flaps);
  }
  for (const auto& r : s.rbs) {
    prometheus::Labels l{{"service", r.service}};
    set_gauge(rbs_connected_, l, r.connected ? 1 : 0);
    set_gauge(rbs_authenticated_, l, r.authenticated ? 1 : 0);
    set_gauge(rbs_master_, l, r.master ? 1 : 0);
    set_gauge(rbs_seq_sent_, l, static_cast<double>(r.last_seq_sent));
    set_gauge(rbs_seq_acked_, l, static_cast<double>(r.last_seq_acked));
    set_gauge(rbs_lag_, l,
              r.last_seq_sent > r.last_seq_acked
                  ? static_cast<double>(r.last_seq_sent - r.last_seq_acked)
                  : 0.0);
    set_gauge(rbs_digest_, l, static_cast<double>(r.digest & 0xffffffffu));
    set_counter(rbs_reconnects_, l, r.reconnects);
    set_counter(rbs_snapshots_sent_, l, r.snapshots_sent);
    set_counter(rbs_snapshots_received_, l, r.snapshots_received);
    for (const auto& [reason, n] : r.auth_failures)
      set_counter(rbs_auth_failures_, {{"service", r.service}, {"reason", reason}}, n);
  }
  for (const auto& p : s.pim.interfaces) {
    prometheus::Labels l{{"interface", p.interface}};
    set_gauge(pim_neighbors_, l, static_cast<double>(p.neighbors));
    set_gauge(pim_is_dr_, l, p.dr ? 1 : 0);
    set_counter(pim_hellos_sent_, l, p.hellos_sent);
    set_counter(pim_hellos_received_, l, p.hellos_received);
    set_counter(pim_jp_sent_, l, p.join_prunes_sent);
    set_counter(pim_jp_received_, l, p.join_prunes_received);
    set_counter(pim_joins_sent_, l, p.joins_sent);
    set_counter(pim_prunes_sent_, l, p.prunes_sent);
    set_counter(pim_asserts_sent_, l, p.asserts_sent);
    set_counter(pim_asserts_received_, l, p.asserts_received);
    set_counter(pim_asserts_won_, l, p.asserts_won);
    set_counter(pim_asserts_lost_, l, p.asserts_lost);
  }
  for (const auto& [kind, n] :
       {std::pair{"star_g", s.pim.star_g}, {"s_g", s.pim.s_g}, {"s_g_rpt", s.pim.s_g_rpt}})
    set_gauge(pim_routes_, {{"kind", kind}}, static_cast<double>(n));
  set_counter(pim_spt_switches_, {}, s.pim.spt_switches);
  set_counter(pim_data_notifications_, {}, s.pim.data_notifications);
  set_counter(reloads_, {}, s.config_reloads);
  set_counter(reload_failures_, {}, s.config_reload_failures);
  set_gauge(fib_entries_, {}, static_cast<double>(s.fib_entries));
  set_gauge(mld_source_entries_, {}, static_cast<double>(s.mld_source_entries));
  for (const auto& t : s.drops) {
    auto family = drop_families_.find(t.layer);
    if (family == drop_families_.end()) continue;  // a layer without a family is not exported
    for (const auto& row : t.rows)
      for (size_t i = 0; i < t.reasons.size() && i < row.counts.size(); ++i)
        set_counter(family->second, {{t.key, row.name}, {"reason", t.reasons[i]}}, row.counts[i]);
  }
  end_round();
}

void Exporter::observe_loop_latency(double seconds) {
  loop_latency_->Observe(seconds);
}

std::string Exporter::serialize() const {
  prometheus::TextSerializer ser;
  std::ostringstream out;
  ser.Serialize(out, registry_->Collect());
  return out.str();
}

}  // namespace tandem::metrics
