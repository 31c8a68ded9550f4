#include "control/wire/frame.h"

#include <optional>
#include <utility>

#include "control/wire/byte_io.h"
#include "control/wire/checksum.h"

namespace tandem::wire {

const char* packet_kind_name(PacketKind k) {
  switch (k) {
    case PacketKind::mld_query: return "mld_query";
    case PacketKind::mld_report_v1: return "mld_report_v1";
    case PacketKind::mld_done: return "mld_done";
    case PacketKind::mld_report_v2: return "mld_report_v2";
    case PacketKind::vrrp: return "vrrp";
    case PacketKind::bfd: return "bfd";
    case PacketKind::nd_ns: return "nd_ns";
    case PacketKind::nd_na: return "nd_na";
    case PacketKind::pim_hello: return "pim_hello";
    case PacketKind::pim_join_prune: return "pim_join_prune";
    case PacketKind::pim_assert: return "pim_assert";
    case PacketKind::mcast_data: return "mcast_data";
    case PacketKind::other: return "other";
    case PacketKind::drop: return "drop";
  }
  return "other";
}

bool has_mld_router_alert(const Frame& f) {
  return f.walk.router_alert && f.walk.router_alert_value == kRouterAlertMld;
}

namespace {

bool is_mld_type(uint8_t t) {
  return t == kIcmpMldQuery || t == kIcmpMldV1Report || t == kIcmpMldV1Done ||
         t == kIcmpMldV2Report;
}

// Multicast a router may forward: scope above link-local (RFC 4291 §2.7).
bool routable_multicast(const Ipv6Address& a) {
  return a.is_multicast() && a.multicast_scope() > 2;
}

Frame& dropped(Frame& f, DropReason r) {
  f.kind = PacketKind::drop;
  f.drop_reason = r;
  return f;
}

PacketKind data_or_other(const Frame& f) {
  return routable_multicast(f.dst) ? PacketKind::mcast_data : PacketKind::other;
}

// RFC 3810 §5 / RFC 2710 §5 receive checks, checklist order, then the body.
Frame& parse_mld_frame(Frame& f, std::span<const uint8_t> icmp) {
  if (f.hop_limit != 1) return dropped(f, DropReason::mld_hop_limit_not_one);
  // RFC 3810 §5 asks for the hop-by-hop Router Alert; whether its absence drops the message
  // is the MLD router's per-interface choice (`mld require-router-alert`, has_mld_router_alert).
  const bool query = icmp[0] == kIcmpMldQuery;
  if (query && f.src.is_unspecified()) return dropped(f, DropReason::mld_query_from_unspecified);
  // Reports from :: are legal during DAD (RFC 3810 §5.2.13) and parse; the router ignores them.
  if (!f.src.is_unspecified() && !f.src.is_link_local_unicast())
    return dropped(f, DropReason::mld_source_not_link_local);
  MldParse p = parse_mld(icmp);
  if (p.drop != DropReason::none) return dropped(f, p.drop);
  f.mld = p.msg;
  switch (p.msg.kind) {
    case MldKind::query: f.kind = PacketKind::mld_query; break;
    case MldKind::report_v1: f.kind = PacketKind::mld_report_v1; break;
    case MldKind::done: f.kind = PacketKind::mld_done; break;
    case MldKind::report_v2: f.kind = PacketKind::mld_report_v2; break;
  }
  return f;
}

Frame& parse_icmpv6(Frame& f, std::span<const uint8_t> icmp) {
  if (icmp.size() < 4) return dropped(f, DropReason::icmpv6_truncated);
  f.icmp_type = icmp[0];
  const bool mld = is_mld_type(f.icmp_type);
  const bool nd = f.icmp_type == kIcmpNeighborSolicit || f.icmp_type == kIcmpNeighborAdvert;
  if (!mld && !nd) {
    f.kind = data_or_other(f);
    return f;
  }
  if (f.walk.fragment) return dropped(f, DropReason::fragmented_control);
  if (!ipv6_upper_checksum_ok(f.src, f.dst, kProtoIcmpv6, icmp.data(), icmp.size()))
    return dropped(f, DropReason::icmpv6_bad_checksum);
  if (mld) return parse_mld_frame(f, icmp);
  if (f.hop_limit != 255) return dropped(f, DropReason::nd_hop_limit_not_255);  // §7.1
  NdParse p = parse_nd(icmp, f.src, f.dst);
  if (p.drop != DropReason::none) return dropped(f, p.drop);
  f.nd = p.msg;
  f.kind = p.msg.is_na ? PacketKind::nd_na : PacketKind::nd_ns;
  return f;
}

// RFC 5798 §7.1 order: hop limit, version, then the rest; checksum over the pseudo-header.
Frame& parse_vrrp_frame(Frame& f, std::span<const uint8_t> payload) {
  if (f.walk.fragment) return dropped(f, DropReason::fragmented_control);
  if (f.hop_limit != 255) return dropped(f, DropReason::vrrp_hop_limit_not_255);
  VrrpParse p = parse_vrrp(payload);
  if (p.drop != DropReason::none) return dropped(f, p.drop);
  if (!ipv6_upper_checksum_ok(f.src, f.dst, kProtoVrrp, payload.data(), payload.size()))
    return dropped(f, DropReason::vrrp_bad_checksum);
  f.vrrp = p.advert;
  f.kind = PacketKind::vrrp;
  return f;
}

// The PIM messages a router reads on a link. They go to ff02::d with hop limit 1 from the
// sender's link-local address (RFC 7761 §4.9, §4.3.1), so one arriving otherwise is refused.
PacketKind pim_link_message_kind(PimType t) {
  switch (t) {
    case PimType::hello: return PacketKind::pim_hello;
    case PimType::join_prune: return PacketKind::pim_join_prune;
    case PimType::assert_: return PacketKind::pim_assert;
    default: return PacketKind::other;
  }
}

bool pim_checksum_ok(const Frame& f, std::span<const uint8_t> pim) {
  if (ipv6_upper_checksum_ok(f.src, f.dst, kProtoPim, pim.data(), pim.size())) return true;
  // RFC 7761 §4.9: a Register's sum covers its first 8 bytes only.
  return pim_type_of(pim) == PimType::register_ &&
         ipv6_upper_checksum_ok(f.src, f.dst, kProtoPim, pim.data(),
                                pim_register_checksum_length(pim));
}

// RFC 7761 §4.9, in the order FRR's pim_pim_packet uses: length and version, checksum, then
// the link-local rules for the three link messages (MLD's order: hop limit, then source),
// then the body. Other types stop after the checksum and are `other`.
Frame& parse_pim_frame(Frame& f, std::span<const uint8_t> pim) {
  if (f.walk.fragment) return dropped(f, DropReason::fragmented_control);
  if (DropReason r = check_pim_header(pim); r != DropReason::none) return dropped(f, r);
  if (!pim_checksum_ok(f, pim)) return dropped(f, DropReason::pim_bad_checksum);
  const PacketKind kind = pim_link_message_kind(pim_type_of(pim));
  if (kind == PacketKind::other) {
    f.kind = PacketKind::other;
    return f;
  }
  if (f.hop_limit != 1) return dropped(f, DropReason::pim_hop_limit_not_one);
  if (!f.src.is_link_local_unicast()) return dropped(f, DropReason::pim_source_not_link_local);
  PimParse p = parse_pim(pim);
  if (p.drop != DropReason::none) return dropped(f, p.drop);
  f.pim = std::move(p.message);
  f.kind = kind;
  return f;
}

// UDP: BFD control (RFC 5881) is checked strictly; other UDP is data or other, and a router
// forwarding multicast does not verify its checksum.
Frame& parse_udp(Frame& f, std::span<const uint8_t> udp) {
  if (f.walk.fragment) {  // a first fragment: data, never BFD (RFC 5881 sends no fragments)
    f.kind = data_or_other(f);
    return f;
  }
  if (udp.size() < kUdpHeaderLen) return dropped(f, DropReason::udp_truncated);
  f.src_port = load_be16(udp.data());
  f.dst_port = load_be16(udp.data() + 2);
  if (f.dst_port != kBfdSingleHopPort || f.dst.is_multicast()) {
    f.kind = data_or_other(f);
    return f;
  }
  if (load_be16(udp.data() + 4) != udp.size()) return dropped(f, DropReason::udp_bad_length);
  // RFC 8200 §8.1: a zero UDP checksum is invalid over IPv6. The sum itself is not verified:
  // frames a Linux peer sends through veth/af_packet keep CHECKSUM_PARTIAL (the field holds
  // only the pseudo-header sum; FRR bfdd's frames in fixtures/ all do), and Wireshark does not
  // verify UDP sums by default either. BFD's own checks (hop limit 255 per RFC 5881 §5,
  // discriminators) are what guard the session.
  if (load_be16(udp.data() + 6) == 0) return dropped(f, DropReason::udp_bad_checksum);
  if (f.hop_limit != 255) return dropped(f, DropReason::bfd_hop_limit_not_255);  // RFC 5881 §5
  if (f.src_port < kBfdSourcePortMin) return dropped(f, DropReason::bfd_bad_source_port);
  BfdParse p = parse_bfd(udp.subspan(kUdpHeaderLen));
  if (p.drop != DropReason::none) return dropped(f, p.drop);
  f.bfd = p.control;
  f.kind = PacketKind::bfd;
  return f;
}

void read_ethernet(Frame& f, std::span<const uint8_t> frame) {
  if (frame.size() < kEthHeaderLen) return;
  f.eth_dst = MacAddress::from_bytes(frame.data());
  f.eth_src = MacAddress::from_bytes(frame.data() + 6);
}

// The IPv6 fixed header's fields, when the frame holds the header at walk.l3_offset.
void read_ipv6_header(Frame& f, std::span<const uint8_t> frame) {
  if (f.walk.l3_offset + kIpv6HeaderLen > frame.size()) return;
  const uint8_t* ip = frame.data() + f.walk.l3_offset;
  f.is_ipv6 = (ip[0] >> 4) == 6;
  f.traffic_class = static_cast<uint8_t>((load_be16(ip) >> 4) & 0xff);
  f.flow_label = load_be32(ip) & 0xfffff;
  f.hop_limit = ip[7];
  f.src = Ipv6Address::from_bytes(ip + 8);
  f.dst = Ipv6Address::from_bytes(ip + 24);
}

// The upper-layer message where the walk found it, with its protocol's receive checks.
void parse_upper(Frame& f, std::span<const uint8_t> frame) {
  auto upper = frame.subspan(f.walk.upper_offset, f.walk.upper_len());
  switch (f.walk.upper_protocol) {
    case kProtoIcmpv6: parse_icmpv6(f, upper); break;
    case kProtoVrrp: parse_vrrp_frame(f, upper); break;
    case kProtoUdp: parse_udp(f, upper); break;
    case kProtoPim: parse_pim_frame(f, upper); break;
    default: f.kind = data_or_other(f); break;
  }
}

// The walk a hint stands for, or nullopt when the bytes cannot hold it: the positions must
// lie in the frame in walk order (Ethernet, IPv6 header, upper layer, end of payload).
std::optional<HeaderWalk> walk_of_hint(std::span<const uint8_t> frame, const FrameHint& h) {
  if (h.l3_offset < kEthHeaderLen || h.l3_offset + kIpv6HeaderLen > frame.size()) return {};
  HeaderWalk w;
  w.ethertype = kEtherTypeIpv6;
  w.l3_offset = h.l3_offset;
  w.l3_end = h.l3_offset + kIpv6HeaderLen + load_be16(frame.data() + h.l3_offset + 4);
  if (w.l3_end > frame.size()) return {};
  if (h.l3_offset > kEthHeaderLen) {
    w.has_vlan = true;
    w.vlan_tci = load_be16(frame.data() + 14);
  }
  if (h.kind == FrameHint::Kind::data) {
    w.upper_offset = w.l3_end;  // not carried: nothing of the upper layer is read
    return w;
  }
  if (h.upper_offset < h.l3_offset + kIpv6HeaderLen || h.upper_offset > w.l3_end) return {};
  w.upper_offset = h.upper_offset;
  w.upper_protocol = h.upper_protocol;
  w.router_alert = h.router_alert;
  w.router_alert_value = h.router_alert_value;
  return w;
}

}  // namespace

Frame parse_frame(std::span<const uint8_t> frame) {
  Frame f;
  f.walk = walk_headers(frame.data(), static_cast<uint32_t>(frame.size()));
  read_ethernet(f, frame);
  if (f.walk.drop == DropReason::not_ipv6) {
    f.kind = PacketKind::other;
    return f;
  }
  read_ipv6_header(f, frame);
  if (f.walk.drop != DropReason::none) {
    dropped(f, f.walk.drop);
    return f;
  }
  if (f.walk.fragment && !f.walk.first_fragment) {
    f.kind = data_or_other(f);
    return f;
  }
  parse_upper(f, frame);
  return f;
}

Frame parse_classified(std::span<const uint8_t> frame, const FrameHint& hint) {
  std::optional<HeaderWalk> walk = walk_of_hint(frame, hint);
  if (!walk) return parse_frame(frame);
  Frame f;
  f.walk = *walk;
  read_ethernet(f, frame);
  read_ipv6_header(f, frame);
  if (hint.kind == FrameHint::Kind::data) {
    f.kind = data_or_other(f);
    return f;
  }
  parse_upper(f, frame);
  return f;
}

// ---- builders ----

namespace {

// Ethernet + IPv6 (+ hop-by-hop RA) headers; returns the offset of the upper-layer message.
size_t write_headers(std::vector<uint8_t>& out, const L2L3Spec& l, uint8_t upper_proto,
                     size_t upper_len) {
  ByteWriter w(out);
  MacAddress dst_mac = l.dst_mac;
  if (dst_mac.is_zero() && l.dst.is_multicast()) dst_mac = MacAddress::for_ipv6_multicast(l.dst);
  w.bytes(dst_mac.bytes.data(), 6);
  w.bytes(l.src_mac.bytes.data(), 6);
  if (l.vlan_tci) {
    w.be16(kEtherTypeVlan);
    w.be16(*l.vlan_tci);
  }
  w.be16(kEtherTypeIpv6);
  const size_t hbh_len = l.router_alert_mld ? 8 : 0;
  w.be32(uint32_t{6} << 28 | uint32_t{l.traffic_class} << 20);
  w.be16(static_cast<uint16_t>(upper_len + hbh_len));
  w.u8(l.router_alert_mld ? kProtoHopByHop : upper_proto);
  w.u8(l.hop_limit);
  w.bytes(l.src.bytes.data(), 16);
  w.bytes(l.dst.bytes.data(), 16);
  if (l.router_alert_mld) {
    // RFC 2711 Router Alert (value 0 = MLD) then PadN to 8 bytes, as Linux sends it.
    const uint8_t hbh[8] = {upper_proto, 0, kOptRouterAlert, 2, 0, 0, kOptPadN, 0};
    w.bytes(hbh, sizeof(hbh));
  }
  return w.size();
}

std::vector<uint8_t> finish(const L2L3Spec& l, uint8_t proto, std::span<const uint8_t> body,
                            size_t checksum_offset) {
  std::vector<uint8_t> out;
  out.reserve(64 + body.size());
  size_t off = write_headers(out, l, proto, body.size());
  out.insert(out.end(), body.begin(), body.end());
  uint8_t* m = out.data() + off;
  store_be16(m + checksum_offset, 0);
  uint16_t sum = ipv6_upper_checksum(l.src, l.dst, proto, m, body.size());
  if (proto == kProtoUdp && sum == 0) sum = 0xffff;  // RFC 8200 §8.1
  store_be16(m + checksum_offset, sum);
  return out;
}

}  // namespace

std::vector<uint8_t> build_icmpv6_frame(const L2L3Spec& l, std::span<const uint8_t> body) {
  return finish(l, kProtoIcmpv6, body, 2);
}

std::vector<uint8_t> build_vrrp_frame(const L2L3Spec& l, std::span<const uint8_t> body) {
  return finish(l, kProtoVrrp, body, 6);
}

std::vector<uint8_t> build_pim_frame(const L2L3Spec& l, std::span<const uint8_t> body) {
  return finish(l, kProtoPim, body, 2);
}

std::vector<uint8_t> build_udp_frame(const L2L3Spec& l, uint16_t src_port, uint16_t dst_port,
                                     std::span<const uint8_t> payload) {
  std::vector<uint8_t> udp;
  ByteWriter w(udp);
  w.be16(src_port);
  w.be16(dst_port);
  w.be16(static_cast<uint16_t>(kUdpHeaderLen + payload.size()));
  w.be16(0);
  w.bytes(payload.data(), payload.size());
  return finish(l, kProtoUdp, udp, 6);
}

std::vector<uint8_t> build_mld_query_frame(const MacAddress& src_mac, const Ipv6Address& src_ll,
                                           const MldQuerySpec& q) {
  L2L3Spec l;
  l.src_mac = src_mac;
  l.src = src_ll;
  // RFC 3810 §5.1.15: general queries to ff02::1, specific ones to the group.
  l.dst = q.group.is_unspecified() ? addr::all_nodes() : q.group;
  l.hop_limit = 1;
  l.router_alert_mld = true;
  auto body = build_mld_query_body(q);
  return build_icmpv6_frame(l, body);
}

std::vector<uint8_t> build_mld_v2_report_frame(const MacAddress& src_mac, const Ipv6Address& src_ll,
                                               const std::vector<MldRecordSpec>& records) {
  L2L3Spec l;
  l.src_mac = src_mac;
  l.src = src_ll;
  l.dst = addr::all_mldv2_routers();
  l.hop_limit = 1;
  l.router_alert_mld = true;
  auto body = build_mld_v2_report_body(records);
  return build_icmpv6_frame(l, body);
}

std::vector<uint8_t> build_vrrp_advert_frame(const Ipv6Address& src_ll, const VrrpAdvertSpec& a) {
  L2L3Spec l;
  l.src_mac = MacAddress::vrrp6_virtual(a.vrid);  // RFC 5798 §7.3
  l.src = src_ll;
  l.dst = addr::vrrp_multicast();
  l.hop_limit = 255;
  l.traffic_class = 0xc0;  // CS6, as FRR and keepalived send it
  auto body = build_vrrp_body(a);
  return build_vrrp_frame(l, body);
}

std::vector<uint8_t> build_pim_message_frame(const MacAddress& src_mac, const Ipv6Address& src_ll,
                                             const PimMessage& m) {
  L2L3Spec l;
  l.src_mac = src_mac;  // dst MAC derived from ff02::d: 33:33:00:00:00:0d (RFC 2464 §7)
  l.src = src_ll;
  l.dst = addr::all_pim_routers();
  l.hop_limit = 1;
  l.traffic_class = 0xc0;  // CS6 (network control), as for VRRP and BFD
  auto body = build_pim_body(m);
  return build_pim_frame(l, body);
}

std::vector<uint8_t> build_bfd_frame(const MacAddress& src_mac, const MacAddress& dst_mac,
                                     const Ipv6Address& src, const Ipv6Address& dst,
                                     uint16_t src_port, const BfdControl& c) {
  L2L3Spec l;
  l.src_mac = src_mac;
  l.dst_mac = dst_mac;
  l.src = src;
  l.dst = dst;
  l.hop_limit = 255;  // RFC 5881 §5
  l.traffic_class = 0xc0;
  auto body = build_bfd_body(c);
  return build_udp_frame(l, src_port, kBfdSingleHopPort, body);
}

}  // namespace tandem::wire
