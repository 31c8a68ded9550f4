#include "control/wire/checksum.h"

#include "control/wire/byte_io.h"

namespace tandem::wire {

uint32_t ones_sum(const uint8_t* p, size_t len, uint32_t sum) {
  uint64_t acc = sum;
  size_t i = 0;
  for (; i + 1 < len; i += 2) acc += load_be16(p + i);
  if (i < len) acc += uint32_t{p[i]} << 8;  // odd trailing byte, padded with zero
  while (acc >> 16) acc = (acc & 0xffff) + (acc >> 16);
  return static_cast<uint32_t>(acc);
}

static uint32_t pseudo_header_sum(const Ipv6Address& src, const Ipv6Address& dst,
                                  uint8_t next_header, size_t len) {
  uint32_t sum = ones_sum(src.bytes.data(), 16);
  sum = ones_sum(dst.bytes.data(), 16, sum);
  uint8_t tail[8];
  store_be32(tail, static_cast<uint32_t>(len));
  tail[4] = tail[5] = tail[6] = 0;
  tail[7] = next_header;
  return ones_sum(tail, 8, sum);
}

uint16_t ipv6_upper_checksum(const Ipv6Address& src, const Ipv6Address& dst, uint8_t next_header,
                             const uint8_t* p, size_t len) {
  uint32_t sum = ones_sum(p, len, pseudo_header_sum(src, dst, next_header, len));
  return static_cast<uint16_t>(~sum & 0xffff);
}

bool ipv6_upper_checksum_ok(const Ipv6Address& src, const Ipv6Address& dst, uint8_t next_header,
                            const uint8_t* p, size_t len) {
  return ones_sum(p, len, pseudo_header_sum(src, dst, next_header, len)) == 0xffff;
}

}  // namespace tandem::wire
