// One test per receive rule of the RFCs (MLD: RFC 3810 §5, §6.2, §8; VRRPv3: RFC 5798 §7.1;
// BFD: RFC 5880 §6.8.6, RFC 5881; ND: RFC 4861 §7.1; the header chain: RFC 8200): a valid
// frame is built, one field is broken, and the named drop reason must come back.
#include <gtest/gtest.h>

#include <memory>
#include <set>

#include "control/wire/byte_io.h"
#include "control/wire/checksum.h"
#include "control/wire/frame.h"
#include "tests/wire/classified_check.h"

namespace tandem::wire {
namespace {

const MacAddress kMac{{0x02, 0, 0, 0, 0, 0x0a}};
const Ipv6Address kHostLl = Ipv6Address::must_parse("fe80::a");
const Ipv6Address kG1 = Ipv6Address::must_parse("ff05::db8:1");

size_t l3(const std::vector<uint8_t>&) {
  return kEthHeaderLen;
}
size_t upper(const std::vector<uint8_t>& f) {
  return walk_headers(f.data(), f.size()).upper_offset;
}

// Recomputes the upper-layer checksum after a test edited a field (so that only the intended
// rule is broken).
void refresh_checksum(std::vector<uint8_t>& f, uint8_t proto, size_t csum_at) {
  auto w = walk_headers(f.data(), f.size());
  Ipv6Address src = Ipv6Address::from_bytes(f.data() + w.l3_offset + 8);
  Ipv6Address dst = Ipv6Address::from_bytes(f.data() + w.l3_offset + 24);
  uint8_t* m = f.data() + w.upper_offset;
  store_be16(m + csum_at, 0);
  store_be16(m + csum_at, ipv6_upper_checksum(src, dst, proto, m, w.upper_len()));
}

std::vector<uint8_t> report() {
  return build_mld_v2_report_frame(kMac, kHostLl, {{MldRecordType::to_ex, kG1, {}}});
}

// Every reason any test here observed, for the coverage check at the end of this file.
std::set<DropReason>& seen_reasons() {
  static std::set<DropReason> seen;
  return seen;
}

// Parses a frame built on the spot, keeping its bytes alive as long as the Frame's views.
struct Parsed {
  std::vector<uint8_t> bytes;
  Frame frame;
  explicit Parsed(std::vector<uint8_t> b) : bytes(std::move(b)), frame(parse_frame(bytes)) {}
};
Frame parsed(std::vector<uint8_t> b) {
  static std::vector<std::unique_ptr<Parsed>> keep;  // test-lifetime storage
  keep.push_back(std::make_unique<Parsed>(std::move(b)));
  return keep.back()->frame;
}

// Also checks that the control core's path for a punted frame (the worker's walk carried as
// a hint, parse_classified) refuses it for the same reason.
DropReason reason(const std::vector<uint8_t>& f) {
  testing::expect_classified_agrees(f, "receive rule");
  Frame p = parse_frame(f);
  seen_reasons().insert(p.walk.drop);
  DropReason r = p.kind == PacketKind::drop ? p.drop_reason : DropReason::none;
  seen_reasons().insert(r);
  return r;
}

TEST(Rfc3810Receive, ValidReportParses) {
  auto f = report();
  EXPECT_EQ(parse_frame(f).kind, PacketKind::mld_report_v2);
}

TEST(Rfc3810Receive, HopLimitMustBeOne) {
  auto f = report();
  f[l3(f) + 7] = 2;
  EXPECT_EQ(reason(f), DropReason::mld_hop_limit_not_one);
}

// RFC 3810 §5 asks for the Router Alert; the frame parses without it and the MLD router
// decides per interface (mld require-router-alert, tests/mld/test_policies.cc).
TEST(Rfc3810Receive, MissingRouterAlertIsReportedNotDropped) {
  L2L3Spec l;
  l.src_mac = kMac;
  l.src = kHostLl;
  l.dst = addr::all_mldv2_routers();
  l.hop_limit = 1;
  l.router_alert_mld = false;
  auto body = build_mld_v2_report_body({{MldRecordType::to_ex, kG1, {}}});
  const auto bytes = build_icmpv6_frame(l, body);
  testing::expect_classified_agrees(bytes, "no Router Alert");
  const Frame f = parse_frame(bytes);
  EXPECT_EQ(f.kind, PacketKind::mld_report_v2);
  EXPECT_FALSE(has_mld_router_alert(f));
  const auto with_ra = report();
  EXPECT_TRUE(has_mld_router_alert(parse_frame(with_ra)));
}

TEST(Rfc3810Receive, RouterAlertValueMustBeMld) {
  auto bytes = report();
  bytes[l3(bytes) + 40 + 4] = 0;
  bytes[l3(bytes) + 40 + 5] = 1;  // RA value 1 (RSVP?) instead of 0 (MLD)
  testing::expect_classified_agrees(bytes, "Router Alert value 1");
  const Frame f = parse_frame(bytes);
  EXPECT_EQ(f.kind, PacketKind::mld_report_v2);
  EXPECT_FALSE(has_mld_router_alert(f));
}

TEST(Rfc3810Receive, ChecksumCoversPseudoHeader) {
  auto f = report();
  f[l3(f) + 8 + 15] ^= 1;  // change the source address: only the pseudo-header sum sees it
  EXPECT_EQ(reason(f), DropReason::icmpv6_bad_checksum);
}

TEST(Rfc3810Receive, ChecksumCoversBody) {
  auto f = report();
  f.back() ^= 0x40;
  EXPECT_EQ(reason(f), DropReason::icmpv6_bad_checksum);
}

TEST(Rfc3810Receive, ReportFromGlobalSourceDropped) {
  auto f = build_mld_v2_report_frame(kMac, Ipv6Address::must_parse("2001:db8::a"),
                                     {{MldRecordType::to_ex, kG1, {}}});
  EXPECT_EQ(reason(f), DropReason::mld_source_not_link_local);
}

TEST(Rfc3810Receive, ReportFromUnspecifiedParsesForTheEngineToIgnore) {
  auto f = build_mld_v2_report_frame(kMac, Ipv6Address{}, {{MldRecordType::to_ex, kG1, {}}});
  Frame p = parse_frame(f);
  EXPECT_EQ(p.kind, PacketKind::mld_report_v2);
  EXPECT_TRUE(p.src.is_unspecified());
}

TEST(Rfc3810Receive, QueryFromGlobalSourceDropped) {
  MldQuerySpec q;
  auto f = build_mld_query_frame(kMac, Ipv6Address::must_parse("2001:db8::1"), q);
  EXPECT_EQ(reason(f), DropReason::mld_source_not_link_local);
}

TEST(Rfc3810Receive, QueryFromUnspecifiedDropped) {
  MldQuerySpec q;
  auto f = build_mld_query_frame(kMac, Ipv6Address{}, q);
  EXPECT_EQ(reason(f), DropReason::mld_query_from_unspecified);
}

TEST(Rfc3810Receive, Query24BytesIsV1And28IsV2) {
  MldQuerySpec q;
  q.v2 = false;
  q.max_resp_ms = 10000;
  auto v1_bytes = build_mld_query_frame(kMac, kHostLl, q);
  Frame v1 = parse_frame(v1_bytes);
  ASSERT_EQ(v1.kind, PacketKind::mld_query);
  EXPECT_FALSE(v1.mld.query.v2);
  q.v2 = true;
  auto v2_bytes = build_mld_query_frame(kMac, kHostLl, q);
  Frame v2 = parse_frame(v2_bytes);
  ASSERT_EQ(v2.kind, PacketKind::mld_query);
  EXPECT_TRUE(v2.mld.query.v2);
}

// A 25..27-byte query is neither v1 nor v2 (RFC 3810 §8.1).
TEST(Rfc3810Receive, QueryBetween24And28BytesDropped) {
  for (int extra = 1; extra <= 3; ++extra) {
    MldQuerySpec q;
    q.v2 = false;
    auto body = build_mld_query_body(q);
    body.insert(body.end(), static_cast<size_t>(extra), 0);
    L2L3Spec l{.src_mac = kMac,
               .dst_mac = {},
               .src = kHostLl,
               .dst = addr::all_nodes(),
               .hop_limit = 1,
               .traffic_class = 0,
               .router_alert_mld = true,
               .vlan_tci = {}};
    EXPECT_EQ(reason(build_icmpv6_frame(l, body)), DropReason::mld_bad_length) << extra;
  }
}

TEST(Rfc3810Receive, QuerySourceCountPastEndDropped) {
  MldQuerySpec q;
  q.group = kG1;
  q.sources = {Ipv6Address::must_parse("2001:db8::10")};
  auto f = build_mld_query_frame(kMac, kHostLl, q);
  store_be16(f.data() + upper(f) + 26, 2);  // claims two sources, carries one
  refresh_checksum(f, kProtoIcmpv6, 2);
  EXPECT_EQ(reason(f), DropReason::mld_bad_length);
}

TEST(Rfc3810Receive, V1ReportShorterThan24Dropped) {
  auto body = build_mld_v1_body(kIcmpMldV1Report, kG1);
  body.resize(20);
  L2L3Spec l{.src_mac = kMac,
             .dst_mac = {},
             .src = kHostLl,
             .dst = kG1,
             .hop_limit = 1,
             .traffic_class = 0,
             .router_alert_mld = true,
             .vlan_tci = {}};
  EXPECT_EQ(reason(build_icmpv6_frame(l, body)), DropReason::mld_bad_length);
}

TEST(Rfc3810Receive, RecordRunningPastMessageDropped) {
  auto f = build_mld_v2_report_frame(kMac, kHostLl, {{MldRecordType::allow, kG1, {}}});
  store_be16(f.data() + upper(f) + 8 + 2, 1);  // one source claimed, none present
  refresh_checksum(f, kProtoIcmpv6, 2);
  EXPECT_EQ(reason(f), DropReason::mld_record_truncated);
}

TEST(Rfc3810Receive, RecordCountPastMessageDropped) {
  auto f = report();
  store_be16(f.data() + upper(f) + 6, 2);
  refresh_checksum(f, kProtoIcmpv6, 2);
  EXPECT_EQ(reason(f), DropReason::mld_record_truncated);
}

TEST(Rfc3810Receive, AuxDataLengthIsHonoured) {
  auto f = report();
  // Add one word of auxiliary data to the record: valid, and skipped (RFC 3810 §5.2.6).
  f[upper(f) + 8 + 1] = 1;
  f.insert(f.end(), 4, 0xaa);
  store_be16(f.data() + l3(f) + 4, static_cast<uint16_t>(load_be16(f.data() + l3(f) + 4) + 4));
  refresh_checksum(f, kProtoIcmpv6, 2);
  Frame p = parse_frame(f);
  ASSERT_EQ(p.kind, PacketKind::mld_report_v2);
  auto it = p.mld.report.begin();
  EXPECT_EQ((*it).group, kG1);
  EXPECT_EQ((*it).aux_words, 1);
}

TEST(Rfc3810Receive, UnknownRecordTypeDropped) {
  auto f = report();
  f[upper(f) + 8] = 7;
  refresh_checksum(f, kProtoIcmpv6, 2);
  EXPECT_EQ(reason(f), DropReason::mld_bad_record_type);
}

TEST(Rfc3810Receive, RecordGroupMustBeMulticast) {
  auto f = build_mld_v2_report_frame(
      kMac, kHostLl, {{MldRecordType::to_ex, Ipv6Address::must_parse("2001::1"), {}}});
  EXPECT_EQ(reason(f), DropReason::mld_group_not_multicast);
}

TEST(Rfc3810Receive, UnknownIcmpTypeIsNotMld) {
  L2L3Spec l{.src_mac = kMac,
             .dst_mac = {},
             .src = kHostLl,
             .dst = addr::all_nodes(),
             .hop_limit = 1,
             .traffic_class = 0,
             .router_alert_mld = true,
             .vlan_tci = {}};
  std::vector<uint8_t> body = {200, 0, 0, 0, 1, 2, 3, 4};
  auto bytes = build_icmpv6_frame(l, body);
  EXPECT_EQ(parse_frame(bytes).kind, PacketKind::other);
}

// ---- VRRPv3 (RFC 5798 §7.1) ----

std::vector<uint8_t> advert() {
  VrrpAdvertSpec a;
  a.vrid = 7;
  a.priority = 120;
  a.addresses = {Ipv6Address::must_parse("fe80::1"), Ipv6Address::must_parse("2001:db8::1")};
  return build_vrrp_advert_frame(kHostLl, a);
}

TEST(Rfc5798Receive, ValidAdvertParses) {
  Frame p = parsed(advert());
  ASSERT_EQ(p.kind, PacketKind::vrrp);
  EXPECT_EQ(p.vrrp.vrid, 7);
  EXPECT_EQ(p.eth_src, MacAddress::vrrp6_virtual(7));
  EXPECT_EQ(p.dst, addr::vrrp_multicast());
}

TEST(Rfc5798Receive, HopLimitMustBe255) {
  auto f = advert();
  f[l3(f) + 7] = 254;
  EXPECT_EQ(reason(f), DropReason::vrrp_hop_limit_not_255);
}

TEST(Rfc5798Receive, VersionMustBe3) {
  auto f = advert();
  f[upper(f)] = 0x21;
  refresh_checksum(f, kProtoVrrp, 6);
  EXPECT_EQ(reason(f), DropReason::vrrp_bad_version);
}

TEST(Rfc5798Receive, TypeMustBeAdvertisement) {
  auto f = advert();
  f[upper(f)] = 0x32;
  refresh_checksum(f, kProtoVrrp, 6);
  EXPECT_EQ(reason(f), DropReason::vrrp_bad_type);
}

TEST(Rfc5798Receive, ChecksumMustMatch) {
  auto f = advert();
  f[upper(f) + 2] ^= 1;  // priority changed, checksum not
  EXPECT_EQ(reason(f), DropReason::vrrp_bad_checksum);
}

TEST(Rfc5798Receive, LengthMustCoverAddressCount) {
  auto f = advert();
  f[upper(f) + 3] = 3;  // three addresses claimed, two present
  refresh_checksum(f, kProtoVrrp, 6);
  EXPECT_EQ(reason(f), DropReason::vrrp_bad_length);
}

TEST(Rfc5798Receive, VridZeroDropped) {
  auto f = advert();
  f[upper(f) + 1] = 0;
  refresh_checksum(f, kProtoVrrp, 6);
  EXPECT_EQ(reason(f), DropReason::vrrp_bad_vrid);
}

TEST(Rfc5798Receive, EmptyAddressListDropped) {
  VrrpAdvertSpec a;
  EXPECT_EQ(reason(build_vrrp_advert_frame(kHostLl, a)), DropReason::vrrp_no_addresses);
}

// ---- BFD (RFC 5880 §6.8.6, RFC 5881 §4-5) ----

const Ipv6Address kBfdA = Ipv6Address::must_parse("2001:db8:20::1");
const Ipv6Address kBfdB = Ipv6Address::must_parse("2001:db8:20::2");

std::vector<uint8_t> bfd(const BfdControl& c, uint16_t sport = 49152) {
  return build_bfd_frame(kMac, kMac, kBfdA, kBfdB, sport, c);
}
BfdControl up() {
  BfdControl c;
  c.state = BfdState::up;
  c.my_disc = 10;
  c.your_disc = 20;
  c.desired_min_tx_us = c.required_min_rx_us = 10000;
  return c;
}

TEST(Rfc5880Receive, ValidControlParses) {
  Frame p = parsed(bfd(up()));
  ASSERT_EQ(p.kind, PacketKind::bfd);
  EXPECT_EQ(p.bfd.my_disc, 10u);
  EXPECT_EQ(p.bfd.your_disc, 20u);
  EXPECT_EQ(p.bfd.state, BfdState::up);
}

TEST(Rfc5881Receive, HopLimitMustBe255) {
  auto f = bfd(up());
  f[l3(f) + 7] = 254;
  EXPECT_EQ(reason(f), DropReason::bfd_hop_limit_not_255);
}

TEST(Rfc5881Receive, SourcePortInDynamicRange) {
  EXPECT_EQ(reason(bfd(up(), 3784)), DropReason::bfd_bad_source_port);
}

TEST(Rfc8200Udp, ZeroChecksumDropped) {
  auto f = bfd(up());
  store_be16(f.data() + upper(f) + 6, 0);
  EXPECT_EQ(reason(f), DropReason::udp_bad_checksum);
}

TEST(Rfc8200Udp, LengthMustMatchPayload) {
  auto f = bfd(up());
  store_be16(f.data() + upper(f) + 4, 40);
  EXPECT_EQ(reason(f), DropReason::udp_bad_length);
}

TEST(Rfc5880Receive, VersionMustBe1) {
  auto f = bfd(up());
  f[upper(f) + 8] = 2 << 5;
  EXPECT_EQ(reason(f), DropReason::bfd_bad_version);
}

TEST(Rfc5880Receive, LengthBelow24Dropped) {
  auto f = bfd(up());
  f[upper(f) + 8 + 3] = 20;
  EXPECT_EQ(reason(f), DropReason::bfd_bad_length);
}

TEST(Rfc5880Receive, LengthPastPayloadDropped) {
  auto f = bfd(up());
  f[upper(f) + 8 + 3] = 48;
  EXPECT_EQ(reason(f), DropReason::bfd_bad_length);
}

TEST(Rfc5880Receive, LengthBelow26WithAuthDropped) {
  auto c = up();
  c.auth = true;
  EXPECT_EQ(reason(bfd(c)), DropReason::bfd_bad_length);
}

TEST(Rfc5880Receive, DetectMultZeroDropped) {
  auto c = up();
  c.detect_mult = 0;
  EXPECT_EQ(reason(bfd(c)), DropReason::bfd_zero_detect_mult);
}

TEST(Rfc5880Receive, MultipointDropped) {
  auto c = up();
  c.multipoint = true;
  EXPECT_EQ(reason(bfd(c)), DropReason::bfd_multipoint);
}

TEST(Rfc5880Receive, MyDiscriminatorZeroDropped) {
  auto c = up();
  c.my_disc = 0;
  EXPECT_EQ(reason(bfd(c)), DropReason::bfd_zero_my_discriminator);
}

TEST(Rfc5880Receive, YourDiscriminatorZeroOnlyInDownOrAdminDown) {
  auto c = up();
  c.your_disc = 0;
  EXPECT_EQ(reason(bfd(c)), DropReason::bfd_zero_your_discriminator);
  c.state = BfdState::init;
  EXPECT_EQ(reason(bfd(c)), DropReason::bfd_zero_your_discriminator);
  c.state = BfdState::down;
  EXPECT_EQ(parsed(bfd(c)).kind, PacketKind::bfd);
  c.state = BfdState::admin_down;
  EXPECT_EQ(parsed(bfd(c)).kind, PacketKind::bfd);
}

TEST(Rfc5880Receive, AuthBitWithoutConfiguredAuthDropped) {
  auto f = bfd(up());
  // A set and length 26 with a 2-byte auth section: well-formed, but tandem has no auth.
  f[upper(f) + 8 + 1] |= 0x04;
  EXPECT_EQ(reason(f), DropReason::bfd_bad_length);  // 24 < 26 first
  auto c = up();
  auto body = build_bfd_body(c);
  body[1] |= 0x04;
  body[3] = 26;
  body.push_back(1);
  body.push_back(2);
  L2L3Spec l{.src_mac = kMac,
             .dst_mac = kMac,
             .src = kBfdA,
             .dst = kBfdB,
             .hop_limit = 255,
             .traffic_class = 0,
             .router_alert_mld = false,
             .vlan_tci = {}};
  EXPECT_EQ(reason(build_udp_frame(l, 49152, kBfdSingleHopPort, body)),
            DropReason::bfd_auth_not_configured);
}

// ---- ND (RFC 4861 §7.1.1, §7.1.2) ----

std::vector<uint8_t> nd_frame(std::vector<uint8_t> body, const Ipv6Address& src,
                              const Ipv6Address& dst, uint8_t hop = 255) {
  L2L3Spec l{.src_mac = kMac,
             .dst_mac = {},
             .src = src,
             .dst = dst,
             .hop_limit = hop,
             .traffic_class = 0,
             .router_alert_mld = false,
             .vlan_tci = {}};
  if (!dst.is_multicast()) l.dst_mac = kMac;
  return build_icmpv6_frame(l, body);
}
const Ipv6Address kTarget = Ipv6Address::must_parse("2001:db8:20::2");

TEST(Rfc4861Receive, ValidNsParsesWithSourceLla) {
  Frame p = parsed(nd_frame(build_ns_body(kTarget, kMac), kBfdA, kTarget.solicited_node()));
  ASSERT_EQ(p.kind, PacketKind::nd_ns);
  EXPECT_EQ(p.nd.target, kTarget);
  ASSERT_TRUE(p.nd.source_lla);
  EXPECT_EQ(*p.nd.source_lla, kMac);
}

TEST(Rfc4861Receive, HopLimitMustBe255) {
  EXPECT_EQ(reason(nd_frame(build_ns_body(kTarget, kMac), kBfdA, kTarget.solicited_node(), 64)),
            DropReason::nd_hop_limit_not_255);
}

TEST(Rfc4861Receive, CodeMustBeZero) {
  auto body = build_ns_body(kTarget, kMac);
  body[1] = 1;
  EXPECT_EQ(reason(nd_frame(body, kBfdA, kTarget.solicited_node())), DropReason::nd_bad_code);
}

TEST(Rfc4861Receive, ShorterThan24Dropped) {
  auto body = build_ns_body(kTarget, std::nullopt);
  body.resize(20);
  EXPECT_EQ(reason(nd_frame(body, kBfdA, kTarget.solicited_node())), DropReason::nd_bad_length);
}

TEST(Rfc4861Receive, TargetMustNotBeMulticast) {
  EXPECT_EQ(reason(nd_frame(build_ns_body(kG1, std::nullopt), kBfdA, kG1)),
            DropReason::nd_target_multicast);
}

TEST(Rfc4861Receive, OptionLengthZeroDropped) {
  auto body = build_ns_body(kTarget, kMac);
  body[25] = 0;
  EXPECT_EQ(reason(nd_frame(body, kBfdA, kTarget.solicited_node())), DropReason::nd_bad_option);
}

TEST(Rfc4861Receive, DadNsMustNotCarrySourceLla) {
  EXPECT_EQ(reason(nd_frame(build_ns_body(kTarget, kMac), Ipv6Address{}, kTarget.solicited_node())),
            DropReason::nd_dad_with_source_lla);
}

TEST(Rfc4861Receive, SolicitedNaToMulticastDropped) {
  EXPECT_EQ(
      reason(nd_frame(build_na_body(kTarget, false, true, true, kMac), kTarget, addr::all_nodes())),
      DropReason::nd_solicited_na_to_multicast);
}

TEST(Rfc4861Receive, UnsolicitedNaParses) {
  Frame p =
      parsed(nd_frame(build_na_body(kTarget, true, false, true, kMac), kTarget, addr::all_nodes()));
  ASSERT_EQ(p.kind, PacketKind::nd_na);
  EXPECT_TRUE(p.nd.router);
  EXPECT_TRUE(p.nd.override_flag);
  EXPECT_EQ(*p.nd.target_lla, kMac);
}

// ---- IPv6 chain (RFC 8200) ----

TEST(Rfc8200Chain, NonIpv6EtherTypeIsOther) {
  auto f = report();
  f[12] = 0x08;
  f[13] = 0x06;  // ARP
  EXPECT_EQ(reason(f), DropReason::none);
  Frame p = parse_frame(f);
  EXPECT_EQ(p.kind, PacketKind::other);
  EXPECT_EQ(p.walk.drop, DropReason::not_ipv6);
}

TEST(Rfc8200Udp, ShorterThanHeaderDropped) {
  auto f = bfd(up());
  size_t at = upper(f);
  f.resize(at + 6);
  store_be16(f.data() + l3(f) + 4, 6);
  EXPECT_EQ(reason(f), DropReason::udp_truncated);
}

TEST(Rfc8200Chain, VlanTaggedFrameParses) {
  L2L3Spec l{.src_mac = kMac,
             .dst_mac = {},
             .src = kHostLl,
             .dst = addr::all_mldv2_routers(),
             .hop_limit = 1,
             .traffic_class = 0,
             .router_alert_mld = true,
             .vlan_tci = 100};
  auto body = build_mld_v2_report_body({{MldRecordType::to_ex, kG1, {}}});
  auto bytes = build_icmpv6_frame(l, body);
  Frame p = parse_frame(bytes);
  EXPECT_EQ(p.kind, PacketKind::mld_report_v2);
  EXPECT_TRUE(p.walk.has_vlan);
  EXPECT_EQ(p.walk.vlan_tci, 100);
}

TEST(Rfc8200Chain, BadVersionDropped) {
  auto f = report();
  f[l3(f)] = 0x45;
  EXPECT_EQ(reason(f), DropReason::ipv6_bad_version);
}

TEST(Rfc8200Chain, MulticastSourceDropped) {
  auto f = report();
  f[l3(f) + 8] = 0xff;
  EXPECT_EQ(reason(f), DropReason::ipv6_multicast_source);
}

TEST(Rfc8200Chain, PayloadLengthPastFrameDropped) {
  auto f = report();
  store_be16(f.data() + l3(f) + 4, 1000);
  EXPECT_EQ(reason(f), DropReason::ipv6_bad_payload_length);
}

// Chain of N destination-options headers in front of a UDP datagram to a global group.
std::vector<uint8_t> chain(int n, bool hbh_last = false) {
  std::vector<uint8_t> f(kEthHeaderLen + kIpv6HeaderLen);
  store_be16(f.data() + 12, kEtherTypeIpv6);
  f[14] = 0x60;
  f[14 + 7] = 64;
  auto g = Ipv6Address::must_parse("ff3e::1");
  std::copy(g.bytes.begin(), g.bytes.end(), f.begin() + 14 + 24);
  f[14 + 8] = 0x20;
  uint8_t* next = &f[14 + 6];
  for (int i = 0; i < n; ++i) {
    *next = (hbh_last && i == n - 1) ? kProtoHopByHop : kProtoDestOpts;
    size_t at = f.size();
    f.insert(f.end(), {0, 0, kOptPadN, 4, 0, 0, 0, 0});
    next = &f[at];
  }
  *next = kProtoUdp;
  f.insert(f.end(), {0x9c, 0x40, 0x13, 0x88, 0, 8, 0, 0});
  store_be16(f.data() + 14 + 4, static_cast<uint16_t>(f.size() - 54));
  return f;
}

TEST(Rfc8200Chain, BoundedWalkAcceptsUpToLimit) {
  EXPECT_EQ(parsed(chain(kMaxExtHeaders)).kind, PacketKind::mcast_data);
  EXPECT_EQ(reason(chain(kMaxExtHeaders + 1)), DropReason::ext_chain_too_long);
}

TEST(Rfc8200Chain, HopByHopOnlyFirst) {
  EXPECT_EQ(reason(chain(2, true)), DropReason::hop_by_hop_not_first);
}

TEST(Rfc8200Chain, OptionPastHeaderDropped) {
  auto f = chain(1);
  f[54 + 3] = 20;  // PadN longer than the header
  EXPECT_EQ(reason(f), DropReason::ext_option_malformed);
}

TEST(Rfc8200Chain, ExtensionHeaderPastPayloadDropped) {
  auto f = chain(1);
  f[54 + 1] = 5;  // claims 48 bytes
  EXPECT_EQ(reason(f), DropReason::ext_header_truncated);
}

TEST(Rfc8200Chain, FragmentedMldDropped) {
  auto f = report();
  // Insert a fragment header (first fragment, more follow) between hop-by-hop and ICMPv6.
  size_t hbh = l3(f) + 40;
  uint8_t frag[8] = {kProtoIcmpv6, 0, 0, 1, 0, 0, 0, 1};
  f[hbh] = kProtoFragment;
  f.insert(f.begin() + static_cast<long>(hbh + 8), frag, frag + 8);
  store_be16(f.data() + l3(f) + 4, static_cast<uint16_t>(load_be16(f.data() + l3(f) + 4) + 8));
  EXPECT_EQ(reason(f), DropReason::fragmented_control);
}

TEST(Rfc8200Chain, IcmpShorterThanHeaderDropped) {
  L2L3Spec l{.src_mac = kMac,
             .dst_mac = {},
             .src = kHostLl,
             .dst = addr::all_nodes(),
             .hop_limit = 1,
             .traffic_class = 0,
             .router_alert_mld = true,
             .vlan_tci = {}};
  std::vector<uint8_t> body = {kIcmpMldV2Report, 0};
  EXPECT_EQ(reason(build_icmpv6_frame(l, body)), DropReason::icmpv6_truncated);
}

TEST(Rfc8200Chain, EthernetRuntDropped) {
  std::vector<uint8_t> f(10, 0);
  EXPECT_EQ(reason(f), DropReason::eth_truncated);
}

TEST(Rfc8200Chain, Ipv6HeaderTruncatedDropped) {
  auto f = report();
  f.resize(30);
  EXPECT_EQ(reason(f), DropReason::ipv6_truncated);
}

// Declared last so it runs last: every reason the wire stage can raise (everything before the
// data-plane group in drop_reason.h) was produced by at least one test above, except the PIM
// block, which test_pim.cc covers the same way.
TEST(ZzCoverage, EveryWireDropReasonIsExercised) {
  if (::testing::GTEST_FLAG(filter) != "*") GTEST_SKIP() << "needs the whole file to run";
  for (size_t i = 1; i < static_cast<size_t>(DropReason::pim_truncated); ++i) {
    auto r = static_cast<DropReason>(i);
    EXPECT_TRUE(seen_reasons().count(r)) << "no test produces " << drop_reason_name(r);
  }
}

}  // namespace
}  // namespace tandem::wire
