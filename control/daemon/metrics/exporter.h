// Prometheus families for tandem (DESIGN.md §6 metrics contract): names prefixed `tandem_`,
// counters end in `_total`, labels only port, lcore, interface, vrid, session, service,
// reason, kind. Values are mirrored from a MetricsSnapshot; a counter that goes backwards (an
// operator `reset ... statistics`) is not decremented, so the exported series stay monotonic.
#pragma once

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "control/daemon/metrics/snapshot.h"

namespace tandem::metrics {

class Exporter {
 public:
  Exporter();

  void update(const MetricsSnapshot& s);
  // Time one control-loop iteration spent working (not waiting), in seconds.
  void observe_loop_latency(double seconds);

  // Text exposition format 0.0.4.
  std::string serialize() const;
  prometheus::Registry& registry() { return *registry_; }

 private:
  // A family whose series come and go with the snapshot (a VRRP6 group removed by a reload
  // disappears from the output).
  template <typename T>
  struct Series {
    prometheus::Family<T>* family = nullptr;
    std::map<prometheus::Labels, T*> live;
    std::map<prometheus::Labels, double> last;  // counters: last mirrored value
    std::map<prometheus::Labels, bool> seen;
  };

  void begin_round();
  void end_round();
  void set_gauge(Series<prometheus::Gauge>& s, const prometheus::Labels& l, double v);
  void set_counter(Series<prometheus::Counter>& s, const prometheus::Labels& l, uint64_t v);

  std::shared_ptr<prometheus::Registry> registry_;
  std::vector<Series<prometheus::Counter>*> counters_;
  std::vector<Series<prometheus::Gauge>*> gauges_;

  Series<prometheus::Counter> port_rx_, port_tx_, port_forwarded_, port_copies_, port_clones_,
      port_punted_, port_punted_mld_, port_punted_vrrp_, port_punted_bfd_, port_punted_nd_,
      port_punted_pim_, port_punted_data_, lcore_rx_, lcore_tx_, lcore_copies_, lcore_punted_,
      lcore_dropped_, mld_joins_, mld_leaves_, vrrp_transitions_, bfd_flaps_, rbs_reconnects_,
      rbs_snapshots_sent_, rbs_snapshots_received_, reloads_, reload_failures_;
  Series<prometheus::Gauge> mld_groups_, mld_querier_, vrrp_state_, vrrp_priority_, bfd_state_,
      rbs_connected_, rbs_authenticated_, rbs_master_, rbs_seq_sent_, rbs_seq_acked_, rbs_lag_,
      rbs_digest_, fib_entries_;
  // VRRP6 split brain (control/vrrp6/split_brain.h)
  Series<prometheus::Counter> vrrp_split_brain_events_;
  Series<prometheus::Gauge> vrrp_split_brain_;
  // RBS connections refused by peer authentication, by close reason (replication/auth.h).
  Series<prometheus::Counter> rbs_auth_failures_;
  // MLD: the router-wide source entries.
  Series<prometheus::Gauge> mld_source_entries_;
  // PIM-SM (control/pim): per interface, receive drops by reason, entries by kind.
  Series<prometheus::Counter> pim_hellos_sent_, pim_hellos_received_, pim_jp_sent_,
      pim_jp_received_, pim_joins_sent_, pim_prunes_sent_, pim_asserts_sent_, pim_asserts_received_,
      pim_asserts_won_, pim_asserts_lost_, pim_spt_switches_, pim_data_notifications_;
  Series<prometheus::Gauge> pim_neighbors_, pim_is_dr_, pim_routes_;
  // One family per drop layer (MetricsSnapshot::drops), by DropTable::layer.
  std::map<std::string, Series<prometheus::Counter>> drop_families_;
  prometheus::Histogram* loop_latency_ = nullptr;
};

}  // namespace tandem::metrics
