// Hello, neighbor table and DR election (RFC 7761 §4.3), one test per rule.
#include "tests/pim/pim_harness.h"

namespace tandem::pim::test {
namespace {

TEST(PimHello, StartSendsHelloWithEveryOption) {
  Harness h;
  h.itf(kUp).dr_priority = 9;
  h.start();
  auto hs = h.hellos(kUp);
  ASSERT_EQ(hs.size(), 1u);  // §4.3.1: at once when the interface comes up
  const auto& hello = hs[0]->message.hello;
  EXPECT_EQ(hello.holdtime_s, 105);  // 3.5 x 30 s
  EXPECT_EQ(hello.dr_priority, 9u);
  ASSERT_TRUE(hello.generation_id.has_value());
  ASSERT_TRUE(hello.lan_prune_delay.has_value());
  EXPECT_EQ(hello.lan_prune_delay->propagation_delay_ms, 500);
  EXPECT_EQ(hello.lan_prune_delay->override_interval_ms, 2500);
  EXPECT_FALSE(hello.lan_prune_delay->t_bit);
  EXPECT_EQ(hello.address_list, std::vector<Ipv6Address>{A("2001:db8:100::2")});
  EXPECT_EQ(h.hellos(kDown).size(), 1u);
}

TEST(PimHello, PeriodicEveryHelloPeriodWithConfiguredHoldtime) {
  Harness h;
  h.itf(kUp).hello_period = seconds(10);
  h.itf(kDown).hello_holdtime_s = 200;
  h.start();
  h.clear();
  h.advance(seconds(31));
  EXPECT_EQ(h.hellos(kUp).size(), 3u);    // 10, 20, 30 s
  EXPECT_EQ(h.hellos(kDown).size(), 1u);  // 30 s
  EXPECT_EQ(h.hellos(kUp)[0]->message.hello.holdtime_s, 35);
  EXPECT_EQ(h.hellos(kDown)[0]->message.hello.holdtime_s, 200);
}

TEST(PimHello, DisabledInterfaceSendsNothingAndDropsMessages) {
  Harness h;
  h.itf(kDown).pim_enabled = false;
  h.start();
  EXPECT_TRUE(h.hellos(kDown).empty());
  h.receive_hello(kDown, A("fe80::9"), Harness::hello());
  EXPECT_TRUE(h.pim.neighbors(h.now).empty());
}

TEST(PimNeighbors, LearnedAndExpireAfterHoldtime) {
  Harness h;
  h.start();
  h.receive_hello(kUp, A("fe80::100"), Harness::hello(105));
  auto ns = h.pim.neighbors(h.now);
  ASSERT_EQ(ns.size(), 1u);
  EXPECT_EQ(ns[0].address, A("fe80::100"));
  EXPECT_EQ(ns[0].interface, "up0");
  h.advance(seconds(104));
  EXPECT_EQ(h.pim.neighbors(h.now).size(), 1u);
  h.advance(seconds(2));  // §4.3.2: Neighbor Liveness Timer = Holdtime
  EXPECT_TRUE(h.pim.neighbors(h.now).empty());
}

TEST(PimNeighbors, HelloRefreshKeepsNeighbor) {
  Harness h;
  h.start();
  for (int i = 0; i < 5; ++i) {
    h.receive_hello(kUp, A("fe80::100"), Harness::hello(105));
    h.advance(seconds(60));
  }
  EXPECT_EQ(h.pim.neighbors(h.now).size(), 1u);
}

TEST(PimNeighbors, HoldtimeZeroRemovesAtOnce) {
  Harness h;
  h.start();
  h.receive_hello(kUp, A("fe80::100"), Harness::hello(105));
  h.receive_hello(kUp, A("fe80::100"), Harness::hello(0));
  EXPECT_TRUE(h.pim.neighbors(h.now).empty());
}

TEST(PimNeighbors, HoldtimeFfffNeverExpires) {
  Harness h;
  h.start();
  h.receive_hello(kUp, A("fe80::100"), Harness::hello(0xffff));
  h.advance(hours(24));
  ASSERT_EQ(h.pim.neighbors(h.now).size(), 1u);
  EXPECT_FALSE(h.pim.neighbors(h.now)[0].expires.has_value());
}

TEST(PimNeighbors, NewNeighborGetsTriggeredHello) {
  Harness h;
  h.start();
  h.clear();
  h.receive_hello(kUp, A("fe80::100"), Harness::hello());
  EXPECT_EQ(h.hellos(kUp).size(), 1u);
  h.receive_hello(kUp, A("fe80::100"), Harness::hello());  // known, same GenID: no Hello
  EXPECT_EQ(h.hellos(kUp).size(), 1u);
}

TEST(PimNeighbors, GenerationIdChangeTriggersHello) {
  Harness h;
  h.start();
  h.receive_hello(kUp, A("fe80::100"), Harness::hello(105, 1, 7));
  h.clear();
  h.advance(seconds(20));
  h.receive_hello(kUp, A("fe80::100"), Harness::hello(105, 1, 8));  // restarted
  EXPECT_EQ(h.hellos(kUp).size(), 1u);
  EXPECT_EQ(h.pim.neighbors(h.now)[0].generation_id, 8u);
  EXPECT_EQ(h.pim.neighbors(h.now)[0].uptime, Duration::zero());
}

TEST(PimNeighbors, OwnHelloLoopedBackIsIgnored) {
  Harness h;
  h.start();
  h.receive_hello(kUp, A("fe80::1:1"), Harness::hello());
  EXPECT_TRUE(h.pim.neighbors(h.now).empty());
  const auto st = h.pim.interfaces(h.now);
  EXPECT_EQ(st[0].counters.rx_drops[static_cast<size_t>(RxDrop::own_message)], 1u);
}

TEST(PimDr, HighestPriorityWins) {
  Harness h;
  h.itf(kDown).dr_priority = 5;
  h.start();
  EXPECT_TRUE(h.pim.is_dr(kDown));                                  // alone on the link
  h.receive_hello(kDown, A("fe80::ffff"), Harness::hello(105, 4));  // higher address, lower pri
  EXPECT_TRUE(h.pim.is_dr(kDown));
  h.receive_hello(kDown, A("fe80::1"), Harness::hello(105, 6));  // lower address, higher pri
  EXPECT_FALSE(h.pim.is_dr(kDown));
  EXPECT_EQ(h.pim.interfaces(h.now)[1].dr_address, A("fe80::1"));
}

TEST(PimDr, EqualPriorityHighestAddressWins) {
  Harness h;
  h.start();
  h.receive_hello(kDown, A("fe80::1"), Harness::hello(105, 1));
  EXPECT_TRUE(h.pim.is_dr(kDown));  // fe80::2:1 > fe80::1
  h.receive_hello(kDown, A("fe80::3:0"), Harness::hello(105, 1));
  EXPECT_FALSE(h.pim.is_dr(kDown));
}

TEST(PimDr, PriorityIgnoredWhenSomeNeighborOmitsIt) {
  Harness h;
  h.itf(kDown).dr_priority = 100;
  h.start();
  // §4.3.2: one router without the DR Priority option: addresses alone decide.
  h.receive_hello(kDown, A("fe80::3:0"), Harness::hello(105, std::nullopt));
  EXPECT_FALSE(h.pim.is_dr(kDown));
}

TEST(PimDr, DrGoneElectsAgain) {
  Harness h;
  h.start();
  h.receive_hello(kDown, A("fe80::3:0"), Harness::hello(105, 1));
  EXPECT_FALSE(h.pim.is_dr(kDown));
  h.advance(seconds(106));
  EXPECT_TRUE(h.pim.is_dr(kDown));
}

TEST(PimDr, PriorityChangeOnReloadSendsHelloAndReelects) {
  Harness h;
  h.start();
  h.receive_hello(kDown, A("fe80::3:0"), Harness::hello(105, 1));
  ASSERT_FALSE(h.pim.is_dr(kDown));
  h.clear();
  h.itf(kDown).dr_priority = 10;
  h.reconfigure();
  ASSERT_EQ(h.hellos(kDown).size(), 1u);
  EXPECT_EQ(h.hellos(kDown)[0]->message.hello.dr_priority, 10u);
  EXPECT_TRUE(h.pim.is_dr(kDown));
  EXPECT_EQ(h.pim.neighbors(h.now).size(), 1u);  // reload kept the neighbor
}

TEST(PimHello, ShutdownAndRemovalSayGoodbye) {
  Harness h;
  h.start();
  h.clear();
  h.itfs.pop_back();  // ge0 removed
  h.reconfigure();
  ASSERT_EQ(h.hellos(kDown).size(), 1u);
  EXPECT_EQ(h.hellos(kDown)[0]->message.hello.holdtime_s, 0);
  h.clear();
  h.pim.shutdown(h.now);
  h.drain();
  ASSERT_EQ(h.hellos(kUp).size(), 1u);
  EXPECT_EQ(h.hellos(kUp)[0]->message.hello.holdtime_s, 0);
  EXPECT_EQ(h.pim.next_deadline(), kNever);
}

TEST(PimHello, InterfaceDownAndUpRestartsWithNewGenerationId) {
  Harness h;
  h.start();
  const uint32_t gen = *h.hellos(kUp)[0]->message.hello.generation_id;
  h.pim.set_interface_up(kUp, false, h.now);
  h.drain();
  h.clear();
  h.pim.set_interface_up(kUp, true, h.now);
  h.drain();
  ASSERT_EQ(h.hellos(kUp).size(), 1u);
  EXPECT_NE(*h.hellos(kUp)[0]->message.hello.generation_id, gen);
}

}  // namespace
}  // namespace tandem::pim::test
