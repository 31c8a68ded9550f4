// The VRRP6 engine's outputs as frames: parsed back by wire::parse_frame, and compared with
// what keepalived put on the wire for the same virtual router.
#include <gtest/gtest.h>

#include <string>

#include "control/vrrp6/frames.h"
#include "control/wire/frame.h"
#include "control/wire/pcap_file.h"
#include "tests/fixtures/fixture_path.h"
#include "tests/vrrp6/vrrp6_harness.h"

namespace tandem::vrrp6::testing {
namespace {

using std::chrono::milliseconds;

// Engine of the keepalived scenario: VRID 1, fe80::1 + 2001:db8:10::1, priority 120.
Harness& master_of_fixture_lan(Harness& h) {
  InstanceConfig c = make_config(120);
  c.virtual_addresses = {A("fe80::1"), A("2001:db8:10::1")};
  EXPECT_EQ(h.add(c), "");
  h.advance(milliseconds(4000));
  return h;
}

TEST(Vrrp6Frames, Rfc5798_5_AdvertFrameParsesBack) {
  Harness h;
  master_of_fixture_lan(h);
  ASSERT_FALSE(h.seen.adverts.empty());
  auto bytes = advert_frame(h.seen.adverts[0]);
  wire::Frame f = wire::parse_frame(bytes);
  ASSERT_EQ(f.kind, wire::PacketKind::vrrp) << wire::drop_reason_name(f.drop_reason);
  EXPECT_EQ(f.eth_src.to_string(), "00:00:5e:00:02:01");  // §7.3
  EXPECT_EQ(f.src, A("fe80::2"));
  EXPECT_EQ(f.dst, A("ff02::12"));
  EXPECT_EQ(f.hop_limit, 255);
  EXPECT_EQ(f.vrrp.version, 3);
  EXPECT_EQ(f.vrrp.vrid, 1);
  EXPECT_EQ(f.vrrp.priority, 120);
  EXPECT_EQ(f.vrrp.max_adver_int_cs, 100);
  ASSERT_EQ(f.vrrp.addresses.size(), 2u);
  EXPECT_EQ(f.vrrp.addresses[0], A("fe80::1"));
}

TEST(Vrrp6Frames, Rfc5798_6_4_UnsolicitedNaMatchesKeepalivedOnTheWire) {
  Harness h;
  master_of_fixture_lan(h);
  ASSERT_EQ(h.seen.neighbor_adverts.size(), 2u);
  std::string error;
  auto pcap =
      wire::read_pcap(tandem::testing::fixture_path("vrrpv3_keepalived_adverts.pcap"), error);
  ASSERT_TRUE(pcap.has_value()) << error;
  size_t compared = 0;
  for (const NaOut& na : h.seen.neighbor_adverts) {
    auto ours_bytes = neighbor_advert_frame(na);
    wire::Frame ours = wire::parse_frame(ours_bytes);
    ASSERT_EQ(ours.kind, wire::PacketKind::nd_na) << wire::drop_reason_name(ours.drop_reason);
    EXPECT_EQ(ours.src, na.target);
    EXPECT_EQ(ours.dst, A("ff02::1"));
    EXPECT_EQ(ours.hop_limit, 255);
    EXPECT_TRUE(ours.nd.router);
    EXPECT_FALSE(ours.nd.solicited);
    EXPECT_TRUE(ours.nd.override_flag);
    ASSERT_TRUE(ours.nd.target_lla.has_value());
    EXPECT_EQ(ours.nd.target_lla->to_string(), "00:00:5e:00:02:01");
    EXPECT_EQ(ours.eth_src.to_string(), "00:00:5e:00:02:01");
    EXPECT_EQ(ours.eth_dst.to_string(), "33:33:00:00:00:01");
    for (const auto& r : pcap->records) {
      wire::Frame theirs = wire::parse_frame(r.data);
      if (theirs.kind != wire::PacketKind::nd_na || theirs.nd.target != na.target) continue;
      // Same addresses, so the ICMPv6 message (checksum included) must be byte-identical.
      std::vector<uint8_t> a(ours_bytes.begin() + ours.walk.upper_offset,
                             ours_bytes.begin() + ours.walk.l3_end);
      std::vector<uint8_t> b(r.data.begin() + theirs.walk.upper_offset,
                             r.data.begin() + theirs.walk.l3_end);
      EXPECT_EQ(a, b) << na.target.to_string();
      EXPECT_EQ(theirs.src, ours.src);
      EXPECT_EQ(theirs.dst, ours.dst);
      ++compared;
      break;
    }
  }
  EXPECT_EQ(compared, 2u);
}

}  // namespace
}  // namespace tandem::vrrp6::testing
