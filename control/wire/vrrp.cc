#include "control/wire/vrrp.h"

#include "control/wire/byte_io.h"

namespace tandem::wire {

// RFC 5798 §7.1 receive checks that need no configuration, in the RFC's order; hop limit
// and checksum need the IPv6 header and are checked by parse_frame.
VrrpParse parse_vrrp(std::span<const uint8_t> payload) {
  VrrpParse out;
  const uint8_t* p = payload.data();
  if (payload.size() < kVrrpHeaderLen) {
    out.drop = DropReason::vrrp_bad_length;
    return out;
  }
  VrrpAdvert& a = out.advert;
  a.version = p[0] >> 4;
  a.type = p[0] & 0x0f;
  a.vrid = p[1];
  a.priority = p[2];
  a.count = p[3];
  a.max_adver_int_cs = load_be16(p + 4) & 0x0fff;  // top 4 bits reserved
  a.checksum = load_be16(p + 6);
  if (a.version != kVrrpVersion) {
    out.drop = DropReason::vrrp_bad_version;
    return out;
  }
  if (a.type != kVrrpTypeAdvert) {
    out.drop = DropReason::vrrp_bad_type;
    return out;
  }
  if (a.vrid == 0) {
    out.drop = DropReason::vrrp_bad_vrid;
    return out;
  }
  if (a.count == 0) {
    out.drop = DropReason::vrrp_no_addresses;
    return out;
  }
  if (payload.size() < kVrrpHeaderLen + size_t{a.count} * 16) {
    out.drop = DropReason::vrrp_bad_length;
    return out;
  }
  a.addresses.raw = payload.subspan(kVrrpHeaderLen, size_t{a.count} * 16);
  return out;
}

std::vector<uint8_t> build_vrrp_body(const VrrpAdvertSpec& a) {
  std::vector<uint8_t> out;
  ByteWriter w(out);
  w.u8(static_cast<uint8_t>(kVrrpVersion << 4 | kVrrpTypeAdvert));
  w.u8(a.vrid);
  w.u8(a.priority);
  w.u8(static_cast<uint8_t>(a.addresses.size()));
  w.be16(a.max_adver_int_cs & 0x0fff);
  w.be16(0);
  for (const auto& addr : a.addresses) w.bytes(addr.bytes.data(), 16);
  return out;
}

}  // namespace tandem::wire
