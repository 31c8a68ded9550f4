// Whole-frame parsing and building for the control core and `tandemctl decode`:
// Ethernet → IPv6 chain → one of MLD / VRRP / BFD / ND / PIM / multicast data / other, with the
// receive checks of each RFC (cited at every check) applied in RFC order. A frame the
// router must drop comes back as kind `drop` with the first failed check as reason.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "control/wire/address.h"
#include "control/wire/bfd.h"
#include "control/wire/drop_reason.h"
#include "control/wire/headers.h"
#include "control/wire/mld.h"
#include "control/wire/nd.h"
#include "control/wire/pim.h"
#include "control/wire/vrrp.h"

namespace tandem::wire {

enum class PacketKind : uint8_t {
  mld_query,
  mld_report_v1,
  mld_done,
  mld_report_v2,
  vrrp,
  bfd,
  nd_ns,
  nd_na,
  pim_hello,
  pim_join_prune,
  pim_assert,  // other PIM types (Register, Bootstrap, ...) are `other`
  mcast_data,
  other,
  drop,
};
const char* packet_kind_name(PacketKind k);  // decode's "kind" strings

struct Frame {
  PacketKind kind = PacketKind::other;
  DropReason drop_reason = DropReason::none;  // set when kind == drop
  HeaderWalk walk;

  MacAddress eth_dst, eth_src;
  bool is_ipv6 = false;
  Ipv6Address src, dst;
  uint8_t hop_limit = 0;
  uint8_t traffic_class = 0;
  uint32_t flow_label = 0;
  uint8_t icmp_type = 0;                // when upper_protocol == 58
  uint16_t src_port = 0, dst_port = 0;  // UDP

  MldMessage mld;   // mld_*
  VrrpAdvert vrrp;  // vrrp
  BfdControl bfd;   // bfd
  NdMessage nd;     // nd_ns, nd_na
  PimMessage pim;   // pim_* (owns its addresses: no views)
};

// Never reads outside `frame`; every failure is a DropReason. The Frame holds views into
// `frame` (source lists, records, addresses), so the bytes must outlive it: parsing a
// temporary vector is refused at compile time.
Frame parse_frame(std::span<const uint8_t> frame);
Frame parse_frame(std::vector<uint8_t>&& frame) = delete;

// parse_frame() for a frame a classifier has already walked (FrameHint, headers.h): the
// Ethernet/IPv6 chain is taken from the hint instead of walked again, and everything the walk
// does not check (checksums, hop limits, source rules, message bodies) is checked as in
// parse_frame(), so a control frame gets the same Frame. A data hint gives the addresses and
// kind only (mcast_data or other; ports are not read). A hint the bytes cannot hold (offsets
// past the frame) falls back to parse_frame(). `walk.ext_count` is not carried (0).
Frame parse_classified(std::span<const uint8_t> frame, const FrameHint& hint);
Frame parse_classified(std::vector<uint8_t>&& frame, const FrameHint& hint) = delete;

// True when the frame carried the hop-by-hop Router Alert with value 0 (MLD, RFC 2711). MLD
// frames parse without it; the MLD router decides per interface whether to require it.
bool has_mld_router_alert(const Frame& f);

// ---- builders: whole Ethernet frames with correct lengths and checksums ----

struct L2L3Spec {
  MacAddress src_mac;
  MacAddress dst_mac;  // zero = derive 33:33:xx from a multicast dst (RFC 2464 §7)
  Ipv6Address src, dst;
  uint8_t hop_limit = 64;
  uint8_t traffic_class = 0;
  bool router_alert_mld = false;  // hop-by-hop RA option value 0 + PadN (RFC 3810 §5)
  std::optional<uint16_t> vlan_tci;
};

// ICMPv6 body (checksum field zero) → frame with the checksum filled in.
std::vector<uint8_t> build_icmpv6_frame(const L2L3Spec& l, std::span<const uint8_t> icmp_body);
// VRRP payload → frame with the VRRP checksum filled in (next header 112).
std::vector<uint8_t> build_vrrp_frame(const L2L3Spec& l, std::span<const uint8_t> vrrp_body);
// PIM message (checksum field zero) → frame with the PIM checksum filled in (next header 103,
// RFC 7761 §4.9).
std::vector<uint8_t> build_pim_frame(const L2L3Spec& l, std::span<const uint8_t> pim_body);
// UDP datagram around `payload` with its checksum.
std::vector<uint8_t> build_udp_frame(const L2L3Spec& l, uint16_t src_port, uint16_t dst_port,
                                     std::span<const uint8_t> payload);

// Convenience forms used by the engines' glue and the tests.
std::vector<uint8_t> build_mld_query_frame(const MacAddress& src_mac, const Ipv6Address& src_ll,
                                           const MldQuerySpec& q);
std::vector<uint8_t> build_mld_v2_report_frame(const MacAddress& src_mac, const Ipv6Address& src_ll,
                                               const std::vector<MldRecordSpec>& records);
std::vector<uint8_t> build_vrrp_advert_frame(const Ipv6Address& src_ll, const VrrpAdvertSpec& a);
// Hello, Join/Prune or Assert as a router sends them on the link (RFC 7761 §4.9): to ff02::d
// (MAC 33:33:00:00:00:0d) with hop limit 1 from the interface's link-local address.
std::vector<uint8_t> build_pim_message_frame(const MacAddress& src_mac, const Ipv6Address& src_ll,
                                             const PimMessage& m);
std::vector<uint8_t> build_bfd_frame(const MacAddress& src_mac, const MacAddress& dst_mac,
                                     const Ipv6Address& src, const Ipv6Address& dst,
                                     uint16_t src_port, const BfdControl& c);

}  // namespace tandem::wire
