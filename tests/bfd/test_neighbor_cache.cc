// Neighbor discovery for the router itself: NS answering (RFC 4861 §7.2.3, §7.2.4) and the
// neighbor cache that resolves BFD peers (§7.2.2, §7.2.5, §7.3.3), in simulated time.
#include <gtest/gtest.h>

#include "control/nd/neighbor_cache.h"
#include "control/nd/responder.h"

namespace tandem::nd {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

wire::Ipv6Address A(const char* s) {
  return wire::Ipv6Address::must_parse(s);
}
wire::MacAddress M(const char* s) {
  return *wire::MacAddress::parse(s);
}

const wire::MacAddress kOurMac = M("02:00:00:00:00:01");
const wire::MacAddress kPeerMac = M("02:00:00:00:00:02");

wire::NdMessage ns(const char* target, std::optional<wire::MacAddress> slla = kPeerMac) {
  wire::NdMessage m;
  m.is_na = false;
  m.target = A(target);
  m.source_lla = slla;
  return m;
}

wire::NdMessage na(const char* target, std::optional<wire::MacAddress> tlla, bool solicited,
                   bool override_flag = true) {
  wire::NdMessage m;
  m.is_na = true;
  m.router = true;
  m.solicited = solicited;
  m.override_flag = override_flag;
  m.target = A(target);
  m.target_lla = tlla;
  return m;
}

Responder make_responder() {
  Responder r;
  r.set_interface(1, kOurMac, {A("fe80::a"), A("2001:db8:20::1")});
  return r;
}

TEST(NdResponder, Rfc4861_7_2_4_AnswersOwnAddressSolicited) {
  Responder r = make_responder();
  auto out = r.on_ns(1, A("fe80::b"), kPeerMac, ns("2001:db8:20::1"));
  ASSERT_TRUE(out.has_value());
  EXPECT_EQ(out->target, A("2001:db8:20::1"));
  EXPECT_EQ(out->src, A("2001:db8:20::1"));
  EXPECT_EQ(out->dst, A("fe80::b"));
  EXPECT_EQ(out->dst_mac, kPeerMac);
  EXPECT_EQ(out->src_mac, kOurMac);
  EXPECT_EQ(out->target_lla, kOurMac);
  EXPECT_TRUE(out->router);
  EXPECT_TRUE(out->solicited);
  EXPECT_TRUE(out->override_flag);
  EXPECT_EQ(r.answered(), 1u);
}

TEST(NdResponder, Rfc4861_7_2_4_UsesEthernetSourceWithoutSourceLla) {
  Responder r = make_responder();
  auto out = r.on_ns(1, A("fe80::b"), M("02:00:00:00:00:09"), ns("fe80::a", std::nullopt));
  ASSERT_TRUE(out.has_value());
  EXPECT_EQ(out->dst_mac, M("02:00:00:00:00:09"));
  EXPECT_FALSE(r.on_ns(1, A("fe80::b"), wire::MacAddress{}, ns("fe80::a", std::nullopt)));
  EXPECT_EQ(r.ignored(NsIgnore::no_link_layer_address), 1u);
}

TEST(NdResponder, Rfc4861_7_2_4_DadProbeAnsweredToAllNodes) {
  Responder r = make_responder();
  auto out = r.on_ns(1, A("::"), kPeerMac, ns("fe80::a", std::nullopt));
  ASSERT_TRUE(out.has_value());
  EXPECT_EQ(out->dst, A("ff02::1"));
  EXPECT_TRUE(out->dst_mac.is_zero());  // 33:33:00:00:00:01 derived by the frame builder
  EXPECT_FALSE(out->solicited);
  EXPECT_EQ(r.dad_defended(), 1u);
}

TEST(NdResponder, Rfc4861_7_2_3_OtherTargetsIgnoredAndCounted) {
  Responder r = make_responder();
  EXPECT_FALSE(r.on_ns(1, A("fe80::b"), kPeerMac, ns("2001:db8:20::7")));
  EXPECT_FALSE(r.on_ns(2, A("fe80::b"), kPeerMac, ns("2001:db8:20::1")));
  EXPECT_EQ(r.ignored(NsIgnore::not_our_target), 1u);
  EXPECT_EQ(r.ignored(NsIgnore::unknown_interface), 1u);
}

TEST(NdResponder, Rfc5798_VirtualAddressAnsweredOnlyWhenPredicateSaysMaster) {
  Responder r = make_responder();
  bool master = false;
  const wire::MacAddress vmac = wire::MacAddress::vrrp6_virtual(1);
  r.set_virtual_predicate(
      [&](uint32_t ifindex, const wire::Ipv6Address& t) -> std::optional<wire::MacAddress> {
        if (master && ifindex == 1 && t == A("2001:db8:1::1")) return vmac;
        return std::nullopt;
      });
  EXPECT_FALSE(r.on_ns(1, A("fe80::b"), kPeerMac, ns("2001:db8:1::1")));
  master = true;
  auto out = r.on_ns(1, A("fe80::b"), kPeerMac, ns("2001:db8:1::1"));
  ASSERT_TRUE(out.has_value());
  EXPECT_EQ(out->target_lla, vmac);
  EXPECT_EQ(out->src_mac, vmac);
  EXPECT_EQ(out->src, A("2001:db8:1::1"));
  EXPECT_TRUE(out->override_flag);
  EXPECT_EQ(r.answered_virtual(), 1u);
}

struct CacheHarness {
  NeighborCache cache;
  TimePoint now{};
  std::vector<NsSpec> sent;
  std::vector<NeighborEvent> events;
  CacheHarness() { cache.set_interface(1, kOurMac, A("fe80::a")); }
  void collect() {
    for (auto& s : cache.take_solicitations()) sent.push_back(s);
    for (auto& e : cache.take_events()) events.push_back(e);
  }
  std::optional<wire::MacAddress> resolve(const char* a) {
    auto r = cache.resolve(1, A(a), now, A("2001:db8:20::1"));
    collect();
    return r;
  }
  void advance_to(TimePoint t) {
    while (cache.next_deadline() <= t) {
      now = cache.next_deadline();
      cache.on_timer(now);
      collect();
    }
    now = t;
  }
  void advance(Duration d) { advance_to(now + d); }
  NeighborState state(const char* a) { return cache.entry(1, A(a))->state; }
};

TEST(NeighborCache, Rfc4861_7_2_2_UnknownPeerSolicitedToSolicitedNodeGroup) {
  CacheHarness h;
  EXPECT_FALSE(h.resolve("2001:db8:20::2").has_value());
  EXPECT_EQ(h.cache.counters().unresolved_lookups, 1u);
  ASSERT_EQ(h.sent.size(), 1u);
  EXPECT_EQ(h.sent[0].dst, A("ff02::1:ff00:2"));
  EXPECT_TRUE(h.sent[0].dst_mac.is_zero());       // 33:33:ff:00:00:02, never ff:ff:ff:ff:ff:ff
  EXPECT_EQ(h.sent[0].src, A("2001:db8:20::1"));  // the hint (§7.2.2)
  EXPECT_EQ(h.sent[0].src_mac, kOurMac);
  EXPECT_EQ(h.sent[0].target, A("2001:db8:20::2"));
  EXPECT_EQ(h.state("2001:db8:20::2"), NeighborState::incomplete);
  // Asking again does not send a second NS before RetransTimer.
  EXPECT_FALSE(h.resolve("2001:db8:20::2").has_value());
  EXPECT_EQ(h.sent.size(), 1u);
  EXPECT_EQ(h.cache.counters().unresolved_lookups, 2u);
}

TEST(NeighborCache, Rfc4861_7_3_3_IncompleteRetransmitsEverySecondThenFails) {
  CacheHarness h;
  h.resolve("2001:db8:20::2");
  h.advance(milliseconds(999));
  EXPECT_EQ(h.sent.size(), 1u);
  h.advance(milliseconds(1));
  EXPECT_EQ(h.sent.size(), 2u);
  h.advance(seconds(1));
  EXPECT_EQ(h.sent.size(), 3u);  // MAX_MULTICAST_SOLICIT
  EXPECT_TRUE(h.events.empty());
  h.advance(seconds(1));
  EXPECT_EQ(h.sent.size(), 3u);
  ASSERT_EQ(h.events.size(), 1u);
  EXPECT_FALSE(h.events[0].resolved);
  EXPECT_EQ(h.cache.entry(1, A("2001:db8:20::2")), nullptr);
  EXPECT_EQ(h.cache.counters().resolution_failures, 1u);
  EXPECT_EQ(h.cache.next_deadline(), kNever);
}

TEST(NeighborCache, Rfc4861_7_2_5_SolicitedNaMakesReachableThenStaleAfterReachableTime) {
  CacheHarness h;
  h.resolve("2001:db8:20::2");
  h.cache.on_na(1, na("2001:db8:20::2", kPeerMac, /*solicited=*/true), h.now);
  h.collect();
  EXPECT_EQ(h.state("2001:db8:20::2"), NeighborState::reachable);
  EXPECT_EQ(h.cache.lookup(1, A("2001:db8:20::2")), kPeerMac);
  ASSERT_EQ(h.events.size(), 1u);
  EXPECT_TRUE(h.events[0].resolved);
  EXPECT_EQ(h.resolve("2001:db8:20::2"), kPeerMac);
  h.advance(seconds(30));
  EXPECT_EQ(h.state("2001:db8:20::2"), NeighborState::stale);
  EXPECT_EQ(h.cache.lookup(1, A("2001:db8:20::2")), kPeerMac);  // lookup has no side effect
  EXPECT_EQ(h.state("2001:db8:20::2"), NeighborState::stale);
}

TEST(NeighborCache, Rfc4861_7_3_3_StaleUseProbesUnicastAndFailsAfterThree) {
  CacheHarness h;
  h.resolve("2001:db8:20::2");
  h.cache.on_na(1, na("2001:db8:20::2", kPeerMac, false), h.now);  // unsolicited → STALE
  EXPECT_EQ(h.state("2001:db8:20::2"), NeighborState::stale);
  h.sent.clear();
  EXPECT_EQ(h.resolve("2001:db8:20::2"), kPeerMac);  // still usable while probing
  EXPECT_EQ(h.state("2001:db8:20::2"), NeighborState::probe);
  ASSERT_EQ(h.sent.size(), 1u);
  EXPECT_EQ(h.sent[0].dst, A("2001:db8:20::2"));  // unicast probe
  EXPECT_EQ(h.sent[0].dst_mac, kPeerMac);
  h.advance(seconds(2));
  EXPECT_EQ(h.sent.size(), 3u);
  h.advance(seconds(1));
  EXPECT_EQ(h.cache.entry(1, A("2001:db8:20::2")), nullptr);
  EXPECT_FALSE(h.resolve("2001:db8:20::2").has_value());  // starts over, multicast
  EXPECT_EQ(h.sent.back().dst, A("ff02::1:ff00:2"));
}

TEST(NeighborCache, Rfc4861_7_3_3_ProbeAnsweredBecomesReachable) {
  CacheHarness h;
  h.resolve("2001:db8:20::2");
  h.cache.on_na(1, na("2001:db8:20::2", kPeerMac, false), h.now);
  h.resolve("2001:db8:20::2");
  h.cache.on_na(1, na("2001:db8:20::2", std::nullopt, true), h.now);
  EXPECT_EQ(h.state("2001:db8:20::2"), NeighborState::reachable);
  EXPECT_EQ(h.cache.lookup(1, A("2001:db8:20::2")), kPeerMac);
}

TEST(NeighborCache, Rfc4861_7_2_5_NoOverrideKeepsCachedAddress) {
  CacheHarness h;
  h.resolve("2001:db8:20::2");
  h.cache.on_na(1, na("2001:db8:20::2", kPeerMac, true), h.now);
  h.cache.on_na(1, na("2001:db8:20::2", M("02:00:00:00:00:77"), true, /*override=*/false), h.now);
  EXPECT_EQ(h.cache.lookup(1, A("2001:db8:20::2")), kPeerMac);
  EXPECT_EQ(h.state("2001:db8:20::2"), NeighborState::stale);
  h.cache.on_na(1, na("2001:db8:20::2", M("02:00:00:00:00:77"), false, true), h.now);
  EXPECT_EQ(h.cache.lookup(1, A("2001:db8:20::2")), M("02:00:00:00:00:77"));
}

TEST(NeighborCache, Rfc4861_7_2_5_UnsolicitedNaWithoutEntryCreatesNone) {
  CacheHarness h;
  h.cache.on_na(1, na("2001:db8:20::9", kPeerMac, false), h.now);
  EXPECT_EQ(h.cache.entry(1, A("2001:db8:20::9")), nullptr);
  EXPECT_EQ(h.cache.counters().unsolicited_na_ignored, 1u);
}

TEST(NeighborCache, Rfc4861_7_2_3_NsWithSourceLlaResolvesIncompleteEntry) {
  CacheHarness h;
  h.resolve("fe80::b");
  h.cache.on_ns(1, A("fe80::b"), ns("fe80::a", kPeerMac), h.now);
  h.collect();
  EXPECT_EQ(h.state("fe80::b"), NeighborState::stale);
  EXPECT_EQ(h.cache.lookup(1, A("fe80::b")), kPeerMac);
  // An NS from a stranger does not grow the cache.
  h.cache.on_ns(1, A("fe80::c"), ns("fe80::a", kPeerMac), h.now);
  EXPECT_EQ(h.cache.entry(1, A("fe80::c")), nullptr);
}

TEST(NeighborCache, Rfc4861_7_3_1_UpperLayerConfirmationRefreshesReachable) {
  CacheHarness h;
  h.resolve("2001:db8:20::2");
  h.cache.on_na(1, na("2001:db8:20::2", kPeerMac, true), h.now);
  h.advance(seconds(29));
  h.cache.confirm_reachable(1, A("2001:db8:20::2"), h.now);  // a BFD packet from the peer
  h.advance(seconds(29));
  EXPECT_EQ(h.state("2001:db8:20::2"), NeighborState::reachable);
}

TEST(NeighborCache, UnknownInterfaceNeverResolves) {
  CacheHarness h;
  EXPECT_FALSE(h.cache.resolve(9, A("2001:db8:20::2"), h.now).has_value());
  h.collect();
  EXPECT_TRUE(h.sent.empty());
  EXPECT_EQ(h.cache.counters().unresolved_lookups, 1u);
  EXPECT_STREQ(neighbor_state_name(NeighborState::probe), "PROBE");
}

}  // namespace
}  // namespace tandem::nd
