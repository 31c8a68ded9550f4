// Split brain (issue #9 part 4) in simulated time: which evidence raises the alarm, when it
// clears, and that resolution follows RFC 5798 §6.4.3 (higher priority, then higher primary
// address) without anything keeping two Masters. One test per rule.
#include <gtest/gtest.h>

#include <algorithm>

#include "control/vrrp6/timers.h"
#include "tests/vrrp6/vrrp6_harness.h"

namespace tandem::vrrp6::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

// Master_Down_Interval at priority 100 / 120, interval 1 s (RFC 5798 §6.1).
constexpr auto kMdi100 = milliseconds(3600);
constexpr auto kMdi120 = milliseconds(3530);

// A harness whose group (priority `prio`, fe80::2) has been Master for two seconds.
struct MasterHarness : Harness {
  explicit MasterHarness(uint8_t prio = 120) {
    EXPECT_EQ(add(make_config(prio)), "");
    advance(seconds(4));  // Master_Down_Timer: nobody else advertises
    EXPECT_EQ(state(), State::master);
    advance(seconds(2));
    clear();
  }
  SplitBrainStatus split() { return inst().status().split_brain; }
  size_t log_lines(const std::string& needle) const {
    return static_cast<size_t>(std::count_if(logs.begin(), logs.end(), [&](const auto& l) {
      return l.find(needle) != std::string::npos;
    }));
  }
};

TEST(SplitBrain, Rfc5798_6_4_3_MasterHearingALowerMasterRaisesTheAlarmAndReannounces) {
  MasterHarness h(120);
  h.advert(A("fe80::3"), Advert(1, 100, vips()));
  EXPECT_EQ(h.state(), State::master);
  EXPECT_TRUE(h.split().active);
  EXPECT_EQ(h.split().events, 1u);
  EXPECT_EQ(h.split().evidence, SplitEvidence::advert_we_win);
  EXPECT_EQ(h.split().other_master, A("fe80::3"));
  EXPECT_EQ(h.split().other_priority, 100);
  ASSERT_EQ(h.seen.adverts.size(), 1u) << "re-announce at once so the other Master steps down";
  EXPECT_EQ(h.seen.adverts[0].advert.priority, 120);
  EXPECT_EQ(h.log_lines("split brain: another router is Master"), 1u);
}

TEST(SplitBrain, EqualPriorityFromALowerPrimaryAddressIsAnotherMasterWeBeat) {
  MasterHarness h(100);  // we are fe80::2
  h.advert(A("fe80::1"), Advert(1, 100, vips()));
  EXPECT_EQ(h.state(), State::master);
  EXPECT_TRUE(h.split().active);
}

TEST(SplitBrain, AlarmHoldsUntilTheOtherMasterIsSilentForItsMasterDownInterval) {
  MasterHarness h(120);
  h.advert(A("fe80::3"), Advert(1, 100, vips()));
  h.advance(kMdi100 - milliseconds(1));
  EXPECT_TRUE(h.split().active);
  h.advance(milliseconds(1));
  EXPECT_FALSE(h.split().active);
  EXPECT_EQ(h.split().events, 1u);
  EXPECT_EQ(h.log_lines("split brain: another router is Master"), 1u);
  EXPECT_EQ(h.log_lines("split brain cleared"), 1u);
  EXPECT_EQ(h.state(), State::master);
}

TEST(SplitBrain, EveryAdvertOfTheOtherMasterRestartsTheHoldButCountsOneEvent) {
  MasterHarness h(120);
  for (int i = 0; i < 5; ++i) {
    h.advert(A("fe80::3"), Advert(1, 100, vips()));
    h.advance(seconds(1));
  }
  EXPECT_TRUE(h.split().active);
  EXPECT_EQ(h.split().events, 1u);
  EXPECT_EQ(h.log_lines("split brain: another router is Master"), 1u);
  h.advance(kMdi100);
  EXPECT_FALSE(h.split().active);
}

TEST(SplitBrain, Rfc5798_6_4_3_HigherPriorityWinsTheOtherMasterStaysAndWeStepDown) {
  MasterHarness h(100);
  h.inst().set_tracked_bfd_up(true, h.now);
  h.advance(seconds(1));  // one advert of ours since BFD came Up: the peer heard us
  h.clear();
  h.advert(A("fe80::3"), Advert(1, 120, vips()));
  EXPECT_EQ(h.state(), State::backup);
  ASSERT_EQ(h.seen.state_changes.size(), 1u);
  EXPECT_EQ(h.seen.state_changes[0].reason, Reason::higher_priority_advert);
  // BFD Up and our advert out since: an ordinary preemption by a Backup that heard us.
  EXPECT_EQ(h.split().events, 0u);
}

TEST(SplitBrain, OverruledRightAfterBfdCameUpBeforeWeAdvertisedAgainIsASplitBrain) {
  MasterHarness h(100);
  h.inst().set_tracked_bfd_up(false, h.now);
  h.advance(milliseconds(300));
  h.inst().set_tracked_bfd_up(true, h.now);  // contact back; the other Master's BFD too
  h.advance(milliseconds(5));  // its advert (priority restored by BFD Up) arrives at once
  h.advert(A("fe80::3"), Advert(1, 120, vips()));
  EXPECT_EQ(h.state(), State::backup);
  EXPECT_EQ(h.split().events, 1u);
  EXPECT_EQ(h.split().evidence, SplitEvidence::advert_we_lose_unheard);
}

TEST(SplitBrain, Rfc5798_6_4_3_EqualPriorityHigherPrimaryAddressWins) {
  MasterHarness h(100);  // fe80::2 < fe80::3
  h.advert(A("fe80::3"), Advert(1, 100, vips()));
  EXPECT_EQ(h.state(), State::backup);
  ASSERT_EQ(h.seen.state_changes.size(), 1u);
  EXPECT_EQ(h.seen.state_changes[0].reason, Reason::equal_priority_higher_address);
}

TEST(SplitBrain, OverruledWhileNoTrackedBfdSessionIsUpRaisesAndClearsAtOnce) {
  MasterHarness h(100);
  h.inst().set_tracked_bfd_up(false, h.now);
  h.advert(A("fe80::3"), Advert(1, 120, vips()));
  EXPECT_EQ(h.state(), State::backup);
  EXPECT_FALSE(h.split().active);
  EXPECT_EQ(h.split().events, 1u);
  EXPECT_EQ(h.split().evidence, SplitEvidence::advert_we_lose_unheard);
  EXPECT_EQ(h.split().raised_at, h.now);
  EXPECT_EQ(h.split().cleared_at, h.now);
  EXPECT_EQ(h.log_lines("split brain: another router is Master"), 1u);
  EXPECT_EQ(h.log_lines("split brain cleared: we left Master"), 1u);
}

TEST(SplitBrain, GroupTrackingNoBfdNeverUsesTheOverruledEvidence) {
  MasterHarness h(100);  // set_tracked_bfd_up never called
  h.advert(A("fe80::3"), Advert(1, 120, vips()));
  EXPECT_EQ(h.state(), State::backup);
  EXPECT_EQ(h.split().events, 0u);
}

TEST(SplitBrain, AdvertsCrossingOurFirstOneAtATakeoverAreNoSplitBrain) {
  Harness h;
  ASSERT_EQ(h.add(make_config(120)), "");
  h.inst().set_tracked_bfd_up(false, h.now);
  h.advance(milliseconds(3530));  // Master_Down_Timer at 120: Master now
  ASSERT_EQ(h.state(), State::master);
  h.advance(milliseconds(500));  // a lower Master's advert sent before ours reached it
  h.advert(A("fe80::3"), Advert(1, 100, vips()));
  EXPECT_EQ(h.inst().status().split_brain.events, 0u);
  h.advance(milliseconds(500));  // one Advertisement_Interval as Master: now it counts
  h.advert(A("fe80::3"), Advert(1, 100, vips()));
  EXPECT_EQ(h.inst().status().split_brain.events, 1u);
}

TEST(SplitBrain, OwnerNotesAnotherMasterWithoutProcessingItsAdvert) {
  MasterHarness h(kPriorityOwner);
  h.advert(A("fe80::3"), Advert(1, 100, vips()));
  EXPECT_EQ(h.state(), State::master);
  EXPECT_TRUE(h.split().active);
  EXPECT_EQ(h.inst().status().rx_drops[static_cast<size_t>(RxDrop::owner_ignores)], 1u);
  EXPECT_TRUE(h.seen.adverts.empty()) << "RFC 5798 7.1: the owner does not act on adverts";
}

TEST(SplitBrain, Rfc5798_7_1_MismatchedAddressListIsDroppedButItsMasterIsNoted) {
  MasterHarness h(100);
  h.advert(A("fe80::3"), Advert(1, 120, {A("fe80::1"), A("2001:db8:1::9")}));
  EXPECT_EQ(h.state(), State::master) << "dropped: nobody steps down, the split lasts";
  EXPECT_TRUE(h.split().active);
  EXPECT_EQ(h.split().evidence, SplitEvidence::advert_mismatched);
  h.advance(kMdi120);
  EXPECT_FALSE(h.split().active);
}

TEST(SplitBrain, PriorityZeroIsAResignationNotAnotherMaster) {
  MasterHarness h(120);
  h.advert(A("fe80::3"), Advert(1, kPriorityResign, vips()));
  EXPECT_EQ(h.split().events, 0u);
}

TEST(SplitBrain, RbsPeerClaimingMasterRaisesAfterOurMasterDownInterval) {
  MasterHarness h(120);
  h.inst().set_peer_claims_master(true, h.now);
  h.advance(kMdi120 - milliseconds(1));
  EXPECT_FALSE(h.split().active) << "a preemption in progress: its advert is on the way";
  h.advance(milliseconds(1));
  EXPECT_TRUE(h.split().active);
  EXPECT_EQ(h.split().evidence, SplitEvidence::rbs_peer_master);
  h.advance(seconds(30));
  EXPECT_TRUE(h.split().active) << "both Master for as long as the RBS says so";
  h.inst().set_peer_claims_master(false, h.now);
  EXPECT_FALSE(h.split().active);
  EXPECT_EQ(h.split().events, 1u);
  EXPECT_EQ(h.log_lines("split brain cleared: the other Master stopped"), 1u);
}

TEST(SplitBrain, RbsPeerMasterWhileWeAreBackupIsTheNormalCase) {
  Harness h;
  ASSERT_EQ(h.add(make_config(100)), "");
  h.inst().set_peer_claims_master(true, h.now);
  for (int i = 0; i < 10; ++i) {
    h.advert(A("fe80::3"), Advert(1, 120, vips()));
    h.advance(seconds(1));
  }
  EXPECT_EQ(h.state(), State::backup);
  EXPECT_EQ(h.inst().status().split_brain.events, 0u);
  // The Master falls silent (adverts lost) while the RBS still reports it Master: we take
  // over and, one Master_Down_Interval later, both claim the group.
  h.advance(kMdi100 - seconds(1));  // the last advert came a second ago
  ASSERT_EQ(h.state(), State::master);
  h.advance(kMdi100 - milliseconds(1));
  EXPECT_FALSE(h.inst().status().split_brain.active);
  h.advance(milliseconds(1));
  EXPECT_TRUE(h.inst().status().split_brain.active);
}

TEST(SplitBrain, LeavingMasterClearsTheAlarm) {
  MasterHarness h(100);
  h.inst().set_peer_claims_master(true, h.now);
  h.advance(kMdi100);
  ASSERT_TRUE(h.split().active);
  h.advert(A("fe80::3"), Advert(1, 120, vips()));
  EXPECT_EQ(h.state(), State::backup);
  EXPECT_FALSE(h.split().active);
  EXPECT_EQ(h.split().clear_reason, "we left Master: the other router is the only Master");
}

// ---- two routers on one LAN, the lab's configuration ----

// r1: priority 120, `track bfd-session 10 reduced 50`; r2: priority 100, `track bfd-session
// 20 peer`; both preempt after 5 s. Cutting the LAN drops adverts (and BFD) both ways.
struct Lab {
  std::vector<std::string> logs;
  Manager r1{[this](LogLevel, std::string_view, std::string_view l) { logs.emplace_back(l); }};
  Manager r2{[this](LogLevel, std::string_view, std::string_view l) { logs.emplace_back(l); }};
  TimePoint now{};
  bool lan_up = true;
  int masters_max_overlap_ms = 0;

  Lab() {
    for (auto [m, prio, local, session] :
         {std::tuple{&r1, 120, "fe80::2", 10u}, std::tuple{&r2, 100, "fe80::3", 20u}}) {
      InstanceConfig c = make_config(static_cast<uint8_t>(prio), 1, 1, local);
      c.preempt_delay = seconds(5);
      c.bfd_tracks.push_back(
          {session, session == 10 ? BfdTrackMode::reduced : BfdTrackMode::peer, 50});
      EXPECT_EQ(m->add_instance(c, now), "");
      m->find(1, 1)->set_tracked_bfd_up(false, now);
    }
    bfd(true);
  }
  Instance& i1() { return *r1.find(1, 1); }
  Instance& i2() { return *r2.find(1, 1); }
  // What the track table does when both ends of the r1-r2 BFD session change.
  void bfd(bool up) {
    i1().set_tracked_bfd_up(up, now);
    i2().set_tracked_bfd_up(up, now);
    i1().set_priority_delta(up ? 0 : -50, now);
    if (!up) i2().track_peer_bfd_down(now);
    exchange();
  }
  void exchange() {
    for (int round = 0; round < 10; ++round) {
      Actions a1 = r1.take_actions(), a2 = r2.take_actions();
      if (a1.adverts.empty() && a2.adverts.empty()) return;
      if (!lan_up) continue;
      for (auto [from, to] : {std::pair{&a1, &r2}, std::pair{&a2, &r1}})
        for (const auto& ad : from->adverts) {
          Advert adv(ad.advert.vrid, ad.advert.priority, ad.advert.addresses,
                     ad.advert.max_adver_int_cs);
          to->on_advert(1, ad.src, adv.a, now);
        }
    }
  }
  void run_for(Duration d) {
    const TimePoint end = now + d;
    int overlap = 0;
    for (;;) {
      TimePoint next = std::min({r1.next_deadline(), r2.next_deadline(), now + milliseconds(1)});
      if (next > end) break;
      now = next;
      r1.on_timer(now);
      r2.on_timer(now);
      exchange();
      if (i1().state() == State::master && i2().state() == State::master) {
        ++overlap;
        masters_max_overlap_ms = std::max(masters_max_overlap_ms, overlap);
      } else {
        overlap = 0;
      }
    }
    now = end;
  }
  int masters() const {
    return (r1.find(1, 1)->state() == State::master) + (r2.find(1, 1)->state() == State::master);
  }
};

TEST(SplitBrainLab, CutAndRestoreEndsWithOneMasterByTheVrrpRulesAndTheHigherPriorityBack) {
  Lab lab;
  lab.run_for(seconds(6));
  ASSERT_EQ(lab.i1().state(), State::master);
  ASSERT_EQ(lab.i2().state(), State::backup);

  // Cut: BFD goes Down on both, r2 takes over at once (peer), r1 drops to 70 and stays Master.
  lab.lan_up = false;
  lab.bfd(false);
  lab.run_for(seconds(10));
  EXPECT_EQ(lab.masters(), 2) << "nobody hears anybody: both Master";
  EXPECT_EQ(lab.i1().status().split_brain.events + lab.i2().status().split_brain.events, 0u)
      << "nothing can be detected while nothing gets through";

  // Restore: adverts first (BFD needs a few 1 s slow packets to come Up again).
  lab.lan_up = true;
  lab.masters_max_overlap_ms = 0;
  lab.run_for(seconds(2));
  EXPECT_LE(lab.masters_max_overlap_ms, 1000) << "resolved within one advertisement interval";
  EXPECT_EQ(lab.masters(), 1);
  EXPECT_EQ(lab.i2().state(), State::master) << "100 beats r1's reduced 70 (RFC 5798 6.4.3)";
  EXPECT_GE(lab.i1().status().split_brain.events + lab.i2().status().split_brain.events, 1u);
  EXPECT_EQ(lab.i1().status().split_brain.events, 1u)
      << "r1 was overruled while BFD was Down: it was Master without contact";

  // BFD Up: r1 back to 120 preempts after its delay; the `peer` track does not pull r2 back.
  lab.bfd(true);
  const uint64_t events_before =
      lab.i1().status().split_brain.events + lab.i2().status().split_brain.events;
  lab.run_for(seconds(15));
  EXPECT_EQ(lab.i1().state(), State::master);
  EXPECT_EQ(lab.i2().state(), State::backup);
  EXPECT_FALSE(lab.i1().status().split_brain.active);
  EXPECT_FALSE(lab.i2().status().split_brain.active);
  EXPECT_EQ(lab.i1().status().split_brain.events + lab.i2().status().split_brain.events,
            events_before)
      << "a preemption with BFD Up is not a split brain";
  lab.run_for(seconds(30));
  EXPECT_EQ(lab.masters(), 1);
  EXPECT_EQ(lab.i2().state(), State::backup);
}

TEST(SplitBrainLab, RestoreWithBfdUpBeforeAnyAdvertIsStillDetected) {
  Lab lab;
  lab.run_for(seconds(6));
  lab.lan_up = false;
  lab.bfd(false);
  lab.run_for(milliseconds(10500));
  ASSERT_EQ(lab.masters(), 2);
  // BFD packets cross first: r1 is back to 120 and advertises at once, r2 steps down before
  // it advertised to r1 even once.
  lab.lan_up = true;
  lab.bfd(true);
  lab.run_for(seconds(2));
  EXPECT_EQ(lab.i1().state(), State::master);
  EXPECT_EQ(lab.i2().state(), State::backup);
  EXPECT_EQ(lab.i2().status().split_brain.events, 1u);
  EXPECT_EQ(lab.i2().status().split_brain.evidence, SplitEvidence::advert_we_lose_unheard);
}

TEST(SplitBrainLab, PeerTrackTakesOverOnlyOnTheDownEdgeSoItCannotKeepTwoMasters) {
  Lab lab;
  lab.run_for(seconds(6));
  // BFD alone fails (adverts still flow): r2 becomes Master at once, hears r1 ... and r1,
  // reduced to 70, hears r2's 100: exactly one Master remains and stays.
  lab.bfd(false);
  lab.run_for(seconds(20));
  EXPECT_EQ(lab.masters(), 1);
  EXPECT_EQ(lab.i2().state(), State::master);
  EXPECT_LE(lab.masters_max_overlap_ms, 1000);
  // For that instant both were Master and r1 had no BFD contact: counted, and cleared.
  EXPECT_EQ(lab.i1().status().split_brain.events, 1u);
  EXPECT_FALSE(lab.i1().status().split_brain.active);
  EXPECT_FALSE(lab.i2().status().split_brain.active);
}

}  // namespace
}  // namespace tandem::vrrp6::testing
