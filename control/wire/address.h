// IPv6 and MAC addresses as plain values. Text form follows RFC 5952 (lower case, longest
// run of zero groups compressed, first one on a tie, a single zero group not compressed).
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <cstring>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace tandem::wire {

struct Ipv6Address {
  std::array<uint8_t, 16> bytes{};

  static Ipv6Address from_bytes(const uint8_t* p) {
    Ipv6Address a;
    std::memcpy(a.bytes.data(), p, 16);
    return a;
  }
  static std::optional<Ipv6Address> parse(std::string_view text);
  // For literals in tests and defaults; aborts on a malformed literal.
  static Ipv6Address must_parse(std::string_view text);

  std::string to_string() const;

  bool is_unspecified() const;
  bool is_multicast() const { return bytes[0] == 0xff; }
  bool is_link_local_unicast() const { return bytes[0] == 0xfe && (bytes[1] & 0xc0) == 0x80; }
  // Multicast scope nibble (RFC 4291 §2.7): 1 interface-local, 2 link-local, 5 site, e global.
  uint8_t multicast_scope() const { return bytes[1] & 0x0f; }
  // ff02::/16 etc. with scope <= 2: never routed (RFC 4291 §2.7), MLD does not track ff02::1.
  bool is_link_scope_multicast() const { return is_multicast() && multicast_scope() <= 2; }
  // Solicited-node multicast for this unicast address (RFC 4291 §2.7.1).
  Ipv6Address solicited_node() const;

  auto operator<=>(const Ipv6Address&) const = default;
  bool operator==(const Ipv6Address&) const = default;
};

struct Ipv6AddressHash {
  size_t operator()(const Ipv6Address& a) const noexcept {
    uint64_t hi, lo;
    std::memcpy(&hi, a.bytes.data(), 8);
    std::memcpy(&lo, a.bytes.data() + 8, 8);
    uint64_t h = hi * 0x9e3779b97f4a7c15ULL ^ (lo + 0x632be59bd9b4e019ULL + (hi << 6) + (hi >> 2));
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    return static_cast<size_t>(h);
  }
};

// An IPv6 prefix: routes, connected subnets, group ranges. One type for the config model,
// PIM's RPF table and RP ranges.
struct Ipv6Prefix {
  Ipv6Address address;
  uint8_t length = 0;
  auto operator<=>(const Ipv6Prefix&) const = default;
  bool operator==(const Ipv6Prefix&) const = default;

  bool contains(const Ipv6Address& a) const;
  // The address with every bit beyond `length` cleared; equal to `address` when the prefix
  // is written canonically.
  Ipv6Address network() const;
  std::string to_string() const;  // "2001:db8::/32"
};

// Well-known addresses.
namespace addr {
Ipv6Address all_nodes();          // ff02::1
Ipv6Address all_routers();        // ff02::2
Ipv6Address all_mldv2_routers();  // ff02::16
Ipv6Address vrrp_multicast();     // ff02::12
}  // namespace addr

struct MacAddress {
  std::array<uint8_t, 6> bytes{};

  static MacAddress from_bytes(const uint8_t* p) {
    MacAddress m;
    std::memcpy(m.bytes.data(), p, 6);
    return m;
  }
  static std::optional<MacAddress> parse(std::string_view text);
  std::string to_string() const;  // 00:00:5e:00:02:01

  bool is_multicast() const { return (bytes[0] & 1) != 0; }
  bool is_zero() const { return bytes == std::array<uint8_t, 6>{}; }
  // 33:33 + low 32 bits of the group (RFC 2464 §7).
  static MacAddress for_ipv6_multicast(const Ipv6Address& group);
  // VRRP IPv6 virtual router MAC 00-00-5E-00-02-{VRID} (RFC 5798 §7.3).
  static MacAddress vrrp6_virtual(uint8_t vrid);

  auto operator<=>(const MacAddress&) const = default;
  bool operator==(const MacAddress&) const = default;
};

}  // namespace tandem::wire
