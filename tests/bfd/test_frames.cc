// BFD and ND outputs as frames, parsed back by wire::parse_frame (the receive checks our
// peers apply: hop limit 255, ports, ND options).
#include <gtest/gtest.h>

#include "control/bfd/frames.h"
#include "control/nd/frames.h"
#include "tests/bfd/bfd_harness.h"

namespace tandem::bfd::testing {
namespace {

const wire::MacAddress kOurMac = *wire::MacAddress::parse("02:00:00:00:00:01");
const wire::MacAddress kPeerMac = *wire::MacAddress::parse("02:00:00:00:00:02");

TEST(BfdFrames, Rfc5881_4_ControlPacketFrameParsesBack) {
  Harness h;
  ASSERT_EQ(h.add(make_session(10)), "");
  h.rx(peer_packet(BfdState::init, 0, 1'000'000));
  ASSERT_FALSE(h.sent.empty());
  auto bytes = packet_frame(h.sent.back(), kOurMac, kPeerMac);
  wire::Frame f = wire::parse_frame(bytes);
  ASSERT_EQ(f.kind, wire::PacketKind::bfd) << wire::drop_reason_name(f.drop_reason);
  EXPECT_EQ(f.hop_limit, 255);
  EXPECT_EQ(f.dst_port, 3784);
  EXPECT_EQ(f.src_port, source_port_for(10));
  EXPECT_EQ(f.eth_dst, kPeerMac);
  EXPECT_EQ(f.bfd.state, BfdState::up);
  EXPECT_TRUE(f.bfd.poll);
  EXPECT_EQ(f.bfd.my_disc, 10u);
  EXPECT_EQ(f.bfd.your_disc, 20u);
  EXPECT_EQ(f.bfd.desired_min_tx_us, 10000u);
}

TEST(NdFrames, Rfc4861_7_2_2_SolicitationToSolicitedNodeGroup) {
  nd::NeighborCache cache;
  cache.set_interface(1, kOurMac, A("fe80::a"));
  EXPECT_FALSE(cache.resolve(1, A("2001:db8:20::2"), TimePoint{}, A("2001:db8:20::1")));
  auto ns = cache.take_solicitations();
  ASSERT_EQ(ns.size(), 1u);
  auto bytes = nd::ns_frame(ns[0]);
  wire::Frame f = wire::parse_frame(bytes);
  ASSERT_EQ(f.kind, wire::PacketKind::nd_ns) << wire::drop_reason_name(f.drop_reason);
  EXPECT_EQ(f.dst, A("ff02::1:ff00:2"));
  EXPECT_EQ(f.eth_dst.to_string(), "33:33:ff:00:00:02");
  EXPECT_EQ(f.hop_limit, 255);
  EXPECT_EQ(f.nd.target, A("2001:db8:20::2"));
  ASSERT_TRUE(f.nd.source_lla.has_value());
  EXPECT_EQ(*f.nd.source_lla, kOurMac);
}

TEST(NdFrames, Rfc4861_7_2_4_SolicitedAdvertisementParsesBack) {
  nd::Responder r;
  r.set_interface(1, kOurMac, {A("2001:db8:20::1")});
  wire::NdMessage ns;
  ns.target = A("2001:db8:20::1");
  ns.source_lla = kPeerMac;
  auto na = r.on_ns(1, A("2001:db8:20::2"), kPeerMac, ns);
  ASSERT_TRUE(na.has_value());
  auto bytes = nd::na_frame(*na);
  wire::Frame f = wire::parse_frame(bytes);
  ASSERT_EQ(f.kind, wire::PacketKind::nd_na) << wire::drop_reason_name(f.drop_reason);
  EXPECT_EQ(f.dst, A("2001:db8:20::2"));
  EXPECT_EQ(f.eth_dst, kPeerMac);
  EXPECT_TRUE(f.nd.solicited);
  EXPECT_TRUE(f.nd.router);
  EXPECT_TRUE(f.nd.override_flag);
  EXPECT_EQ(f.nd.target_lla, kOurMac);
}

}  // namespace
}  // namespace tandem::bfd::testing
