// VRRPv3 advertisement for IPv6 (RFC 5798 §5.1, §5.2): version 3, type 1, 12-bit Max Adver
// Int in centiseconds, IPv6 address list, checksum over the IPv6 pseudo-header (§5.2.8).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "control/wire/address.h"
#include "control/wire/drop_reason.h"
#include "control/wire/mld.h"  // AddressList

namespace tandem::wire {

inline constexpr uint8_t kVrrpVersion = 3;
inline constexpr uint8_t kVrrpTypeAdvert = 1;
inline constexpr uint32_t kVrrpHeaderLen = 8;

struct VrrpAdvert {
  uint8_t version = 3;
  uint8_t type = 1;
  uint8_t vrid = 0;
  uint8_t priority = 0;
  uint8_t count = 0;              // Count IPvX Addr
  uint16_t max_adver_int_cs = 0;  // 12 bits
  uint16_t checksum = 0;
  AddressList addresses;
};

// Parses the VRRP payload (after the IPv6 chain). Checksum is checked by parse_frame, which
// knows the pseudo-header.
struct VrrpParse {
  DropReason drop = DropReason::none;
  VrrpAdvert advert;
};
VrrpParse parse_vrrp(std::span<const uint8_t> payload);

struct VrrpAdvertSpec {
  uint8_t vrid = 1;
  uint8_t priority = 100;
  uint16_t max_adver_int_cs = 100;
  std::vector<Ipv6Address> addresses;  // virtual link-local first (RFC 5798 §7.1)
};
// Payload with a zero checksum; frame.h finishes it.
std::vector<uint8_t> build_vrrp_body(const VrrpAdvertSpec& a);

}  // namespace tandem::wire
