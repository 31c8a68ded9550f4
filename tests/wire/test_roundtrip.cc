// Build → parse round trips for every message kind, byte-exact encodings, and tshark's
// verdict on the frames we build (checksums good, nothing malformed).
#include <arpa/inet.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "control/wire/frame.h"
#include "control/wire/pcap_file.h"
#include "tests/wire/pim_samples.h"

namespace tandem::wire {
namespace {

const MacAddress kMac{{0x02, 0, 0, 0, 0, 0x0a}};
const Ipv6Address kLl = Ipv6Address::must_parse("fe80::a");
const Ipv6Address kG = Ipv6Address::must_parse("ff3e::db8:2");
const Ipv6Address kS1 = Ipv6Address::must_parse("2001:db8:1::10");
const Ipv6Address kS2 = Ipv6Address::must_parse("2001:db8:1::11");

TEST(Encodings, MaxRespCodeLinearBelow32768) {
  EXPECT_EQ(mld_max_resp_code_to_ms(1000), 1000u);
  EXPECT_EQ(mld_max_resp_code_to_ms(32767), 32767u);
  EXPECT_EQ(mld_max_resp_ms_to_code(10000), 10000);
}

TEST(Encodings, MaxRespCodeExponentialForm) {
  // RFC 3810 §5.1.3: 0x8000 = exp 0, mant 0 → 0x1000 << 3 = 32768 ms.
  EXPECT_EQ(mld_max_resp_code_to_ms(0x8000), 32768u);
  EXPECT_EQ(mld_max_resp_code_to_ms(0xffff), (0x0fffu | 0x1000) << 10);
  for (uint32_t ms : {32768u, 40000u, 125000u, 1000000u, 8387584u}) {
    uint16_t c = mld_max_resp_ms_to_code(ms);
    uint32_t back = mld_max_resp_code_to_ms(c);
    EXPECT_LE(back, ms);
    EXPECT_GT(back, ms - ms / 4096 - 8) << ms;  // rounding loses at most one mantissa step
  }
}

TEST(Encodings, QqicExponentialForm) {
  EXPECT_EQ(mld_qqic_to_s(125), 125u);
  EXPECT_EQ(mld_qqic_to_s(200), 3072u);  // fixtures: QQIC code 200
  EXPECT_EQ(mld_qqi_s_to_code(3072), 200);
  EXPECT_EQ(mld_qqi_s_to_code(127), 127);
  EXPECT_EQ(mld_qqic_to_s(mld_qqi_s_to_code(18000)), 17408u);  // largest config value rounds down
}

TEST(Encodings, Rfc5952TextForm) {
  EXPECT_EQ(Ipv6Address::must_parse("2001:0db8:0000:0000:0000:0000:0000:0001").to_string(),
            "2001:db8::1");
  EXPECT_EQ(Ipv6Address::must_parse("2001:db8:0:1:1:1:1:1").to_string(), "2001:db8:0:1:1:1:1:1");
  EXPECT_EQ(Ipv6Address::must_parse("2001:0:0:1:0:0:0:1").to_string(), "2001:0:0:1::1");
  EXPECT_EQ(Ipv6Address::must_parse("FF02::16").to_string(), "ff02::16");
  EXPECT_EQ(Ipv6Address::must_parse("::").to_string(), "::");
  EXPECT_EQ(Ipv6Address::must_parse("::1").to_string(), "::1");
  EXPECT_EQ(Ipv6Address::must_parse("1::").to_string(), "1::");
  EXPECT_EQ(Ipv6Address::must_parse("1:0:0:2:0:0:0:3").to_string(), "1:0:0:2::3");
  EXPECT_EQ(Ipv6Address::must_parse("1:0:0:2:0:0:3:4").to_string(), "1::2:0:0:3:4");  // first tie
  EXPECT_EQ(Ipv6Address::must_parse("::ffff:192.0.2.1").to_string(), "::ffff:192.0.2.1");
  EXPECT_EQ(Ipv6Address::must_parse("::ffff:10.99.100.5").to_string(), "::ffff:10.99.100.5");
  EXPECT_EQ(Ipv6Address::must_parse("::192.0.2.1").to_string(), "::c000:201");  // §5
  EXPECT_FALSE(Ipv6Address::parse("fe80::1%eth0"));
  EXPECT_FALSE(Ipv6Address::parse("1.2.3.4"));
}

// Against glibc's inet_ntop (which follows RFC 5952 outside the ::a.b.c.d case) on random
// addresses with many zero groups, and parse(to_string(a)) == a.
TEST(Encodings, Rfc5952AgreesWithInetNtopOnRandomAddresses) {
  uint64_t x = 0x1234567;
  for (int n = 0; n < 20000; ++n) {
    Ipv6Address a;
    for (int i = 0; i < 8; ++i) {
      x = x * 6364136223846793005ULL + 1442695040888963407ULL;
      uint16_t v = (x >> 60) < 9 ? 0 : static_cast<uint16_t>(x >> 40);  // ~half zero groups
      a.bytes[2 * i] = static_cast<uint8_t>(v >> 8);
      a.bytes[2 * i + 1] = static_cast<uint8_t>(v);
    }
    a.bytes[0] |= 0x20;  // stay clear of the ::/96 and ::ffff:0:0/96 dotted forms
    char buf[INET6_ADDRSTRLEN];
    inet_ntop(AF_INET6, a.bytes.data(), buf, sizeof(buf));
    ASSERT_EQ(a.to_string(), buf);
    ASSERT_EQ(Ipv6Address::must_parse(a.to_string()), a);
  }
}

TEST(Encodings, GroupMacAndVirtualMac) {
  EXPECT_EQ(MacAddress::for_ipv6_multicast(kG).to_string(), "33:33:0d:b8:00:02");
  EXPECT_EQ(MacAddress::vrrp6_virtual(1).to_string(), "00:00:5e:00:02:01");
  EXPECT_EQ(kS1.solicited_node().to_string(), "ff02::1:ff00:10");
}

TEST(RoundTrip, MldV2GeneralQuery) {
  MldQuerySpec q;
  q.max_resp_ms = 10000;
  q.qrv = 2;
  q.qqi_s = 125;
  auto f = build_mld_query_frame(kMac, kLl, q);
  Frame p = parse_frame(f);
  ASSERT_EQ(p.kind, PacketKind::mld_query);
  EXPECT_EQ(p.dst, addr::all_nodes());
  EXPECT_EQ(p.eth_dst.to_string(), "33:33:00:00:00:01");
  EXPECT_EQ(p.hop_limit, 1);
  EXPECT_TRUE(p.mld.query.v2);
  EXPECT_TRUE(p.mld.query.is_general());
  EXPECT_EQ(p.mld.query.max_resp_ms, 10000u);
  EXPECT_EQ(p.mld.query.qrv, 2);
  EXPECT_EQ(p.mld.query.qqi_s, 125u);
  EXPECT_EQ(f.size(), 14u + 40 + 8 + 28);
}

TEST(RoundTrip, MldV2SourceSpecificQueryWithSFlag) {
  MldQuerySpec q;
  q.group = kG;
  q.sources = {kS1, kS2};
  q.s_flag = true;
  q.qrv = 9;  // RFC 3810 §5.1.8: above 7 goes on the wire as 0
  q.max_resp_ms = 1000;
  auto p_bytes = build_mld_query_frame(kMac, kLl, q);  // views in Frame point into it
  Frame p = parse_frame(p_bytes);
  ASSERT_EQ(p.kind, PacketKind::mld_query);
  EXPECT_EQ(p.dst, kG);
  EXPECT_TRUE(p.mld.query.s_flag);
  EXPECT_EQ(p.mld.query.qrv, 0);
  EXPECT_EQ(p.mld.query.sources.to_vector(), (std::vector<Ipv6Address>{kS1, kS2}));
}

TEST(RoundTrip, MldV1QueryIs24Bytes) {
  MldQuerySpec q;
  q.v2 = false;
  q.max_resp_ms = 10000;
  auto f = build_mld_query_frame(kMac, kLl, q);
  Frame p = parse_frame(f);
  ASSERT_EQ(p.kind, PacketKind::mld_query);
  EXPECT_FALSE(p.mld.query.v2);
  EXPECT_EQ(p.walk.upper_len(), 24u);
}

TEST(RoundTrip, MldV2ReportAllSixRecordTypes) {
  std::vector<MldRecordSpec> recs;
  for (int t = 1; t <= 6; ++t)
    recs.push_back(
        {static_cast<MldRecordType>(t), kG, t % 2 ? std::vector{kS1} : std::vector{kS1, kS2}});
  auto p_bytes = build_mld_v2_report_frame(kMac, kLl, recs);  // views in Frame point into it
  Frame p = parse_frame(p_bytes);
  ASSERT_EQ(p.kind, PacketKind::mld_report_v2);
  EXPECT_EQ(p.dst, addr::all_mldv2_routers());
  int i = 0;
  for (MldRecord r : p.mld.report) {
    EXPECT_EQ(r.type, recs[i].type);
    EXPECT_EQ(r.group, kG);
    EXPECT_EQ(r.sources.to_vector(), recs[i].sources);
    ++i;
  }
  EXPECT_EQ(i, 6);
}

TEST(RoundTrip, MldV1ReportAndDone) {
  L2L3Spec l{.src_mac = kMac,
             .dst_mac = {},
             .src = kLl,
             .dst = kG,
             .hop_limit = 1,
             .traffic_class = 0,
             .router_alert_mld = true,
             .vlan_tci = {}};
  auto r_bytes = build_icmpv6_frame(
      l, build_mld_v1_body(kIcmpMldV1Report, kG));  // views in Frame point into it
  Frame r = parse_frame(r_bytes);
  ASSERT_EQ(r.kind, PacketKind::mld_report_v1);
  EXPECT_EQ(r.mld.v1.group, kG);
  l.dst = addr::all_routers();
  auto d_bytes =
      build_icmpv6_frame(l, build_mld_v1_body(kIcmpMldV1Done, kG));  // views in Frame point into it
  Frame d = parse_frame(d_bytes);
  ASSERT_EQ(d.kind, PacketKind::mld_done);
  EXPECT_EQ(d.mld.v1.group, kG);
}

TEST(RoundTrip, VrrpAdvert) {
  VrrpAdvertSpec a{.vrid = 42,
                   .priority = 254,
                   .max_adver_int_cs = 4095,
                   .addresses = {Ipv6Address::must_parse("fe80::1"), kS1}};
  auto p_bytes = build_vrrp_advert_frame(kLl, a);  // views in Frame point into it
  Frame p = parse_frame(p_bytes);
  ASSERT_EQ(p.kind, PacketKind::vrrp);
  EXPECT_EQ(p.vrrp.vrid, 42);
  EXPECT_EQ(p.vrrp.priority, 254);
  EXPECT_EQ(p.vrrp.max_adver_int_cs, 4095);
  EXPECT_EQ(p.vrrp.addresses.to_vector(), a.addresses);
  EXPECT_EQ(p.traffic_class, 0xc0);
  EXPECT_EQ(p.eth_src, MacAddress::vrrp6_virtual(42));
}

TEST(RoundTrip, BfdControlAllFields) {
  BfdControl c;
  c.diag = BfdDiag::neighbor_signaled_down;
  c.state = BfdState::init;
  c.poll = true;
  c.detect_mult = 5;
  c.my_disc = 0xdeadbeef;
  c.your_disc = 7;
  c.desired_min_tx_us = 1000000;
  c.required_min_rx_us = 10000;
  auto p_bytes = build_bfd_frame(kMac, kMac, kS1, kS2, 50000, c);  // views in Frame point into it
  Frame p = parse_frame(p_bytes);
  ASSERT_EQ(p.kind, PacketKind::bfd);
  EXPECT_EQ(p.bfd.diag, c.diag);
  EXPECT_EQ(p.bfd.state, c.state);
  EXPECT_TRUE(p.bfd.poll);
  EXPECT_FALSE(p.bfd.final);
  EXPECT_EQ(p.bfd.detect_mult, 5);
  EXPECT_EQ(p.bfd.my_disc, 0xdeadbeefu);
  EXPECT_EQ(p.bfd.your_disc, 7u);
  EXPECT_EQ(p.bfd.desired_min_tx_us, 1000000u);
  EXPECT_EQ(p.bfd.required_min_rx_us, 10000u);
  EXPECT_EQ(p.src_port, 50000);
  EXPECT_EQ(p.dst_port, kBfdSingleHopPort);
}

std::vector<std::vector<uint8_t>> every_kind() {
  std::vector<std::vector<uint8_t>> out;
  MldQuerySpec gq;
  out.push_back(build_mld_query_frame(kMac, kLl, gq));
  MldQuerySpec sq{.v2 = true,
                  .max_resp_ms = 40000,
                  .group = kG,
                  .s_flag = true,
                  .qrv = 3,
                  .qqi_s = 3072,
                  .sources = {kS1}};
  out.push_back(build_mld_query_frame(kMac, kLl, sq));
  MldQuerySpec v1q{.v2 = false,
                   .max_resp_ms = 10000,
                   .group = {},
                   .s_flag = false,
                   .qrv = 2,
                   .qqi_s = 125,
                   .sources = {}};
  out.push_back(build_mld_query_frame(kMac, kLl, v1q));
  std::vector<MldRecordSpec> recs;
  for (int t = 1; t <= 6; ++t) recs.push_back({static_cast<MldRecordType>(t), kG, {kS1, kS2}});
  out.push_back(build_mld_v2_report_frame(kMac, kLl, recs));
  L2L3Spec l{.src_mac = kMac,
             .dst_mac = {},
             .src = kLl,
             .dst = kG,
             .hop_limit = 1,
             .traffic_class = 0,
             .router_alert_mld = true,
             .vlan_tci = {}};
  out.push_back(build_icmpv6_frame(l, build_mld_v1_body(kIcmpMldV1Report, kG)));
  l.dst = addr::all_routers();
  out.push_back(build_icmpv6_frame(l, build_mld_v1_body(kIcmpMldV1Done, kG)));
  out.push_back(
      build_vrrp_advert_frame(kLl, {.vrid = 1,
                                    .priority = 100,
                                    .max_adver_int_cs = 100,
                                    .addresses = {Ipv6Address::must_parse("fe80::1"), kS1}}));
  BfdControl c;
  c.state = BfdState::up;
  c.my_disc = 1;
  c.your_disc = 2;
  c.desired_min_tx_us = c.required_min_rx_us = 10000;
  out.push_back(build_bfd_frame(kMac, kMac, kS1, kS2, 49152, c));
  L2L3Spec nd{.src_mac = kMac,
              .dst_mac = {},
              .src = kS1,
              .dst = kS2.solicited_node(),
              .hop_limit = 255,
              .traffic_class = 0,
              .router_alert_mld = false,
              .vlan_tci = {}};
  out.push_back(build_icmpv6_frame(nd, build_ns_body(kS2, kMac)));
  nd.dst = addr::all_nodes();
  out.push_back(build_icmpv6_frame(nd, build_na_body(kS1, true, false, true, kMac)));
  L2L3Spec data{.src_mac = kMac,
                .dst_mac = {},
                .src = kS1,
                .dst = kG,
                .hop_limit = 64,
                .traffic_class = 0,
                .router_alert_mld = false,
                .vlan_tci = {}};
  std::vector<uint8_t> payload(50, 'x');
  out.push_back(build_udp_frame(data, 40000, 5000, payload));
  // PIM: Hello x2, Join/Prune, Assert x2.
  for (auto& f : testing::pim_sample_frames()) out.push_back(std::move(f));
  return out;
}

TEST(RoundTrip, EveryBuiltKindParsesBackToItsKind) {
  const PacketKind kinds[] = {PacketKind::mld_query,     PacketKind::mld_query,
                              PacketKind::mld_query,     PacketKind::mld_report_v2,
                              PacketKind::mld_report_v1, PacketKind::mld_done,
                              PacketKind::vrrp,          PacketKind::bfd,
                              PacketKind::nd_ns,         PacketKind::nd_na,
                              PacketKind::mcast_data,    PacketKind::pim_hello,
                              PacketKind::pim_hello,     PacketKind::pim_join_prune,
                              PacketKind::pim_assert,    PacketKind::pim_assert};
  auto frames = every_kind();
  ASSERT_EQ(frames.size(), std::size(kinds));
  for (size_t i = 0; i < frames.size(); ++i) EXPECT_EQ(parse_frame(frames[i]).kind, kinds[i]) << i;
}

std::string run(const std::string& cmd) {
  std::string out;
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  pclose(p);
  return out;
}

size_t count(const std::string& hay, const std::string& needle) {
  size_t n = 0;
  for (size_t at = hay.find(needle); at != std::string::npos; at = hay.find(needle, at + 1)) ++n;
  return n;
}

// tshark dissects what we build with checksum validation on for every protocol.
TEST(RoundTrip, TsharkAgreesWithBuiltFrames) {
  if (std::system("command -v tshark >/dev/null 2>&1") != 0) GTEST_SKIP() << "tshark not installed";
  PcapFile file;
  uint64_t t = 1;
  for (auto& f : every_kind()) file.records.push_back({t++ * 1000000, 0, f});
  char path[] = "/tmp/tandem-roundtrip-XXXXXX";
  int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  close(fd);
  std::string error;
  ASSERT_TRUE(write_pcap(path, file, error)) << error;
  std::string v = run(std::string("tshark -r ") + path +
                      " -V -o udp.check_checksum:TRUE -o ip.check_checksum:TRUE 2>&1");
  std::string fields =
      run(std::string("tshark -r ") + path + " -T fields -e _ws.col.Protocol -e _ws.col.Info 2>&1");
  std::remove(path);
  EXPECT_EQ(count(v, "Malformed"), 0u) << v;
  EXPECT_EQ(count(v, "[Checksum Status: Bad]"), 0u) << v;
  EXPECT_EQ(count(v, "Expert Info (Error"), 0u) << v;
  EXPECT_EQ(count(v, "Expert Info (Warning"), 0u) << v;
  EXPECT_GE(count(v, "[Checksum Status: Good]"), file.records.size());
  EXPECT_EQ(count(fields, "Multicast Listener Query"), 3u) << fields;
  EXPECT_EQ(count(fields, "Multicast Listener Report Message v2"), 1u) << fields;
  EXPECT_EQ(count(fields, "Multicast Listener Report"), 2u) << fields;
  EXPECT_EQ(count(fields, "Multicast Listener Done"), 1u) << fields;
  EXPECT_EQ(count(fields, "VRRP"), 1u) << fields;
  EXPECT_EQ(count(fields, "BFD Control"), 1u) << fields;
  EXPECT_EQ(count(fields, "Neighbor Solicitation"), 1u) << fields;
  EXPECT_EQ(count(fields, "Neighbor Advertisement"), 1u) << fields;
  EXPECT_EQ(count(fields, "PIMv2\tHello"), 2u) << fields;
  EXPECT_EQ(count(fields, "PIMv2\tJoin/Prune"), 1u) << fields;
  EXPECT_EQ(count(fields, "PIMv2\tAssert"), 2u) << fields;
}

}  // namespace
}  // namespace tandem::wire
