// VRRPv3 for IPv6 (RFC 5798 / RFC 9568) state machine in simulated time: one test per rule.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "control/common/rng.h"
#include "control/vrrp6/timers.h"
#include "tests/vrrp6/vrrp6_harness.h"

namespace tandem::vrrp6::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

TEST(Vrrp6Timers, Rfc5798_6_1_SkewAndMasterDownInterval) {
  // Skew_Time = ((256 − 100) × 100) / 256 = 60 cs (integer division).
  EXPECT_EQ(skew_time(100, centiseconds{100}).count(), 60);
  EXPECT_EQ(master_down_interval(100, centiseconds{100}).count(), 360);
  EXPECT_EQ(skew_time(254, centiseconds{100}).count(), 0);
  EXPECT_EQ(skew_time(1, centiseconds{4095}).count(), (255 * 4095) / 256);
  EXPECT_EQ(master_down_interval(120, centiseconds{200}).count(), 600 + (136 * 200) / 256);
  EXPECT_EQ(to_duration(centiseconds{360}), milliseconds(3600));
  EXPECT_EQ(from_wire_interval(0).count(), 1);
  EXPECT_EQ(from_wire_interval(0xf064).count(), 100);  // 12-bit field, rsvd bits ignored
}

TEST(Vrrp6Config, RangesAndDefaults) {
  InstanceConfig c = make_config();
  EXPECT_EQ(validate(c), "");
  EXPECT_EQ(c.advert_interval.count(), 100);
  EXPECT_EQ(c.preempt_delay.count(), 0);
  EXPECT_TRUE(c.preempt);
  c.advert_interval = centiseconds{99};
  EXPECT_NE(validate(c), "");
  c.advert_interval = centiseconds{4096};
  EXPECT_NE(validate(c), "");
  c = make_config();
  c.preempt_delay = seconds(3601);
  EXPECT_NE(validate(c), "");
  c = make_config(0);
  EXPECT_NE(validate(c), "");
  c = make_config();
  c.virtual_addresses = {A("2001:db8:1::1")};  // no link-local virtual address
  EXPECT_NE(validate(c), "");
  c = make_config();
  c.local_address = A("2001:db8:1::2");
  EXPECT_NE(validate(c), "");
  c = make_config();
  c.ignore_if_down = true;
  EXPECT_NE(validate(c), "");
  c.type = ConfigType::admin;
  EXPECT_EQ(validate(c), "");
  EXPECT_STREQ(config_type_name(ConfigType::member), "member-vrrp");
}

TEST(Vrrp6Config, Rfc5798_7_1_VirtualLinkLocalFirst) {
  InstanceConfig c = make_config();
  c.virtual_addresses = {A("2001:db8:1::1"), A("fe80::1"), A("2001:db8:1::1")};
  Harness h;
  ASSERT_EQ(h.add(c), "");
  ASSERT_EQ(h.inst().config().virtual_addresses.size(), 2u);
  EXPECT_EQ(h.inst().config().virtual_addresses[0], A("fe80::1"));
  h.advance(milliseconds(3600));
  ASSERT_FALSE(h.seen.adverts.empty());
  EXPECT_EQ(h.seen.adverts[0].advert.addresses[0], A("fe80::1"));
}

TEST(Vrrp6, Rfc5798_6_4_1_OwnerStartsAsMaster) {
  Harness h;
  ASSERT_EQ(h.add(make_config(kPriorityOwner)), "");
  EXPECT_EQ(h.state(), State::master);
  ASSERT_EQ(h.seen.adverts.size(), 1u);
  EXPECT_EQ(h.seen.adverts[0].advert.priority, 255);
  EXPECT_EQ(h.seen.adverts[0].src, A("fe80::2"));
  EXPECT_EQ(h.seen.adverts[0].advert.max_adver_int_cs, 100);
  ASSERT_EQ(h.seen.neighbor_adverts.size(), 2u);
  EXPECT_EQ(h.seen.neighbor_adverts[0].target, A("fe80::1"));
  EXPECT_EQ(h.seen.neighbor_adverts[1].target, A("2001:db8:1::1"));
  EXPECT_EQ(h.seen.neighbor_adverts[0].vmac.to_string(), "00:00:5e:00:02:01");
  ASSERT_EQ(h.seen.state_changes.size(), 1u);
  EXPECT_EQ(h.seen.state_changes[0].reason, Reason::owner_startup);
  EXPECT_EQ(h.mgr.next_deadline(), TimePoint{} + seconds(1));
}

TEST(Vrrp6, Rfc5798_6_4_1_NonOwnerStartsAsBackup) {
  Harness h;
  ASSERT_EQ(h.add(make_config(100)), "");
  EXPECT_EQ(h.state(), State::backup);
  EXPECT_TRUE(h.seen.adverts.empty());
  EXPECT_TRUE(h.seen.neighbor_adverts.empty());
  EXPECT_TRUE(h.seen.vmac_changes.empty());
  // Master_Down_Interval = 3 × 100 cs + 60 cs.
  EXPECT_EQ(h.mgr.next_deadline(), TimePoint{} + milliseconds(3600));
}

TEST(Vrrp6, Rfc5798_6_4_2_MasterDownTimerMakesMaster) {
  Harness h;
  ASSERT_EQ(h.add(make_config(100)), "");
  h.advance(milliseconds(3599));
  EXPECT_EQ(h.state(), State::backup);
  h.advance(milliseconds(1));
  EXPECT_EQ(h.state(), State::master);
  ASSERT_EQ(h.seen.adverts.size(), 1u);
  EXPECT_EQ(h.seen.adverts[0].advert.priority, 100);
  EXPECT_EQ(h.seen.neighbor_adverts.size(), 2u);
  ASSERT_EQ(h.seen.vmac_changes.size(), 1u);
  EXPECT_TRUE(h.seen.vmac_changes[0].add);
  ASSERT_EQ(h.seen.state_changes.size(), 2u);
  EXPECT_EQ(h.seen.state_changes[1].from, State::backup);
  EXPECT_EQ(h.seen.state_changes[1].reason, Reason::master_down_timer);
  EXPECT_EQ(h.inst().status().transitions, 2u);
  const bool logged = std::any_of(h.logs.begin(), h.logs.end(), [](const std::string& l) {
    return l.find("vrrp6 ge0/1: Backup -> Master") == 0;
  });
  EXPECT_TRUE(logged);
}

TEST(Vrrp6, Rfc5798_6_4_3_AdverTimerSendsAdvertEveryInterval) {
  Harness h;
  InstanceConfig c = make_config(kPriorityOwner);
  c.advert_interval = centiseconds{150};
  ASSERT_EQ(h.add(c), "");
  h.advance(milliseconds(1500 * 4));
  EXPECT_EQ(h.seen.adverts.size(), 5u);
  EXPECT_EQ(h.seen.adverts.back().advert.max_adver_int_cs, 150);
  EXPECT_EQ(h.seen.neighbor_adverts.size(), 2u);  // only on becoming Master
}

TEST(Vrrp6, Rfc5798_6_4_2_BackupPriorityZeroSetsSkewTimer) {
  Harness h;
  ASSERT_EQ(h.add(make_config(100)), "");
  h.advance(milliseconds(1000));
  h.advert(A("fe80::9"), Advert(1, 0, vips()));
  // Skew_Time = 600 ms for priority 100.
  EXPECT_EQ(h.mgr.next_deadline(), h.now + milliseconds(600));
  h.advance(milliseconds(600));
  EXPECT_EQ(h.state(), State::master);
  EXPECT_EQ(h.inst().status().priority_zero_received, 1u);
}

TEST(Vrrp6, Rfc5798_6_4_2_BackupResetsTimerOnHigherOrEqualPriority) {
  Harness h;
  ASSERT_EQ(h.add(make_config(100)), "");
  for (int i = 0; i < 10; ++i) {
    h.advance(milliseconds(1000));
    h.advert(A("fe80::9"), Advert(1, i % 2 ? 100 : 200, vips()));
  }
  EXPECT_EQ(h.state(), State::backup);
  EXPECT_EQ(h.mgr.next_deadline(), h.now + milliseconds(3600));
  EXPECT_EQ(h.inst().status().master_ip, A("fe80::9"));
  EXPECT_EQ(h.inst().status().master_priority, 100);
}

TEST(Vrrp6, Rfc5798_6_4_2_BackupAdoptsMasterAdverInterval) {
  Harness h;
  ASSERT_EQ(h.add(make_config(100)), "");
  h.advert(A("fe80::9"), Advert(1, 200, vips(), 200));
  // 3 × 200 cs + (156 × 200) / 256 = 600 + 121 cs.
  EXPECT_EQ(h.mgr.next_deadline(), h.now + milliseconds(7210));
  EXPECT_EQ(h.inst().status().timer_run.count(), 200);
  EXPECT_EQ(h.inst().status().timer_config.count(), 100);
}

TEST(Vrrp6, Rfc5798_6_4_2_PreemptIgnoresLowerPriority) {
  Harness h;
  ASSERT_EQ(h.add(make_config(150)), "");
  for (int i = 0; i < 3; ++i) {
    h.advance(milliseconds(1000));
    h.advert(A("fe80::9"), Advert(1, 100, vips()));
  }
  // Master_Down_Interval for priority 150 = 300 + (106 × 100)/256 = 341 cs from start.
  h.advance_to(TimePoint{} + milliseconds(3409));
  EXPECT_EQ(h.state(), State::backup);
  h.advance_to(TimePoint{} + milliseconds(3410));
  EXPECT_EQ(h.state(), State::master);
  EXPECT_EQ(h.inst().status().rx_drops[static_cast<size_t>(RxDrop::lower_priority_ignored)], 3u);
}

TEST(Vrrp6, Rfc5798_6_4_2_NoPreemptAcceptsLowerPriority) {
  Harness h;
  InstanceConfig c = make_config(150);
  c.preempt = false;
  ASSERT_EQ(h.add(c), "");
  for (int i = 0; i < 10; ++i) {
    h.advance(milliseconds(1000));
    h.advert(A("fe80::9"), Advert(1, 100, vips()));
  }
  EXPECT_EQ(h.state(), State::backup);
}

// Master with priority 100 at t = 3.6 s.
void make_master(Harness& h, InstanceConfig c = make_config(100)) {
  ASSERT_EQ(h.add(c), "");
  h.advance(milliseconds(3600));
  ASSERT_EQ(h.state(), State::master);
  h.clear();
}

TEST(Vrrp6, Rfc5798_6_4_3_MasterStepsDownOnHigherPriority) {
  Harness h;
  make_master(h);
  h.advert(A("fe80::1:1"), Advert(1, 101, vips(), 300));
  EXPECT_EQ(h.state(), State::backup);
  ASSERT_EQ(h.seen.state_changes.size(), 1u);
  EXPECT_EQ(h.seen.state_changes[0].reason, Reason::higher_priority_advert);
  ASSERT_EQ(h.seen.vmac_changes.size(), 1u);
  EXPECT_FALSE(h.seen.vmac_changes[0].add);
  EXPECT_TRUE(h.seen.adverts.empty());
  // Master_Down_Timer from the adopted interval: 3 × 300 + (156 × 300)/256 = 1082 cs.
  EXPECT_EQ(h.mgr.next_deadline(), h.now + milliseconds(10820));
  EXPECT_FALSE(h.mgr.should_answer_ns(1, A("2001:db8:1::1")).has_value());
}

TEST(Vrrp6, Rfc5798_6_4_3_MasterStepsDownOnEqualPriorityHigherAddress) {
  Harness h;
  make_master(h);  // our primary address fe80::2
  h.advert(A("fe80::3"), Advert(1, 100, vips()));
  EXPECT_EQ(h.state(), State::backup);
  ASSERT_EQ(h.seen.state_changes.size(), 1u);
  EXPECT_EQ(h.seen.state_changes[0].reason, Reason::equal_priority_higher_address);
}

TEST(Vrrp6, Rfc5798_6_4_3_MasterKeepsRoleOnEqualPriorityLowerAddress) {
  Harness h;
  make_master(h, make_config(100, 1, 1, "fe80::5"));
  h.advert(A("fe80::3"), Advert(1, 100, vips()));
  EXPECT_EQ(h.state(), State::master);
}

TEST(Vrrp6, Rfc5798_6_4_3_MasterAnswersPriorityZeroWithAdvert) {
  Harness h;
  make_master(h);
  h.advance(milliseconds(300));
  h.advert(A("fe80::9"), Advert(1, 0, vips()));
  EXPECT_EQ(h.state(), State::master);
  ASSERT_EQ(h.seen.adverts.size(), 1u);
  EXPECT_EQ(h.seen.adverts[0].advert.priority, 100);
  EXPECT_EQ(h.mgr.next_deadline(), h.now + milliseconds(1000));  // Adver_Timer reset
}

TEST(Vrrp6, Rfc5798_6_4_3_ShutdownSendsPriorityZero) {
  Harness h;
  make_master(h);
  h.mgr.remove_instance(1, 1, h.now);
  h.collect();
  ASSERT_EQ(h.seen.adverts.size(), 1u);
  EXPECT_EQ(h.seen.adverts[0].advert.priority, 0);
  ASSERT_EQ(h.seen.state_changes.size(), 1u);
  EXPECT_EQ(h.seen.state_changes[0].to, State::initialize);
  EXPECT_EQ(h.seen.state_changes[0].reason, Reason::shutdown);
  ASSERT_EQ(h.seen.vmac_changes.size(), 1u);
  EXPECT_FALSE(h.seen.vmac_changes[0].add);
  EXPECT_EQ(h.mgr.next_deadline(), kNever);
}

TEST(Vrrp6, Rfc5798_6_4_2_BackupShutdownSendsNothing) {
  Harness h;
  ASSERT_EQ(h.add(make_config(100)), "");
  h.clear();
  h.inst().shutdown(h.now);
  h.collect();
  EXPECT_TRUE(h.seen.adverts.empty());
  EXPECT_EQ(h.state(), State::initialize);
  EXPECT_EQ(h.mgr.next_deadline(), kNever);
}

TEST(Vrrp6, SplitBrain_MasterReannouncesOnLowerPriority) {
  Harness h;
  make_master(h);
  h.advance(milliseconds(200));
  h.advert(A("fe80::9"), Advert(1, 90, vips()));
  EXPECT_EQ(h.state(), State::master);
  ASSERT_EQ(h.seen.adverts.size(), 1u);  // at once, not an interval later
  EXPECT_EQ(h.seen.adverts[0].advert.priority, 100);
  EXPECT_EQ(h.seen.neighbor_adverts.size(), 2u);
  EXPECT_EQ(h.inst().status().reannounces, 1u);
}

TEST(Vrrp6, Rfc5798_7_1_UnknownVridDropped) {
  Harness h;
  ASSERT_EQ(h.add(make_config(100)), "");
  h.advert(A("fe80::9"), Advert(7, 200, vips()));
  h.advert(A("fe80::9"), Advert(1, 200, vips()), /*ifindex=*/2);
  EXPECT_EQ(h.mgr.unknown_vrid_drops(), 2u);
  EXPECT_EQ(h.inst().status().adverts_received, 0u);
}

TEST(Vrrp6, Rfc5798_7_1_OwnerIgnoresAdverts) {
  Harness h;
  ASSERT_EQ(h.add(make_config(kPriorityOwner)), "");
  h.advert(A("fe80::9"), Advert(1, 255, vips()));
  EXPECT_EQ(h.state(), State::master);
  EXPECT_EQ(h.inst().status().rx_drops[static_cast<size_t>(RxDrop::owner_ignores)], 1u);
}

TEST(Vrrp6, Rfc5798_7_1_AddressListMismatchDroppedAndLogged) {
  Harness h;
  make_master(h);
  h.advert(A("fe80::9"), Advert(1, 200, {A("fe80::1"), A("2001:db8:1::99")}));
  EXPECT_EQ(h.state(), State::master);
  auto st = h.inst().status();
  EXPECT_EQ(st.address_list_mismatches, 1u);
  EXPECT_EQ(st.rx_drops[static_cast<size_t>(RxDrop::address_list_mismatch)], 1u);
  EXPECT_TRUE(std::any_of(h.logs.begin(), h.logs.end(), [](const std::string& l) {
    return l.find("differ from ours") != std::string::npos;
  }));
  // Same set in another order is not a mismatch.
  h.advert(A("fe80::9"), Advert(1, 200, {A("2001:db8:1::1"), A("fe80::1")}));
  EXPECT_EQ(h.state(), State::backup);
}

TEST(Vrrp6, Rfc5798_7_1_MismatchFromOwnerStillProcessed) {
  Harness h;
  make_master(h);
  h.advert(A("fe80::9"), Advert(1, 255, {A("fe80::1")}));
  EXPECT_EQ(h.state(), State::backup);
  EXPECT_EQ(h.inst().status().address_list_mismatches, 1u);
}

TEST(Vrrp6, OwnAdvertLoopedBackIgnored) {
  Harness h;
  make_master(h);
  h.advert(A("fe80::2"), Advert(1, 200, vips()));
  EXPECT_EQ(h.state(), State::master);
  EXPECT_EQ(h.inst().status().rx_drops[static_cast<size_t>(RxDrop::own_advert)], 1u);
}

TEST(Vrrp6, Rfc5798_6_4_NeighborSolicitationsAnsweredOnlyWhileMaster) {
  Harness h;
  ASSERT_EQ(h.add(make_config(100)), "");
  EXPECT_FALSE(h.mgr.should_answer_ns(1, A("2001:db8:1::1")).has_value());
  h.advance(milliseconds(3600));
  auto mac = h.mgr.should_answer_ns(1, A("2001:db8:1::1"));
  ASSERT_TRUE(mac.has_value());
  EXPECT_EQ(mac->to_string(), "00:00:5e:00:02:01");
  EXPECT_TRUE(h.mgr.should_answer_ns(1, A("fe80::1")).has_value());
  EXPECT_FALSE(h.mgr.should_answer_ns(1, A("2001:db8:1::2")).has_value());
  EXPECT_FALSE(h.mgr.should_answer_ns(2, A("2001:db8:1::1")).has_value());
}

TEST(Vrrp6, VirtualMacProgrammedOnlyWhileMaster) {
  Harness h;
  make_master(h);
  h.advert(A("fe80::9"), Advert(1, 200, vips()));
  h.advert(A("fe80::9"), Advert(1, 0, vips()));
  h.advance(milliseconds(600));
  ASSERT_EQ(h.state(), State::master);
  ASSERT_EQ(h.seen.vmac_changes.size(), 2u);
  EXPECT_FALSE(h.seen.vmac_changes[0].add);
  EXPECT_TRUE(h.seen.vmac_changes[1].add);
}

TEST(Vrrp6, PreemptDelay_WaitsBeforePreemptingLowerMaster) {
  Harness h;
  InstanceConfig c = make_config(150);
  c.preempt_delay = seconds(5);
  ASSERT_EQ(h.add(c), "");
  // The lower Master keeps advertising once a second.
  for (int i = 1; i <= 12; ++i) {
    h.advance_to(TimePoint{} + seconds(i));
    h.advert(A("fe80::9"), Advert(1, 100, vips()));
  }
  // Master_Down fired at 3.41 s; the delay runs until 8.41 s.
  EXPECT_EQ(h.state(), State::master);
  ASSERT_GE(h.seen.state_changes.size(), 2u);
  EXPECT_EQ(h.seen.state_changes[1].reason, Reason::preempt_delay_expired);
  EXPECT_EQ(h.inst().status().last_change_time, TimePoint{} + milliseconds(8410));
  EXPECT_EQ(h.inst().status().last_change_reason, reason_text(Reason::preempt_delay_expired));
}

TEST(Vrrp6, PreemptDelay_MasterFailureDuringDelayTakesOverAtOnce) {
  Harness h;
  InstanceConfig c = make_config(150);
  c.preempt_delay = seconds(60);
  ASSERT_EQ(h.add(c), "");
  for (int i = 1; i <= 4; ++i) {
    h.advance_to(TimePoint{} + seconds(i));
    h.advert(A("fe80::9"), Advert(1, 100, vips()));
  }
  // Delay armed at 3.41 s; the lower Master falls silent after 4 s: Master_Down_Interval
  // after its last advert we take over, long before the 60 s delay.
  h.advance_to(TimePoint{} + seconds(20));
  EXPECT_EQ(h.state(), State::master);
  EXPECT_EQ(h.seen.state_changes.back().reason, Reason::master_down_timer);
  EXPECT_EQ(h.inst().status().last_change_time, TimePoint{} + milliseconds(4000 + 3410));
}

TEST(Vrrp6, PreemptDelay_SilentLowerMasterReplacedWithoutDelay) {
  Harness h;
  InstanceConfig c = make_config(150);
  c.preempt_delay = seconds(60);
  ASSERT_EQ(h.add(c), "");
  h.advance_to(TimePoint{} + seconds(1));
  h.advert(A("fe80::9"), Advert(1, 100, vips()));  // then silence
  h.advance_to(TimePoint{} + seconds(10));
  EXPECT_EQ(h.state(), State::master);
  EXPECT_EQ(h.seen.state_changes.back().reason, Reason::master_down_timer);
  EXPECT_EQ(h.inst().status().last_change_time, TimePoint{} + milliseconds(3410));
}

TEST(Vrrp6, ReplicationHold_BackupDoesNotPreemptWhileHeld) {
  Harness h;
  h.mgr.set_preempt_hold(true, h.now);
  ASSERT_EQ(h.add(make_config(150)), "");
  for (int i = 1; i <= 10; ++i) {
    h.advance_to(TimePoint{} + seconds(i));
    h.advert(A("fe80::9"), Advert(1, 100, vips()));
  }
  EXPECT_EQ(h.state(), State::backup);
  EXPECT_TRUE(h.inst().status().preempt_hold);
  h.mgr.set_preempt_hold(false, h.now);
  for (int i = 11; i <= 15; ++i) {
    h.advance_to(TimePoint{} + seconds(i));
    h.advert(A("fe80::9"), Advert(1, 100, vips()));
  }
  EXPECT_EQ(h.state(), State::master);
}

TEST(Vrrp6, ReplicationHold_FailureStillTakesOver) {
  Harness h;
  h.mgr.set_preempt_hold(true, h.now);
  ASSERT_EQ(h.add(make_config(150)), "");
  h.advance(milliseconds(3410));
  EXPECT_EQ(h.state(), State::master);  // nobody advertises: the hold only stops preemption
}

TEST(Vrrp6, Tracking_PriorityDeltaClampedAndAdvertisedAtOnce) {
  Harness h;
  make_master(h, make_config(120));
  h.inst().set_priority_delta(-50, h.now);
  h.collect();
  EXPECT_EQ(h.inst().priority(), 70);
  ASSERT_EQ(h.seen.adverts.size(), 1u);
  EXPECT_EQ(h.seen.adverts[0].advert.priority, 70);
  h.inst().set_priority_delta(-500, h.now);
  EXPECT_EQ(h.inst().priority(), 1);
  h.inst().set_priority_delta(+500, h.now);
  EXPECT_EQ(h.inst().priority(), 254);
  auto st = h.inst().status();
  EXPECT_EQ(st.priority_run, 254);
  EXPECT_EQ(st.priority_config, 120);

  Harness o;
  ASSERT_EQ(o.add(make_config(kPriorityOwner)), "");
  o.inst().set_priority_delta(-50, o.now);
  EXPECT_EQ(o.inst().priority(), 255);
}

TEST(Vrrp6, Tracking_LowerPriorityMasterLosesToPreemptingBackup) {
  // Master 120 tracking a BFD session (reduced 50) and a Backup 100 on the same LAN.
  Harness m, b;
  make_master(m, make_config(120, 1, 1, "fe80::2"));
  ASSERT_EQ(b.add(make_config(100, 1, 1, "fe80::3")), "");
  b.advert(A("fe80::2"), Advert(1, 120, vips()));
  m.inst().set_priority_delta(-50, m.now);
  m.collect();
  ASSERT_EQ(m.seen.adverts.back().advert.priority, 70);
  b.advert(A("fe80::2"), Advert(1, 70, vips()));  // ignored: Backup preempts
  b.advance(milliseconds(3600));
  EXPECT_EQ(b.state(), State::master);
}

TEST(Vrrp6, Track_PeerBfdDownMakesBackupMasterAtOnce) {
  Harness h;
  ASSERT_EQ(h.add(make_config(100)), "");
  h.advert(A("fe80::9"), Advert(1, 200, vips()));
  h.advance(milliseconds(500));
  h.inst().track_peer_bfd_down(h.now);
  h.collect();
  EXPECT_EQ(h.state(), State::master);
  EXPECT_EQ(h.seen.state_changes.back().reason, Reason::peer_bfd_down);
  EXPECT_EQ(h.inst().status().last_change_time, TimePoint{} + milliseconds(500));
  ASSERT_EQ(h.seen.adverts.size(), 1u);
}

TEST(Vrrp6, Track_LinkBfdDownInitializesUntilUp) {
  Harness h;
  make_master(h);
  h.inst().track_link_bfd(true, h.now);
  h.collect();
  EXPECT_EQ(h.state(), State::initialize);
  EXPECT_EQ(h.seen.state_changes.back().reason, Reason::link_bfd_down);
  h.advance(seconds(10));
  EXPECT_EQ(h.state(), State::initialize);
  h.inst().track_link_bfd(false, h.now);
  h.collect();
  EXPECT_EQ(h.state(), State::backup);
  EXPECT_EQ(h.seen.state_changes.back().reason, Reason::link_bfd_up);
}

TEST(Vrrp6, InterfaceDownInitializesAndUpRestarts) {
  Harness h;
  make_master(h);
  h.mgr.set_interface_up(1, false, h.now);
  h.collect();
  EXPECT_EQ(h.state(), State::initialize);
  EXPECT_TRUE(h.seen.adverts.empty());  // the link is gone: no priority-0 advert
  h.advert(A("fe80::9"), Advert(1, 200, vips()));
  EXPECT_EQ(h.inst().status().rx_drops[static_cast<size_t>(RxDrop::not_running)], 1u);
  h.mgr.set_interface_up(1, true, h.now);
  h.collect();
  EXPECT_EQ(h.state(), State::backup);
}

TEST(Vrrp6, AdminIgnoreIfDownKeepsRunning) {
  Harness h;
  InstanceConfig c = make_config(100);
  c.type = ConfigType::admin;
  c.ignore_if_down = true;
  make_master(h, c);
  h.mgr.set_interface_up(1, false, h.now);
  EXPECT_EQ(h.state(), State::master);
}

TEST(Vrrp6, StatusHasDisplayFields) {
  Harness h;
  InstanceConfig c = make_config(120);
  c.preempt_delay = seconds(10);
  c.bfd_tracks = {{10, BfdTrackMode::reduced, 50}};
  h.now = TimePoint{} + seconds(7);
  ASSERT_EQ(h.add(c), "");
  h.advance(seconds(5));
  Status s = h.mgr.status().at(0);
  EXPECT_EQ(s.state, State::master);
  EXPECT_EQ(s.virtual_ips, vips());
  EXPECT_EQ(s.master_ip, A("fe80::2"));
  EXPECT_EQ(s.local_ip, A("fe80::2"));
  EXPECT_EQ(s.priority_run, 120);
  EXPECT_EQ(s.priority_config, 120);
  EXPECT_EQ(s.master_priority, 120);
  EXPECT_TRUE(s.preempt);
  EXPECT_EQ(s.delay_time, seconds(10));
  EXPECT_EQ(s.timer_run.count(), 100);
  EXPECT_EQ(s.timer_config.count(), 100);
  EXPECT_EQ(s.virtual_mac.to_string(), "00:00:5e:00:02:01");
  EXPECT_EQ(s.config_type, ConfigType::normal);
  ASSERT_EQ(s.track_bfd.size(), 1u);
  EXPECT_EQ(s.track_bfd[0].value, 50);
  EXPECT_EQ(s.create_time, TimePoint{} + seconds(7));
  EXPECT_EQ(s.last_change_time, TimePoint{} + seconds(7) + milliseconds(3530));
  EXPECT_EQ(s.adverts_sent, 2u);  // on becoming Master + one Adver_Timer
}

TEST(Vrrp6, NameTables) {
  EXPECT_STREQ(state_name(State::master), "Master");
  EXPECT_STREQ(state_name(State::initialize), "Initialize");
  EXPECT_STREQ(reason_name(Reason::master_down_timer), "master_down_timer");
  EXPECT_STREQ(rx_drop_name(RxDrop::address_list_mismatch), "address_list_mismatch");
  EXPECT_STREQ(bfd_track_mode_name(BfdTrackMode::peer), "peer");
}

TEST(Vrrp6, DuplicateAndInvalidInstancesRejected) {
  Harness h;
  ASSERT_EQ(h.add(make_config(100)), "");
  EXPECT_NE(h.add(make_config(100)), "");
  EXPECT_NE(h.add(make_config(0, 1, 2)), "");
  EXPECT_EQ(h.mgr.instances().size(), 1u);
}

// Two engines on one simulated LAN: every advert one emits is delivered to the other.
struct Lan {
  Harness r1, r2;
  size_t d1 = 0, d2 = 0;
  void deliver() {
    bool moved = true;
    while (moved) {
      moved = false;
      for (; d1 < r1.seen.adverts.size(); ++d1, moved = true) {
        const auto& a = r1.seen.adverts[d1];
        r2.advert(a.src, Advert(a.advert.vrid, a.advert.priority, a.advert.addresses,
                                a.advert.max_adver_int_cs));
      }
      for (; d2 < r2.seen.adverts.size(); ++d2, moved = true) {
        const auto& a = r2.seen.adverts[d2];
        r1.advert(a.src, Advert(a.advert.vrid, a.advert.priority, a.advert.addresses,
                                a.advert.max_adver_int_cs));
      }
    }
  }
  void run_until(TimePoint t, bool r1_alive = true) {
    for (;;) {
      TimePoint next = std::min(r1_alive ? r1.mgr.next_deadline() : kNever, r2.mgr.next_deadline());
      if (next > t) break;
      if (r1_alive) r1.advance_to(next);
      r2.advance_to(next);
      if (r1_alive)
        deliver();
      else
        d2 = r2.seen.adverts.size();
    }
    if (r1_alive) r1.advance_to(t);
    r2.advance_to(t);
  }
};

TEST(Vrrp6, TwoRouters_ElectionFailoverAndPreemption) {
  Lan lan;
  ASSERT_EQ(lan.r1.add(make_config(120, 1, 1, "fe80::2")), "");
  ASSERT_EQ(lan.r2.add(make_config(100, 1, 1, "fe80::3")), "");
  lan.run_until(TimePoint{} + seconds(10));
  EXPECT_EQ(lan.r1.state(), State::master);
  EXPECT_EQ(lan.r2.state(), State::backup);
  // R1 resigns (priority 0): R2 takes over after its Skew_Time (600 ms).
  const TimePoint stop = lan.r1.now;
  lan.r1.mgr.remove_instance(1, 1, stop);
  lan.r1.collect();
  lan.deliver();
  lan.run_until(stop + milliseconds(599), false);
  EXPECT_EQ(lan.r2.state(), State::backup);
  lan.run_until(stop + milliseconds(600), false);
  EXPECT_EQ(lan.r2.state(), State::master);
  // R1 returns and preempts after its Master_Down_Interval (3.53 s for priority 120).
  const TimePoint back = lan.r2.now;
  lan.r1.now = back;
  ASSERT_EQ(lan.r1.add(make_config(120, 1, 1, "fe80::2")), "");
  lan.run_until(back + seconds(10));
  EXPECT_EQ(lan.r1.state(), State::master);
  EXPECT_EQ(lan.r2.state(), State::backup);
  EXPECT_EQ(lan.r1.inst().status().last_change_time - back,
            to_duration(master_down_interval(120, centiseconds{100})));
}

}  // namespace
}  // namespace tandem::vrrp6::testing

namespace tandem::vrrp6::testing {
namespace {

// Random adverts (any VRID, priority, interval, address list, source) and timer steps into a
// normal group, an owner, an admin group and its member: no crash, and the invariants the
// daemon relies on hold throughout.
TEST(Vrrp6Robustness, RandomInputKeepsInvariants) {
  Harness h;
  ASSERT_EQ(h.add(make_config(100, 1, 1)), "");
  ASSERT_EQ(h.add(make_config(255, 1, 2)), "");
  InstanceConfig admin = make_config(150, 1, 3);
  admin.type = ConfigType::admin;
  admin.preempt_delay = std::chrono::seconds(2);
  ASSERT_EQ(h.add(admin), "");
  InstanceConfig member = make_config(100, 2, 4, "fe80::22");
  member.type = ConfigType::member;
  member.admin = AdminRef{1, "ge0", 3, true};
  ASSERT_EQ(h.add(member), "");
  Rng rng(42);
  const std::vector<std::vector<wire::Ipv6Address>> lists = {vips(), {A("fe80::1")}, {}};
  const char* sources[] = {"fe80::1:1", "fe80::2", "fe80::3", "fe80::ffff"};
  for (int i = 0; i < 20000; ++i) {
    switch (rng.uniform(0, 5)) {
      case 0: h.advance(std::chrono::milliseconds(rng.uniform(0, 4000))); break;
      case 1:
        h.mgr.set_interface_up(static_cast<uint32_t>(rng.uniform(1, 2)), rng.uniform(0, 3) != 0,
                               h.now);
        h.collect();
        break;
      case 2:
        h.inst(1, 1).set_priority_delta(static_cast<int>(rng.uniform(0, 300)) - 150, h.now);
        h.collect();
        break;
      default: {
        const auto& addrs = lists[rng.uniform(0, 2)];
        Advert adv(static_cast<uint8_t>(rng.uniform(0, 5)),
                   static_cast<uint8_t>(rng.uniform(0, 255)), addrs,
                   static_cast<uint16_t>(rng.uniform(0, 0xffff)));
        h.advert(A(sources[rng.uniform(0, 3)]), adv, static_cast<uint32_t>(rng.uniform(1, 2)));
      }
    }
    if (h.mgr.next_deadline() <= h.now) {
      h.mgr.on_timer(h.now);
      h.collect();
    }
    ASSERT_GT(h.mgr.next_deadline(), h.now);
    for (const Instance* inst : h.mgr.instances()) {
      // NS answered exactly while Master.
      EXPECT_EQ(inst->should_answer_ns(A("fe80::1")), inst->state() == State::master);
    }
  }
  // State changes chain per instance; the vmac is added exactly on entering Master.
  std::map<std::pair<uint32_t, uint8_t>, State> last;
  std::map<std::pair<uint32_t, uint8_t>, bool> vmac;
  for (const auto& c : h.seen.state_changes) {
    auto key = std::make_pair(c.ifindex, c.vrid);
    State from = last.count(key) ? last[key] : State::initialize;
    EXPECT_EQ(c.from, from);
    last[key] = c.to;
  }
  for (const auto& v : h.seen.vmac_changes) {
    auto key = std::make_pair(v.ifindex, v.vrid);
    EXPECT_NE(vmac[key], v.add);
    vmac[key] = v.add;
  }
  for (const Instance* inst : h.mgr.instances()) {
    const bool on = vmac[std::make_pair(inst->ifindex(), inst->vrid())];
    EXPECT_EQ(on, inst->state() == State::master);
  }
  EXPECT_GT(h.seen.state_changes.size(), 20u);
  // Members never advertise.
  for (const auto& a : h.seen.adverts) EXPECT_NE(a.ifindex, 2u);
}

}  // namespace
}  // namespace tandem::vrrp6::testing
