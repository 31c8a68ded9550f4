// What the `display pim ipv6 ...` commands and the metrics read from the engine: one
// snapshot per display, text and JSON both built from it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "control/common/time.h"
#include "control/pim/config.h"
#include "control/pim/events.h"
#include "control/pim/rp_map.h"

namespace tandem::pim {

struct NeighborStatus {  // display pim ipv6 neighbor
  uint32_t ifindex = 0;
  std::string interface;
  Ipv6Address address;  // link-local primary address
  std::vector<Ipv6Address> secondary;
  Duration uptime{};
  std::optional<Duration> expires;  // empty: holdtime 0xffff, never
  std::optional<uint32_t> dr_priority;
  uint32_t generation_id = 0;
  uint16_t holdtime_s = 0;
};

struct InterfaceStatus {  // display pim ipv6 interface [verbose]
  uint32_t ifindex = 0;
  std::string interface;
  bool enabled = false;
  bool up = false;
  Ipv6Address address;  // our link-local
  size_t neighbor_count = 0;
  seconds hello_period{};
  uint16_t hello_holdtime_s = 0;
  uint32_t dr_priority = 0;
  Ipv6Address dr_address;
  bool is_dr = false;
  seconds join_prune_period{};
  uint32_t generation_id = 0;
  bool ignore_dr_state = false;
  bool ignore_assert_state = false;
  bool forwarding = true;  // the VRRP6 gate (open unless bound and not Master)
  Duration effective_override_interval{};
  Duration effective_propagation_delay{};
  bool join_suppression = true;
  Duration next_hello{};
  InterfaceCounters counters;
};

enum class AssertState : uint8_t { no_info, winner, loser };
const char* assert_state_name(AssertState s);  // "NoInfo", "Winner", "Loser"

struct DownstreamStatus {
  uint32_t ifindex = 0;
  std::string interface;
  std::string protocol;  // "mld" (local receivers), "mld-backup" never: MLD state is one
  AssertState assert_state = AssertState::no_info;
  Ipv6Address assert_winner;
  std::optional<Duration> assert_expires;
  bool excluded = false;  // lost an Assert and ignore assert-state is off: not forwarded
};

struct RouteStatus {                  // display pim ipv6 routing-table
  std::optional<Ipv6Address> source;  // empty: (*,G)
  Ipv6Address group;
  std::optional<Ipv6Address> rp;
  std::string protocol;            // "pim-sm" or "pim-ssm"
  std::vector<std::string> flags;  // WC, RPT, SPT, SWT (switching), LOC, RPT-PRUNE ...
  Duration uptime{};
  uint32_t upstream_ifindex = 0;  // 0: no RPF interface
  std::string upstream_interface;
  std::optional<Ipv6Address> upstream_neighbor;   // RPF neighbor from the route
  std::optional<Ipv6Address> rpf_prime_neighbor;  // RPF' (Assert winner when we lost one)
  bool joined = false;
  std::optional<Duration> join_timer;
  std::optional<Duration> keepalive;
  bool spt_bit = false;
  bool rpt_pruned = false;
  std::vector<DownstreamStatus> downstream;
};

struct RpStatus {  // display pim ipv6 rp-info
  Ipv6Address rp;
  Prefix groups;
  RpSource source = RpSource::static_rp;
  uint32_t rpf_ifindex = 0;
  std::string rpf_interface;
  std::optional<Ipv6Address> rpf_neighbor;
  size_t groups_joined = 0;  // (*,G) entries joined toward it
};

struct Totals {  // router-wide, for metrics
  uint64_t neighbors = 0;
  uint64_t star_g = 0, s_g = 0, s_g_rpt = 0;
  uint64_t spt_switches = 0;
  uint64_t data_notifications = 0;
};

}  // namespace tandem::pim
