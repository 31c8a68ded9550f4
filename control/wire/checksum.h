// The Internet checksum (RFC 1071) and the IPv6 upper-layer pseudo-header (RFC 8200 §8.1),
// shared by ICMPv6 (MLD, ND), VRRP (RFC 5798 §5.2.8) and UDP (BFD).
#pragma once

#include <cstddef>
#include <cstdint>

#include "control/wire/address.h"

namespace tandem::wire {

// One's-complement sum of `len` bytes folded into 32 bits, not yet complemented.
uint32_t ones_sum(const uint8_t* p, size_t len, uint32_t sum = 0);

// Checksum field value for an upper-layer message of `len` bytes at `p` (with its checksum
// field zeroed by the caller when building).
uint16_t ipv6_upper_checksum(const Ipv6Address& src, const Ipv6Address& dst, uint8_t next_header,
                             const uint8_t* p, size_t len);

// True when the message (checksum field included) sums to 0xffff, i.e. is intact.
bool ipv6_upper_checksum_ok(const Ipv6Address& src, const Ipv6Address& dst, uint8_t next_header,
                            const uint8_t* p, size_t len);

}  // namespace tandem::wire
