// Tracking: BFD session state → VRRP6 priority / backup peer-link actions, VRRP6 state →
// forwarding gate, BFD → RBS link drops.
#include <gtest/gtest.h>

#include <algorithm>

#include "control/track/track_table.h"
#include "tests/vrrp6/vrrp6_harness.h"

namespace tandem::vrrp6::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using track::EventKind;
using track::TrackEvent;
using track::TrackTable;
using BfdState = wire::BfdState;

bfd::StateChange bfd_change(uint32_t id, BfdState from, BfdState to,
                            bfd::Reason reason = bfd::Reason::detection_time_expired) {
  bfd::StateChange c;
  c.name = "s" + std::to_string(id);
  c.local_discriminator = id;
  c.from = from;
  c.to = to;
  c.reason = reason;
  return c;
}

struct TrackHarness : Harness {
  TrackTable table{mgr};
  std::vector<TrackEvent> events;

  // Feeds VRRP6 state changes to the table the way the daemon does, after every step.
  void pump() {
    collect();
    for (; fed_ < seen.state_changes.size(); ++fed_) table.on_vrrp_change(seen.state_changes[fed_]);
    for (; holds_fed_ < seen.flowdown_changes.size(); ++holds_fed_) {
      const FlowdownChange& f = seen.flowdown_changes[holds_fed_];
      table.set_service_hold(f.ifindex, f.down, "service hold");
    }
    auto e = table.take_events();
    events.insert(events.end(), e.begin(), e.end());
  }
  void bfd(uint32_t id, BfdState from, BfdState to,
           bfd::Reason reason = bfd::Reason::detection_time_expired) {
    table.on_bfd_change(bfd_change(id, from, to, reason), now);
    pump();
  }
  void bfd_up_then_down(uint32_t id) {
    bfd(id, BfdState::init, BfdState::up, bfd::Reason::remote_up);
    bfd(id, BfdState::up, BfdState::down);
  }
  void step(Duration d) {
    advance(d);
    pump();
  }
  size_t count(EventKind k) const {
    return std::count_if(events.begin(), events.end(),
                         [k](const TrackEvent& e) { return e.kind == k; });
  }
  size_t fed_ = 0;
  size_t holds_fed_ = 0;
};

InstanceConfig tracked(uint8_t priority, std::vector<BfdTrack> tracks, uint32_t ifindex = 1,
                       uint8_t vrid = 1) {
  InstanceConfig c = make_config(priority, ifindex, vrid);
  c.bfd_tracks = std::move(tracks);
  return c;
}

TEST(Track, ReducedDefault10OnBfdDownRestoredOnUp) {
  TrackHarness h;
  ASSERT_EQ(h.add(tracked(120, {{10, BfdTrackMode::reduced, kTrackValueDefault}})), "");
  h.bfd_up_then_down(10);
  EXPECT_EQ(h.inst().priority(), 110);
  ASSERT_EQ(h.count(EventKind::priority_changed), 1u);
  EXPECT_EQ(h.events.back().priority, 110);
  EXPECT_NE(h.events.back().reason.find("detection_time_expired"), std::string::npos);
  EXPECT_TRUE(h.table.session_down(10));
  EXPECT_EQ(h.inst().status().bfd_down, std::vector<uint32_t>{10});
  h.bfd(10, BfdState::down, BfdState::up, bfd::Reason::remote_init);
  EXPECT_EQ(h.inst().priority(), 120);
  EXPECT_EQ(h.count(EventKind::priority_changed), 2u);
}

TEST(Track, IncreasedAndSeveralSessionsAdd) {
  TrackHarness h;
  ASSERT_EQ(
      h.add(tracked(100, {{10, BfdTrackMode::increased, 30}, {11, BfdTrackMode::reduced, 50}})),
      "");
  h.bfd_up_then_down(10);
  EXPECT_EQ(h.inst().priority(), 130);
  h.bfd_up_then_down(11);
  EXPECT_EQ(h.inst().priority(), 80);
}

TEST(Track, PriorityClampedTo1And254OwnerUnchanged) {
  TrackHarness h;
  ASSERT_EQ(h.add(tracked(100, {{10, BfdTrackMode::reduced, 255}})), "");
  ASSERT_EQ(h.add(tracked(200, {{10, BfdTrackMode::increased, 255}}, 1, 2)), "");
  ASSERT_EQ(h.add(tracked(255, {{10, BfdTrackMode::reduced, 100}}, 1, 3)), "");
  h.bfd_up_then_down(10);
  EXPECT_EQ(h.inst(1, 1).priority(), 1);
  EXPECT_EQ(h.inst(1, 2).priority(), 254);
  EXPECT_EQ(h.inst(1, 3).priority(), 255);
}

TEST(Track, RFC5882_3_2_SessionNeverUpOrAdminDownIsNotAFailure) {
  TrackHarness h;
  ASSERT_EQ(h.add(tracked(120, {{10, BfdTrackMode::reduced, 50}})), "");
  h.bfd(10, BfdState::down, BfdState::init, bfd::Reason::remote_down);
  h.bfd(10, BfdState::init, BfdState::down);  // never Up: says nothing about the peer
  EXPECT_EQ(h.inst().priority(), 120);
  h.bfd(10, BfdState::init, BfdState::up, bfd::Reason::remote_up);
  h.bfd(10, BfdState::up, BfdState::down, bfd::Reason::neighbor_admin_down);
  EXPECT_EQ(h.inst().priority(), 120);
  h.bfd(10, BfdState::up, BfdState::admin_down, bfd::Reason::local_admin_down);
  EXPECT_EQ(h.inst().priority(), 120);
  EXPECT_EQ(h.count(EventKind::priority_changed), 0u);
}

TEST(Track, MasterReducedBelowBackupLosesMastership) {
  // Master 120 (reduced 50) and Backup 100 wired by hand: after the BFD failure the
  // Master advertises 70 at once and the preempting Backup takes over.
  TrackHarness m;
  Harness b;
  ASSERT_EQ(m.add(tracked(120, {{10, BfdTrackMode::reduced, 50}})), "");
  m.step(milliseconds(3600));
  ASSERT_EQ(m.state(), State::master);
  ASSERT_EQ(b.add(make_config(100, 1, 1, "fe80::3")), "");
  b.advert(A("fe80::2"), Advert(1, 120, vips()));
  m.seen.adverts.clear();
  m.bfd_up_then_down(10);
  ASSERT_EQ(m.seen.adverts.size(), 1u);
  EXPECT_EQ(m.seen.adverts[0].advert.priority, 70);
  b.advert(A("fe80::2"), Advert(1, 70, vips()));
  b.advance(milliseconds(3600));
  EXPECT_EQ(b.state(), State::master);
  b.collect();
  m.advert(A("fe80::3"), Advert(1, 100, vips()));
  m.pump();
  EXPECT_EQ(m.state(), State::backup);
}

TEST(Track, PeerBfdDownMakesBackupMasterAtOnce) {
  TrackHarness h;
  ASSERT_EQ(h.add(tracked(100, {{20, BfdTrackMode::peer, 0}})), "");
  h.advert(A("fe80::9"), Advert(1, 200, vips()));
  h.step(milliseconds(400));
  h.bfd_up_then_down(20);
  EXPECT_EQ(h.state(), State::master);
  EXPECT_EQ(h.count(EventKind::peer_takeover), 1u);
  EXPECT_EQ(h.seen.state_changes.back().reason, Reason::peer_bfd_down);
  EXPECT_EQ(h.inst().status().last_change_time, TimePoint{} + milliseconds(400));
}

TEST(Track, PeerBfdDownIgnoredWhenNotBackup) {
  TrackHarness h;
  ASSERT_EQ(h.add(tracked(100, {{20, BfdTrackMode::peer, 0}})), "");
  h.mgr.set_interface_up(1, false, h.now);
  h.pump();
  h.bfd_up_then_down(20);
  EXPECT_EQ(h.state(), State::initialize);
  EXPECT_EQ(h.count(EventKind::peer_takeover), 0u);
}

TEST(Track, LinkBfdDownInitializesUpRestarts) {
  TrackHarness h;
  ASSERT_EQ(h.add(tracked(100, {{30, BfdTrackMode::link, 0}})), "");
  h.bfd_up_then_down(30);
  EXPECT_EQ(h.state(), State::initialize);
  ASSERT_EQ(h.count(EventKind::link_down), 1u);
  EXPECT_FALSE(h.events.back().open);
  h.bfd(30, BfdState::init, BfdState::up, bfd::Reason::remote_up);
  EXPECT_EQ(h.state(), State::backup);
  EXPECT_EQ(h.count(EventKind::link_down), 2u);
  EXPECT_TRUE(h.events.back().open);
}

TEST(Track, GateOpenIffGroupMaster) {
  TrackHarness h;
  ASSERT_EQ(h.add(make_config(100)), "");
  EXPECT_TRUE(h.table.gate_open(1));  // unbound: forwards
  h.table.set_gate_vrrp(1, 1);
  h.pump();
  EXPECT_FALSE(h.table.gate_open(1));
  ASSERT_EQ(h.count(EventKind::gate_changed), 1u);
  EXPECT_FALSE(h.events.back().open);
  h.step(milliseconds(3600));
  EXPECT_TRUE(h.table.gate_open(1));
  ASSERT_EQ(h.count(EventKind::gate_changed), 2u);
  EXPECT_TRUE(h.events.back().open);
  EXPECT_NE(h.events.back().reason.find("vrrp6 ge0/1 Backup -> Master"), std::string::npos);
  h.advert(A("fe80::9"), Advert(1, 200, vips()));
  h.pump();
  EXPECT_FALSE(h.table.gate_open(1));
  EXPECT_EQ(h.count(EventKind::gate_changed), 3u);
  EXPECT_EQ(h.table.gate(1)->changes, 3u);
  h.table.clear_gate(1);
  h.pump();
  EXPECT_TRUE(h.table.gate_open(1));
  EXPECT_EQ(h.count(EventKind::gate_changed), 4u);
}

TEST(Track, GateFollowsAdminVrrpOnAnotherInterface) {
  TrackHarness h;
  InstanceConfig admin = make_config(100, 1, 9);
  admin.type = ConfigType::admin;
  ASSERT_EQ(h.add(admin), "");
  h.table.set_gate_admin_vrrp(/*ifindex=*/5, /*admin_ifindex=*/1, 9);
  h.pump();
  EXPECT_FALSE(h.table.gate_open(5));
  h.step(milliseconds(3600));
  EXPECT_TRUE(h.table.gate_open(5));
  h.mgr.set_interface_up(1, false, h.now);
  h.pump();
  EXPECT_FALSE(h.table.gate_open(5));
}

TEST(Track, AdminGateNeedsAnAdminGroup) {
  TrackHarness h;
  ASSERT_EQ(h.add(make_config(255)), "");  // normal group, Master
  h.table.set_gate_admin_vrrp(5, 1, 1);
  h.table.set_gate_vrrp(6, 1);  // no group on interface 6
  h.table.set_gate_vrrp(1, 1);
  h.pump();
  EXPECT_FALSE(h.table.gate_open(5));
  EXPECT_FALSE(h.table.gate_open(6));
  EXPECT_TRUE(h.table.gate_open(1));
  // One binding per interface: the later one replaces the earlier.
  h.table.set_gate_vrrp(5, 1);
  h.pump();
  EXPECT_FALSE(h.table.gate(5)->admin);
  EXPECT_FALSE(h.table.gate_open(5));  // no group 1 on interface 5
}

// A service group holds its interface's gate closed while its mVRRP6 is not Master, in both
// modes: an interface with no binding (which would always forward) and one bound to a group
// that is Master are both closed by the hold, and reopen together when the mVRRP6 is Master.
TEST(Track, ServiceHoldClosesBoundAndUnboundGatesUntilAdminIsMaster) {
  for (const bool flowdown : {true, false}) {
    SCOPED_TRACE(flowdown ? "flowdown" : "unflowdown");
    TrackHarness h;
    InstanceConfig admin = make_config(100, /*ifindex=*/1, /*vrid=*/9);
    admin.type = ConfigType::admin;
    ASSERT_EQ(h.add(admin), "");
    ASSERT_EQ(h.add(make_config(kPriorityOwner, /*ifindex=*/3, /*vrid=*/4)), "");  // Master
    for (const uint32_t service_if : {2u, 3u}) {
      InstanceConfig member = make_config(100, service_if, /*vrid=*/1, "fe80::22");
      member.type = ConfigType::member;
      member.admin = AdminRef{1, "ge0", 9, flowdown};
      ASSERT_EQ(h.add(member), "");
    }
    h.table.set_gate_vrrp(3, 4);  // bound to the owner group, Master from the start
    h.pump();
    EXPECT_FALSE(h.table.gate_open(2));  // unbound, held
    EXPECT_FALSE(h.table.gate_open(3));  // bound group Master, held
    EXPECT_FALSE(h.table.gate(3)->open);
    h.step(milliseconds(3600));
    EXPECT_EQ(h.state(1, 9), State::master);
    EXPECT_TRUE(h.table.gate_open(2));
    EXPECT_TRUE(h.table.gate_open(3));
    const size_t opened = h.count(EventKind::gate_changed);
    h.advert(A("fe80::9"), Advert(9, 200, vips()));  // a better mVRRP6 elsewhere
    h.pump();
    EXPECT_FALSE(h.table.gate_open(2));
    EXPECT_FALSE(h.table.gate_open(3));
    EXPECT_EQ(h.count(EventKind::gate_changed), opened + 2);
    EXPECT_FALSE(h.events.back().open);
    // Removing the binding leaves the held interface closed: no event says otherwise.
    h.table.clear_gate(3);
    h.pump();
    EXPECT_FALSE(h.table.gate_open(3));
    EXPECT_EQ(h.count(EventKind::gate_changed), opened + 2);
  }
}

// The admin flavour of the reference procedure as the lab configures it (scripts/lab/
// *.cfg.in): on one interface an mVRRP6 (vrid 2) carries the BFD track, the service group
// (vrid 1) tracks it, and the forwarding gate is bound to the mVRRP6. A BFD event moves all
// three in the same instant.
struct AdminFlavour {
  TrackHarness h;
  explicit AdminFlavour(uint8_t priority, BfdTrack track) {
    InstanceConfig admin = tracked(priority, {track}, /*ifindex=*/1, /*vrid=*/2);
    admin.type = ConfigType::admin;
    admin.virtual_addresses = {A("fe80::b2")};
    InstanceConfig service = make_config(100, /*ifindex=*/1, /*vrid=*/1);
    service.type = ConfigType::member;
    service.admin = AdminRef{1, "ge0", 2, true};
    EXPECT_EQ(h.add(admin), "");
    EXPECT_EQ(h.add(service), "");
    h.table.set_gate_admin_vrrp(/*ifindex=*/1, /*admin_ifindex=*/1, /*vrid=*/2);
    h.pump();
  }
  // mVRRP6, service group and gate agree on `master`
  void expect_all(State s) {
    EXPECT_EQ(h.state(1, 2), s);
    EXPECT_EQ(h.state(1, 1), s);
    EXPECT_EQ(h.table.gate_open(1), s == State::master);
  }
};

TEST(Track, AdminFlavourBackupPeerBfdDownTakesOverServiceAndGate) {
  AdminFlavour f(100, {20, BfdTrackMode::peer, 0});
  f.h.advert(A("fe80::9"), Advert(2, 120, {A("fe80::b2")}));
  f.h.step(milliseconds(400));
  f.expect_all(State::backup);
  f.h.bfd_up_then_down(20);
  f.expect_all(State::master);
  EXPECT_EQ(f.h.inst(1, 1).status().last_change_time, f.h.now);
  EXPECT_EQ(f.h.seen.state_changes.back().reason, Reason::admin_master);
  // The returning master (priority 120) preempts: all three step back together.
  f.h.bfd(20, BfdState::init, BfdState::up, bfd::Reason::remote_up);
  f.h.advert(A("fe80::9"), Advert(2, 120, {A("fe80::b2")}));
  f.h.pump();
  f.expect_all(State::backup);
}

TEST(Track, AdminFlavourMasterReducedBelowBackupHandsOverServiceAndGate) {
  AdminFlavour f(120, {10, BfdTrackMode::reduced, 50});
  f.h.step(milliseconds(3600));
  f.expect_all(State::master);
  f.h.bfd_up_then_down(10);
  EXPECT_EQ(f.h.inst(1, 2).priority(), 70);
  f.h.advert(A("fe80::9"), Advert(2, 100, {A("fe80::b2")}));
  f.h.pump();
  f.expect_all(State::backup);
  EXPECT_EQ(f.h.seen.state_changes.back().reason, Reason::admin_backup);
}

TEST(Track, RbsTrackBfdDropsAndAllowsLink) {
  TrackHarness h;
  h.table.set_rbs_track("rbs1", 40);
  h.bfd_up_then_down(40);
  ASSERT_EQ(h.count(EventKind::rbs_link_drop), 1u);
  EXPECT_EQ(h.events.back().service, "rbs1");
  EXPECT_EQ(h.events.back().bfd_session, 40u);
  h.bfd(40, BfdState::init, BfdState::up, bfd::Reason::remote_up);
  EXPECT_EQ(h.count(EventKind::rbs_link_allowed), 1u);
  h.table.clear_rbs_track("rbs1");
  h.bfd_up_then_down(40);
  EXPECT_EQ(h.count(EventKind::rbs_link_drop), 1u);
}

TEST(Track, ReapplyAfterConfigChange) {
  TrackHarness h;
  h.bfd_up_then_down(10);  // session down before the group exists
  ASSERT_EQ(h.add(tracked(120, {{10, BfdTrackMode::reduced, 20}})), "");
  EXPECT_EQ(h.inst().priority(), 120);
  h.table.reapply(h.now);
  h.pump();
  EXPECT_EQ(h.inst().priority(), 100);
  EXPECT_STREQ(track::event_kind_name(EventKind::gate_changed), "gate_changed");
}

}  // namespace
}  // namespace tandem::vrrp6::testing
