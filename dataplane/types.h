// Small value types shared by the data plane's facade, FIB writer and counters. No DPDK
// includes here: the daemon includes the facade without pulling DPDK's headers into its code.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "control/wire/drop_reason.h"

namespace tandem::dataplane {

// Index of a configured device in DataplaneConfig::ports (config order), not a DPDK port id.
using PortIndex = uint16_t;
// One bit per PortIndex: egress sets, gates and upstream flags are all masks of this width.
using PortMask = uint64_t;
// 62, not 64: a RouteWord keeps two flags above the port bits (DPDK's own limit,
// RTE_MAX_ETHPORTS, is 32 in Debian's build).
inline constexpr PortIndex kMaxPorts = 62;
inline constexpr PortMask port_bit(PortIndex p) {
  return PortMask{1} << p;
}

// What a worker reads for a group from the FIB's (*,G) table: the (*,G) egress ports and two
// flags in one word, so one atomic load gives a consistent answer. 0 = no entry.
using RouteWord = uint64_t;
inline constexpr RouteWord kRouteStarPresent = RouteWord{1} << 62;  // a (*,G) entry exists
inline constexpr RouteWord kRouteHasSources = RouteWord{1} << 63;   // (S,G) entries exist
inline constexpr RouteWord kRoutePorts = kRouteStarPresent - 1;
static_assert(kMaxPorts <= 62);

// Classes of control traffic the workers punt to the control core; each is policed per port.
enum class PuntClass : uint8_t { mld, vrrp, bfd, nd };
inline constexpr size_t kPuntClassCount = 4;
// Per port and class, punted frames are also policed per source address hashed into this
// many buckets (PuntPolicerConfig::per_source_rate_pps).
inline constexpr unsigned kPuntSourceBuckets = 32;
const char* punt_class_name(PuntClass c);

// Counters of one (lcore, port) pair, or their sum. Workers write plain fields (no atomics);
// the control core reads them through Dataplane::counters().
struct PortCounters {
  uint64_t rx = 0;         // frames received on this port
  uint64_t tx = 0;         // frames handed to the NIC on this port (replicas and injects)
  uint64_t forwarded = 0;  // received multicast data frames that left on at least one port
  uint64_t copies = 0;     // replicas made for this egress port (copy or clone)
  uint64_t clones = 0;     // of `copies`, those made as header mbuf + indirect payload
  uint64_t punted = 0;     // frames queued to the control core
  std::array<uint64_t, kPuntClassCount> punted_by_class{};
  std::array<uint64_t, kPuntClassCount> policed_by_class{};
  std::array<uint64_t, wire::kDropReasonCount> drops{};  // by wire::DropReason

  uint64_t drop(wire::DropReason r) const { return drops[static_cast<size_t>(r)]; }
  PortCounters& operator+=(const PortCounters& o);
};

struct LinkStatus {
  bool up = false;
  uint32_t speed_mbps = 0;
  bool full_duplex = false;
  bool operator==(const LinkStatus&) const = default;
};

}  // namespace tandem::dataplane
