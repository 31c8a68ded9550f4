// mVRRP6 (admin-vrrp6) and service groups (`vrrp6 vrid N1 track admin-vrrp6 interface IF
// vrid N2 [unflowdown]`): members send no adverts and take their state from the mVRRP6;
// both modes hold the service interface's gate while the mVRRP6 is Backup or Initialize, and
// flowdown (the default) also takes the interface's service down (FlowdownChange::flowdown).
#include <gtest/gtest.h>

#include "tests/vrrp6/vrrp6_harness.h"

namespace tandem::vrrp6::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

InstanceConfig admin_config(uint8_t priority = 100) {
  InstanceConfig c = make_config(priority, /*ifindex=*/1, /*vrid=*/1);
  c.type = ConfigType::admin;
  return c;
}

InstanceConfig member_config(bool flowdown = true, uint8_t vrid = 2) {
  InstanceConfig c = make_config(100, /*ifindex=*/2, vrid, "fe80::22");
  c.virtual_addresses = {A("fe80::1"), A("2001:db8:2::1")};
  c.type = ConfigType::member;
  c.admin = AdminRef{1, "ge0", 1, flowdown};
  return c;
}

TEST(Vrrp6ServiceGroup, MemberFollowsAdminAndSendsNoAdverts) {
  Harness h;
  ASSERT_EQ(h.add(admin_config()), "");
  ASSERT_EQ(h.add(member_config()), "");
  EXPECT_EQ(h.state(2, 2), State::backup);
  EXPECT_EQ(h.mgr.find(2, 2)->next_deadline(), kNever);  // no timers of its own
  h.advance(milliseconds(3600));
  EXPECT_EQ(h.state(1, 1), State::master);
  EXPECT_EQ(h.state(2, 2), State::master);
  // Adverts only from the mVRRP6; NAs for both groups' virtual addresses.
  for (const auto& a : h.seen.adverts) EXPECT_EQ(a.ifindex, 1u);
  size_t member_nas = 0;
  for (const auto& na : h.seen.neighbor_adverts) member_nas += na.ifindex == 2;
  EXPECT_EQ(member_nas, 2u);
  EXPECT_TRUE(h.mgr.should_answer_ns(2, A("2001:db8:2::1")).has_value());
  h.advance(seconds(10));
  for (const auto& a : h.seen.adverts) EXPECT_EQ(a.ifindex, 1u);
  EXPECT_EQ(h.inst(2, 2).config().type, ConfigType::member);
  EXPECT_EQ(h.inst(2, 2).status().adverts_sent, 0u);
}

TEST(Vrrp6ServiceGroup, AdminLosesMasterMemberFollows) {
  Harness h;
  ASSERT_EQ(h.add(admin_config()), "");
  ASSERT_EQ(h.add(member_config()), "");
  h.advance(milliseconds(3600));
  h.clear();
  h.advert(A("fe80::9"), Advert(1, 200, vips()));
  EXPECT_EQ(h.state(1, 1), State::backup);
  EXPECT_EQ(h.state(2, 2), State::backup);
  ASSERT_EQ(h.seen.state_changes.size(), 2u);
  EXPECT_EQ(h.seen.state_changes[1].ifindex, 2u);
  EXPECT_EQ(h.seen.state_changes[1].reason, Reason::admin_backup);
  // The member's vmac is removed too.
  ASSERT_EQ(h.seen.vmac_changes.size(), 2u);
  EXPECT_FALSE(h.seen.vmac_changes[1].add);
  EXPECT_EQ(h.seen.vmac_changes[1].ifindex, 2u);
}

TEST(Vrrp6ServiceGroup, FlowdownPutsServiceInterfaceDownWhileAdminNotMaster) {
  Harness h;
  ASSERT_EQ(h.add(admin_config()), "");
  ASSERT_EQ(h.add(member_config(/*flowdown=*/true)), "");
  ASSERT_EQ(h.seen.flowdown_changes.size(), 1u);
  EXPECT_TRUE(h.seen.flowdown_changes[0].down);
  EXPECT_TRUE(h.seen.flowdown_changes[0].flowdown);
  EXPECT_EQ(h.seen.flowdown_changes[0].ifindex, 2u);
  // Backup: no NS answered for the member's virtual addresses.
  EXPECT_FALSE(h.mgr.should_answer_ns(2, A("2001:db8:2::1")).has_value());
  h.advance(milliseconds(3600));
  ASSERT_EQ(h.seen.flowdown_changes.size(), 2u);
  EXPECT_FALSE(h.seen.flowdown_changes[1].down);
  EXPECT_EQ(h.seen.flowdown_changes[1].reason, Reason::admin_master);
  h.mgr.remove_instance(1, 1, h.now);  // mVRRP6 gone → Initialize
  h.collect();
  EXPECT_EQ(h.state(2, 2), State::initialize);
  ASSERT_EQ(h.seen.flowdown_changes.size(), 3u);
  EXPECT_TRUE(h.seen.flowdown_changes[2].down);
}

// A service group removed while it holds its interface (a reload, tandemd stopping) lets go.
TEST(Vrrp6ServiceGroup, RemovedMemberReleasesItsHold) {
  Harness h;
  ASSERT_EQ(h.add(admin_config()), "");
  ASSERT_EQ(h.add(member_config()), "");
  ASSERT_TRUE(h.seen.flowdown_changes.back().down);
  h.mgr.remove_instance(2, 2, h.now);
  h.collect();
  ASSERT_EQ(h.seen.flowdown_changes.size(), 2u);
  EXPECT_FALSE(h.seen.flowdown_changes.back().down);
  EXPECT_EQ(h.seen.flowdown_changes.back().ifindex, 2u);
}

// `unflowdown`: the same holds come out, marked gate-only, so the daemon leaves the
// interface's MLD and ND service alone and only closes the gate.
TEST(Vrrp6ServiceGroup, UnflowdownHoldsOnlyTheGate) {
  Harness h;
  ASSERT_EQ(h.add(admin_config()), "");
  ASSERT_EQ(h.add(member_config(/*flowdown=*/false)), "");
  h.advance(milliseconds(3600));
  h.advert(A("fe80::9"), Advert(1, 200, vips()));
  EXPECT_EQ(h.state(2, 2), State::backup);
  ASSERT_EQ(h.seen.flowdown_changes.size(), 3u);  // held at start, released, held again
  for (const auto& f : h.seen.flowdown_changes) EXPECT_FALSE(f.flowdown);
  EXPECT_TRUE(h.seen.flowdown_changes[0].down);
  EXPECT_FALSE(h.seen.flowdown_changes[1].down);
  EXPECT_TRUE(h.seen.flowdown_changes[2].down);
  EXPECT_EQ(h.seen.flowdown_changes[2].reason, Reason::admin_backup);
}

TEST(Vrrp6ServiceGroup, MemberConfiguredBeforeAdminLinksWhenAdminArrives) {
  Harness h;
  ASSERT_EQ(h.add(member_config()), "");
  EXPECT_EQ(h.state(2, 2), State::initialize);
  ASSERT_EQ(h.add(admin_config(kPriorityOwner)), "");
  EXPECT_EQ(h.state(2, 2), State::master);
}

TEST(Vrrp6ServiceGroup, MemberOfNonAdminGroupStaysInitialize) {
  Harness h;
  ASSERT_EQ(h.add(make_config(kPriorityOwner)), "");  // normal-vrrp, not admin
  ASSERT_EQ(h.add(member_config()), "");
  EXPECT_EQ(h.state(2, 2), State::initialize);
}

TEST(Vrrp6ServiceGroup, MemberIgnoresAdverts) {
  Harness h;
  ASSERT_EQ(h.add(admin_config()), "");
  ASSERT_EQ(h.add(member_config()), "");
  h.advert(A("fe80::9"), Advert(2, 200, {A("fe80::1"), A("2001:db8:2::1")}), 2);
  EXPECT_EQ(h.inst(2, 2).status().rx_drops[static_cast<size_t>(RxDrop::member_group)], 1u);
}

TEST(Vrrp6ServiceGroup, MembersOfOneAdminMoveTogether) {
  Harness h;
  ASSERT_EQ(h.add(admin_config()), "");
  for (uint8_t v = 2; v <= 5; ++v) ASSERT_EQ(h.add(member_config(true, v)), "");
  h.advance(milliseconds(3600));
  for (uint8_t v = 2; v <= 5; ++v) EXPECT_EQ(h.state(2, v), State::master);
  h.mgr.set_interface_up(1, false, h.now);
  for (uint8_t v = 2; v <= 5; ++v) EXPECT_EQ(h.state(2, v), State::initialize);
}

}  // namespace
}  // namespace tandem::vrrp6::testing
