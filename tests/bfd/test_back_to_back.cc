// Two BFD engines wired back to back in simulated time (50 µs one-way): bring-up with the
// slow start and Poll/Final, the steady 10 ms rate, and failure detection at 10 ms × 3.
#include <gtest/gtest.h>

#include <cstdio>

#include "tests/bfd/bfd_harness.h"

namespace tandem::bfd::testing {
namespace {

using std::chrono::microseconds;
using std::chrono::milliseconds;
using std::chrono::seconds;

void add_pair(BackToBack& w) {
  // A = 2001:db8:20::1 (disc 1), B = 2001:db8:20::2 (disc 2); neither configures the
  // remote discriminator, both learn it (RFC 5880 §6.8.6).
  ASSERT_EQ(
      w.a.mgr.add_session(make_session(1, std::nullopt, "2001:db8:20::1", "2001:db8:20::2"), w.now),
      "");
  ASSERT_EQ(
      w.b.mgr.add_session(make_session(2, std::nullopt, "2001:db8:20::2", "2001:db8:20::1"), w.now),
      "");
}

TEST(BfdBackToBack, ComesUpLearnsDiscriminatorsAndSettlesAt10ms) {
  BackToBack w;
  add_pair(w);
  w.run_until(TimePoint{} + seconds(3));
  ASSERT_EQ(w.a.mgr.find(1)->state(), BfdState::up);
  ASSERT_EQ(w.b.mgr.find(2)->state(), BfdState::up);
  EXPECT_EQ(w.a.mgr.find(1)->remote_discriminator(), 2u);
  EXPECT_EQ(w.b.mgr.find(2)->remote_discriminator(), 1u);
  EXPECT_FALSE(w.a.mgr.find(1)->status().poll_in_progress);
  EXPECT_FALSE(w.b.mgr.find(2)->status().poll_in_progress);
  // Steady state: 10 ms less 0–25 % jitter → between 100 and 134 packets a second.
  const size_t before = w.a.sent.size();
  w.run_until(w.now + seconds(1));
  const size_t per_second = w.a.sent.size() - before;
  EXPECT_GE(per_second, 100u);
  EXPECT_LE(per_second, 134u);
  EXPECT_EQ(w.a.mgr.find(1)->detection_time(), microseconds(30000));
  EXPECT_EQ(w.a.changes.size(), 2u);  // Down → Init → Up, nothing else
}

TEST(BfdBackToBack, DetectionAt10msX3AfterPeerDies) {
  BackToBack w;
  add_pair(w);
  w.run_until(TimePoint{} + seconds(5));
  ASSERT_EQ(w.a.mgr.find(1)->state(), BfdState::up);
  w.a.changes.clear();
  const TimePoint kill = w.now;
  w.b.alive = false;  // SIGKILL: B sends nothing more
  w.run_until(kill + milliseconds(100));
  ASSERT_EQ(w.a.changes.size(), 1u);
  const StateChange& c = w.a.changes[0];
  EXPECT_EQ(c.to, BfdState::down);
  EXPECT_EQ(c.diag, BfdDiag::control_detection_expired);
  const auto* s = w.a.mgr.find(1);
  ASSERT_NE(s, nullptr);
  // The change happened at the Detection Time after the last packet from B: exactly 30 ms.
  const TimePoint down_at = w.a.sent.back().first;  // the Down packet goes out at once
  EXPECT_EQ(down_at - w.a.last_rx, milliseconds(30));
  // From the kill: between 30 ms − one TX interval and 30 ms.
  const auto since_kill_us = std::chrono::duration_cast<microseconds>(down_at - kill).count();
  std::printf(
      "[ figure ] BFD 10 ms x 3: detection %lld us after the peer died, %lld us after "
      "its last packet\n",
      static_cast<long long>(since_kill_us),
      static_cast<long long>(
          std::chrono::duration_cast<microseconds>(down_at - w.a.last_rx).count()));
  EXPECT_GE(since_kill_us, 20000);
  EXPECT_LE(since_kill_us, 30000);
}

TEST(BfdBackToBack, AdminDownOnOneSideSignalsNeighborDown) {
  BackToBack w;
  add_pair(w);
  w.run_until(TimePoint{} + seconds(5));
  w.a.changes.clear();
  w.b.mgr.set_admin_down(2, true, w.now);
  w.collect(1);
  w.run_until(w.now + milliseconds(5));
  ASSERT_EQ(w.a.changes.size(), 1u);
  EXPECT_EQ(w.a.changes[0].to, BfdState::down);
  EXPECT_EQ(w.a.changes[0].diag, BfdDiag::neighbor_signaled_down);
  EXPECT_EQ(w.a.changes[0].reason, Reason::neighbor_admin_down);
  // A stays Down (no detection-time flapping) while B is AdminDown; comes back after.
  w.run_until(w.now + seconds(5));
  EXPECT_EQ(w.a.mgr.find(1)->state(), BfdState::down);
  w.b.mgr.set_admin_down(2, false, w.now);
  w.collect(1);
  w.run_until(w.now + seconds(5));
  EXPECT_EQ(w.a.mgr.find(1)->state(), BfdState::up);
  EXPECT_EQ(w.b.mgr.find(2)->state(), BfdState::up);
}

TEST(BfdBackToBack, PeerRestartWithNewDiscriminatorComesBackUp) {
  BackToBack w;
  add_pair(w);
  w.run_until(TimePoint{} + seconds(5));
  w.b.alive = false;
  w.run_until(w.now + milliseconds(100));
  ASSERT_EQ(w.a.mgr.find(1)->state(), BfdState::down);
  // B restarts with discriminator 7 (FRR bfdd restarts pick a new one).
  w.b.mgr.remove_session(2);
  ASSERT_EQ(
      w.b.mgr.add_session(make_session(7, std::nullopt, "2001:db8:20::2", "2001:db8:20::1"), w.now),
      "");
  w.b.alive = true;
  w.run_until(w.now + seconds(5));
  EXPECT_EQ(w.a.mgr.find(1)->state(), BfdState::up);
  EXPECT_EQ(w.a.mgr.find(1)->remote_discriminator(), 7u);
}

}  // namespace
}  // namespace tandem::bfd::testing
