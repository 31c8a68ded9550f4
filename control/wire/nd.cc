#include "control/wire/nd.h"

#include "control/wire/byte_io.h"

namespace tandem::wire {

static constexpr size_t kNdFixedLen = 24;  // type, code, checksum, flags/reserved, target

// RFC 4861 §7.1.1 (NS) and §7.1.2 (NA); hop limit and checksum are checked by parse_frame.
NdParse parse_nd(std::span<const uint8_t> icmp, const Ipv6Address& src, const Ipv6Address& dst) {
  NdParse out;
  const uint8_t* p = icmp.data();
  const size_t len = icmp.size();
  auto fail = [&](DropReason r) {
    out.drop = r;
    return out;
  };
  if (len < 4) return fail(DropReason::icmpv6_truncated);
  if (p[1] != 0) return fail(DropReason::nd_bad_code);
  if (len < kNdFixedLen) return fail(DropReason::nd_bad_length);
  NdMessage& m = out.msg;
  m.is_na = p[0] == kIcmpNeighborAdvert;
  if (m.is_na) {
    m.router = p[4] & 0x80;
    m.solicited = p[4] & 0x40;
    m.override_flag = p[4] & 0x20;
  }
  m.target = Ipv6Address::from_bytes(p + 8);
  if (m.target.is_multicast()) return fail(DropReason::nd_target_multicast);
  for (size_t off = kNdFixedLen; off < len;) {
    if (len - off < 2) return fail(DropReason::nd_bad_option);
    size_t olen = size_t{p[off + 1]} * 8;
    if (olen == 0 || olen > len - off) return fail(DropReason::nd_bad_option);
    if (olen >= 8) {
      if (p[off] == kNdOptSourceLla && !m.is_na) m.source_lla = MacAddress::from_bytes(p + off + 2);
      if (p[off] == kNdOptTargetLla && m.is_na) m.target_lla = MacAddress::from_bytes(p + off + 2);
    }
    off += olen;
  }
  if (!m.is_na && src.is_unspecified() && m.source_lla)
    return fail(DropReason::nd_dad_with_source_lla);
  if (m.is_na && dst.is_multicast() && m.solicited)
    return fail(DropReason::nd_solicited_na_to_multicast);
  return out;
}

std::vector<uint8_t> build_ns_body(const Ipv6Address& target,
                                   std::optional<MacAddress> source_lla) {
  std::vector<uint8_t> out;
  ByteWriter w(out);
  w.u8(kIcmpNeighborSolicit);
  w.u8(0);
  w.be16(0);
  w.be32(0);
  w.bytes(target.bytes.data(), 16);
  if (source_lla) {
    w.u8(kNdOptSourceLla);
    w.u8(1);
    w.bytes(source_lla->bytes.data(), 6);
  }
  return out;
}

std::vector<uint8_t> build_na_body(const Ipv6Address& target, bool router, bool solicited,
                                   bool override_flag, std::optional<MacAddress> target_lla) {
  std::vector<uint8_t> out;
  ByteWriter w(out);
  w.u8(kIcmpNeighborAdvert);
  w.u8(0);
  w.be16(0);
  w.u8(static_cast<uint8_t>((router ? 0x80 : 0) | (solicited ? 0x40 : 0) |
                            (override_flag ? 0x20 : 0)));
  w.zeros(3);
  w.bytes(target.bytes.data(), 16);
  if (target_lla) {
    w.u8(kNdOptTargetLla);
    w.u8(1);
    w.bytes(target_lla->bytes.data(), 6);
  }
  return out;
}

}  // namespace tandem::wire
