// BFD single hop over IPv6 (RFC 5880 §6.8, RFC 5881) in simulated time: one test per rule.
#include <gtest/gtest.h>

#include <algorithm>

#include "tests/bfd/bfd_harness.h"

namespace tandem::bfd::testing {
namespace {

using std::chrono::microseconds;
using std::chrono::milliseconds;
using std::chrono::seconds;

size_t drops(const Session& s, RxDrop d) {
  return s.status().rx_drops[static_cast<size_t>(d)];
}

TEST(BfdConfig, RangesAndDefaults) {
  SessionConfig c = make_session();
  EXPECT_EQ(validate(c), "");
  EXPECT_EQ(c.min_tx, milliseconds(10));
  EXPECT_EQ(c.min_rx, milliseconds(10));
  EXPECT_EQ(c.detect_mult, 3);
  c.local_discriminator = 16385;
  EXPECT_NE(validate(c), "");
  c = make_session();
  c.min_tx = milliseconds(2);
  EXPECT_NE(validate(c), "");
  c = make_session();
  c.min_rx = milliseconds(20001);
  EXPECT_NE(validate(c), "");
  c = make_session();
  c.detect_mult = 51;
  EXPECT_NE(validate(c), "");
  c.detect_mult = 2;
  EXPECT_NE(validate(c), "");
  c = make_session();
  c.remote_discriminator = 0;
  EXPECT_NE(validate(c), "");
  c.remote_discriminator = 4294967295u;
  EXPECT_EQ(validate(c), "");
}

TEST(BfdManager, DuplicateDiscriminatorOrKeyRejected) {
  Harness h;
  ASSERT_EQ(h.add(make_session(10)), "");
  EXPECT_NE(h.add(make_session(10, std::nullopt, "2001:db8:20::1", "2001:db8:20::3")), "");
  EXPECT_NE(h.add(make_session(11)), "");  // same (interface, local, peer)
  EXPECT_EQ(h.add(make_session(11, std::nullopt, "2001:db8:20::1", "2001:db8:20::3")), "");
}

TEST(Bfd, Rfc5881_4_SourcePortFixedPerSessionInRange) {
  EXPECT_EQ(source_port_for(1), 49152);
  EXPECT_EQ(source_port_for(16384), 65535);
  Harness h;
  ASSERT_EQ(h.add(make_session(10)), "");
  h.advance(seconds(5));
  ASSERT_GE(h.sent.size(), 5u);
  for (const auto& p : h.sent) {
    EXPECT_EQ(p.src_port, source_port_for(10));
    EXPECT_EQ(p.src, A("2001:db8:20::1"));
    EXPECT_EQ(p.dst, A("2001:db8:20::2"));
    EXPECT_EQ(p.ifindex, 1u);
  }
  EXPECT_EQ(h.session().status().destination_port, 3784);
  EXPECT_EQ(h.session().status().ttl, 255);
}

TEST(Bfd, Rfc5880_6_8_3_SlowTxWhileDown) {
  Harness h;
  ASSERT_EQ(h.add(make_session()), "");
  h.advance(seconds(20));
  ASSERT_GE(h.sent.size(), 20u);
  ASSERT_LE(h.sent.size(), 28u);  // ≥ 750 ms apart
  for (size_t i = 0; i < h.sent.size(); ++i) {
    const auto& c = h.sent[i].control;
    EXPECT_EQ(c.state, BfdState::down);
    EXPECT_EQ(c.desired_min_tx_us, 1'000'000u);  // not 10 ms while not Up
    EXPECT_EQ(c.required_min_rx_us, 10'000u);
    EXPECT_EQ(c.my_disc, 10u);
    EXPECT_EQ(c.your_disc, 0u);  // nothing learnt yet
    EXPECT_FALSE(c.poll);
    EXPECT_FALSE(c.final);
    if (i > 0) {
      const Duration gap = h.sent_at[i] - h.sent_at[i - 1];
      EXPECT_GE(gap, milliseconds(750));
      EXPECT_LE(gap, milliseconds(1000));
    }
  }
}

TEST(Bfd, Rfc5880_6_8_6_DownToInitOnRemoteDown) {
  Harness h;
  ASSERT_EQ(h.add(make_session()), "");
  h.clear();
  EXPECT_TRUE(h.rx(peer_packet(BfdState::down, 0, 1'000'000)));
  EXPECT_EQ(h.state(), BfdState::init);
  ASSERT_EQ(h.changes.size(), 1u);
  EXPECT_EQ(h.changes[0].reason, Reason::remote_down);
  // The remote discriminator is learnt from the peer (`discriminator remote` omitted).
  EXPECT_EQ(h.session().remote_discriminator(), 20u);
  ASSERT_EQ(h.sent.size(), 1u);  // sent at once on the change
  EXPECT_EQ(h.sent[0].control.state, BfdState::init);
  EXPECT_EQ(h.sent[0].control.your_disc, 20u);
}

TEST(Bfd, Rfc5880_6_8_6_DownToUpOnRemoteInit) {
  Harness h;
  ASSERT_EQ(h.add(make_session()), "");
  EXPECT_TRUE(h.rx(peer_packet(BfdState::init, 10, 1'000'000)));
  EXPECT_EQ(h.state(), BfdState::up);
  EXPECT_EQ(h.changes.back().reason, Reason::remote_init);
}

TEST(Bfd, Rfc5880_6_8_6_InitToUpOnRemoteInitOrUp) {
  for (BfdState remote : {BfdState::init, BfdState::up}) {
    Harness h;
    ASSERT_EQ(h.add(make_session()), "");
    h.rx(peer_packet(BfdState::down, 0, 1'000'000));
    ASSERT_EQ(h.state(), BfdState::init);
    h.rx(peer_packet(remote, 10, 1'000'000));
    EXPECT_EQ(h.state(), BfdState::up);
  }
}

TEST(Bfd, Rfc5880_6_8_6_InitStaysOnRemoteDown) {
  Harness h;
  ASSERT_EQ(h.add(make_session()), "");
  h.rx(peer_packet(BfdState::down, 0, 1'000'000));
  h.rx(peer_packet(BfdState::down, 0, 1'000'000));
  EXPECT_EQ(h.state(), BfdState::init);
}

TEST(Bfd, Rfc5880_6_8_6_UpToDownOnRemoteDown) {
  Harness h;
  ASSERT_EQ(h.add(make_session()), "");
  h.bring_up();
  h.rx(peer_packet(BfdState::down, 0, 1'000'000));
  EXPECT_EQ(h.state(), BfdState::down);
  EXPECT_EQ(h.changes.back().diag, BfdDiag::neighbor_signaled_down);
  EXPECT_EQ(h.changes.back().reason, Reason::neighbor_signaled_down);
  EXPECT_EQ(h.sent.back().control.diag, BfdDiag::neighbor_signaled_down);
  EXPECT_EQ(h.session().status().flaps, 1u);
}

TEST(Bfd, Rfc5880_6_8_6_RemoteAdminDownTakesSessionDown) {
  Harness h;
  ASSERT_EQ(h.add(make_session()), "");
  h.bring_up();
  h.rx(peer_packet(BfdState::admin_down, 10));
  EXPECT_EQ(h.state(), BfdState::down);
  EXPECT_EQ(h.changes.back().diag, BfdDiag::neighbor_signaled_down);
  EXPECT_EQ(h.changes.back().reason, Reason::neighbor_admin_down);
  // A Down session stays Down on more AdminDown packets.
  h.rx(peer_packet(BfdState::admin_down, 10));
  EXPECT_EQ(h.state(), BfdState::down);
}

TEST(Bfd, Rfc5880_6_8_4_DetectionTimeExpired) {
  Harness h;
  ASSERT_EQ(h.add(make_session()), "");
  h.bring_up();
  // Detection Time = remote Detect Mult × max(RequiredMinRx, remote DesiredMinTx) = 30 ms.
  EXPECT_EQ(h.session().detection_time(), microseconds(30000));
  const TimePoint last_rx = h.now;
  h.advance(microseconds(29999));
  EXPECT_EQ(h.state(), BfdState::up);
  h.advance(microseconds(1));
  EXPECT_EQ(h.state(), BfdState::down);
  EXPECT_EQ(h.now - last_rx, milliseconds(30));
  EXPECT_EQ(h.changes.back().diag, BfdDiag::control_detection_expired);
  EXPECT_EQ(h.changes.back().reason, Reason::detection_time_expired);
  EXPECT_EQ(h.session().remote_discriminator(), 0u);  // §6.8.1
  h.clear();
  h.advance(seconds(3));
  ASSERT_FALSE(h.sent.empty());
  EXPECT_EQ(h.sent.back().control.diag, BfdDiag::control_detection_expired);
  EXPECT_EQ(h.sent.back().control.desired_min_tx_us, 1'000'000u);  // slow again
}

TEST(Bfd, Rfc5880_6_8_4_DetectionUsesRemoteDesiredTxWhenLarger) {
  Harness h;
  ASSERT_EQ(h.add(make_session()), "");
  h.rx(peer_packet(BfdState::down, 0, 1'000'000));  // Init, peer sends at 1 s
  EXPECT_EQ(h.session().detection_time(), microseconds(3'000'000));
  h.advance(milliseconds(2999));
  EXPECT_EQ(h.state(), BfdState::init);
  h.advance(milliseconds(1));
  EXPECT_EQ(h.state(), BfdState::down);
}

TEST(Bfd, Rfc5880_6_8_6_UnknownYourDiscriminatorDropped) {
  Harness h;
  ASSERT_EQ(h.add(make_session()), "");
  EXPECT_FALSE(h.rx(peer_packet(BfdState::up, 99)));
  EXPECT_EQ(h.mgr.rx_drops()[static_cast<size_t>(RxDrop::unknown_discriminator)], 1u);
  EXPECT_EQ(h.state(), BfdState::down);
}

TEST(Bfd, Rfc5880_6_8_6_YourDiscriminatorZeroDemultiplexedBySource) {
  Harness h;
  ASSERT_EQ(h.add(make_session()), "");
  EXPECT_FALSE(h.rx(peer_packet(BfdState::down, 0), "2001:db8:20::77"));
  EXPECT_FALSE(h.rx(peer_packet(BfdState::down, 0), "2001:db8:20::2", "2001:db8:20::1", 2));
  EXPECT_EQ(h.mgr.rx_drops()[static_cast<size_t>(RxDrop::no_session)], 2u);
  EXPECT_EQ(h.state(), BfdState::down);
  // The right (interface, peer, local) finds the session; so does the peer alone on that
  // interface when it is unambiguous (sent to our link-local).
  EXPECT_TRUE(h.rx(peer_packet(BfdState::down, 0), "2001:db8:20::2", "fe80::a"));
  EXPECT_EQ(h.state(), BfdState::init);
}

TEST(Bfd, Rfc5881_3_DiscriminatorOfAnotherInterfaceOrPeerDropped) {
  Harness h;
  ASSERT_EQ(h.add(make_session()), "");
  EXPECT_FALSE(h.rx(peer_packet(BfdState::down, 10), "2001:db8:20::99"));
  EXPECT_FALSE(h.rx(peer_packet(BfdState::down, 10), "2001:db8:20::2", "2001:db8:20::1", 3));
  EXPECT_EQ(drops(h.session(), RxDrop::session_mismatch), 2u);
}

TEST(Bfd, StaticRemoteDiscriminatorMismatchDropped) {
  Harness h;
  ASSERT_EQ(h.add(make_session(10, 20)), "");
  ASSERT_EQ(h.session().remote_discriminator(), 20u);
  h.advance(milliseconds(1));
  EXPECT_EQ(h.sent.back().control.your_disc, 20u);  // configured: sent from the start
  // A restarted peer with a new discriminator (FRR does this) does not match the config.
  EXPECT_FALSE(h.rx(peer_packet(BfdState::down, 0, 1'000'000, 10000, false, false, 21)));
  EXPECT_EQ(drops(h.session(), RxDrop::remote_discriminator_mismatch), 1u);
  EXPECT_EQ(h.state(), BfdState::down);
  EXPECT_TRUE(h.rx(peer_packet(BfdState::down, 0, 1'000'000)));
  EXPECT_EQ(h.state(), BfdState::init);
}

TEST(Bfd, LearntRemoteDiscriminatorFollowsRestartedPeer) {
  Harness h;
  ASSERT_EQ(h.add(make_session()), "");
  h.bring_up();
  h.advance(milliseconds(40));  // detection → Down, remote discriminator forgotten
  ASSERT_EQ(h.state(), BfdState::down);
  h.rx(peer_packet(BfdState::down, 0, 1'000'000, 10000, false, false, 4242));
  EXPECT_EQ(h.session().remote_discriminator(), 4242u);
  EXPECT_EQ(h.state(), BfdState::init);
}

TEST(Bfd, Rfc5880_6_8_16_AdminDownSendsDiag7AndDiscards) {
  Harness h;
  ASSERT_EQ(h.add(make_session()), "");
  h.bring_up();
  h.clear();
  h.mgr.set_admin_down(10, true, h.now);
  h.collect();
  EXPECT_EQ(h.state(), BfdState::admin_down);
  ASSERT_EQ(h.changes.size(), 1u);
  EXPECT_EQ(h.changes[0].diag, BfdDiag::admin_down);
  EXPECT_EQ(h.changes[0].reason, Reason::local_admin_down);
  ASSERT_FALSE(h.sent.empty());
  EXPECT_EQ(h.sent[0].control.state, BfdState::admin_down);
  EXPECT_EQ(h.sent[0].control.diag, BfdDiag::admin_down);
  EXPECT_FALSE(h.rx(peer_packet(BfdState::up, 10)));
  EXPECT_EQ(drops(h.session(), RxDrop::admin_down), 1u);
  h.advance(seconds(5));  // no detection in AdminDown; slow AdminDown packets continue
  EXPECT_EQ(h.state(), BfdState::admin_down);
  EXPECT_GE(h.sent.size(), 5u);
  for (const auto& p : h.sent) EXPECT_EQ(p.control.state, BfdState::admin_down);
  h.mgr.set_admin_down(10, false, h.now);
  h.collect();
  EXPECT_EQ(h.state(), BfdState::down);
  EXPECT_EQ(h.changes.back().reason, Reason::local_admin_up);
}

TEST(Bfd, Rfc5880_6_8_16_ConfiguredShutdownStartsAdminDown) {
  Harness h;
  SessionConfig c = make_session();
  c.shutdown = true;
  ASSERT_EQ(h.add(c), "");
  h.advance(milliseconds(1));
  EXPECT_EQ(h.state(), BfdState::admin_down);
  EXPECT_EQ(h.sent.at(0).control.diag, BfdDiag::admin_down);
}

// Gaps between periodic packets once Up at 10 ms.
std::vector<Duration> up_gaps(Harness& h, Duration span) {
  h.clear();
  const TimePoint end = h.now + span;
  while (h.now < end) {
    h.advance(milliseconds(5));
    h.rx(peer_packet(BfdState::up, 10));  // keep the session Up
  }
  std::vector<Duration> gaps;
  for (size_t i = 1; i < h.sent_at.size(); ++i) gaps.push_back(h.sent_at[i] - h.sent_at[i - 1]);
  return gaps;
}

TEST(Bfd, Rfc5880_6_8_7_JitterZeroTo25Percent) {
  Harness h;
  ASSERT_EQ(h.add(make_session()), "");
  h.bring_up();
  auto gaps = up_gaps(h, seconds(5));
  ASSERT_GE(gaps.size(), 450u);
  const auto [lo, hi] = std::minmax_element(gaps.begin(), gaps.end());
  EXPECT_GE(*lo, microseconds(7500));
  EXPECT_LE(*hi, microseconds(10000));
  // The jitter really is spread over the range, not a constant.
  EXPECT_LT(*lo, microseconds(7800));
  EXPECT_GT(*hi, microseconds(9700));
}

TEST(Bfd, Rfc5880_6_8_7_JitterTenTo25PercentWhenDetectMultIsOne) {
  // The CLI range starts at 3; the engine still honours the RFC rule for 1.
  SessionConfig c = make_session();
  c.detect_mult = 1;
  Actions out;
  Rng rng(99);
  Session s(c, out, rng, null_log_sink(), TimePoint{});
  TimePoint now{};
  std::vector<TimePoint> at;
  for (int i = 0; i < 400; ++i) {
    now = s.next_deadline();
    s.on_timer(now);
    at.push_back(now);
  }
  Duration lo = Duration::max(), hi = Duration::zero();
  for (size_t i = 1; i < at.size(); ++i) {
    lo = std::min(lo, at[i] - at[i - 1]);
    hi = std::max(hi, at[i] - at[i - 1]);
  }
  EXPECT_GE(lo, milliseconds(750));
  EXPECT_LE(hi, milliseconds(900));
  EXPECT_LT(lo, milliseconds(770));
  EXPECT_GT(hi, milliseconds(880));
}

TEST(Bfd, Rfc5880_6_8_7_NothingSentWhileRemoteMinRxZero) {
  Harness h;
  ASSERT_EQ(h.add(make_session()), "");
  h.advance(milliseconds(1));
  h.clear();
  h.rx(peer_packet(BfdState::down, 0, 1'000'000, /*required_rx=*/0));
  EXPECT_EQ(h.state(), BfdState::init);
  h.advance(milliseconds(2500));
  EXPECT_TRUE(h.sent.empty());
  // A Poll is still answered with Final (§6.8.7: regardless of transmit limits).
  h.rx(peer_packet(BfdState::down, 0, 1'000'000, 0, /*poll=*/true));
  ASSERT_EQ(h.sent.size(), 1u);
  EXPECT_TRUE(h.sent[0].control.final);
  h.rx(peer_packet(BfdState::init, 10, 1'000'000, 10000));
  h.advance(milliseconds(2500));
  EXPECT_GE(h.sent.size(), 3u);
}

TEST(Bfd, Rfc5880_6_8_3_PollOnGoingUpPRepeatedUntilFinal) {
  Harness h;
  ASSERT_EQ(h.add(make_session()), "");
  h.advance(milliseconds(1));
  h.clear();
  h.rx(peer_packet(BfdState::init, 0, 1'000'000));
  ASSERT_EQ(h.state(), BfdState::up);
  ASSERT_FALSE(h.sent.empty());
  EXPECT_TRUE(h.sent[0].control.poll);
  EXPECT_FALSE(h.sent[0].control.final);
  EXPECT_EQ(h.sent[0].control.desired_min_tx_us, 10'000u);  // new value advertised
  EXPECT_TRUE(h.session().status().poll_in_progress);
  // Leaving the 1 s floor makes TX faster: safe, so it applies at once (the peer still
  // advertises 1 s, so its Detection Time for us only shrinks after its own Poll).
  EXPECT_EQ(h.session().tx_interval(), microseconds(10'000));
  for (int i = 0; i < 10; ++i) {
    h.advance(milliseconds(200));
    h.rx(peer_packet(BfdState::up, 10, 1'000'000));  // peer has not answered F yet
  }
  EXPECT_EQ(h.state(), BfdState::up);
  EXPECT_TRUE(h.session().status().poll_in_progress);
  EXPECT_GE(h.sent.size(), 200u);
  for (const auto& p : h.sent) EXPECT_TRUE(p.control.poll);  // P repeated until F
  h.rx(peer_packet(BfdState::up, 10, 10000, 10000, false, /*final=*/true));
  EXPECT_FALSE(h.session().status().poll_in_progress);
  h.clear();
  h.advance(milliseconds(9));
  h.rx(peer_packet(BfdState::up, 10));
  h.advance(milliseconds(11));
  ASSERT_GE(h.sent.size(), 1u);
  for (const auto& p : h.sent) EXPECT_FALSE(p.control.poll);
}

TEST(Bfd, Rfc5880_6_8_7_PollAnsweredWithFinalAtOnceNeverBoth) {
  Harness h;
  ASSERT_EQ(h.add(make_session()), "");
  h.rx(peer_packet(BfdState::init, 0, 1'000'000));  // Up, our own Poll in progress
  ASSERT_TRUE(h.session().status().poll_in_progress);
  h.clear();
  h.rx(peer_packet(BfdState::up, 10, 10000, 10000, /*poll=*/true));
  ASSERT_EQ(h.sent.size(), 1u);
  EXPECT_TRUE(h.sent[0].control.final);
  EXPECT_FALSE(h.sent[0].control.poll);
  EXPECT_EQ(h.sent_at[0], h.now);
  h.advance(seconds(2));
  for (const auto& p : h.sent) EXPECT_FALSE(p.control.poll && p.control.final);
  EXPECT_EQ(h.session().status().finals_sent, 1u);
}

TEST(Bfd, Rfc5880_6_8_3_SlowerTxWaitsForFinal) {
  Harness h;
  ASSERT_EQ(h.add(make_session()), "");
  h.bring_up();
  h.clear();
  ASSERT_EQ(h.mgr.set_intervals(10, milliseconds(50), milliseconds(50), 3, h.now), "");
  h.collect();
  ASSERT_EQ(h.sent.size(), 1u);
  EXPECT_TRUE(h.sent[0].control.poll);
  EXPECT_EQ(h.sent[0].control.desired_min_tx_us, 50'000u);
  EXPECT_EQ(h.sent[0].control.required_min_rx_us, 50'000u);
  // A slower TX must wait for Final ("MUST NOT change until the Poll Sequence ... has
  // terminated"); a longer RequiredMinRx is safe at once: 3 × max(50, 10) ms.
  EXPECT_EQ(h.session().tx_interval(), microseconds(10'000));
  EXPECT_EQ(h.session().detection_time(), microseconds(150'000));
  h.rx(peer_packet(BfdState::up, 10, 10000, 10000, false, true));
  EXPECT_EQ(h.session().tx_interval(), microseconds(50'000));
}

TEST(Bfd, Rfc5880_6_8_3_ShorterRequiredMinRxWaitsForFinal) {
  Harness h;
  ASSERT_EQ(h.add(make_session()), "");
  h.bring_up();
  ASSERT_EQ(h.mgr.set_intervals(10, milliseconds(50), milliseconds(50), 3, h.now), "");
  h.rx(peer_packet(BfdState::up, 10, 50000, 50000, false, true));
  ASSERT_EQ(h.session().detection_time(), microseconds(150'000));
  h.clear();
  ASSERT_EQ(h.mgr.set_intervals(10, milliseconds(10), milliseconds(10), 3, h.now), "");
  h.collect();
  ASSERT_EQ(h.sent.size(), 1u);
  EXPECT_TRUE(h.sent[0].control.poll);
  // Faster TX at once; our Detection Time keeps the old RequiredMinRx until Final.
  EXPECT_EQ(h.session().tx_interval(), microseconds(50'000));  // peer's RequiredMinRx 50 ms
  h.rx(peer_packet(BfdState::up, 10, 10000, 10000, false, false));
  EXPECT_EQ(h.session().tx_interval(), microseconds(10'000));
  EXPECT_EQ(h.session().detection_time(), microseconds(150'000));
  h.rx(peer_packet(BfdState::up, 10, 10000, 10000, false, true));
  EXPECT_EQ(h.session().detection_time(), microseconds(30'000));
}

TEST(Bfd, StatusHasDisplayFieldsAndCounters) {
  Harness h;
  ASSERT_EQ(h.add(make_session()), "");
  h.session().set_bind_application("VRRP");
  SessionStatus s = h.mgr.status().at(0);
  EXPECT_EQ(s.state, BfdState::down);
  EXPECT_EQ(s.not_up_reason, "No packet received from peer");
  h.bring_up();
  h.advance(milliseconds(100));  // detection → Down
  h.rx(peer_packet(BfdState::down, 0, 1'000'000));
  h.rx(peer_packet(BfdState::up, 10, 1'000'000));
  s = h.mgr.status().at(0);
  EXPECT_EQ(s.name, "s10");
  EXPECT_EQ(s.local_discriminator, 10u);
  EXPECT_EQ(s.remote_discriminator, 20u);
  EXPECT_EQ(s.peer, A("2001:db8:20::2"));
  EXPECT_EQ(s.state, BfdState::up);
  EXPECT_STREQ(s.type, "Static");
  EXPECT_EQ(s.ifname, "ge0");
  EXPECT_EQ(s.min_tx, microseconds(10000));
  EXPECT_EQ(s.min_rx, microseconds(10000));
  EXPECT_EQ(s.actual_tx, microseconds(10000));      // faster TX applies before Final
  EXPECT_EQ(s.actual_rx, microseconds(1'000'000));  // remote still advertises 1 s
  EXPECT_EQ(s.detect_mult, 3);
  EXPECT_EQ(s.destination_port, 3784);
  EXPECT_EQ(s.ttl, 255);
  EXPECT_EQ(s.bind_application, "VRRP");
  EXPECT_EQ(s.not_up_reason, "");
  EXPECT_EQ(s.flaps, 1u);
  EXPECT_EQ(s.up_transitions, 2u);
  EXPECT_EQ(s.down_transitions, 1u);
  EXPECT_GT(s.packets_sent, 0u);
  EXPECT_EQ(s.packets_received, 4u);
}

TEST(Bfd, NameTables) {
  EXPECT_STREQ(reason_name(Reason::detection_time_expired), "detection_time_expired");
  EXPECT_STREQ(rx_drop_name(RxDrop::unknown_discriminator), "unknown_discriminator");
  EXPECT_STREQ(rx_drop_name(RxDrop::admin_down), "admin_down");
}

TEST(Bfd, LogsTransitionsWithSessionPrefix) {
  Harness h;
  ASSERT_EQ(h.add(make_session()), "");
  h.bring_up();
  EXPECT_TRUE(std::any_of(h.logs.begin(), h.logs.end(),
                          [](const std::string& l) { return l.find("bfd s10: Down -> Up") == 0; }));
}

}  // namespace
}  // namespace tandem::bfd::testing

namespace tandem::bfd::testing {
namespace {

TEST(BfdManager, IntervalChangeOutOfRangeRejected) {
  Harness h;
  ASSERT_EQ(h.add(make_session()), "");
  EXPECT_NE(h.mgr.set_intervals(10, std::chrono::milliseconds(2), std::chrono::milliseconds(10), 3,
                                h.now),
            "");
  EXPECT_NE(h.mgr.set_intervals(99, std::chrono::milliseconds(10), std::chrono::milliseconds(10), 3,
                                h.now),
            "");
  EXPECT_EQ(h.session().config().min_tx, std::chrono::milliseconds(10));
}

// Random packets (every state, flag and discriminator mix, RemoteMinRx 0 included) at
// random times: no crash, and the invariants the daemon relies on hold throughout.
TEST(BfdRobustness, RandomInputKeepsInvariants) {
  Harness h;
  ASSERT_EQ(h.add(make_session(10)), "");
  ASSERT_EQ(h.add(make_session(11, 21, "fe80::a", "fe80::b")), "");
  Rng rng(1234);
  const uint32_t discs[] = {0, 10, 11, 99};
  const uint32_t intervals[] = {0, 1, 3000, 10000, 1'000'000, 0xffffffff};
  const char* sources[] = {"2001:db8:20::2", "fe80::b", "2001:db8:20::77"};
  for (int i = 0; i < 20000; ++i) {
    if (rng.uniform(0, 2) == 0) {
      h.advance(std::chrono::microseconds(rng.uniform(0, 40000)));
    } else {
      wire::BfdControl c;
      c.state = static_cast<BfdState>(rng.uniform(0, 3));
      c.diag = static_cast<BfdDiag>(rng.uniform(0, 8));
      c.your_disc = discs[rng.uniform(0, 3)];
      c.my_disc = static_cast<uint32_t>(rng.uniform(19, 22));
      c.poll = rng.uniform(0, 4) == 0;
      c.final = !c.poll && rng.uniform(0, 4) == 0;
      c.detect_mult = static_cast<uint8_t>(rng.uniform(1, 255));
      c.desired_min_tx_us = intervals[rng.uniform(0, 5)];
      c.required_min_rx_us = intervals[rng.uniform(0, 5)];
      const char* src = sources[rng.uniform(0, 2)];
      h.rx(c, src, src[0] == 'f' ? "fe80::a" : "2001:db8:20::1");
    }
    if (rng.uniform(0, 500) == 0) {
      h.mgr.set_admin_down(10, rng.uniform(0, 1) == 0, h.now);
      h.collect();
    }
    // Handling a due deadline always moves it into the future: the control loop cannot spin.
    if (h.mgr.next_deadline() <= h.now) {
      h.mgr.on_timer(h.now);
      h.collect();
    }
    ASSERT_GT(h.mgr.next_deadline(), h.now);
  }
  BfdState last[2] = {BfdState::down, BfdState::down};
  for (const auto& c : h.changes) {
    const int k = c.local_discriminator == 10 ? 0 : 1;
    EXPECT_EQ(c.from, last[k]);
    EXPECT_NE(c.from, c.to);
    last[k] = c.to;
  }
  for (size_t i = 0; i < h.sent.size(); ++i) {
    const auto& c = h.sent[i].control;
    EXPECT_FALSE(c.poll && c.final);
    if (c.state != BfdState::up) {
      EXPECT_GE(c.desired_min_tx_us, 1'000'000u);
    }
    EXPECT_GE(h.sent[i].src_port, 49152);
  }
  EXPECT_GT(h.changes.size(), 10u);
}

}  // namespace
}  // namespace tandem::bfd::testing
