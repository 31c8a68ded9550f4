#include "control/wire/address.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>

namespace tandem::wire {

std::optional<Ipv6Address> Ipv6Address::parse(std::string_view text) {
  // inet_pton wants a NUL-terminated string and rejects zone ids, which we do not accept.
  char buf[INET6_ADDRSTRLEN + 1];
  if (text.empty() || text.size() >= sizeof(buf)) return std::nullopt;
  std::memcpy(buf, text.data(), text.size());
  buf[text.size()] = '\0';
  Ipv6Address a;
  if (inet_pton(AF_INET6, buf, a.bytes.data()) != 1) return std::nullopt;
  return a;
}

Ipv6Address Ipv6Address::must_parse(std::string_view text) {
  auto a = parse(text);
  if (!a) {
    std::fprintf(stderr, "bad IPv6 literal: %.*s\n", static_cast<int>(text.size()), text.data());
    std::abort();
  }
  return *a;
}

std::string Ipv6Address::to_string() const {
  // RFC 5952 §4: lower-case hex without leading zeros; the longest run of two or more zero
  // groups becomes "::" (the first on a tie); a single zero group stays "0". §5: dotted
  // quad only for IPv4-mapped addresses (inet_ntop would also print ::a.b.c.d for the
  // deprecated IPv4-compatible form, which §5 does not recommend).
  uint16_t g[8];
  for (int i = 0; i < 8; ++i) g[i] = static_cast<uint16_t>(bytes[2 * i] << 8 | bytes[2 * i + 1]);
  const bool mapped =
      g[0] == 0 && g[1] == 0 && g[2] == 0 && g[3] == 0 && g[4] == 0 && g[5] == 0xffff;
  const int groups = mapped ? 6 : 8;
  int best_at = -1, best_len = 1;
  for (int i = 0; i < groups;) {
    if (g[i] != 0) {
      ++i;
      continue;
    }
    int j = i;
    while (j < groups && g[j] == 0) ++j;
    if (j - i > best_len) {
      best_at = i;
      best_len = j - i;
    }
    i = j;
  }
  // Formatted by hand into one buffer (no printf per group): displays print a million of them.
  char text[48];
  size_t n = 0;
  for (int i = 0; i < groups; ++i) {
    if (i == best_at) {
      text[n++] = ':';
      text[n++] = ':';
      i += best_len - 1;
      continue;
    }
    if (n != 0 && text[n - 1] != ':') text[n++] = ':';
    static constexpr char kHex[] = "0123456789abcdef";
    bool leading = true;
    for (int shift = 12; shift >= 0; shift -= 4) {
      const unsigned digit = (g[i] >> shift) & 0xf;
      if (digit == 0 && leading && shift != 0) continue;
      leading = false;
      text[n++] = kHex[digit];
    }
  }
  if (mapped) {
    if (text[n - 1] != ':') text[n++] = ':';
    for (int i = 12; i < 16; ++i) {
      if (i != 12) text[n++] = '.';
      const unsigned v = bytes[i];
      if (v >= 100) text[n++] = static_cast<char>('0' + v / 100);
      if (v >= 10) text[n++] = static_cast<char>('0' + v / 10 % 10);
      text[n++] = static_cast<char>('0' + v % 10);
    }
  }
  return std::string(text, n);
}

bool Ipv6Address::is_unspecified() const {
  return bytes == std::array<uint8_t, 16>{};
}

Ipv6Address Ipv6Address::solicited_node() const {
  Ipv6Address s = must_parse("ff02::1:ff00:0");
  s.bytes[13] = bytes[13];
  s.bytes[14] = bytes[14];
  s.bytes[15] = bytes[15];
  return s;
}

namespace addr {
Ipv6Address all_nodes() {
  return Ipv6Address::must_parse("ff02::1");
}
Ipv6Address all_routers() {
  return Ipv6Address::must_parse("ff02::2");
}
Ipv6Address all_mldv2_routers() {
  return Ipv6Address::must_parse("ff02::16");
}
Ipv6Address vrrp_multicast() {
  return Ipv6Address::must_parse("ff02::12");
}
}  // namespace addr

std::optional<MacAddress> MacAddress::parse(std::string_view text) {
  MacAddress m;
  unsigned v[6];
  char tail;
  std::string s(text);
  if (std::sscanf(s.c_str(), "%2x:%2x:%2x:%2x:%2x:%2x%c", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5],
                  &tail) != 6)
    return std::nullopt;
  for (int i = 0; i < 6; ++i) m.bytes[i] = static_cast<uint8_t>(v[i]);
  return m;
}

std::string MacAddress::to_string() const {
  char buf[18];
  std::snprintf(buf, sizeof(buf), "%02x:%02x:%02x:%02x:%02x:%02x", bytes[0], bytes[1], bytes[2],
                bytes[3], bytes[4], bytes[5]);
  return buf;
}

MacAddress MacAddress::for_ipv6_multicast(const Ipv6Address& group) {
  return MacAddress{
      {0x33, 0x33, group.bytes[12], group.bytes[13], group.bytes[14], group.bytes[15]}};
}

MacAddress MacAddress::vrrp6_virtual(uint8_t vrid) {
  return MacAddress{{0x00, 0x00, 0x5e, 0x00, 0x02, vrid}};
}

bool Ipv6Prefix::contains(const Ipv6Address& a) const {
  return Ipv6Prefix{a, length}.network() == network();
}

Ipv6Address Ipv6Prefix::network() const {
  Ipv6Address n = address;
  for (size_t i = 0; i < n.bytes.size(); ++i) {
    const int bits = std::clamp(static_cast<int>(length) - static_cast<int>(i) * 8, 0, 8);
    n.bytes[i] &= static_cast<uint8_t>(0xff00 >> bits);
  }
  return n;
}

std::string Ipv6Prefix::to_string() const {
  return address.to_string() + "/" + std::to_string(length);
}

}  // namespace tandem::wire
