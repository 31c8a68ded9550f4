// Codec agreement with real VRRPv3 routers: the adverts of keepalived and FRR vrrpd in
// tests/fixtures are replayed, at their capture times, into our engine configured as a
// third router on the same LAN (VRID 1, fe80::1 + 2001:db8:10::1). It must elect the way
// RFC 5798 says given what it heard.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "control/vrrp6/manager.h"
#include "control/vrrp6/timers.h"
#include "control/wire/frame.h"
#include "control/wire/pcap_file.h"
#include "tests/fixtures/fixture_path.h"

namespace tandem::vrrp6 {
namespace {

using std::chrono::milliseconds;

wire::Ipv6Address A(const char* s) {
  return wire::Ipv6Address::must_parse(s);
}

struct Replay {
  Manager mgr;
  std::vector<StateChange> changes;
  std::vector<TimePoint> change_at;
  std::vector<AdvertOut> adverts;
  size_t fed = 0;
  TimePoint end{};

  void collect(TimePoint now) {
    Actions a = mgr.take_actions();
    for (auto& c : a.state_changes) {
      changes.push_back(c);
      change_at.push_back(now);
    }
    adverts.insert(adverts.end(), a.adverts.begin(), a.adverts.end());
  }
  // Callers wrap it in ASSERT_NO_FATAL_FAILURE: without its capture there is no instance.
  void run(const char* file, uint8_t priority) {
    InstanceConfig c;
    c.ifindex = 1;
    c.ifname = "lan";
    c.vrid = 1;
    c.local_address = A("fe80::ff:1");  // the third router
    c.virtual_addresses = {A("fe80::1"), A("2001:db8:10::1")};
    c.priority = priority;
    std::string error;
    auto pcap = wire::read_pcap(tandem::testing::fixture_path(file), error);
    ASSERT_TRUE(pcap.has_value()) << error;
    const uint64_t first_ns = pcap->records.front().ts_ns;
    ASSERT_EQ(mgr.add_instance(c, TimePoint{}), "");
    collect(TimePoint{});
    for (const auto& r : pcap->records) {
      wire::Frame f = wire::parse_frame(r.data);
      if (f.kind != wire::PacketKind::vrrp) continue;
      const TimePoint now = TimePoint{} + std::chrono::nanoseconds(r.ts_ns - first_ns);
      while (mgr.next_deadline() <= now) {
        const TimePoint t = mgr.next_deadline();
        mgr.on_timer(t);
        collect(t);
      }
      EXPECT_EQ(f.hop_limit, 255);
      EXPECT_EQ(f.dst, wire::addr::vrrp_multicast());
      mgr.on_advert(1, f.src, f.vrrp, now);
      collect(now);
      ++fed;
      end = now;
    }
  }
  const Instance& inst() const { return *mgr.find(1, 1); }
};

TEST(Vrrp6Fixture, KeepalivedFailoverThirdRouterBetweenTheTwo) {
  // keepalived routers at 120 and 100; we are 110 with preemption (the VRP default).
  Replay r;
  ASSERT_NO_FATAL_FAILURE(r.run("vrrpv3_keepalived_failover.pcap", 110));
  ASSERT_GE(r.fed, 30u);
  EXPECT_EQ(r.inst().status().address_list_mismatches, 0u);
  EXPECT_EQ(r.mgr.unknown_vrid_drops(), 0u);
  // Initialize→Backup; 120 resigns (priority 0): we, not the 100, take over after our
  // Skew_Time; 120 returns and preempts us; 120's link dies: we take over after
  // Master_Down_Interval (before the 100, whose interval is longer); 120 returns again.
  std::vector<Reason> reasons;
  std::vector<State> states;
  for (const auto& c : r.changes) {
    reasons.push_back(c.reason);
    states.push_back(c.to);
  }
  const std::vector<State> want_states = {State::backup, State::master, State::backup,
                                          State::master, State::backup};
  const std::vector<Reason> want_reasons = {
      Reason::startup, Reason::master_down_timer, Reason::higher_priority_advert,
      Reason::master_down_timer, Reason::higher_priority_advert};
  ASSERT_EQ(states, want_states);
  EXPECT_EQ(reasons, want_reasons);
  // The priority-0 advert is frame 12 at 2.9746 s; Skew_Time(110) = 57 cs.
  EXPECT_EQ(r.change_at[1] - r.change_at[0] > milliseconds(3000), true);
  EXPECT_LT(r.change_at[1] - TimePoint{}, milliseconds(2975 + 571));
  EXPECT_GT(r.change_at[1] - TimePoint{}, milliseconds(2974 + 570));
  // While Master we heard the 100 router and re-announced at once (split brain).
  EXPECT_GE(r.inst().status().reannounces, 1u);
  // Last Master is the 120 router.
  EXPECT_EQ(r.inst().status().master_priority, 120);
  EXPECT_EQ(r.inst().status().master_ip, A("fe80::ff:fe00:1011"));  // r1's EUI-64 address
}

TEST(Vrrp6Fixture, KeepalivedAdvertsLowerThirdRouterStaysBackup) {
  Replay r;
  ASSERT_NO_FATAL_FAILURE(r.run("vrrpv3_keepalived_adverts.pcap", 100));
  ASSERT_GE(r.fed, 10u);
  EXPECT_EQ(r.inst().state(), State::backup);
  EXPECT_EQ(r.inst().status().master_priority, 120);
  EXPECT_EQ(r.inst().status().timer_run.count(), 100);  // adopted from the adverts
  EXPECT_EQ(r.inst().status().address_list_mismatches, 0u);
}

TEST(Vrrp6Fixture, FrrAdvertsHigherThirdRouterTakesOverAndHolds) {
  Replay r;
  ASSERT_NO_FATAL_FAILURE(r.run("vrrpv3_frr_adverts.pcap", 130));
  ASSERT_GE(r.fed, 10u);
  EXPECT_EQ(r.inst().state(), State::master);
  // Master_Down_Interval(130) from start; every advert of FRR's 120 afterwards is answered
  // at once (split-brain recovery), and we never step down.
  ASSERT_EQ(r.changes.size(), 2u);
  EXPECT_EQ(r.change_at[1] - TimePoint{},
            to_duration(master_down_interval(130, centiseconds{100})));
  EXPECT_EQ(r.inst().status().reannounces, r.fed);
}

TEST(Vrrp6Fixture, FrrAdvertsLowerThirdRouterYields) {
  Replay r;
  ASSERT_NO_FATAL_FAILURE(r.run("vrrpv3_frr_adverts.pcap", 100));
  // The first FRR advert arrives 4.6 s into the capture: we are Master by then and step down
  // to the higher-priority FRR router.
  EXPECT_EQ(r.inst().state(), State::backup);
  ASSERT_GE(r.changes.size(), 3u);
  EXPECT_EQ(r.changes.back().reason, Reason::higher_priority_advert);
  ASSERT_FALSE(r.adverts.empty());
  EXPECT_EQ(r.adverts.front().advert.addresses.front(), A("fe80::1"));
}

}  // namespace
}  // namespace tandem::vrrp6
