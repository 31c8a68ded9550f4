// Codec agreement with a real peer: FRR bfdd's packets from bfd_frr_ipv6_global_10ms.pcap
// (B = 2001:db8:20::2) are replayed, at their capture times, into a session configured as
// the other side A (2001:db8:20::1). A was FRR too, and its packets in the same capture show
// the states it went through; our engine must go through the same ones with the same diags.
#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <vector>

#include "control/bfd/session.h"
#include "control/wire/frame.h"
#include "control/wire/pcap_file.h"
#include "tests/fixtures/fixture_path.h"

namespace tandem::bfd {
namespace {

wire::Ipv6Address A(const char* s) {
  return wire::Ipv6Address::must_parse(s);
}

struct Step {
  BfdState state;
  BfdDiag diag;
};

TEST(BfdFixture, FrrPeerReplayedIntoOurSessionMatchesFrrStates) {
  std::string error;
  auto file =
      wire::read_pcap(tandem::testing::fixture_path("bfd_frr_ipv6_global_10ms.pcap"), error);
  ASSERT_TRUE(file.has_value()) << error;
  const wire::Ipv6Address a = A("2001:db8:20::1"), b = A("2001:db8:20::2");

  // A's discriminator and state sequence as FRR sent them.
  uint32_t a_disc = 0;
  std::vector<Step> frr_steps;
  size_t b_packets = 0;
  for (const auto& r : file->records) {
    wire::Frame f = wire::parse_frame(r.data);
    if (f.kind != wire::PacketKind::bfd) continue;
    EXPECT_EQ(f.hop_limit, 255);
    EXPECT_EQ(f.dst_port, wire::kBfdSingleHopPort);
    if (f.src == a) {
      a_disc = f.bfd.my_disc;
      if (frr_steps.empty() || frr_steps.back().state != f.bfd.state) {
        frr_steps.push_back({f.bfd.state, f.bfd.diag});
      }
    } else if (f.src == b) {
      ++b_packets;
    }
  }
  ASSERT_NE(a_disc, 0u);
  ASSERT_GT(b_packets, 500u);
  ASSERT_GE(frr_steps.size(), 5u);

  // Our A: FRR's discriminator (B's packets carry it as Your Discriminator), 10 ms × 3,
  // no remote discriminator configured (learnt, which is how FRR restarts are survived).
  SessionConfig cfg;
  cfg.name = "fixture";
  cfg.ifindex = 1;
  cfg.local = a;
  cfg.peer = b;
  cfg.local_discriminator = a_disc;  // FRR's 32-bit value; the engine does not limit it
  Actions out;
  Rng rng(5);
  const TimePoint t0{};
  const uint64_t first_ns = file->records.front().ts_ns;
  Session s(cfg, out, rng, null_log_sink(), t0);
  auto run_timers = [&](TimePoint until) {
    while (s.next_deadline() <= until) s.on_timer(s.next_deadline());
  };
  size_t accepted = 0;
  for (const auto& r : file->records) {
    wire::Frame f = wire::parse_frame(r.data);
    if (f.kind != wire::PacketKind::bfd || f.src != b) continue;
    const TimePoint now = t0 + std::chrono::nanoseconds(r.ts_ns - first_ns);
    run_timers(now);
    ASSERT_EQ(f.bfd.your_disc == 0 || f.bfd.your_disc == a_disc, true);
    accepted += s.on_packet(f.bfd, now);
  }
  run_timers(t0 + std::chrono::nanoseconds(file->records.back().ts_ns - first_ns) +
             std::chrono::seconds(1));
  EXPECT_EQ(accepted, b_packets);

  std::vector<Step> ours = {{BfdState::down, BfdDiag::none}};
  for (const auto& c : out.state_changes) ours.push_back({c.to, c.diag});
  std::string trace;
  for (const auto& st : ours) {
    trace += std::string(" ") + wire::bfd_state_name(st.state);
    if (st.diag != BfdDiag::none) trace += "(" + std::to_string(static_cast<int>(st.diag)) + ")";
  }
  std::printf("[ figure ] our session replaying FRR's peer:%s\n", trace.c_str());
  ASSERT_EQ(ours.size(), frr_steps.size());
  for (size_t i = 0; i < ours.size(); ++i) {
    EXPECT_EQ(ours[i].state, frr_steps[i].state) << "step " << i;
    if (ours[i].state == BfdState::down && i > 0) {
      EXPECT_EQ(ours[i].diag, frr_steps[i].diag) << "step " << i;
    }
  }
  // Both failures of the captured peer were detected by timeout (diag 1), the shutdown by
  // its AdminDown (diag 3).
  size_t expired = 0, signalled = 0;
  for (const auto& c : out.state_changes) {
    expired += c.diag == BfdDiag::control_detection_expired && c.to == BfdState::down;
    signalled += c.reason == Reason::neighbor_admin_down;
  }
  EXPECT_EQ(expired, 2u);
  EXPECT_EQ(signalled, 1u);
  EXPECT_EQ(s.state(), BfdState::down);
}

}  // namespace
}  // namespace tandem::bfd
