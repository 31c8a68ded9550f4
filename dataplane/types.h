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
// 48, not 64: a RouteWord keeps the expected incoming port and three flags above the port
// bits (DPDK's own limit, RTE_MAX_ETHPORTS, is 32 in Debian's build).
inline constexpr PortIndex kMaxPorts = 48;
inline constexpr PortMask port_bit(PortIndex p) {
  return PortMask{1} << p;
}

// The control plane's number of a port: the engines count interfaces from 1 and keep 0 for
// "no interface", so interface N is port N-1. Every conversion between the two numberings
// goes through this type; the engines themselves take the plain number.
class IfIndex {
 public:
  constexpr IfIndex() = default;  // none
  constexpr explicit IfIndex(uint32_t value) : value_(value) {}
  static constexpr IfIndex from_port(PortIndex p) { return IfIndex(uint32_t{p} + 1); }
  constexpr bool is_none() const { return value_ == 0; }
  // The port of an interface that is not none.
  constexpr PortIndex port() const { return static_cast<PortIndex>(value_ - 1); }
  constexpr operator uint32_t() const { return value_; }

 private:
  uint32_t value_ = 0;
};
// "No expected incoming port" (FibRoute::iif): only static upstream ports accept the entry.
inline constexpr PortIndex kNoIif = 0x3f;
static_assert(kMaxPorts < kNoIif);

// What a worker reads for an entry: its egress ports, its RPF interface, its flags, in one
// word, so one atomic load gives a consistent answer. 0 = no entry.
//
//   bits  0-47  egress ports (kRoutePorts; bit p = PortIndex p, kMaxPorts of them)
//   bits 48-53  RPF interface (FibRoute::iif; kNoIif = 0x3f: none)
//   bit  54     notify sources: forwarded frames are also copied to the control core
//   bits 55-61  0 (reserved)
//   bit  62     a (*,G) entry exists (kRouteStarPresent)
//   bit  63     (S,G) entries exist for the group (kRouteHasSources)
//
// The star table holds (*,G) words (a group with only (S,G) entries has a marker word:
// kRouteHasSources, no kRouteStarPresent, iif kNoIif); an (S,G) hit gives the (S,G) entry's
// word with kRouteStarPresent set and never the notify flag (FibRoute::notify_sources is for
// (*,G) entries only). The workers judge a frame on port `in` by masks of this word: it is
// accepted when `in` is a static upstream port or (word & kRouteRpfMask) == rpf_want(in).
using RouteWord = uint64_t;
inline constexpr unsigned kRouteIifShift = 48;
inline constexpr RouteWord kRoutePorts = (RouteWord{1} << kRouteIifShift) - 1;
inline constexpr RouteWord kRouteIif = RouteWord{0x3f} << kRouteIifShift;
inline constexpr RouteWord kRouteNotify = RouteWord{1} << 54;
inline constexpr RouteWord kRouteStarPresent = RouteWord{1} << 62;  // a (*,G) entry exists
inline constexpr RouteWord kRouteHasSources = RouteWord{1} << 63;   // (S,G) entries exist
// RPF: the iif and "an entry was found" (a missing entry or a marker never matches a port).
inline constexpr RouteWord kRouteRpfMask = kRouteIif | kRouteStarPresent;
inline constexpr RouteWord route_iif_bits(PortIndex iif) {
  return (RouteWord{iif} << kRouteIifShift) & kRouteIif;
}
inline constexpr PortIndex route_iif(RouteWord r) {
  return static_cast<PortIndex>((r & kRouteIif) >> kRouteIifShift);
}
// What (word & kRouteRpfMask) must be for a frame received on a port that is not upstream.
inline constexpr RouteWord rpf_want(PortIndex in) {
  return route_iif_bits(in) | kRouteStarPresent;
}
static_assert(kMaxPorts == kRouteIifShift, "every port has its bit below the iif");
static_assert(route_iif(route_iif_bits(kNoIif)) == kNoIif && (kNoIif & ~0x3f) == 0);
static_assert((kRoutePorts & kRouteIif) == 0 &&
              (kRouteNotify & (kRoutePorts | kRouteIif | kRouteStarPresent | kRouteHasSources)) ==
                  0);

// Classes of frames the workers punt to the control core; each is policed per port.
// pim: PIM messages (IPv6 next header 103, RFC 7761 §4.9), whatever their destination.
// data: multicast data for PIM: a copy of a frame forwarded on a (*,G) entry with
// FibRoute::notify_sources, or a frame that failed RPF on a port with set_rpf_notify.
enum class PuntClass : uint8_t { mld, vrrp, bfd, nd, pim, data };
inline constexpr size_t kPuntClassCount = 6;
// Per port and class, punted frames are also policed per source address hashed into this
// many buckets (PuntPolicerConfig::per_source_rate_pps).
inline constexpr unsigned kPuntSourceBuckets = 32;
const char* punt_class_name(PuntClass c);

// Counters of one (lcore, port) pair, or their sum. Workers write plain fields (no atomics);
// the control core reads them through Dataplane::counters().
//
// On its ingress port a received frame counts once: forwarded, punted (and its class), or
// one drop reason (a punt the policer refuses: policed_by_class and punt_policed; a full
// queue: punt_ring_full). Data for PIM adds to that: a frame that fails RPF on a port with
// set_rpf_notify counts rpf_fail and then its punt's outcome as PuntClass::data, as any punt
// does; the copy of a frame forwarded on a notify entry counts only its punt's outcome (or
// mbuf_alloc_failed) beside its original's `forwarded`. So rpf_fail counts every frame
// refused by RPF, punted or not.
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
