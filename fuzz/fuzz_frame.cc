// fuzz_frame: arbitrary bytes as one Ethernet frame through the header walk, the full parser
// and the decode JSON line. Besides "no crash, no out-of-bounds read" (ASan) it checks:
//  - the walk stays inside the frame and agrees with the parser's own walk;
//  - a frame is `drop` exactly when it carries a drop reason;
//  - every accepted control packet satisfies the receive rule that admits it (RFC 3810 §5,
//    RFC 4861 §7.1, RFC 5798 §7.1, RFC 5881 §4-5, RFC 7761 §4.9), so no check can be skipped;
//  - the decode line is one valid JSON object naming the kind, and is deterministic;
//  - an accepted MLD / VRRP / BFD / ND / PIM message rebuilt by the wire builders parses back to
//    the same fields (parse ∘ build ∘ parse = parse).
#include <cstdio>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "control/wire/byte_io.h"
#include "control/wire/checksum.h"
#include "control/wire/decode_json.h"
#include "control/wire/frame.h"
#include "control/wire/headers.h"
#include "fuzz/fuzz_check.h"
#include "fuzz/json_check.h"

namespace tandem::fuzz {
namespace {

using namespace wire;

void check_walk(const HeaderWalk& w, size_t size) {
  if (w.drop == DropReason::eth_truncated) return;
  FUZZ_CHECK(w.l3_offset == 14 || (w.has_vlan && w.l3_offset == 18), "l3 offset after L2");
  if (w.drop != DropReason::none) return;
  FUZZ_CHECK(w.ethertype == kEtherTypeIpv6, "accepted walk is IPv6");
  FUZZ_CHECK(w.l3_end <= size, "IPv6 payload inside the frame");
  FUZZ_CHECK(w.l3_offset + kIpv6HeaderLen <= w.upper_offset, "upper layer after IPv6 header");
  FUZZ_CHECK(w.upper_offset <= w.l3_end, "upper layer inside the payload");
  FUZZ_CHECK(w.ext_count <= kMaxExtHeaders, "bounded extension chain");
}

bool same_walk(const HeaderWalk& a, const HeaderWalk& b) {
  return a.drop == b.drop && a.ethertype == b.ethertype && a.has_vlan == b.has_vlan &&
         a.vlan_tci == b.vlan_tci && a.l3_offset == b.l3_offset && a.l3_end == b.l3_end &&
         a.upper_offset == b.upper_offset && a.upper_protocol == b.upper_protocol &&
         a.ext_count == b.ext_count && a.router_alert == b.router_alert &&
         a.router_alert_value == b.router_alert_value && a.fragment == b.fragment &&
         a.first_fragment == b.first_fragment;
}

bool is_mld(PacketKind k) {
  return k == PacketKind::mld_query || k == PacketKind::mld_report_v1 ||
         k == PacketKind::mld_done || k == PacketKind::mld_report_v2;
}

bool is_pim(PacketKind k) {
  return k == PacketKind::pim_hello || k == PacketKind::pim_join_prune ||
         k == PacketKind::pim_assert;
}

// The rule each accepted kind stands on.
void check_receive_rules(const Frame& f) {
  FUZZ_CHECK((f.kind == PacketKind::drop) == (f.drop_reason != DropReason::none),
             "drop kind iff drop reason");
  if (f.kind == PacketKind::drop || f.kind == PacketKind::other) return;
  FUZZ_CHECK(f.is_ipv6 && f.walk.drop == DropReason::none, "accepted frames are IPv6");
  FUZZ_CHECK(!f.src.is_multicast(), "RFC 4291 §2.7: no multicast source");
  if (is_mld(f.kind)) {
    FUZZ_CHECK(f.hop_limit == 1, "RFC 3810 §5: hop limit 1");
    // RFC 3810 §5 Router Alert: reported (has_mld_router_alert), required per interface by
    // the MLD router (mld require-router-alert), no longer a parse drop.
    FUZZ_CHECK(has_mld_router_alert(f) ==
                   (f.walk.router_alert && f.walk.router_alert_value == kRouterAlertMld),
               "has_mld_router_alert reads the hop-by-hop option");
    FUZZ_CHECK(f.src.is_link_local_unicast() ||
                   (f.src.is_unspecified() && f.kind != PacketKind::mld_query),
               "RFC 3810 §5: link-local source (:: only for reports)");
    FUZZ_CHECK(!f.walk.fragment, "no fragmented MLD");
  }
  if (is_pim(f.kind)) {
    FUZZ_CHECK(f.walk.upper_protocol == kProtoPim, "PIM kinds come from next header 103");
    FUZZ_CHECK(f.hop_limit == 1, "RFC 7761 §4.9: hop limit 1");
    FUZZ_CHECK(f.src.is_link_local_unicast(), "RFC 7761 §4.9: link-local source");
    FUZZ_CHECK(!f.walk.fragment, "no fragmented PIM");
    const PimType want = f.kind == PacketKind::pim_hello        ? PimType::hello
                         : f.kind == PacketKind::pim_join_prune ? PimType::join_prune
                                                                : PimType::assert_;
    FUZZ_CHECK(f.pim.type == want, "PIM type matches kind");
    FUZZ_CHECK(f.pim.assert_message.metric_preference <= kPimAssertInfinitePreference,
               "metric preference is 31 bits");
    for (const PimGroupSet& g : f.pim.join_prune.groups)
      FUZZ_CHECK(g.joins.size() <= 0xffff && g.prunes.size() <= 0xffff, "16-bit source counts");
    FUZZ_CHECK(f.pim.join_prune.groups.size() <= 0xff, "8-bit group count");
  }
  switch (f.kind) {
    case PacketKind::mld_query:
      FUZZ_CHECK(f.mld.query.group.is_unspecified() || f.mld.query.group.is_multicast(),
                 "query group :: or multicast");
      FUZZ_CHECK(!f.mld.query.is_general() || f.mld.query.sources.empty(),
                 "general query without sources");
      FUZZ_CHECK(f.mld.query.qrv <= 7, "QRV is 3 bits");
      break;
    case PacketKind::mld_report_v1:
    case PacketKind::mld_done:
      FUZZ_CHECK(f.mld.v1.group.is_multicast(), "v1 group multicast");
      break;
    case PacketKind::mld_report_v2: {
      uint32_t n = 0;
      for (const MldRecord& r : f.mld.report) {
        FUZZ_CHECK(static_cast<uint8_t>(r.type) >= 1 && static_cast<uint8_t>(r.type) <= 6,
                   "record type 1..6");
        FUZZ_CHECK(r.group.is_multicast(), "record group multicast");
        for (size_t i = 0; i < r.sources.size(); ++i) (void)r.sources[i];  // ASan: inside
        ++n;
      }
      FUZZ_CHECK(n == f.mld.report.num_records, "iterator visits num_records records");
      break;
    }
    case PacketKind::vrrp:
      FUZZ_CHECK(f.hop_limit == 255, "RFC 5798 §7.1: hop limit 255");
      FUZZ_CHECK(f.vrrp.version == 3 && f.vrrp.type == 1, "VRRPv3 advertisement");
      FUZZ_CHECK(f.vrrp.vrid != 0 && f.vrrp.count != 0, "VRID and address count non-zero");
      FUZZ_CHECK(f.vrrp.addresses.size() == f.vrrp.count, "address list matches count");
      FUZZ_CHECK(!f.walk.fragment, "no fragmented VRRP");
      break;
    case PacketKind::bfd:
      FUZZ_CHECK(f.hop_limit == 255, "RFC 5881 §5: hop limit 255");
      FUZZ_CHECK(f.dst_port == kBfdSingleHopPort, "RFC 5881 §4: port 3784");
      FUZZ_CHECK(f.src_port >= kBfdSourcePortMin, "RFC 5881 §4: source port range");
      FUZZ_CHECK(!f.dst.is_multicast(), "single-hop BFD is unicast");
      FUZZ_CHECK(f.bfd.version == 1 && f.bfd.detect_mult != 0 && !f.bfd.multipoint &&
                     f.bfd.my_disc != 0 && !f.bfd.auth,
                 "RFC 5880 §6.8.6 checks");
      FUZZ_CHECK(f.bfd.your_disc != 0 || f.bfd.state == BfdState::down ||
                     f.bfd.state == BfdState::admin_down,
                 "RFC 5880 §6.8.6: Your Discriminator in Init/Up");
      break;
    case PacketKind::nd_ns:
    case PacketKind::nd_na:
      FUZZ_CHECK(f.hop_limit == 255, "RFC 4861 §7.1: hop limit 255");
      FUZZ_CHECK(!f.nd.target.is_multicast(), "RFC 4861 §7.1: unicast target");
      FUZZ_CHECK(f.nd.is_na == (f.kind == PacketKind::nd_na), "NA flag matches kind");
      break;
    case PacketKind::mcast_data:
      FUZZ_CHECK(f.dst.is_multicast() && f.dst.multicast_scope() > 2, "routable multicast");
      break;
    default: break;
  }
}

// RFC 5952 §4 text: lower-case hex, no leading zeros, the longest run (first on a tie) of two
// or more zero groups as "::". Dotted forms (glibc's inet_ntop for ::a.b.c.d and
// ::ffff:a.b.c.d, RFC 5952 §5) only where the first 80 bits are zero. Always parses back.
void check_address_text(const Ipv6Address& a) {
  const std::string text = a.to_string();
  const auto back = Ipv6Address::parse(text);
  FUZZ_CHECK(back && *back == a, "address text parses back to the same address");
  uint16_t w[8];
  for (int i = 0; i < 8; ++i) w[i] = load_be16(a.bytes.data() + 2 * i);
  if (text.find('.') != std::string::npos) {
    FUZZ_CHECK(w[0] == 0 && w[1] == 0 && w[2] == 0 && w[3] == 0 && w[4] == 0 &&
                   (w[5] == 0 || w[5] == 0xffff),
               "dotted form only for IPv4-compatible or -mapped addresses");
    return;
  }
  int best = -1, best_len = 0;
  for (int i = 0; i < 8;) {
    int j = i;
    while (j < 8 && w[j] == 0) ++j;
    if (j - i > best_len && j - i >= 2) best = i, best_len = j - i;
    i = j == i ? i + 1 : j;
  }
  std::string want;
  for (int i = 0; i < 8; ++i) {
    if (i == best) {
      want += "::";
      i += best_len - 1;
      continue;
    }
    if (!want.empty() && want.back() != ':') want += ':';
    char g[8];
    std::snprintf(g, sizeof(g), "%x", w[i]);
    want += g;
  }
  FUZZ_CHECK(text == want, "RFC 5952 §4 canonical text");
}

bool has_key(const std::string& line, const char* key) {
  return line.find(std::string("\"") + key + "\":") != std::string::npos;
}

// DESIGN.md §6 "decode": the keys each kind must carry.
void check_decode_keys(const Frame& f, const std::string& line) {
  if (f.kind == PacketKind::drop) {
    const std::string reason =
        "\"drop_reason\":\"" + std::string(drop_reason_name(f.drop_reason)) + "\"";
    FUZZ_CHECK(line.find(reason) != std::string::npos, "drop lines name their reason");
  }
  if (f.is_ipv6) {
    FUZZ_CHECK(line.find("\"src\":\"" + f.src.to_string() + "\"") != std::string::npos &&
                   line.find("\"dst\":\"" + f.dst.to_string() + "\"") != std::string::npos &&
                   has_key(line, "hop_limit"),
               "IPv6 lines carry src, dst, hop_limit");
    check_address_text(f.src);
    check_address_text(f.dst);
  }
  switch (f.kind) {
    case PacketKind::mld_query:
    case PacketKind::mld_report_v1:
    case PacketKind::mld_done:
      FUZZ_CHECK(has_key(line, "group") && has_key(line, "max_resp_ms"), "MLD keys");
      break;
    case PacketKind::mld_report_v2:
      FUZZ_CHECK(has_key(line, "records"), "MLDv2 report lists its records");
      for (const MldRecord& r : f.mld.report) check_address_text(r.group);
      break;
    case PacketKind::vrrp:
      for (const char* k : {"version", "vrid", "priority", "max_adver_int_cs", "addresses"})
        FUZZ_CHECK(has_key(line, k), "VRRP keys");
      break;
    case PacketKind::bfd:
      for (const char* k : {"state", "diag", "detect_mult", "my_disc", "your_disc",
                            "desired_min_tx_us", "required_min_rx_us", "poll", "final"})
        FUZZ_CHECK(has_key(line, k), "BFD keys");
      break;
    case PacketKind::pim_hello:
      FUZZ_CHECK(has_key(line, "holdtime_s") == f.pim.hello.holdtime_s.has_value() &&
                     has_key(line, "dr_priority") == f.pim.hello.dr_priority.has_value() &&
                     has_key(line, "address_list") == !f.pim.hello.address_list.empty(),
                 "PIM Hello lists exactly the options it carried");
      for (const Ipv6Address& a : f.pim.hello.address_list) check_address_text(a);
      break;
    case PacketKind::pim_join_prune:
      for (const char* k : {"upstream_neighbor", "holdtime_s", "groups"})
        FUZZ_CHECK(has_key(line, k), "PIM Join/Prune keys");
      break;
    case PacketKind::pim_assert:
      for (const char* k : {"group", "source", "rpt", "metric_preference", "metric"})
        FUZZ_CHECK(has_key(line, k), "PIM Assert keys");
      break;
    default: break;
  }
}

void check_json(const Frame& f, std::span<const uint8_t> bytes) {
  const std::string line = frame_to_json(7, f);
  FUZZ_CHECK(is_json_object(line), "decode line is one JSON object");
  FUZZ_CHECK(line.rfind("{\"frame\":7,", 0) == 0, "decode line starts with the frame number");
  const std::string kind = std::string("\"kind\":\"") + packet_kind_name(f.kind) + "\"";
  FUZZ_CHECK(line.find(kind) != std::string::npos, "decode line names the kind");
  check_decode_keys(f, line);
  FUZZ_CHECK(frame_to_json(7, parse_frame(bytes)) == line, "decode is deterministic");
}

bool same_list(const AddressList& a, const AddressList& b) {
  return a.raw.size() == b.raw.size() &&
         (a.raw.empty() || std::memcmp(a.raw.data(), b.raw.data(), a.raw.size()) == 0);
}

L2L3Spec spec_like(const Frame& f, uint8_t hop_limit, bool router_alert) {
  L2L3Spec l;
  l.src_mac = f.eth_src;
  l.dst_mac = f.eth_dst;
  l.src = f.src;
  l.dst = f.dst;
  l.hop_limit = hop_limit;
  l.traffic_class = f.traffic_class;
  l.router_alert_mld = router_alert;
  return l;
}

// Rebuild the accepted message with the builders and parse it again.
void check_rebuild(const Frame& f) {
  std::vector<uint8_t> again;
  switch (f.kind) {
    case PacketKind::mld_query: {
      const MldQuery& q = f.mld.query;
      MldQuerySpec s;
      s.v2 = q.v2;
      s.max_resp_ms = q.max_resp_ms;
      s.group = q.group;
      s.s_flag = q.s_flag;
      s.qrv = q.qrv;
      s.qqi_s = q.qqi_s;
      s.sources = q.sources.to_vector();
      again = build_icmpv6_frame(spec_like(f, 1, true), build_mld_query_body(s));
      const Frame g = parse_frame(again);
      FUZZ_CHECK(g.kind == PacketKind::mld_query, "rebuilt query parses");
      const MldQuery& r = g.mld.query;
      FUZZ_CHECK(r.v2 == q.v2 && r.max_resp_code == q.max_resp_code &&
                     r.max_resp_ms == q.max_resp_ms && r.group == q.group,
                 "query version, Max Resp Code and group survive a rebuild");
      if (q.v2) {
        FUZZ_CHECK(r.s_flag == q.s_flag && r.qrv == q.qrv && r.qqic == q.qqic &&
                       r.qqi_s == q.qqi_s && same_list(r.sources, q.sources),
                   "v2 query S, QRV, QQIC and sources survive a rebuild");
      }
      break;
    }
    case PacketKind::mld_report_v1:
    case PacketKind::mld_done: {
      const uint8_t type = f.kind == PacketKind::mld_done ? kIcmpMldV1Done : kIcmpMldV1Report;
      again = build_icmpv6_frame(spec_like(f, 1, true),
                                 build_mld_v1_body(type, f.mld.v1.group, f.mld.v1.max_resp_ms));
      const Frame g = parse_frame(again);
      FUZZ_CHECK(g.kind == f.kind && g.mld.v1.group == f.mld.v1.group &&
                     g.mld.v1.max_resp_ms == f.mld.v1.max_resp_ms,
                 "rebuilt v1 report/done parses to the same fields");
      break;
    }
    case PacketKind::mld_report_v2: {
      std::vector<MldRecordSpec> records;
      for (const MldRecord& r : f.mld.report) {
        records.push_back(MldRecordSpec{r.type, r.group, r.sources.to_vector()});
      }
      again = build_icmpv6_frame(spec_like(f, 1, true), build_mld_v2_report_body(records));
      const Frame g = parse_frame(again);
      FUZZ_CHECK(g.kind == PacketKind::mld_report_v2, "rebuilt v2 report parses");
      FUZZ_CHECK(g.mld.report.num_records == f.mld.report.num_records, "same record count");
      auto it = f.mld.report.begin();
      for (const MldRecord& r : g.mld.report) {
        const MldRecord o = *it;
        FUZZ_CHECK(r.type == o.type && r.group == o.group && same_list(r.sources, o.sources),
                   "v2 record survives a rebuild");
        ++it;
      }
      break;
    }
    case PacketKind::vrrp: {
      VrrpAdvertSpec s;
      s.vrid = f.vrrp.vrid;
      s.priority = f.vrrp.priority;
      s.max_adver_int_cs = f.vrrp.max_adver_int_cs;
      s.addresses = f.vrrp.addresses.to_vector();
      again = build_vrrp_frame(spec_like(f, 255, false), build_vrrp_body(s));
      const Frame g = parse_frame(again);
      FUZZ_CHECK(g.kind == PacketKind::vrrp && g.vrrp.vrid == f.vrrp.vrid &&
                     g.vrrp.priority == f.vrrp.priority &&
                     g.vrrp.max_adver_int_cs == f.vrrp.max_adver_int_cs &&
                     same_list(g.vrrp.addresses, f.vrrp.addresses),
                 "rebuilt VRRP advert parses to the same fields");
      break;
    }
    case PacketKind::bfd: {
      again = build_bfd_frame(f.eth_src, f.eth_dst, f.src, f.dst, f.src_port, f.bfd);
      const Frame g = parse_frame(again);
      const BfdControl& a = f.bfd;
      const BfdControl& b = g.bfd;
      FUZZ_CHECK(g.kind == PacketKind::bfd, "rebuilt BFD parses");
      FUZZ_CHECK(a.diag == b.diag && a.state == b.state && a.poll == b.poll && a.final == b.final &&
                     a.cpi == b.cpi && a.demand == b.demand && a.detect_mult == b.detect_mult &&
                     a.my_disc == b.my_disc && a.your_disc == b.your_disc &&
                     a.desired_min_tx_us == b.desired_min_tx_us &&
                     a.required_min_rx_us == b.required_min_rx_us &&
                     a.required_min_echo_rx_us == b.required_min_echo_rx_us,
                 "BFD fields survive a rebuild");
      break;
    }
    case PacketKind::nd_ns:
    case PacketKind::nd_na: {
      const NdMessage& m = f.nd;
      auto body =
          m.is_na ? build_na_body(m.target, m.router, m.solicited, m.override_flag, m.target_lla)
                  : build_ns_body(m.target, m.source_lla);
      again = build_icmpv6_frame(spec_like(f, 255, false), body);
      const Frame g = parse_frame(again);
      const NdMessage& n = g.nd;
      FUZZ_CHECK(g.kind == f.kind && n.target == m.target && n.router == m.router &&
                     n.solicited == m.solicited && n.override_flag == m.override_flag &&
                     n.source_lla == m.source_lla && n.target_lla == m.target_lla,
                 "ND message survives a rebuild");
      break;
    }
    case PacketKind::pim_hello:
    case PacketKind::pim_join_prune:
    case PacketKind::pim_assert: {
      again = build_pim_frame(spec_like(f, 1, false), build_pim_body(f.pim));
      const Frame g = parse_frame(again);
      FUZZ_CHECK(g.kind == f.kind && g.pim.type == f.pim.type && g.pim.hello == f.pim.hello &&
                     g.pim.join_prune == f.pim.join_prune &&
                     g.pim.assert_message == f.pim.assert_message,
                 "PIM message survives a rebuild");
      break;
    }
    default: break;
  }
}

}  // namespace
}  // namespace tandem::fuzz

namespace tandem::fuzz {
namespace {

void check_frame(std::span<const uint8_t> bytes) {
  const HeaderWalk w = walk_headers(bytes.data(), static_cast<uint32_t>(bytes.size()));
  check_walk(w, bytes.size());
  const Frame f = parse_frame(bytes);
  FUZZ_CHECK(same_walk(w, f.walk), "parse_frame starts from walk_headers");
  check_receive_rules(f);
  check_json(f, bytes);
  check_rebuild(f);
}

// Offset of the checksum field in the upper-layer header, when it has one we know.
std::optional<uint32_t> checksum_offset(uint8_t proto) {
  switch (proto) {
    case kProtoIcmpv6: return 2;
    case kProtoVrrp: return 6;
    case kProtoUdp: return 6;
    case kProtoPim: return 2;
    default: return std::nullopt;
  }
}

// A copy of the frame with a correct upper-layer checksum, so mutations of MLD, ND, VRRP, BFD
// and PIM bodies get past the checksum check and reach the message parsers.
std::optional<std::vector<uint8_t>> with_checksum_fixed(std::span<const uint8_t> bytes) {
  const HeaderWalk w = walk_headers(bytes.data(), static_cast<uint32_t>(bytes.size()));
  if (w.drop != DropReason::none || (w.fragment && !w.first_fragment)) return std::nullopt;
  const auto off = checksum_offset(w.upper_protocol);
  if (!off || w.upper_len() < *off + 2) return std::nullopt;
  std::vector<uint8_t> copy(bytes.begin(), bytes.end());
  uint8_t* upper = copy.data() + w.upper_offset;
  const Ipv6Address src = Ipv6Address::from_bytes(copy.data() + w.l3_offset + 8);
  const Ipv6Address dst = Ipv6Address::from_bytes(copy.data() + w.l3_offset + 24);
  store_be16(upper + *off, 0);
  const uint16_t sum = ipv6_upper_checksum(src, dst, w.upper_protocol, upper, w.upper_len());
  store_be16(upper + *off, sum);
  return copy;
}

}  // namespace
}  // namespace tandem::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace tandem::fuzz;
  if (size > 0xffff) return 0;  // one frame; jumbo sizes add nothing but time
  const std::span<const uint8_t> bytes(data, size);
  check_frame(bytes);
  if (auto fixed = with_checksum_fixed(bytes)) check_frame(*fixed);
  return 0;
}
