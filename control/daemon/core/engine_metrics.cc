#include "control/daemon/core/engine_metrics.h"

#include "control/daemon/core/pim_counter_fields.h"

namespace tandem::daemon {

void fill_engine_metrics(metrics::MetricsSnapshot& m, TimePoint now, const Engines& e,
                         const RbsServices& rbs, const MldGroupStore& store,
                         const FibSync& fib_sync, const CoreCounters& counters) {
  for (uint32_t ifindex : e.mld.interfaces()) {
    auto st = e.mld.interface_status(ifindex, now);
    if (!st) continue;
    m.mld.push_back({st->name, st->groups, st->joins, st->leaves, st->is_querier});
  }
  m.mld_source_entries = e.mld.source_count();
  for (const auto& s : e.vrrp.status())
    m.vrrp6.push_back({s.ifname, s.vrid, static_cast<int>(s.state), s.priority_run, s.transitions,
                       s.split_brain.active, s.split_brain.events});
  for (const auto& s : e.bfd.status())
    m.bfd.push_back({s.name, static_cast<int>(s.state), s.flaps});
  for (const auto& [name, r] : rbs.all()) {
    metrics::RbsMetrics x;
    x.service = name;
    if (r.endpoint) {
      auto st = r.endpoint->channel().status();
      x.connected = st.link_up;
      x.authenticated = st.link_up && st.authenticated;
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
    x.digest = store.digest();
    m.rbs.push_back(x);
  }
  for (const auto& i : e.pim.interfaces(now)) {
    metrics::PimInterfaceMetrics& p = m.pim.interfaces.emplace_back();
    p.interface = i.interface;
    p.neighbors = i.neighbor_count;
    p.dr = i.is_dr;
    copy_pim_counters(i.counters, p);
  }
  const pim::Totals t = e.pim.totals();
  m.pim.star_g = t.star_g;
  m.pim.s_g = t.s_g;
  m.pim.s_g_rpt = t.s_g_rpt;
  m.pim.spt_switches = t.spt_switches;
  m.pim.data_notifications = t.data_notifications;
  m.config_reloads = counters.reloads;
  m.config_reload_failures = counters.reload_failures;
  m.fib_entries = 0;
  for (const auto& [g, e] : fib_sync.installed()) m.fib_entries += e.size();
}

}  // namespace tandem::daemon
