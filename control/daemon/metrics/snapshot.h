// What the metrics show, gathered by tandemd from the data plane's counter snapshot (never
// the hot path: per-lcore counters are read with relaxed loads by the control core) and from
// the engines. Plain values, so the exporter is testable without DPDK.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "control/daemon/drop_table.h"

namespace tandem::metrics {

struct PortMetrics {
  std::string port;  // interface name of the port
  uint64_t rx = 0, tx = 0, forwarded = 0, copies = 0, clones = 0, punted = 0;
  uint64_t punted_mld = 0, punted_vrrp = 0, punted_bfd = 0, punted_nd = 0, punted_pim = 0,
           punted_data = 0;
};

struct LcorePortMetrics {
  std::string lcore;  // lcore id
  std::string port;
  uint64_t rx = 0, tx = 0, copies = 0, punted = 0, dropped = 0;
};

struct MldInterfaceMetrics {
  std::string interface;
  uint64_t groups = 0;
  uint64_t joins = 0, leaves = 0;
  bool querier = false;
};

struct Vrrp6Metrics {
  std::string interface;
  uint32_t vrid = 0;
  int state = 0;  // 0 Initialize, 1 Backup, 2 Master
  uint32_t priority = 0;
  uint64_t transitions = 0;
  bool split_brain = false;  // another router is Master of the group too
  uint64_t split_brain_events = 0;
};

struct BfdMetrics {
  std::string session;
  int state = 0;       // 0 AdminDown, 1 Down, 2 Init, 3 Up (RFC 5880 §4.1 values)
  uint64_t flaps = 0;  // transitions out of Up
};

struct RbsMetrics {
  std::string service;
  bool connected = false;
  bool authenticated = false;  // the live link's peer proved the key and its frames are MACed
  bool master = false;
  uint64_t last_seq_sent = 0, last_seq_acked = 0;
  uint64_t digest = 0;  // exposed as its low 32 bits (a gauge holds a double)
  uint64_t reconnects = 0;
  uint64_t snapshots_sent = 0, snapshots_received = 0;
  std::map<std::string, uint64_t> auth_failures;  // by close reason name (auth_missing, ...)
};

struct PimInterfaceMetrics {
  std::string interface;
  uint64_t neighbors = 0;
  bool dr = false;
  uint64_t hellos_sent = 0, hellos_received = 0;
  uint64_t join_prunes_sent = 0, join_prunes_received = 0;
  uint64_t joins_sent = 0, prunes_sent = 0;  // entries inside the Join/Prune messages
  uint64_t asserts_sent = 0, asserts_received = 0, asserts_won = 0, asserts_lost = 0;
};

struct PimMetrics {
  std::vector<PimInterfaceMetrics> interfaces;  // PIM-enabled interfaces
  uint64_t star_g = 0, s_g = 0, s_g_rpt = 0;    // upstream entries by kind
  uint64_t spt_switches = 0;
  uint64_t data_notifications = 0;  // data packets the workers reported to PIM
};

struct MetricsSnapshot {
  std::vector<PortMetrics> ports;
  std::vector<LcorePortMetrics> lcores;
  std::vector<MldInterfaceMetrics> mld;
  std::vector<Vrrp6Metrics> vrrp6;
  std::vector<BfdMetrics> bfd;
  std::vector<RbsMetrics> rbs;
  uint64_t config_reloads = 0, config_reload_failures = 0;
  uint64_t fib_entries = 0;
  uint64_t mld_source_entries = 0;  // all interfaces (mld global limit sources bounds it)
  PimMetrics pim;
  // Every layer's drops (data plane first), one `reason`-labelled family each (exporter.cc).
  std::vector<daemon::DropTable> drops;
};

}  // namespace tandem::metrics
