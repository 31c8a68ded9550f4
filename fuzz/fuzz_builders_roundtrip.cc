// fuzz_builders_roundtrip: the input chooses a builder (MLD query v1/v2, MLDv2 report,
// MLDv1 report/done, VRRPv3 advert, BFD control, NS, NA) and its parameters, including the
// IPv6/Ethernet envelope. The frame is built, parsed back, and the result must be exactly
// what the RFC receive rules predict: the first failing check as drop reason when the
// parameters break a rule, otherwise the accepted kind with every field equal to what was
// put in (after the documented encodings: Max Resp Code / QQIC floating point, QRV > 7 → 0,
// 12-bit Max Adver Int). Any mismatch aborts.
#include <algorithm>
#include <optional>
#include <vector>

#include "control/wire/frame.h"
#include "fuzz/fuzz_check.h"
#include "fuzz/fuzz_input.h"

namespace tandem::fuzz {
namespace {

using namespace wire;

// ---- input → parameters ----

std::vector<Ipv6Address> address_list(FuzzInput& in, const std::vector<Ipv6Address>& pool,
                                      uint32_t max) {
  std::vector<Ipv6Address> v(in.range(0, max));
  for (auto& a : v) a = pick_or_raw(in, pool);
  return v;
}

// A link-local source most of the time; sometimes ::, a global or a raw address so the
// source rules get exercised.
Ipv6Address host_source(FuzzInput& in) {
  switch (in.u8() % 8) {
    case 0: return Ipv6Address{};
    case 1: return pick_or_raw(in, pools().sources);
    default: return pick_or_raw(in, pools().link_locals);
  }
}

Ipv6Address group_or_other(FuzzInput& in) {
  return in.u8() % 16 == 0 ? pick_or_raw(in, pools().sources) : pick_or_raw(in, pools().groups);
}

// The envelope for the generic builders: usually the value the protocol wants.
L2L3Spec envelope(FuzzInput& in, const Ipv6Address& src, const Ipv6Address& dst,
                  uint8_t wanted_hop_limit, bool router_alert) {
  L2L3Spec l;
  const uint8_t sel = in.u8();
  l.src_mac = in.mac();
  l.dst_mac = (sel & 0x01) ? in.mac() : MacAddress{};
  l.src = src;
  l.dst = dst;
  l.hop_limit = (sel & 0x06) == 0x06 ? in.u8() : wanted_hop_limit;
  l.traffic_class = (sel & 0x08) ? in.u8() : 0;
  l.router_alert_mld = (sel & 0x30) == 0x30 ? !router_alert : router_alert;
  if (sel & 0x40) l.vlan_tci = in.u16();
  return l;
}

// ---- expectations shared by every frame ----

void check_envelope(const Frame& f, const L2L3Spec& l) {
  MacAddress want_dst = l.dst_mac;
  if (want_dst.is_zero() && l.dst.is_multicast()) want_dst = MacAddress::for_ipv6_multicast(l.dst);
  FUZZ_CHECK(f.eth_src == l.src_mac && f.eth_dst == want_dst, "Ethernet addresses (RFC 2464 §7)");
  FUZZ_CHECK(f.walk.has_vlan == l.vlan_tci.has_value(), "802.1Q tag present iff asked");
  if (l.vlan_tci) FUZZ_CHECK(f.walk.vlan_tci == *l.vlan_tci, "802.1Q TCI");
  FUZZ_CHECK(f.is_ipv6 && f.src == l.src && f.dst == l.dst && f.hop_limit == l.hop_limit &&
                 f.traffic_class == l.traffic_class && f.flow_label == 0,
             "IPv6 header fields");
  if (!l.src.is_multicast()) {
    FUZZ_CHECK(f.walk.router_alert == l.router_alert_mld, "router alert present iff asked");
  }
}

// The drop the IPv6 layer must report before any upper-layer rule (RFC 4291 §2.7).
std::optional<DropReason> ipv6_drop(const L2L3Spec& l) {
  if (l.src.is_multicast()) return DropReason::ipv6_multicast_source;
  return std::nullopt;
}

void expect_drop(const Frame& f, DropReason r) {
  FUZZ_CHECK(f.kind == PacketKind::drop, "frame expected to be dropped");
  FUZZ_CHECK(f.drop_reason == r, "first failing receive check is the drop reason");
}

// RFC 3810 §5 / RFC 2710 §5 envelope rules, in parse order, for an MLD message of `type`.
std::optional<DropReason> mld_envelope_drop(const L2L3Spec& l, uint8_t type) {
  if (auto d = ipv6_drop(l)) return d;
  if (l.hop_limit != 1) return DropReason::mld_hop_limit_not_one;
  if (type == kIcmpMldQuery && l.src.is_unspecified())
    return DropReason::mld_query_from_unspecified;
  if (!l.src.is_unspecified() && !l.src.is_link_local_unicast())
    return DropReason::mld_source_not_link_local;
  return std::nullopt;
}

// ---- MLD query ----

// RFC 3810 §5.1.3 / §5.1.9: the exponential forms keep 12 resp. 4 mantissa bits, rounding
// down; beyond the largest code the value saturates.
void check_float_field(uint64_t sent, uint64_t got, uint64_t exact_below, uint64_t mant_bits,
                       uint64_t max, const char* what) {
  if (sent < exact_below) {
    FUZZ_CHECK(got == sent, what);
  } else if (sent >= max) {
    FUZZ_CHECK(got == max, what);
  } else {
    FUZZ_CHECK(got <= sent && (sent - got) << mant_bits <= sent, what);
  }
}

void mld_query(FuzzInput& in) {
  MldQuerySpec q;
  q.v2 = in.u8() % 4 != 0;
  const uint8_t ms_form = in.u8() % 4;
  q.max_resp_ms = ms_form == 0 ? in.u16() : ms_form == 1 ? in.u32() : in.range(0, 0x8000 + 64);
  q.group = in.flag() ? Ipv6Address{} : group_or_other(in);
  q.s_flag = in.flag();
  q.qrv = in.u8() % 12;
  q.qqi_s = in.flag() ? in.u8() : in.u32() % 40000;
  q.sources = address_list(in, pools().sources, in.flag() ? 3 : 40);
  const Ipv6Address src = host_source(in);
  const bool convenience = in.flag();
  L2L3Spec l;
  std::vector<uint8_t> bytes;
  if (convenience) {
    const MacAddress mac = in.mac();
    bytes = build_mld_query_frame(mac, src, q);
    l.src_mac = mac;
    l.src = src;
    l.dst = q.group.is_unspecified() ? addr::all_nodes() : q.group;  // RFC 3810 §5.1.15
    l.hop_limit = 1;
    l.router_alert_mld = true;
  } else {
    l = envelope(in, src, q.group.is_unspecified() ? addr::all_nodes() : q.group, 1, true);
    bytes = build_icmpv6_frame(l, build_mld_query_body(q));
  }
  const Frame f = parse_frame(bytes);
  check_envelope(f, l);
  if (auto d = mld_envelope_drop(l, kIcmpMldQuery)) return expect_drop(f, *d);
  const bool carries_sources = q.v2 && !q.sources.empty();
  if (q.group.is_unspecified() && carries_sources)
    return expect_drop(f, DropReason::mld_bad_length);
  if (!q.group.is_unspecified() && !q.group.is_multicast())
    return expect_drop(f, DropReason::mld_group_not_multicast);
  FUZZ_CHECK(f.kind == PacketKind::mld_query, "valid query accepted");
  const MldQuery& p = f.mld.query;
  FUZZ_CHECK(p.v2 == q.v2 && p.group == q.group, "query version and group");
  if (!q.v2) {
    FUZZ_CHECK(p.max_resp_ms == std::min<uint32_t>(q.max_resp_ms, 0xffff),
               "RFC 2710 §3.4: v1 Maximum Response Delay in ms, saturated");
    return;
  }
  check_float_field(q.max_resp_ms, p.max_resp_ms, 0x8000, 12, uint64_t{0x1fff} << 10,
                    "RFC 3810 §5.1.3 Max Resp Code");
  FUZZ_CHECK(mld_max_resp_ms_to_code(p.max_resp_ms) == p.max_resp_code, "code ⇄ ms stable");
  check_float_field(q.qqi_s, p.qqi_s, 0x80, 4, uint64_t{0x1f} << 10, "RFC 3810 §5.1.9 QQIC");
  FUZZ_CHECK(p.s_flag == q.s_flag, "S flag");
  FUZZ_CHECK(p.qrv == (q.qrv > 7 ? 0 : q.qrv), "RFC 3810 §5.1.8 QRV, 0 when above 7");
  FUZZ_CHECK(p.sources.to_vector() == q.sources, "source list");
}

// ---- MLDv2 report ----

void mld_v2_report(FuzzInput& in) {
  std::vector<MldRecordSpec> records(in.range(0, 12));
  for (auto& r : records) {
    const uint8_t t = in.u8();
    // Mostly the six valid types; now and then 0 or 7+ to hit the type check.
    r.type = static_cast<MldRecordType>(t < 0xf0 ? 1 + t % 6 : t % 16);
    r.group = group_or_other(in);
    r.sources = address_list(in, pools().sources, in.flag() ? 4 : 60);
  }
  const Ipv6Address src = host_source(in);
  L2L3Spec l;
  std::vector<uint8_t> bytes;
  if (in.flag()) {
    const MacAddress mac = in.mac();
    bytes = build_mld_v2_report_frame(mac, src, records);
    l.src_mac = mac;
    l.src = src;
    l.dst = addr::all_mldv2_routers();  // RFC 3810 §5.2.14
    l.hop_limit = 1;
    l.router_alert_mld = true;
  } else {
    l = envelope(in, src, addr::all_mldv2_routers(), 1, true);
    bytes = build_icmpv6_frame(l, build_mld_v2_report_body(records));
  }
  const Frame f = parse_frame(bytes);
  check_envelope(f, l);
  if (auto d = mld_envelope_drop(l, kIcmpMldV2Report)) return expect_drop(f, *d);
  for (const auto& r : records) {
    const auto t = static_cast<uint8_t>(r.type);
    if (t < 1 || t > 6) return expect_drop(f, DropReason::mld_bad_record_type);
    if (!r.group.is_multicast()) return expect_drop(f, DropReason::mld_group_not_multicast);
  }
  FUZZ_CHECK(f.kind == PacketKind::mld_report_v2, "valid report accepted");
  FUZZ_CHECK(f.mld.report.num_records == records.size(), "record count");
  size_t i = 0;
  for (const MldRecord& r : f.mld.report) {
    FUZZ_CHECK(i < records.size(), "no extra records");
    FUZZ_CHECK(r.type == records[i].type && r.group == records[i].group &&
                   r.sources.to_vector() == records[i].sources && r.aux_words == 0,
               "record fields");
    ++i;
  }
  FUZZ_CHECK(i == records.size(), "every record visited");
}

// ---- MLDv1 report / done ----

void mld_v1(FuzzInput& in) {
  const uint8_t type = in.flag() ? kIcmpMldV1Done : kIcmpMldV1Report;
  const Ipv6Address group = group_or_other(in);
  // The field is 16 bits (RFC 2710 §3.4); hosts send 0 in reports and dones.
  const uint16_t max_resp = in.flag() ? 0 : in.u16();
  const Ipv6Address src = host_source(in);
  // RFC 2710 §3: reports go to the group, dones to all-routers.
  const L2L3Spec l =
      envelope(in, src, type == kIcmpMldV1Done ? addr::all_routers() : group, 1, true);
  const auto bytes = build_icmpv6_frame(l, build_mld_v1_body(type, group, max_resp));
  const Frame f = parse_frame(bytes);
  check_envelope(f, l);
  if (auto d = mld_envelope_drop(l, type)) return expect_drop(f, *d);
  if (!group.is_multicast()) return expect_drop(f, DropReason::mld_group_not_multicast);
  FUZZ_CHECK(f.kind == (type == kIcmpMldV1Done ? PacketKind::mld_done : PacketKind::mld_report_v1),
             "valid v1 message accepted");
  FUZZ_CHECK(f.mld.v1.group == group && f.mld.v1.max_resp_ms == max_resp, "v1 fields");
}

// ---- VRRPv3 ----

void vrrp(FuzzInput& in) {
  VrrpAdvertSpec a;
  a.vrid = in.u8() % 64 == 0 ? 0 : in.u8();
  a.priority = in.u8();
  a.max_adver_int_cs = in.u16();
  a.addresses = address_list(in, pools().link_locals, in.flag() ? 3 : 60);
  const Ipv6Address src = pick_or_raw(in, pools().link_locals);
  L2L3Spec l;
  std::vector<uint8_t> bytes;
  if (in.flag()) {
    bytes = build_vrrp_advert_frame(src, a);
    l.src_mac = MacAddress::vrrp6_virtual(a.vrid);  // RFC 5798 §7.3
    l.src = src;
    l.dst = addr::vrrp_multicast();
    l.hop_limit = 255;
    l.traffic_class = 0xc0;
  } else {
    l = envelope(in, src, addr::vrrp_multicast(), 255, false);
    bytes = build_vrrp_frame(l, build_vrrp_body(a));
  }
  const Frame f = parse_frame(bytes);
  check_envelope(f, l);
  if (auto d = ipv6_drop(l)) return expect_drop(f, *d);
  // RFC 5798 §7.1, in order.
  if (l.hop_limit != 255) return expect_drop(f, DropReason::vrrp_hop_limit_not_255);
  if (a.vrid == 0) return expect_drop(f, DropReason::vrrp_bad_vrid);
  if (a.addresses.empty()) return expect_drop(f, DropReason::vrrp_no_addresses);
  FUZZ_CHECK(f.kind == PacketKind::vrrp, "valid advert accepted");
  FUZZ_CHECK(f.vrrp.version == 3 && f.vrrp.type == 1 && f.vrrp.vrid == a.vrid &&
                 f.vrrp.priority == a.priority &&
                 f.vrrp.max_adver_int_cs == (a.max_adver_int_cs & 0x0fff) &&
                 f.vrrp.count == a.addresses.size() && f.vrrp.addresses.to_vector() == a.addresses,
             "advert fields (RFC 5798 §5.2)");
}

// ---- BFD ----

void bfd(FuzzInput& in) {
  BfdControl c;
  const uint8_t flags = in.u8();
  c.diag = static_cast<BfdDiag>(in.u8() & 0x1f);
  c.state = static_cast<BfdState>(flags & 0x03);
  c.poll = flags & 0x04;
  c.final = flags & 0x08;
  c.cpi = flags & 0x10;
  c.demand = flags & 0x20;
  const uint8_t rare = in.u8();
  c.auth = rare == 0xff;
  c.multipoint = rare == 0xfe;
  c.detect_mult = in.u8() % 32 == 0 ? 0 : in.u8();
  c.my_disc = in.u8() % 32 == 0 ? 0 : in.u32();
  c.your_disc = in.u8() % 4 == 0 ? 0 : in.u32();
  c.desired_min_tx_us = in.u32();
  c.required_min_rx_us = in.u32();
  c.required_min_echo_rx_us = in.u32();
  const uint16_t src_port =
      in.u8() % 16 == 0 ? in.u16() : static_cast<uint16_t>(49152 + in.u16() % 16384);
  const Ipv6Address src = pick_or_raw(in, pools().sources);
  const Ipv6Address dst =
      in.u8() % 16 == 0 ? pick_or_raw(in, pools().groups) : pick_or_raw(in, pools().sources);
  L2L3Spec l;
  std::vector<uint8_t> bytes;
  uint16_t dst_port = in.u8() % 16 == 0 ? in.u16() : kBfdSingleHopPort;
  if (in.flag()) {
    dst_port = kBfdSingleHopPort;
    l.src_mac = in.mac();
    l.dst_mac = in.mac();
    l.src = src;
    l.dst = dst;
    l.hop_limit = 255;  // RFC 5881 §5
    l.traffic_class = 0xc0;
    bytes = build_bfd_frame(l.src_mac, l.dst_mac, src, dst, src_port, c);
  } else {
    l = envelope(in, src, dst, 255, false);
    bytes = build_udp_frame(l, src_port, dst_port, build_bfd_body(c));
  }
  const Frame f = parse_frame(bytes);
  check_envelope(f, l);
  if (auto d = ipv6_drop(l)) return expect_drop(f, *d);
  FUZZ_CHECK(f.dst_port == dst_port, "UDP destination port");
  if (dst_port != kBfdSingleHopPort || dst.is_multicast()) {
    const bool routable = dst.is_multicast() && dst.multicast_scope() > 2;
    FUZZ_CHECK(f.kind == (routable ? PacketKind::mcast_data : PacketKind::other),
               "UDP that is not single-hop BFD is data or other");
    return;
  }
  if (l.hop_limit != 255) return expect_drop(f, DropReason::bfd_hop_limit_not_255);
  if (src_port < kBfdSourcePortMin) return expect_drop(f, DropReason::bfd_bad_source_port);
  // RFC 5880 §6.8.6, in order; the builder writes Length 24, too short when A is set.
  if (c.auth) return expect_drop(f, DropReason::bfd_bad_length);
  if (c.detect_mult == 0) return expect_drop(f, DropReason::bfd_zero_detect_mult);
  if (c.multipoint) return expect_drop(f, DropReason::bfd_multipoint);
  if (c.my_disc == 0) return expect_drop(f, DropReason::bfd_zero_my_discriminator);
  if (c.your_disc == 0 && c.state != BfdState::down && c.state != BfdState::admin_down)
    return expect_drop(f, DropReason::bfd_zero_your_discriminator);
  FUZZ_CHECK(f.kind == PacketKind::bfd, "valid BFD accepted");
  const BfdControl& p = f.bfd;
  FUZZ_CHECK(p.version == 1 && p.length == 24 && p.diag == c.diag && p.state == c.state &&
                 p.poll == c.poll && p.final == c.final && p.cpi == c.cpi && p.demand == c.demand &&
                 p.detect_mult == c.detect_mult && p.my_disc == c.my_disc &&
                 p.your_disc == c.your_disc && p.desired_min_tx_us == c.desired_min_tx_us &&
                 p.required_min_rx_us == c.required_min_rx_us &&
                 p.required_min_echo_rx_us == c.required_min_echo_rx_us,
             "BFD fields (RFC 5880 §4.1)");
  FUZZ_CHECK(f.src_port == src_port, "UDP source port");
}

// ---- Neighbor Solicitation / Advertisement ----

std::optional<MacAddress> maybe_mac(FuzzInput& in) {
  if (in.flag()) return in.mac();
  return std::nullopt;
}

void nd(FuzzInput& in, bool na) {
  const Ipv6Address target =
      in.u8() % 16 == 0 ? pick_or_raw(in, pools().groups) : pick_or_raw(in, pools().sources);
  const std::optional<MacAddress> lla = maybe_mac(in);
  const uint8_t flags = in.u8();
  const bool router = flags & 1, solicited = flags & 2, override_flag = flags & 4;
  const Ipv6Address src = flags & 0x80 ? Ipv6Address{} : pick_or_raw(in, pools().link_locals);
  Ipv6Address dst;
  switch (in.u8() % 3) {
    case 0: dst = target.solicited_node(); break;  // RFC 4861 §7.2.2
    case 1: dst = addr::all_nodes(); break;
    default: dst = pick_or_raw(in, pools().link_locals); break;
  }
  const L2L3Spec l = envelope(in, src, dst, 255, false);
  const auto body = na ? build_na_body(target, router, solicited, override_flag, lla)
                       : build_ns_body(target, lla);
  const auto bytes = build_icmpv6_frame(l, body);
  const Frame f = parse_frame(bytes);
  check_envelope(f, l);
  if (auto d = ipv6_drop(l)) return expect_drop(f, *d);
  // RFC 4861 §7.1.1 / §7.1.2, in parse order.
  if (l.hop_limit != 255) return expect_drop(f, DropReason::nd_hop_limit_not_255);
  if (target.is_multicast()) return expect_drop(f, DropReason::nd_target_multicast);
  if (!na && src.is_unspecified() && lla) return expect_drop(f, DropReason::nd_dad_with_source_lla);
  if (na && dst.is_multicast() && solicited)
    return expect_drop(f, DropReason::nd_solicited_na_to_multicast);
  FUZZ_CHECK(f.kind == (na ? PacketKind::nd_na : PacketKind::nd_ns), "valid ND accepted");
  FUZZ_CHECK(f.nd.is_na == na && f.nd.target == target, "ND target");
  if (na) {
    FUZZ_CHECK(f.nd.router == router && f.nd.solicited == solicited &&
                   f.nd.override_flag == override_flag && f.nd.target_lla == lla &&
                   !f.nd.source_lla,
               "NA flags and target link-layer option (RFC 4861 §4.4)");
  } else {
    FUZZ_CHECK(f.nd.source_lla == lla && !f.nd.target_lla,
               "NS source link-layer option (RFC 4861 §4.3)");
  }
}

}  // namespace
}  // namespace tandem::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace tandem::fuzz;
  FuzzInput in(data, size);
  // Several builds per input, so one input can mix message kinds.
  for (int round = 0; round < 4 && !in.empty(); ++round) {
    switch (in.u8() % 8) {
      case 0: mld_query(in); break;
      case 1: mld_v2_report(in); break;
      case 2: mld_v1(in); break;
      case 3: vrrp(in); break;
      case 4: bfd(in); break;
      case 5: nd(in, false); break;
      case 6: nd(in, true); break;
      default: mld_query(in); break;
    }
  }
  return 0;
}
