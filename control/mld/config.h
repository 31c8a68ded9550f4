// Per-interface MLD router parameters (RFC 3810 §9) with the defaults and ranges of the
// vendor CLI (reference/commands.md). The engine keeps the configured values here and derives
// every timer from them in one place, so a non-querier that adopts the querier's QRV/QQI
// (§9.1, §9.2) recomputes MALI, OQPI and the rest the same way.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "control/common/time.h"
#include "control/wire/address.h"

namespace tandem::mld {

enum class MldVersion : uint8_t { v1 = 1, v2 = 2 };

// Configuration ranges (`mld ...` interface commands).
inline constexpr uint32_t kMinQueryIntervalS = 1, kMaxQueryIntervalS = 18000;
inline constexpr uint32_t kMinRobustness = 2, kMaxRobustness = 5;
inline constexpr uint32_t kMinMaxResponseS = 1, kMaxMaxResponseS = 125;
inline constexpr uint32_t kMinLastListenerIntervalS = 1, kMaxLastListenerIntervalS = 25;
inline constexpr uint32_t kMaxAccessLimit = 16384;
// A bound on one record's source list so a stream of ALLOWs cannot grow it without end; a
// single report within a 1500-byte MTU carries at most 89 sources per record.
inline constexpr uint32_t kMaxSourcesPerGroup = 512;

// Router-wide bounds on MLD state (`mld global limit groups|sources N`, issue #9): the
// per-interface access-limit cannot bound the sum over many interfaces, nor the source lists.
// The defaults are a bound, never "unlimited": at the measured cost (docs/status.md "Memory
// bounds", perf/mld) 1M groups and 4M sources stay well under 1 GiB of control-plane memory.
inline constexpr uint32_t kDefaultGlobalGroupLimit = 1000000;
inline constexpr uint32_t kDefaultGlobalSourceLimit = 4000000;
inline constexpr uint32_t kMaxGlobalGroupLimit = 16000000;
inline constexpr uint32_t kMaxGlobalSourceLimit = 64000000;

struct GlobalLimits {
  uint32_t groups = kDefaultGlobalGroupLimit;    // (interface, group) records, all interfaces
  uint32_t sources = kDefaultGlobalSourceLimit;  // source entries of all records, both lists

  // Empty when valid, else a one-line reason naming the limit and its range.
  std::string validate() const;
  bool operator==(const GlobalLimits&) const = default;
};

// `mld static-group GROUP [source SOURCE]`: forwarded on the interface without a listener,
// never aged, never replicated (each router has its own configuration). Source :: = every
// source of the group ((*,G), EXCLUDE({})).
struct StaticGroup {
  wire::Ipv6Address group;
  wire::Ipv6Address source;
  auto operator<=>(const StaticGroup&) const = default;
  bool operator==(const StaticGroup&) const = default;
};

struct InterfaceConfig {
  MldVersion version = MldVersion::v2;
  std::chrono::seconds query_interval{125};              // QI, §9.2
  uint8_t robustness = 2;                                // RV, §9.1 (never 0)
  std::chrono::seconds max_response{10};                 // QRI, §9.3 (< QI)
  std::chrono::seconds last_listener_query_interval{1};  // LLQI, §9.8
  uint8_t last_listener_query_count = 0;                 // LLQC, §9.9; 0 = follow RV
  uint32_t access_limit = 0;                             // groups per interface; 0 = none
  // Policies (docs/mld-controls.md); ACL numbers are 2000-2999, 0 = none.
  uint32_t group_policy_acl = 0;           // reports for groups the ACL denies are ignored
  bool prompt_leave = false;               // a Done / TO_IN({}) removes the group at once
  uint32_t prompt_leave_acl = 0;           // ... only for groups this ACL permits (0 = all)
  bool require_router_alert = true;        // RFC 3810 §5: ignore MLD without the hop-by-hop RA
  std::vector<StaticGroup> static_groups;  // sorted, no duplicates

  // Empty when valid, else a one-line reason naming the parameter and its range.
  std::string validate() const;
  bool operator==(const InterfaceConfig&) const = default;
};

// The operational values a router uses at one moment: its own configuration, or the QRV and
// QQI adopted from the current querier while it is not the querier (§9.1, §9.2).
struct EffectiveTimers {
  uint8_t robustness = 2;
  Duration query_interval = std::chrono::seconds(125);
  Duration query_response_interval = std::chrono::seconds(10);
  Duration last_listener_query_interval = std::chrono::seconds(1);
  uint8_t last_listener_query_count = 2;

  static EffectiveTimers from_config(const InterfaceConfig& c);

  // Multicast Address Listening Interval, §9.4: RV × QI + QRI (260 s by default).
  Duration mali() const { return robustness * query_interval + query_response_interval; }
  // Other Querier Present Timeout, §9.5: RV × QI + QRI / 2 (255 s).
  Duration other_querier_present() const {
    return robustness * query_interval + query_response_interval / 2;
  }
  // Startup Query Interval / Count, §9.6, §9.7.
  Duration startup_query_interval() const { return query_interval / 4; }
  uint8_t startup_query_count() const { return robustness; }
  // Last Listener Query Time, §9.10: LLQI × LLQC.
  Duration llqt() const { return last_listener_query_count * last_listener_query_interval; }
  // Older Version Host Present Timeout, §9.12: RV × QI + QRI.
  Duration older_version_host_present() const { return mali(); }
};

}  // namespace tandem::mld
