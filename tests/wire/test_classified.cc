// wire::parse_classified against wire::parse_frame: every fixture frame and every frame the
// receive-rule tests break, classified as the worker does (dataplane/classify.h) and parsed
// from the worker's offsets, must come out as the full parse says. Frames whose only fault
// is one the worker does not check (checksum, hop limit, source, body) must still be dropped
// with the same reason.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "control/wire/byte_io.h"
#include "control/wire/checksum.h"
#include "tests/wire/classified_check.h"
#include "tests/wire/fixture_util.h"

namespace tandem::wire {
namespace {

using dataplane::Verdict;
using testing::expect_classified_agrees;

TEST(ParseClassified, AgreesWithParseFrameOnEveryFixtureFrame) {
  size_t punts = 0, data = 0;
  std::vector<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(testing::fixtures_dir()))
    if (e.path().extension() == ".pcap") names.push_back(e.path().filename().string());
  ASSERT_FALSE(names.empty()) << testing::fixtures_dir();
  for (const auto& name : names) {
    testing::FixtureFrames f = testing::load_fixture(name);
    for (size_t i = 0; i < f.file.records.size(); ++i) {
      const Verdict v =
          expect_classified_agrees(f.file.records[i].data, name + " #" + std::to_string(i + 1));
      punts += v == Verdict::punt;
      data += v == Verdict::data;
    }
  }
  // The fixtures hold MLD, VRRP, BFD, ND and data: both hint kinds are exercised.
  EXPECT_GT(punts, 100u);
  EXPECT_GT(data, 0u);
}

const MacAddress kMac{{0x02, 0, 0, 0, 0, 0x0a}};
const Ipv6Address kHostLl = Ipv6Address::must_parse("fe80::a");
const Ipv6Address kG1 = Ipv6Address::must_parse("ff05::db8:1");

std::vector<uint8_t> report() {
  return build_mld_v2_report_frame(kMac, kHostLl, {{MldRecordType::to_ex, kG1, {}}});
}
size_t ip(const std::vector<uint8_t>& f) {
  return walk_headers(f.data(), static_cast<uint32_t>(f.size())).l3_offset;
}
size_t upper(const std::vector<uint8_t>& f) {
  return walk_headers(f.data(), static_cast<uint32_t>(f.size())).upper_offset;
}

// What the worker lets through and the control core must still refuse, by the same reason
// (test_receive_rules.cc runs every rule through the same comparison).
TEST(ParseClassified, ChecksTheWorkerDoesNotMake) {
  auto expect_drop = [](std::vector<uint8_t> f, DropReason r, const char* what) {
    EXPECT_EQ(expect_classified_agrees(f, what), Verdict::punt) << what;
    wire::HeaderWalk hw;
    const auto k = dataplane::classify(f.data(), static_cast<uint32_t>(f.size()), hw);
    const Frame p = parse_classified(f, dataplane::PuntTag::control(k.cls, hw).hint());
    EXPECT_EQ(p.kind, PacketKind::drop) << what;
    EXPECT_EQ(p.drop_reason, r) << what;
  };
  auto f = report();
  f[ip(f) + 7] = 2;  // hop limit
  expect_drop(f, DropReason::mld_hop_limit_not_one, "hop limit");
  f = report();
  f[upper(f) + 2] ^= 0xff;  // checksum
  expect_drop(f, DropReason::icmpv6_bad_checksum, "checksum");
}

// The worker punts MLD without the Router Alert (or with another value) like any MLD: the
// core parses it and reports the option through has_mld_router_alert, and the MLD router
// decides per interface (mld require-router-alert).
TEST(ParseClassified, ReportsAMissingRouterAlertInsteadOfDropping) {
  auto parse_fast = [](const std::vector<uint8_t>& f) {
    wire::HeaderWalk hw;
    const auto k = dataplane::classify(f.data(), static_cast<uint32_t>(f.size()), hw);
    EXPECT_EQ(k.verdict, Verdict::punt);
    return parse_classified(f, dataplane::PuntTag::control(k.cls, hw).hint());
  };
  const auto with_ra = report();
  EXPECT_TRUE(has_mld_router_alert(parse_fast(with_ra)));

  L2L3Spec l;
  l.src_mac = kMac;
  l.src = kHostLl;
  l.dst = addr::all_mldv2_routers();
  l.hop_limit = 1;
  l.router_alert_mld = false;
  const auto without_ra =
      build_icmpv6_frame(l, build_mld_v2_report_body({{MldRecordType::to_ex, kG1, {}}}));
  const Frame f = parse_fast(without_ra);
  EXPECT_EQ(f.kind, PacketKind::mld_report_v2);
  EXPECT_FALSE(has_mld_router_alert(f));

  auto other_value = report();
  other_value[ip(other_value) + 40 + 5] = 1;  // RA value 1 instead of 0 (MLD)
  const Frame g = parse_fast(other_value);
  EXPECT_EQ(g.kind, PacketKind::mld_report_v2);
  EXPECT_FALSE(has_mld_router_alert(g));
}

// A hint the bytes cannot hold never makes the parser read past the frame: the full walk
// decides instead.
TEST(ParseClassified, HintPastTheFrameFallsBackToTheFullWalk) {
  const auto f = report();
  FrameHint h;
  h.l3_offset = static_cast<uint32_t>(f.size());
  EXPECT_EQ(frame_to_json(1, parse_classified(f, h)), frame_to_json(1, parse_frame(f)));
  h.l3_offset = kEthHeaderLen;
  h.upper_offset = static_cast<uint32_t>(f.size() + 1);
  EXPECT_EQ(frame_to_json(1, parse_classified(f, h)), frame_to_json(1, parse_frame(f)));
}

}  // namespace
}  // namespace tandem::wire
