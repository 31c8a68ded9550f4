// What the PIM-SM engine is told by configuration: per interface (the `pim ipv6 ...`
// interface commands plus the addresses the interface owns), the router-wide `pim-ipv6`
// view, and the unicast routes RPF is computed from. Protocol constants of RFC 7761 §4.11.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "control/common/time.h"
#include "control/wire/address.h"

namespace tandem::pim {

using wire::Ipv6Address;

// RFC 7761 §4.11 timer values.
inline constexpr seconds kDefaultHelloPeriod{30};
inline constexpr seconds kTriggeredHelloDelay{5};
inline constexpr seconds kDefaultJoinPrunePeriod{60};
inline constexpr seconds kKeepalivePeriod{210};
inline constexpr seconds kAssertTime{180};
inline constexpr seconds kAssertOverrideInterval{3};
inline constexpr milliseconds kDefaultPropagationDelay{500};
inline constexpr milliseconds kDefaultOverrideInterval{2500};
inline constexpr uint32_t kDefaultDrPriority = 1;
// Holdtimes are 3.5 x the period (§4.11: Hello and J/P holdtimes).
inline constexpr Duration holdtime_for(seconds period) {
  return std::chrono::duration_cast<Duration>(period * 7) / 2;
}

using Prefix = wire::Ipv6Prefix;

struct InterfaceConfig {
  uint32_t ifindex = 0;
  std::string name;
  Ipv6Address link_local;         // primary address: Hello source, J/P upstream neighbor
  std::vector<Prefix> addresses;  // global addresses: connected prefixes, Hello Address List
  bool pim_enabled = false;       // `pim ipv6 sm`
  seconds hello_period = kDefaultHelloPeriod;
  std::optional<uint16_t> hello_holdtime_s;  // default 3.5 x hello period
  uint32_t dr_priority = kDefaultDrPriority;
  seconds join_prune_period = kDefaultJoinPrunePeriod;
  bool ignore_dr_state = false;      // local receivers count whether or not we are DR
  bool ignore_assert_state = false;  // a lost Assert does not remove the interface
  bool operator==(const InterfaceConfig&) const = default;

  uint16_t hello_holdtime() const;
};

// `ipv6 route-static PREFIX LEN {NEXTHOP | INTERFACE [NEXTHOP]}`; ifindex 0 = resolve the
// interface from the connected prefix holding the next hop.
struct StaticRoute {
  Prefix prefix;
  uint32_t ifindex = 0;
  std::optional<Ipv6Address> nexthop;
  bool operator==(const StaticRoute&) const = default;
};

struct StaticRp {
  Ipv6Address rp;
  Prefix groups{Ipv6Address::must_parse("ff00::"), 8};
  bool operator==(const StaticRp&) const = default;
};

struct GlobalConfig {
  std::vector<StaticRp> static_rps;
  bool embedded_rp = true;
  bool spt_switch_infinity = false;  // `spt-switch-threshold infinity`
  std::vector<StaticRoute> routes;
  bool operator==(const GlobalConfig&) const = default;
};

// The SSM range of RFC 4607 §1: ff3x::/32 (any scope x). Source-specific joins only.
bool is_ssm_group(const Ipv6Address& g);

}  // namespace tandem::pim
