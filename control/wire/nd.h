// Neighbor Solicitation / Advertisement (RFC 4861 §4.3, §4.4) with the source / target
// link-layer address options (§4.6.1). Validation per §7.1.1 and §7.1.2.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "control/wire/address.h"
#include "control/wire/drop_reason.h"

namespace tandem::wire {

inline constexpr uint8_t kIcmpRouterSolicit = 133;
inline constexpr uint8_t kIcmpRouterAdvert = 134;
inline constexpr uint8_t kIcmpNeighborSolicit = 135;
inline constexpr uint8_t kIcmpNeighborAdvert = 136;
inline constexpr uint8_t kNdOptSourceLla = 1;
inline constexpr uint8_t kNdOptTargetLla = 2;

struct NdMessage {
  bool is_na = false;
  // NA flags (§4.4)
  bool router = false;
  bool solicited = false;
  bool override_flag = false;
  Ipv6Address target;
  std::optional<MacAddress> source_lla;  // NS
  std::optional<MacAddress> target_lla;  // NA
};

// `icmp` is the ICMPv6 body; src/dst are the IPv6 addresses the §7.1 checks need.
struct NdParse {
  DropReason drop = DropReason::none;
  NdMessage msg;
};
NdParse parse_nd(std::span<const uint8_t> icmp, const Ipv6Address& src, const Ipv6Address& dst);

// Bodies with zero checksum.
std::vector<uint8_t> build_ns_body(const Ipv6Address& target, std::optional<MacAddress> source_lla);
std::vector<uint8_t> build_na_body(const Ipv6Address& target, bool router, bool solicited,
                                   bool override_flag, std::optional<MacAddress> target_lla);

}  // namespace tandem::wire
