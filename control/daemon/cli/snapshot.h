// One snapshot struct per display command. tandemd fills them from the engines; the text
// and JSON renderers (render.h) read only these, so both forms always agree. Addresses are
// already in RFC 5952 text; times are durations in ms (or s where the unit says so),
// -1 where a time does not apply.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "control/daemon/drop_table.h"

namespace tandem::cli {

// display remote-backup-service [NAME] [verbose]
struct RbsRow {
  uint32_t index = 0;
  std::string name;
  std::string tcp_state;  // connected | connecting | listening | down
  std::string peer_ip, source_ip;
  uint16_t tcp_port = 0;
  std::string track_bfd;  // "" when none, else the session id
  int64_t last_up_ms_ago = -1;
  std::string batch_backup;  // idle | running | finished
  std::string role;          // master | backup
  uint64_t last_seq_sent = 0, last_seq_acked = 0;
  std::string digest;  // 16 hex chars
  // configured | none: whether an authentication-key is set (never the key itself)
  std::string authentication = "none";
  // authenticated | unauthenticated (no key: frames carry no MAC) | - (no live link)
  std::string channel = "-";
  // verbose
  uint64_t snapshots_sent = 0, snapshots_received = 0;
  uint64_t deltas_sent = 0, deltas_received = 0;
  uint64_t reconnects = 0;
  uint64_t frames_rejected = 0;
  // Connections refused by peer authentication, by close reason (auth_missing, ...).
  std::vector<std::pair<std::string, uint64_t>> auth_failures;
};
struct RbsSnapshot {
  std::vector<RbsRow> services;
};

// display remote-backup-profile [NAME]
struct RbpRow {
  uint32_t index = 0;
  std::string name;
  std::string service;
  uint16_t backup_id = 0;
  std::string track_protocol = "VRRP6";
  uint8_t vrrp_id = 0;
  std::string vrrp_interface;
  std::string state;       // master | backup | initialize
  std::string peer_state;  // master | backup | unknown
  std::vector<std::string> interfaces;
  std::string backup_mode = "hot";
};
struct RbpSnapshot {
  std::vector<RbpRow> profiles;
};

// display vrrp6 [brief]
struct Vrrp6Row {
  std::string interface;
  uint8_t vrid = 0;
  std::string state;  // Initialize | Backup | Master
  std::vector<std::string> virtual_ips;
  std::string master_ip, local_ip;
  uint32_t priority_run = 0, priority_config = 0, master_priority = 0;
  bool preempt = true;
  uint32_t delay_time_s = 0;
  uint32_t timer_run_cs = 0, timer_config_cs = 0;
  std::string virtual_mac;
  std::string config_type;             // normal-vrrp | admin-vrrp | member-vrrp
  std::vector<std::string> track_bfd;  // "10 reduced 50", "20 peer"
  std::string backup_group;            // member-vrrp: "ge1 vrid 1"
  int64_t create_ms_ago = -1, last_change_ms_ago = -1;
  std::string last_change_reason;
  uint64_t transitions = 0;
  // "Split Brain" (tandem addition, control/vrrp6/split_brain.h): another router is Master
  // of the group too. Evidence and times describe the current alarm, or the last one.
  bool split_brain = false;
  uint64_t split_brain_events = 0;
  std::string split_brain_evidence;      // advert_we_win | advert_we_lose_unheard | rbs_peer_master
  std::string split_brain_other_master;  // advert evidence: the other Master's address
  int64_t split_brain_raised_ms_ago = -1, split_brain_cleared_ms_ago = -1;
};
struct Vrrp6Snapshot {
  std::vector<Vrrp6Row> groups;
};

// display bfd session all for-ipv6 [verbose]
struct BfdRow {
  std::string name;
  uint32_t local = 0, remote = 0;
  std::string peer_ip;
  std::string state;  // AdminDown | Down | Init | Up
  std::string type = "Static";
  std::string interface;
  // verbose
  uint32_t min_tx_ms = 0, min_rx_ms = 0, actual_tx_ms = 0, actual_rx_ms = 0;
  uint32_t detect_multiplier = 0;
  std::string bind_application;  // VRRP6 | RBS | VRRP6|RBS | --
  std::string not_up_reason;     // diag text, "--" when Up
  uint64_t flaps = 0;
};
struct BfdSnapshot {
  std::vector<BfdRow> sessions;
};

// display mld group [interface IF] [verbose]
struct MldSourceRow {
  std::string address;
  int64_t expires_ms = -1;
};
struct MldGroupRow {
  std::string interface;
  std::string group;
  int64_t uptime_ms = 0;
  int64_t expires_ms = -1;  // filter timer (EXCLUDE); -1 in INCLUDE mode
  std::string last_reporter;
  std::string filter_mode;  // include | exclude
  std::vector<MldSourceRow> sources;
  std::string origin;  // local | backup
};
struct MldGroupSnapshot {
  std::vector<MldGroupRow> groups;
  std::string digest;
};

// display mld interface [IF]
struct MldInterfaceRow {
  std::string interface;
  bool enabled = true;
  uint32_t version = 2;
  std::string querier;  // address of the current querier
  bool is_querier = false;
  uint32_t query_interval_s = 125;
  uint32_t robustness = 2;
  uint32_t max_response_s = 10;
  uint32_t last_listener_query_interval_s = 1;
  uint32_t last_listener_query_count = 2;
  uint64_t groups = 0;
  uint64_t joins = 0, leaves = 0;
  bool backup_mode = false;          // state comes from the RBS (VRRP6 Backup on an RBP interface)
  bool require_router_alert = true;  // mld require-router-alert (docs/mld-controls.md)
};
struct MldInterfaceSnapshot {
  std::vector<MldInterfaceRow> interfaces;
};

// display multicast ipv6 forwarding-table
struct ForwardingEgress {
  std::string interface;
  bool gate_open = true;
};
struct ForwardingRow {
  std::string source;  // "*" for (*,G)
  std::string group;
  std::vector<std::string> upstream;  // accepting (RPF) interfaces
  // No per-entry packet count: workers keep counters per port, not per entry (a counter per
  // entry would be a shared write on the hot path); see tandem_port_forwarded_packets_total.
  std::vector<ForwardingEgress> egress;
};
struct ForwardingSnapshot {
  std::vector<ForwardingRow> entries;
  uint64_t generation = 0;
};

// ---- PIM (display pim ipv6 ...). Times in s; -1 where a time or value does not apply
// (JSON null), "" where there is no address or interface (JSON null).

// display pim ipv6 neighbor
struct PimNeighborRow {
  std::string neighbor;  // the neighbor's link-local (primary) address
  std::string interface;
  int64_t uptime_s = 0;
  int64_t expires_s = -1;    // -1: never (Hello holdtime 65535)
  int64_t dr_priority = -1;  // -1: the Hello had no DR Priority option
  uint32_t generation_id = 0;
  std::vector<std::string> secondary_addresses;  // the Hello's Address List
};
struct PimNeighborSnapshot {
  std::vector<PimNeighborRow> neighbors;
};

// display pim ipv6 interface [verbose]
struct PimInterfaceRow {
  std::string interface;
  bool up = false;
  uint64_t neighbor_count = 0;
  uint32_t hello_interval_s = 0;
  uint32_t dr_priority = 0;
  std::string dr_address;
  bool is_dr = false;  // "(local)"
  // verbose
  std::string address;  // ours, link-local
  uint32_t hello_holdtime_s = 0;
  uint32_t join_prune_interval_s = 0;
  uint32_t generation_id = 0;
  bool ignore_dr_state = false, ignore_assert_state = false;
  bool forwarding_gate_open = true;                            // the VRRP6 gate
  int64_t override_interval_ms = 0, propagation_delay_ms = 0;  // effective (LAN Prune Delay)
  bool join_suppression = true;
  uint64_t hellos_sent = 0, hellos_received = 0;
  uint64_t join_prunes_sent = 0, join_prunes_received = 0;
  uint64_t joins_sent = 0, prunes_sent = 0;
  uint64_t asserts_sent = 0, asserts_received = 0, asserts_won = 0, asserts_lost = 0;
  uint64_t neighbor_ups = 0, neighbor_downs = 0;
  std::vector<std::pair<std::string, uint64_t>> rx_drops;  // every reason (pim::rx_drop_name)
};
struct PimInterfaceSnapshot {
  std::vector<PimInterfaceRow> interfaces;
};

// display pim ipv6 routing-table
struct PimDownstreamRow {
  std::string interface;
  std::string protocol;      // mld
  std::string assert_state;  // NoInfo | Winner | Loser
  std::string assert_winner;
  int64_t assert_expires_s = -1;
  bool excluded = false;  // lost an Assert (and ignore assert-state is off): not forwarded
};
struct PimRouteRow {
  std::string source;  // "*" for (*,G)
  std::string group;
  std::string rp;
  std::string protocol;            // pim-sm | pim-ssm
  std::vector<std::string> flags;  // WC, RPT, SPT, SWT, RPT-PRUNE, LOC
  int64_t uptime_s = 0;
  std::string upstream_interface;
  std::string upstream_neighbor;   // RPF neighbor
  std::string rpf_prime_neighbor;  // RPF' (the Assert winner when we lost one)
  bool joined = false;
  int64_t join_timer_s = -1, keepalive_s = -1;
  bool spt_bit = false, rpt_pruned = false;
  std::vector<PimDownstreamRow> downstream;
};
struct PimRoutingSnapshot {
  std::vector<PimRouteRow> entries;
};

// display pim ipv6 rp-info
struct PimRpRow {
  std::string rp_address;
  std::string group_range;  // ff00::/8
  std::string type;         // static | embedded
  std::string rpf_interface, rpf_neighbor;
  uint64_t groups_joined = 0;
};
struct PimRpSnapshot {
  std::vector<PimRpRow> rps;
};

// display drop statistics [interface IF]: every layer's drops since the last reset, each row
// with every reason of its layer (zero included).
struct DropSnapshot {
  std::vector<daemon::DropTable> layers;
};

}  // namespace tandem::cli
