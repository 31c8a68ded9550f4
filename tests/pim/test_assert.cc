// Assert (RFC 7761 §4.6) on the listeners' LAN, and the two `ignore` flags of the reference
// procedure, one test per rule.
#include "tests/pim/pim_harness.h"

namespace tandem::pim::test {
namespace {

const Ipv6Address kG = A("ff0e::100");
const Ipv6Address kS = A("2001:db8:100::50");
const Ipv6Address kPeer = A("fe80::2:2");  // the other router of the pair on ge0

wire::PimMessage assert_msg(const Ipv6Address& g, const Ipv6Address& s, bool rpt, uint32_t pref,
                            uint32_t metric) {
  wire::PimMessage m;
  m.type = wire::PimType::assert_;
  m.assert_message = {g, 128, s, rpt, pref, metric};
  return m;
}

struct Asserts : ::testing::Test {
  Harness h;
  void start(bool ignore_assert) {
    h.itf(kDown).ignore_dr_state = true;
    h.itf(kDown).ignore_assert_state = ignore_assert;
    h.start();
    h.rp_router_hello();
    h.receive_hello(kDown, kPeer, Harness::hello(0xffff));
    h.listen(kG, {{kDown, true, {}}});
    h.clear();
  }
};

TEST_F(Asserts, DataOnOutgoingInterfaceStartsAssertWeWin) {
  start(false);
  h.data(kDown, kS, kG);  // the packets we forward onto ge0 also come in there
  auto as = h.asserts(kDown);
  ASSERT_EQ(as.size(), 1u);
  const auto& a = as[0]->message.assert_message;
  EXPECT_TRUE(a.rpt);                   // no (S,G) state of our own: a (*,G) assert
  EXPECT_EQ(a.metric_preference, 60u);  // static route to the RP
  EXPECT_EQ(h.pim.routes(h.now)[0].downstream[0].assert_state, AssertState::winner);
}

TEST_F(Asserts, InferiorAssertIsAnsweredWinnerKeepsForwarding) {
  start(false);
  h.receive(kDown, kPeer, assert_msg(kG, {}, true, 120, 10));
  ASSERT_EQ(h.asserts(kDown).size(), 1u);
  EXPECT_FALSE(h.pim.excluded_by_assert({{}, kG}, kDown));
  // §4.6.1: the winner re-asserts before Assert_Time runs out.
  h.clear();
  h.advance(seconds(178));
  EXPECT_EQ(h.asserts(kDown).size(), 1u);
}

TEST_F(Asserts, PreferredAssertLosesAndRemovesInterface) {
  start(false);
  h.receive(kDown, kPeer, assert_msg(kG, {}, true, 10, 1));
  EXPECT_TRUE(h.asserts().empty());
  EXPECT_TRUE(h.pim.excluded_by_assert({{}, kG}, kDown));
  EXPECT_TRUE(h.pim.excluded_by_assert({kS, kG}, kDown));  // (S,G) entries inherit it
  EXPECT_FALSE(h.changed.empty());
  // The only olist interface lost: (*,G) is no longer desired, prune sent.
  ASSERT_FALSE(h.join_prunes(kUp).empty());
  EXPECT_TRUE(has_star_prune(h.join_prunes(kUp).back()->message.join_prune, kG));
  // §4.6.1: the loser state lasts Assert_Time unless refreshed.
  h.clear();
  h.advance(seconds(181));
  EXPECT_FALSE(h.pim.excluded_by_assert({{}, kG}, kDown));
  ASSERT_FALSE(h.join_prunes(kUp).empty());
  EXPECT_TRUE(has_star_join(h.join_prunes(kUp).back()->message.join_prune, kG, h.rp));
}

TEST_F(Asserts, IgnoreAssertStateKeepsInterfaceAfterLoss) {
  start(true);
  h.receive(kDown, kPeer, assert_msg(kG, {}, true, 10, 1));
  auto routes = h.pim.routes(h.now);
  ASSERT_EQ(routes.size(), 1u);
  ASSERT_EQ(routes[0].downstream.size(), 1u);
  EXPECT_EQ(routes[0].downstream[0].assert_state, AssertState::loser);
  EXPECT_FALSE(routes[0].downstream[0].excluded);
  EXPECT_FALSE(h.pim.excluded_by_assert({{}, kG}, kDown));
  for (auto* m : h.join_prunes()) EXPECT_FALSE(has_star_prune(m->message.join_prune, kG));
}

TEST_F(Asserts, SptAssertBeatsRptAssert) {
  start(false);
  // (S,G) assert (RPT bit clear) with a worse preference still beats our RPT one: the
  // assert is about (S,G); we have no (S,G) state here and track it as a loser on (*,G)?
  // No: it is keyed (S,G) and we could assert for S (EXCLUDE {} wants every source).
  h.receive(kDown, kPeer, assert_msg(kG, kS, false, 200, 200));
  // Our (S,G) metric: connected route to S (preference 0) beats 200.
  ASSERT_EQ(h.asserts(kDown).size(), 1u);
  EXPECT_FALSE(h.asserts(kDown)[0]->message.assert_message.rpt);
  EXPECT_EQ(h.asserts(kDown)[0]->message.assert_message.metric_preference, 0u);
}

TEST_F(Asserts, EqualMetricsHigherAddressWins) {
  start(false);
  // Same preference and metric as ours: fe80::2:2 > fe80::2:1, the peer wins.
  h.receive(kDown, kPeer, assert_msg(kG, {}, true, 60, 0));
  EXPECT_TRUE(h.pim.excluded_by_assert({{}, kG}, kDown));
}

TEST_F(Asserts, AssertCancelFromWinnerReturnsToNoInfo) {
  start(false);
  h.receive(kDown, kPeer, assert_msg(kG, {}, true, 10, 1));
  ASSERT_TRUE(h.pim.excluded_by_assert({{}, kG}, kDown));
  h.receive(
      kDown, kPeer,
      assert_msg(kG, {}, true, wire::kPimAssertInfinitePreference, wire::kPimAssertInfiniteMetric));
  EXPECT_FALSE(h.pim.excluded_by_assert({{}, kG}, kDown));
}

TEST_F(Asserts, WinnerNeighborGoneEndsLoss) {
  start(false);
  h.receive(kDown, kPeer, assert_msg(kG, {}, true, 10, 1));
  ASSERT_TRUE(h.pim.excluded_by_assert({{}, kG}, kDown));
  h.receive_hello(kDown, kPeer, Harness::hello(0));
  EXPECT_FALSE(h.pim.excluded_by_assert({{}, kG}, kDown));
}

TEST_F(Asserts, ClosedGateCannotAssertAndCancelsAWin) {
  start(false);
  h.data(kDown, kS, kG);
  ASSERT_EQ(h.asserts(kDown).size(), 1u);
  h.clear();
  h.pim.set_forwarding(kDown, false, h.now);  // VRRP6 Backup: the gate closes
  h.drain();
  ASSERT_EQ(h.asserts(kDown).size(), 1u);  // §4.6.1 CouldAssert -> FALSE: AssertCancel
  EXPECT_EQ(h.asserts(kDown)[0]->message.assert_message.metric_preference,
            wire::kPimAssertInfinitePreference);
  h.clear();
  h.data(kDown, kS, kG);
  EXPECT_TRUE(h.asserts().empty());
}

TEST_F(Asserts, LossOnRpfInterfaceMakesWinnerTheRpfNeighbor) {
  start(false);
  h.receive_hello(kUp, A("fe80::300"), Harness::hello());
  h.clear();
  // Another upstream router wins the (*,G) assert on up0: joins go to it (RPF'(*,G)).
  h.receive(kUp, A("fe80::300"), assert_msg(kG, {}, true, 1, 1));
  ASSERT_FALSE(h.join_prunes(kUp).empty());
  EXPECT_EQ(h.join_prunes(kUp).back()->message.join_prune.upstream_neighbor, A("fe80::300"));
}

TEST_F(Asserts, LossOnRpfInterfaceEndsWhenPimStopsThere) {
  start(false);
  h.receive_hello(kUp, A("fe80::300"), Harness::hello());
  h.receive(kUp, A("fe80::300"), assert_msg(kG, {}, true, 1, 1));
  ASSERT_EQ(h.join_prunes(kUp).back()->message.join_prune.upstream_neighbor, A("fe80::300"));
  // up0 goes down: its neighbors, the Assert winner among them, are gone, so is the loss;
  // (*,G) cannot stay joined through an interface where PIM does not run.
  h.pim.set_interface_up(kUp, false, h.now);
  h.drain();
  EXPECT_FALSE(h.pim.notify_sources(kG));
  EXPECT_FALSE(h.pim.rpf_interface({{}, kG}).has_value());
  for (const auto& r : h.pim.routes(h.now)) EXPECT_FALSE(r.joined);
  // Back up: the join goes to the RP's router, not to the old winner.
  h.pim.set_interface_up(kUp, true, h.now);
  h.drain();
  h.clear();
  h.rp_router_hello();
  ASSERT_FALSE(h.join_prunes(kUp).empty());
  EXPECT_EQ(h.join_prunes(kUp).back()->message.join_prune.upstream_neighbor, h.rp_router_ll);
}

TEST_F(Asserts, WinnerAssertingFromItsAddressListIsNamedByPrimaryAndEndsWithIt) {
  start(false);
  const Ipv6Address primary = A("fe80::300"), secondary = A("fe80::301");
  h.receive_hello(kUp, primary, Harness::hello(105, 1, 7, {secondary}));
  h.clear();
  h.receive(kUp, secondary, assert_msg(kG, {}, true, 1, 1));
  ASSERT_FALSE(h.join_prunes(kUp).empty());
  EXPECT_EQ(h.join_prunes(kUp).back()->message.join_prune.upstream_neighbor, primary);
  // The winner's Hellos stop: its Neighbor Liveness Timer ends the loss (§4.6.1), joins go
  // back to the RP's router and never to an address we have no neighbor for.
  h.clear();
  h.advance(seconds(106));
  for (const auto* m : h.join_prunes(kUp))
    EXPECT_NE(m->message.join_prune.upstream_neighbor, secondary);
  ASSERT_FALSE(h.join_prunes(kUp).empty());
  EXPECT_TRUE(has_star_join(h.join_prunes(kUp).back()->message.join_prune, kG, h.rp));
  EXPECT_EQ(h.join_prunes(kUp).back()->message.join_prune.upstream_neighbor, h.rp_router_ll);
}

TEST_F(Asserts, AssertFromNonNeighborIsDropped) {
  start(false);
  h.receive(kDown, A("fe80::777"), assert_msg(kG, {}, true, 1, 1));
  EXPECT_FALSE(h.pim.excluded_by_assert({{}, kG}, kDown));
}

}  // namespace
}  // namespace tandem::pim::test
