#include "control/wire/linux_cooked.h"

#include <algorithm>

#include "control/wire/address.h"
#include "control/wire/byte_io.h"
#include "control/wire/headers.h"

namespace tandem::wire {

namespace {

constexpr size_t kSllHeaderLen = 16;
constexpr size_t kSll2HeaderLen = 20;
constexpr uint8_t kPacketBroadcast = 1;  // <linux/if_packet.h> PACKET_BROADCAST
constexpr size_t kIpv6DstOffset = 24;

// The fields of either pseudo header the Ethernet header is rebuilt from.
struct CookedHeader {
  size_t len = 0;
  uint16_t protocol = 0;
  uint8_t packet_type = 0;
  std::span<const uint8_t> address;  // sender's link-layer address, at most 8 bytes
};

bool read_cooked_header(uint32_t linktype, std::span<const uint8_t> r, CookedHeader& h) {
  if (linktype == kLinktypeLinuxSll) {
    if (r.size() < kSllHeaderLen) return false;
    h.len = kSllHeaderLen;
    h.packet_type = static_cast<uint8_t>(load_be16(r.data()));
    h.address = r.subspan(6, std::min<size_t>(load_be16(r.data() + 4), 8));
    h.protocol = load_be16(r.data() + 14);
    return true;
  }
  if (r.size() < kSll2HeaderLen) return false;
  h.len = kSll2HeaderLen;
  h.protocol = load_be16(r.data());
  h.packet_type = r[10];
  h.address = r.subspan(12, std::min<size_t>(r[11], 8));
  return true;
}

MacAddress destination_mac(const CookedHeader& h, std::span<const uint8_t> payload) {
  if (h.packet_type == kPacketBroadcast) return MacAddress{{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}};
  if (h.protocol == kEtherTypeIpv6 && payload.size() >= kIpv6HeaderLen) {
    Ipv6Address dst = Ipv6Address::from_bytes(payload.data() + kIpv6DstOffset);
    if (dst.is_multicast()) return MacAddress::for_ipv6_multicast(dst);
  }
  // A unicast destination (our own MAC on receive, the next hop's on send) is not recorded.
  return MacAddress{};
}

}  // namespace

std::vector<uint8_t> cooked_to_ethernet(uint32_t linktype, std::span<const uint8_t> record) {
  CookedHeader h;
  if (!read_cooked_header(linktype, record, h)) return {};
  std::span<const uint8_t> payload = record.subspan(h.len);
  std::vector<uint8_t> frame(kEthHeaderLen + payload.size());
  MacAddress dst = destination_mac(h, payload);
  std::copy(dst.bytes.begin(), dst.bytes.end(), frame.begin());
  if (h.address.size() == 6) std::copy(h.address.begin(), h.address.end(), frame.begin() + 6);
  store_be16(frame.data() + 12, h.protocol);
  std::copy(payload.begin(), payload.end(), frame.begin() + kEthHeaderLen);
  return frame;
}

bool convert_to_ethernet(PcapFile& file, std::string& error) {
  if (file.linktype == kLinktypeEthernet) return true;
  if (file.linktype != kLinktypeLinuxSll && file.linktype != kLinktypeLinuxSll2) {
    error = "linktype " + std::to_string(file.linktype) +
            " is neither Ethernet (1) nor Linux cooked (113, 276)";
    return false;
  }
  const size_t header_len = file.linktype == kLinktypeLinuxSll ? kSllHeaderLen : kSll2HeaderLen;
  for (PcapRecord& r : file.records) {
    r.data = cooked_to_ethernet(file.linktype, r.data);
    // orig_len counted the pseudo header; it now counts the Ethernet header instead.
    r.orig_len = r.orig_len >= header_len ? r.orig_len - header_len + kEthHeaderLen : 0;
  }
  file.linktype = kLinktypeEthernet;
  return true;
}

}  // namespace tandem::wire
