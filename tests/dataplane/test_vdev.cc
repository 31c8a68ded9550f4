// Data-plane behaviour on net_pcap vdevs: frames in through rx_pcap, exact frames out
// through tx_pcap. Each scenario runs in its own process (meson registers one test per
// --gtest_filter) because EAL can be initialised once per process.
#include <gtest/gtest.h>
#include <rte_mempool.h>

#include <algorithm>
#include <map>

#include "control/wire/frame.h"
#include "dataplane/dataplane.h"
#include "dataplane/fib_resolve.h"
#include "dataplane/punt.h"
#include "dataplane/replicate.h"
#include "tests/dataplane/vdev_lab.h"

namespace tandem::dataplane::test {
namespace {

using wire::DropReason;
using wire::Ipv6Address;
using wire::MacAddress;

const Ipv6Address kAny{};
const Ipv6Address kG1 = Ipv6Address::must_parse("ff05::db8:1");
const Ipv6Address kG2 = Ipv6Address::must_parse("ff3e::db8:2");
const Ipv6Address kS1 = Ipv6Address::must_parse("2001:db8:1::10");
const Ipv6Address kS2 = Ipv6Address::must_parse("2001:db8:1::11");

bool g_eal_used = false;

// Brings the data plane up on `lab`, or skips when this process already used EAL.
void bring_up(Dataplane& dp, const DataplaneConfig& cfg, bool start = true) {
  ASSERT_FALSE(g_eal_used) << "one scenario per process: run with --gtest_filter";
  g_eal_used = true;
  InitResult r = dp.init(cfg);
  ASSERT_TRUE(r.ok) << r.error;
  if (start) dp.start();
}

DataSpec spec(const Ipv6Address& s, const Ipv6Address& g, size_t payload = 64, uint8_t hop = 64) {
  DataSpec d;
  d.source = s;
  d.group = g;
  d.payload = payload;
  d.hop_limit = hop;
  d.fill = static_cast<uint8_t>(payload);
  return d;
}

TEST(Replication, OneToNCopiesCarryGroupMacPortMacAndHopLimitDecrementedOnce) {
  Lab lab(4);
  // Small frames take the copy path, large ones the clone path; one arrives VLAN-tagged.
  DataSpec small = spec(kS1, kG1, 64);
  DataSpec large = spec(kS1, kG1, 1300);  // a 1,362-byte frame: above the clone threshold
  DataSpec tagged = spec(kS2, kG1, 80);
  tagged.vlan = true;
  ASSERT_LT(data_frame(small).size(), kCloneThresholdBytes);
  ASSERT_GT(data_frame(large).size(), kCloneThresholdBytes);
  lab.set_input(0, {data_frame(small), data_frame(large), data_frame(tagged)});
  Dataplane dp;
  bring_up(dp, lab.config());
  // The ingress port in the egress set must still be skipped.
  ASSERT_TRUE(dp.fib().upsert(kAny, kG1, 0b1111));
  // Port 2 is bound to VRRP6 group 1: replicas leave with the virtual MAC (RFC 5798 §7.3).
  dp.fib().set_src_mac(2, MacAddress::vrrp6_virtual(1));
  drain(dp);
  CountersSnapshot c = dp.counters();
  dp.stop();

  EXPECT_TRUE(lab.output(0).empty());
  for (PortIndex p = 1; p <= 3; ++p) {
    MacAddress mac = p == 2 ? MacAddress::vrrp6_virtual(1) : dp.port_mac(p);
    std::vector<Bytes> want{expected_replica(small, mac), expected_replica(large, mac),
                            expected_replica(tagged, mac)};
    EXPECT_EQ(lab.output(p), want) << "port " << p;
    EXPECT_EQ(c.per_port[p].copies, 3u);
  }
  EXPECT_EQ(c.per_port[0].rx, 3u);
  EXPECT_EQ(c.per_port[0].forwarded, 3u);
  // The large frame: two of its three replicas are clones, the last reuses the original.
  EXPECT_EQ(c.total.clones, 2u);
}

// Replicas are made port by port for the whole burst, and each packet's original mbuf goes
// to its highest port: with a different egress set per packet, every port must still get
// exactly its packets, in arrival order, and each original must be sent only once.
TEST(Replication, DifferentEgressSetsInOneBurstKeepArrivalOrderOnEveryPort) {
  Lab lab(5);
  const Ipv6Address g3 = Ipv6Address::must_parse("ff05::db8:3");
  DataSpec a = spec(kS1, kG1, 64);   // ports 1, 2, 4 (copies)
  DataSpec b = spec(kS1, kG2, 70);   // ports 2, 3 (copies)
  DataSpec c = spec(kS1, g3, 1300);  // ports 1, 3, 4 (clones)
  DataSpec d = spec(kS2, kG1, 90);   // as a
  lab.set_input(0, {data_frame(a), data_frame(b), data_frame(c), data_frame(d)});
  Dataplane dp;
  bring_up(dp, lab.config());
  ASSERT_TRUE(dp.fib().upsert(kAny, kG1, 0b10110));
  ASSERT_TRUE(dp.fib().upsert(kAny, kG2, 0b01100));
  ASSERT_TRUE(dp.fib().upsert(kAny, g3, 0b11010));
  drain(dp);
  CountersSnapshot cs = dp.counters();
  dp.stop();
  auto r = [&](const DataSpec& s, PortIndex p) { return expected_replica(s, dp.port_mac(p)); };
  EXPECT_EQ(lab.output(1), (std::vector<Bytes>{r(a, 1), r(c, 1), r(d, 1)}));
  EXPECT_EQ(lab.output(2), (std::vector<Bytes>{r(a, 2), r(b, 2), r(d, 2)}));
  EXPECT_EQ(lab.output(3), (std::vector<Bytes>{r(b, 3), r(c, 3)}));
  EXPECT_EQ(lab.output(4), (std::vector<Bytes>{r(a, 4), r(c, 4), r(d, 4)}));
  EXPECT_EQ(cs.total.copies, 11u);
  EXPECT_EQ(cs.total.clones, 2u);  // c: two clones, its original to port 4
  EXPECT_EQ(cs.per_port[0].forwarded, 4u);
}

// Frames for one port take a short path (MACs rewritten in place, straight to TX) until
// the first frame of the burst that needs more: replicas, or trimming. Every port must
// still see its frames in arrival order, and bytes after the IPv6 payload (here an FCS a
// sender left on) never leave.
TEST(Replication, OnePortAndReplicatedFramesInOneBurstKeepArrivalOrder) {
  Lab lab(3);
  const Ipv6Address g3 = Ipv6Address::must_parse("ff05::db8:3");
  DataSpec a = spec(kS1, kG1, 64);  // port 1 only
  DataSpec b = spec(kS1, g3, 64);   // port 2 only
  DataSpec c = spec(kS1, kG2, 80);  // ports 1 and 2
  DataSpec d = spec(kS2, kG1, 90);  // port 1 only
  DataSpec e = spec(kS2, g3, 100);  // port 2 only, sent with 4 trailing bytes
  Bytes e_frame = data_frame(e);
  e_frame.insert(e_frame.end(), {0xde, 0xad, 0xbe, 0xef});
  DataSpec f = spec(kS1, kG1, 66);  // port 1 only, after everything else
  lab.set_input(
      0, {data_frame(a), data_frame(b), data_frame(c), data_frame(d), e_frame, data_frame(f)});
  Dataplane dp;
  bring_up(dp, lab.config());
  ASSERT_TRUE(dp.fib().upsert(kAny, kG1, 0b010));
  ASSERT_TRUE(dp.fib().upsert(kAny, g3, 0b100));
  ASSERT_TRUE(dp.fib().upsert(kAny, kG2, 0b110));
  drain(dp);
  CountersSnapshot cs = dp.counters();
  dp.stop();
  auto r = [&](const DataSpec& s, PortIndex p) { return expected_replica(s, dp.port_mac(p)); };
  EXPECT_EQ(lab.output(1), (std::vector<Bytes>{r(a, 1), r(c, 1), r(d, 1), r(f, 1)}));
  EXPECT_EQ(lab.output(2), (std::vector<Bytes>{r(b, 2), r(c, 2), r(e, 2)}));
  EXPECT_EQ(cs.per_port[1].copies, 4u);
  EXPECT_EQ(cs.per_port[2].copies, 3u);
  EXPECT_EQ(cs.per_port[0].forwarded, 6u);
}

// A copy that finds the packet pool empty is dropped and counted on its egress port
// (mbuf_alloc_failed); the packet's original still leaves on its last port, and nothing
// else breaks. The test takes every free mbuf out of the pool (one-lcore mode: the same
// lcore cache the worker uses) and gives back exactly one per ingress frame, which net_pcap
// takes to receive them.
TEST(Replication, CopiesThatFindThePoolEmptyAreCountedAndOriginalsStillLeave) {
  Lab lab(3);
  DataSpec a = spec(kS1, kG1, 64);
  DataSpec b = spec(kS2, kG1, 70);
  DataSpec c = spec(kS1, kG1, 80);
  lab.set_input(0, {data_frame(a), data_frame(b), data_frame(c)});
  Dataplane dp;
  bring_up(dp, lab.config());
  ASSERT_TRUE(dp.fib().upsert(kAny, kG1, 0b110));  // copies to port 1, originals to port 2
  rte_mempool* pool = rte_mempool_lookup("tandem_pkt");
  ASSERT_NE(pool, nullptr);
  std::vector<void*> held;
  for (void* obj = nullptr; rte_mempool_get(pool, &obj) == 0;) held.push_back(obj);
  ASSERT_GE(held.size(), 3u);
  rte_mempool_put_bulk(pool, held.data() + held.size() - 3, 3);
  held.resize(held.size() - 3);
  drain(dp);
  CountersSnapshot cs = dp.counters();
  rte_mempool_put_bulk(pool, held.data(), static_cast<unsigned>(held.size()));
  dp.stop();
  auto r = [&](const DataSpec& s, PortIndex p) { return expected_replica(s, dp.port_mac(p)); };
  EXPECT_TRUE(lab.output(1).empty());
  EXPECT_EQ(lab.output(2), (std::vector<Bytes>{r(a, 2), r(b, 2), r(c, 2)}));
  EXPECT_EQ(cs.per_port[1].drop(DropReason::mbuf_alloc_failed), 3u);
  EXPECT_EQ(cs.per_port[0].rx, 3u);
  EXPECT_EQ(cs.per_port[0].forwarded, 3u);
}

TEST(Replication, ClonePathForEverySizeWhenThresholdIsZeroBytes) {
  Lab lab(3);
  DataSpec a = spec(kS1, kG1, 64);
  DataSpec b = spec(kS1, kG1, 300);
  lab.set_input(0, {data_frame(a), data_frame(b)});
  DataplaneConfig cfg = lab.config();
  cfg.clone_threshold_bytes = 1;  // every frame is longer: always clone
  Dataplane dp;
  bring_up(dp, cfg);
  ASSERT_TRUE(dp.fib().upsert(kAny, kG1, 0b110));
  drain(dp);
  CountersSnapshot c = dp.counters();
  dp.stop();
  for (PortIndex p = 1; p <= 2; ++p) {
    EXPECT_EQ(lab.output(p), (std::vector<Bytes>{expected_replica(a, dp.port_mac(p)),
                                                 expected_replica(b, dp.port_mac(p))}));
  }
  EXPECT_EQ(c.total.clones, 2u);
  EXPECT_EQ(c.total.copies, 4u);
}

TEST(Rpf, DataOnInterfaceNotMarkedUpstreamIsDropped) {
  Lab lab(2);
  lab.set_input(1, {data_frame(spec(kS1, kG1)), data_frame(spec(kS1, kG1))});
  Dataplane dp;
  bring_up(dp, lab.config(/*upstream_mask=*/0b01));
  ASSERT_TRUE(dp.fib().upsert(kAny, kG1, 0b11));
  drain(dp);
  CountersSnapshot c = dp.counters();
  dp.stop();
  EXPECT_TRUE(lab.output(0).empty());
  EXPECT_TRUE(lab.output(1).empty());
  EXPECT_EQ(c.per_port[1].drop(DropReason::rpf_fail), 2u);
}

TEST(HopLimit, FramesWithHopLimitOneOrZeroExpireOthersLeaveDecremented) {
  Lab lab(2);
  DataSpec h2 = spec(kS1, kG1, 64, 2);
  lab.set_input(
      0, {data_frame(spec(kS1, kG1, 64, 1)), data_frame(spec(kS1, kG1, 64, 0)), data_frame(h2)});
  Dataplane dp;
  bring_up(dp, lab.config());
  ASSERT_TRUE(dp.fib().upsert(kAny, kG1, 0b10));
  drain(dp);
  CountersSnapshot c = dp.counters();
  dp.stop();
  EXPECT_EQ(lab.output(1), (std::vector<Bytes>{expected_replica(h2, dp.port_mac(1))}));
  EXPECT_EQ(c.per_port[0].drop(DropReason::hop_limit_expired), 2u);
}

TEST(Gate, ClosedGateSendsNothingOpenGateForwards) {
  Lab lab(3);
  DataSpec d = spec(kS1, kG1);
  lab.set_input(0, {data_frame(d)});
  Dataplane dp;
  bring_up(dp, lab.config());
  ASSERT_TRUE(dp.fib().upsert(kAny, kG1, 0b110));
  dp.fib().set_gate(1, false);
  EXPECT_FALSE(dp.fib().gate(1));
  drain(dp);
  dp.stop();
  EXPECT_TRUE(lab.output(1).empty());
  EXPECT_EQ(lab.output(2), (std::vector<Bytes>{expected_replica(d, dp.port_mac(2))}));
}

TEST(Gate, AllEgressGatesClosedCountsNoEgress) {
  Lab lab(2);
  lab.set_input(0, {data_frame(spec(kS1, kG1))});
  Dataplane dp;
  bring_up(dp, lab.config());
  ASSERT_TRUE(dp.fib().upsert(kAny, kG1, 0b10));
  dp.fib().set_gate(1, false);
  drain(dp);
  CountersSnapshot c = dp.counters();
  dp.stop();
  EXPECT_TRUE(lab.output(1).empty());
  EXPECT_EQ(c.per_port[0].drop(DropReason::no_egress), 1u);
}

// A burst whose frames share one port is looked up and forwarded in one loop until a frame
// with another fate; here the run is broken by a frame without a route, then by a group
// with source-specific entries, and the first port's run goes on afterwards. Every frame
// must still reach exactly its port, in arrival order, and the unrouted one be counted.
TEST(Lookup, OnePortRunStopsAtAFrameWithAnotherFateAndTheRestKeepsOrder) {
  Lab lab(3);
  const Ipv6Address unrouted = Ipv6Address::must_parse("ff05::db8:99");
  DataSpec a = spec(kS1, kG1, 64);       // (*,G1): port 1
  DataSpec b = spec(kS2, kG1, 70);       // port 1
  DataSpec x = spec(kS1, unrouted, 72);  // no route
  DataSpec c = spec(kS2, kG1, 80);       // port 1
  DataSpec d = spec(kS1, kG2, 84);       // (S1,G2): port 1
  DataSpec e = spec(kS2, kG2, 88);       // (*,G2): port 2
  DataSpec f = spec(kS1, kG1, 90);       // port 1
  lab.set_input(0, {data_frame(a), data_frame(b), data_frame(x), data_frame(c), data_frame(d),
                    data_frame(e), data_frame(f)});
  Dataplane dp;
  bring_up(dp, lab.config());
  ASSERT_TRUE(dp.fib().upsert(kAny, kG1, 0b010));
  ASSERT_TRUE(dp.fib().upsert(kS1, kG2, 0b010));
  ASSERT_TRUE(dp.fib().upsert(kAny, kG2, 0b100));
  drain(dp);
  CountersSnapshot cs = dp.counters();
  dp.stop();
  auto r = [&](const DataSpec& s, PortIndex p) { return expected_replica(s, dp.port_mac(p)); };
  EXPECT_EQ(lab.output(1), (std::vector<Bytes>{r(a, 1), r(b, 1), r(c, 1), r(d, 1), r(f, 1)}));
  EXPECT_EQ(lab.output(2), (std::vector<Bytes>{r(e, 2)}));
  EXPECT_EQ(cs.per_port[0].drop(DropReason::no_route), 1u);
  EXPECT_EQ(cs.per_port[0].forwarded, 6u);
  EXPECT_EQ(cs.per_port[1].copies, 5u);
}

TEST(Lookup, SourceSpecificEntryTakesPrecedenceOverStarG) {
  Lab lab(3);
  DataSpec from_s1 = spec(kS1, kG1);
  DataSpec from_s2 = spec(kS2, kG1);
  DataSpec other_group = spec(kS1, kG2);
  lab.set_input(0, {data_frame(from_s1), data_frame(from_s2), data_frame(other_group)});
  Dataplane dp;
  bring_up(dp, lab.config());
  ASSERT_TRUE(dp.fib().upsert(kS1, kG1, 0b010));
  ASSERT_TRUE(dp.fib().upsert(kAny, kG1, 0b100));
  drain(dp);
  CountersSnapshot c = dp.counters();
  dp.stop();
  EXPECT_EQ(lab.output(1), (std::vector<Bytes>{expected_replica(from_s1, dp.port_mac(1))}));
  EXPECT_EQ(lab.output(2), (std::vector<Bytes>{expected_replica(from_s2, dp.port_mac(2))}));
  EXPECT_EQ(c.per_port[0].drop(DropReason::no_route), 1u);
}

TEST(Lookup, SourceOnlyGroupForwardsListedSourceAndDropsOthersAsNoRoute) {
  // INCLUDE-only (SSM) group: (S1,G) exists, (*,G) does not.
  Lab lab(2);
  DataSpec from_s1 = spec(kS1, kG2);
  DataSpec from_s2 = spec(kS2, kG2);
  lab.set_input(0, {data_frame(from_s1), data_frame(from_s2)});
  Dataplane dp;
  bring_up(dp, lab.config());
  ASSERT_TRUE(dp.fib().upsert(kS1, kG2, 0b10));
  EXPECT_EQ(dp.fib().size(), 1u);
  drain(dp);
  CountersSnapshot c = dp.counters();
  // Removing the last (S,G) also removes the group's marker; every object is reclaimed
  // (one-lcore mode: the worker is offline between polls).
  EXPECT_TRUE(dp.fib().remove(kS1, kG2));
  EXPECT_FALSE(dp.fib().remove(kS1, kG2));
  EXPECT_EQ(dp.fib().size(), 0u);
  EXPECT_EQ(dp.fib().reclaim(), 0u);
  dp.stop();
  EXPECT_EQ(lab.output(1), (std::vector<Bytes>{expected_replica(from_s1, dp.port_mac(1))}));
  EXPECT_EQ(c.per_port[0].drop(DropReason::no_route), 1u);
}

TEST(Filter, IncludeAndExcludeListsResolveIntoSourceSpecificEntries) {
  // Port 1 INCLUDE{S1}, port 2 EXCLUDE{S1}, port 3 EXCLUDE{} (RFC 3810 §7.2.1).
  std::vector<InterfaceFilter> f{{1, false, {kS1}}, {2, true, {kS1}}, {3, true, {}}};
  std::vector<ResolvedEntry> entries = resolve_group(f);
  Lab lab(4);
  DataSpec from_s1 = spec(kS1, kG1);
  DataSpec from_s2 = spec(kS2, kG1);
  lab.set_input(0, {data_frame(from_s1), data_frame(from_s2)});
  Dataplane dp;
  bring_up(dp, lab.config());
  for (const ResolvedEntry& e : entries) ASSERT_TRUE(dp.fib().upsert(e.source, kG1, e.egress));
  drain(dp);
  dp.stop();
  EXPECT_EQ(lab.output(1), (std::vector<Bytes>{expected_replica(from_s1, dp.port_mac(1))}));
  EXPECT_EQ(lab.output(2), (std::vector<Bytes>{expected_replica(from_s2, dp.port_mac(2))}));
  EXPECT_EQ(lab.output(3), (std::vector<Bytes>{expected_replica(from_s1, dp.port_mac(3)),
                                               expected_replica(from_s2, dp.port_mac(3))}));
}

// Link-scope and unicast destinations are never forwarded, not even amid a run of routed
// frames; the FIB refuses such groups outright (the one-port run relies on that).
TEST(Classify, LinkScopeAndUnicastAreNotForwarded) {
  Lab lab(2);
  const Ipv6Address link_group = Ipv6Address::must_parse("ff02::1:3");
  const Ipv6Address unicast = Ipv6Address::must_parse("2001:db8:9::1");
  DataSpec a = spec(kS1, kG1, 64);
  DataSpec link = spec(kS1, link_group);
  DataSpec uni = spec(kS1, unicast);
  DataSpec b = spec(kS2, kG1, 70);
  Bytes arp(60, 0);
  arp[12] = 0x08;
  arp[13] = 0x06;
  lab.set_input(0, {data_frame(a), data_frame(link), data_frame(uni), arp, data_frame(b)});
  Dataplane dp;
  bring_up(dp, lab.config());
  ASSERT_TRUE(dp.fib().upsert(kAny, kG1, 0b10));
  EXPECT_FALSE(dp.fib().upsert(kAny, link_group, 0b10));
  EXPECT_FALSE(dp.fib().upsert(kS1, link_group, 0b10));
  EXPECT_FALSE(dp.fib().upsert(kAny, unicast, 0b10));
  EXPECT_FALSE(dp.fib().upsert(kAny, Ipv6Address::must_parse("ff01::1:3"), 0b10));
  EXPECT_TRUE(dp.fib().upsert(kAny, Ipv6Address::must_parse("ff03::1:3"), 0b10));
  drain(dp);
  CountersSnapshot c = dp.counters();
  dp.stop();
  auto r = [&](const DataSpec& s) { return expected_replica(s, dp.port_mac(1)); };
  EXPECT_EQ(lab.output(1), (std::vector<Bytes>{r(a), r(b)}));
  EXPECT_EQ(c.per_port[0].drop(DropReason::not_forwardable), 1u);
  EXPECT_EQ(c.per_port[0].drop(DropReason::not_for_us), 1u);
  EXPECT_EQ(c.per_port[0].drop(DropReason::not_ipv6), 1u);
}

std::vector<Bytes> control_frames() {
  MacAddress mac = *MacAddress::parse("02:00:00:00:00:bb");
  Ipv6Address ll = Ipv6Address::must_parse("fe80::2");
  wire::MldRecordSpec rec;
  rec.type = wire::MldRecordType::is_ex;
  rec.group = kG1;
  wire::VrrpAdvertSpec adv;
  adv.addresses = {Ipv6Address::must_parse("fe80::1")};
  wire::BfdControl bfd;
  bfd.my_disc = 1;
  wire::L2L3Spec ns;
  ns.src_mac = mac;
  ns.src = ll;
  ns.dst = Ipv6Address::must_parse("fe80::1").solicited_node();
  ns.hop_limit = 255;
  std::vector<uint8_t> ns_body(24, 0);
  ns_body[0] = 135;
  std::copy_n(Ipv6Address::must_parse("fe80::1").bytes.begin(), 16, ns_body.begin() + 8);
  return {wire::build_mld_v2_report_frame(mac, ll, {rec}), wire::build_vrrp_advert_frame(ll, adv),
          wire::build_bfd_frame(mac, *MacAddress::parse("02:00:00:00:00:01"),
                                Ipv6Address::must_parse("2001:db8:20::2"),
                                Ipv6Address::must_parse("2001:db8:20::1"), 49152, bfd),
          wire::build_icmpv6_frame(ns, ns_body)};
}

// The one-port run also stops at the first frame that is not plain UDP multicast: padded,
// control traffic, expiring, tagged. Those take the general steps, and every frame after
// them, plain again or not, must keep its place and be treated as on its own.
TEST(Lookup, OnePortRunStopsAtAFrameThatIsNotPlainAndTheRestKeepsOrder) {
  Lab lab(2);
  DataSpec a = spec(kS1, kG1, 64);
  DataSpec padded = spec(kS2, kG1, 70);  // sent with 4 trailing bytes
  Bytes padded_frame = data_frame(padded);
  padded_frame.insert(padded_frame.end(), {0xde, 0xad, 0xbe, 0xef});
  const Bytes mld = control_frames()[0];
  DataSpec expiring = spec(kS1, kG1, 72, 1);
  DataSpec tagged = spec(kS2, kG1, 80);
  tagged.vlan = true;
  DataSpec b = spec(kS1, kG1, 84);
  lab.set_input(0, {data_frame(a), padded_frame, mld, data_frame(expiring), data_frame(tagged),
                    data_frame(b)});
  Dataplane dp;
  bring_up(dp, lab.config());
  ASSERT_TRUE(dp.fib().upsert(kAny, kG1, 0b10));
  drain(dp);
  CountersSnapshot cs = dp.counters();
  dp.stop();
  auto r = [&](const DataSpec& s) { return expected_replica(s, dp.port_mac(1)); };
  EXPECT_EQ(lab.output(1), (std::vector<Bytes>{r(a), r(padded), r(tagged), r(b)}));
  EXPECT_EQ(cs.per_port[0].punted, 1u);
  EXPECT_EQ(cs.per_port[0].drop(DropReason::hop_limit_expired), 1u);
  EXPECT_EQ(cs.per_port[0].forwarded, 4u);
}

TEST(Punt, MldVrrpBfdAndNdReachTheControlCoreWithPortAndClass) {
  Lab lab(2);
  std::vector<Bytes> frames = control_frames();
  lab.set_input(1, frames);
  Dataplane dp;
  bring_up(dp, lab.config());
  drain(dp);
  std::vector<std::pair<PuntClass, Bytes>> got;
  std::vector<PortIndex> ports;
  dp.poll_punts(100, [&](const PuntedFrame& f) {
    got.emplace_back(f.cls, Bytes(f.bytes.begin(), f.bytes.end()));
    ports.push_back(f.port);
  });
  CountersSnapshot c = dp.counters();
  dp.stop();
  ASSERT_EQ(got.size(), 4u);
  std::vector<PuntClass> want{PuntClass::mld, PuntClass::vrrp, PuntClass::bfd, PuntClass::nd};
  for (size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(got[i].first, want[i]) << i;
    EXPECT_EQ(got[i].second, frames[i]) << i;
    EXPECT_EQ(ports[i], 1);
    EXPECT_EQ(c.per_port[1].punted_by_class[i], 1u);
  }
  EXPECT_EQ(c.per_port[1].punted, 4u);
}

TEST(Punt, RingOverflowIsCountedAndNeverBlocks) {
  Lab lab(1);
  Bytes mld = control_frames()[0];
  lab.set_input(0, std::vector<Bytes>(100, mld));
  DataplaneConfig cfg = lab.config();
  cfg.punt_queue_size = 16;
  cfg.policer.rate_pps = {0, 0, 0, 0};  // unlimited: only the ring limits
  cfg.policer.per_source_rate_pps = {0, 0, 0, 0};
  Dataplane dp;
  bring_up(dp, cfg);
  drain(dp);
  CountersSnapshot c = dp.counters();
  size_t n = dp.poll_punts(1000, [](const PuntedFrame&) {});
  dp.stop();
  EXPECT_EQ(n, 16u);
  EXPECT_EQ(c.per_port[0].punted, 16u);
  EXPECT_EQ(c.per_port[0].drop(DropReason::punt_ring_full), 84u);
}

TEST(Punt, PolicerLimitsEachClassPerPort) {
  Lab lab(1);
  std::vector<Bytes> frames = control_frames();
  std::vector<Bytes> in;
  for (int i = 0; i < 50; ++i) in.push_back(frames[0]);  // MLD flood
  in.push_back(frames[2]);                               // one BFD behind it
  lab.set_input(0, in);
  DataplaneConfig cfg = lab.config();
  cfg.policer.rate_pps = {1, 1, 1, 1};  // a token a second: only the burst passes
  cfg.policer.burst = {10, 10, 10, 10};
  Dataplane dp;
  bring_up(dp, cfg);
  drain(dp);
  CountersSnapshot c = dp.counters();
  dp.stop();
  EXPECT_EQ(c.per_port[0].punted_by_class[0], 10u);
  EXPECT_EQ(c.per_port[0].policed_by_class[0], 40u);
  EXPECT_EQ(c.per_port[0].punted_by_class[2], 1u);
  EXPECT_EQ(c.per_port[0].drop(DropReason::punt_policed), 40u);
}

// A host flooding MLD reports takes at most its per-source share of the MLD class; the
// other hosts' reports on the same port still reach the control core.
TEST(Punt, OneFloodingHostDoesNotStarveTheOtherHostsReports) {
  Lab lab(1);
  MacAddress mac = *MacAddress::parse("02:00:00:00:00:bb");
  wire::MldRecordSpec rec;
  rec.type = wire::MldRecordType::is_ex;
  rec.group = kG1;
  const Ipv6Address flooder = Ipv6Address::must_parse("fe80::2");
  const std::vector<Ipv6Address> hosts = {Ipv6Address::must_parse("fe80::3"),
                                          Ipv6Address::must_parse("fe80::4"),
                                          Ipv6Address::must_parse("fe80::5")};
  for (const Ipv6Address& h : hosts) {
    ASSERT_NE(punt_source_bucket(h.bytes.data()), punt_source_bucket(flooder.bytes.data()));
  }
  std::vector<Bytes> in(600, wire::build_mld_v2_report_frame(mac, flooder, {rec}));
  for (const Ipv6Address& h : hosts) in.push_back(wire::build_mld_v2_report_frame(mac, h, {rec}));
  lab.set_input(0, in);
  DataplaneConfig cfg = lab.config();  // default policer: class 2000 pps burst 256
  ASSERT_EQ(cfg.policer.per_source_burst[0], 32u);
  Dataplane dp;
  bring_up(dp, cfg);
  drain(dp);
  std::map<Ipv6Address, int> punted;
  dp.poll_punts(1000, [&](const PuntedFrame& f) { ++punted[wire::parse_frame(f.bytes).src]; });
  CountersSnapshot c = dp.counters();
  dp.stop();
  // The flooder: its burst of 32 plus what its 200 pps refill gave during the run.
  EXPECT_GE(punted[flooder], 32);
  EXPECT_LE(punted[flooder], 40);
  for (const Ipv6Address& h : hosts) EXPECT_EQ(punted[h], 1) << h.to_string();
  EXPECT_EQ(c.per_port[0].policed_by_class[0] + c.per_port[0].punted_by_class[0], 603u);
}

TEST(Inject, ControlFramesLeaveOnTheRequestedPort) {
  Lab lab(2);
  Dataplane dp;
  bring_up(dp, lab.config());
  Bytes f = control_frames()[1];
  EXPECT_TRUE(dp.inject(1, f));
  EXPECT_FALSE(dp.inject(7, f));
  CountersSnapshot c = dp.counters();
  dp.stop();
  EXPECT_EQ(lab.output(1), (std::vector<Bytes>{f}));
  EXPECT_TRUE(lab.output(0).empty());
  EXPECT_EQ(c.per_port[1].tx, 1u);
}

TEST(Counters, ResetKeepsABaselineAndLinkIsReported) {
  Lab lab(2);
  lab.set_input(0, {data_frame(spec(kS1, kG1))});
  Dataplane dp;
  bring_up(dp, lab.config());
  drain(dp);
  EXPECT_EQ(dp.counters().per_port[0].rx, 1u);
  dp.reset_counters();
  EXPECT_EQ(dp.counters().per_port[0].rx, 0u);
  EXPECT_EQ(dp.counters().per_port[0].drop(DropReason::no_route), 0u);
  EXPECT_TRUE(dp.link_status(0).up);
  dp.stop();
}

// A worker lcore forwards a steady group while the control core churns thousands of other
// entries, replaces the steady group's egress set back and forth and flips an unrelated
// gate: not one frame of the steady group may be lost or misdirected.
TEST(FibUpdate, UnrelatedGroupsKeepFlowingWhileTheFibChurns) {
  Lab lab(3, "0-1");
  const Ipv6Address steady = kG1;
  const Ipv6Address churned = kG2;
  constexpr int kFrames = 200000;
  std::vector<Bytes> in;
  for (int i = 0; i < kFrames; ++i) {
    in.push_back(data_frame(spec(kS1, (i % 2) == 0 ? steady : churned, 40)));
  }
  lab.set_input(0, in);
  Dataplane dp;
  bring_up(dp, lab.config(), /*start=*/false);
  ASSERT_FALSE(dp.one_lcore_mode());
  ASSERT_TRUE(dp.fib().upsert(kAny, steady, 0b010));
  dp.start();
  uint64_t rounds = 0;
  uint64_t rounds_under_traffic = 0;
  for (;;) {
    uint64_t rx = dp.counters().per_port[0].rx;
    if (rx >= static_cast<uint64_t>(kFrames) && rounds >= 20) break;
    if (rx > 0 && rx < static_cast<uint64_t>(kFrames)) ++rounds_under_traffic;
    // Other groups come and go; the steady one is rewritten with the same and other sets.
    for (int k = 0; k < 200; ++k) {
      Ipv6Address g = Ipv6Address::must_parse("ff05::1:0");
      g.bytes[13] = static_cast<uint8_t>(k);
      g.bytes[12] = static_cast<uint8_t>(rounds & 0xff);
      ASSERT_TRUE(dp.fib().upsert(kAny, g, 0b110));
      ASSERT_TRUE(dp.fib().upsert(kS2, g, 0b100));
    }
    for (int k = 0; k < 200; ++k) {
      Ipv6Address g = Ipv6Address::must_parse("ff05::1:0");
      g.bytes[13] = static_cast<uint8_t>(k);
      g.bytes[12] = static_cast<uint8_t>(rounds & 0xff);
      ASSERT_TRUE(dp.fib().remove(kAny, g));
      ASSERT_TRUE(dp.fib().remove(kS2, g));
    }
    if ((rounds & 1) != 0) {
      ASSERT_TRUE(dp.fib().upsert(kAny, churned, 0b100));
    } else {
      dp.fib().remove(kAny, churned);
    }
    ASSERT_TRUE(dp.fib().upsert(kAny, steady, (rounds & 1) ? 0b110 : 0b010));
    ASSERT_TRUE(dp.fib().upsert(kAny, steady, 0b010));
    dp.fib().set_gate(2, (rounds & 2) != 0);
    dp.fib().reclaim();
    ++rounds;
  }
  // Let the last frames through, then make sure every retired object was freed.
  for (int i = 0; i < 1000 && dp.fib().reclaim() != 0; ++i) usleep(100);
  EXPECT_EQ(dp.fib().reclaim(), 0u);
  usleep(20000);
  CountersSnapshot c = dp.counters();
  dp.stop();
  std::vector<Bytes> out1 = lab.output(1);
  Bytes want = expected_replica(spec(kS1, steady, 40), dp.port_mac(1));
  size_t steady_out = static_cast<size_t>(std::count(out1.begin(), out1.end(), want));
  EXPECT_EQ(steady_out, static_cast<size_t>(kFrames / 2)) << "after " << rounds << " rounds";
  EXPECT_EQ(c.per_port[0].rx, static_cast<uint64_t>(kFrames));
  EXPECT_EQ(c.total.drop(DropReason::mbuf_alloc_failed), 0u);
  RecordProperty("churn_rounds_under_traffic", static_cast<int>(rounds_under_traffic));
}

// At full load the worker reads the clock only once per kFramesPerClockRead frames, yet a
// port that gets a frame now and then must still see it leave within the drain interval,
// not when its TX buffer fills. Port 0 replays 4,096 frames forever (net_pcap infinite_rx:
// every RX burst is full); one frame in each pass goes to port 2. Flushes by size send 32 at
// once, so a port-2 count of 2 or more that is not a multiple of 32, seen before stop(),
// proves timed flushes beyond the first one.
TEST(TxDrain, RareFramesLeaveWhileAnotherPortRunsAtFullLoad) {
  Lab lab(3, "0-1");
  constexpr int kFrames = 4096;
  std::vector<Bytes> in;
  for (int i = 0; i < kFrames; ++i) {
    in.push_back(data_frame(spec(kS1, i == 0 ? kG2 : kG1, 40)));
  }
  lab.set_input(0, in);
  DataplaneConfig cfg = lab.config();
  cfg.ports[0].device += ",infinite_rx=1";
  cfg.extra_mbufs = kFrames;  // net_pcap keeps its replay copies in the port's pool
  Dataplane dp;
  bring_up(dp, cfg, /*start=*/false);
  ASSERT_FALSE(dp.one_lcore_mode());
  ASSERT_TRUE(dp.fib().upsert(kAny, kG1, 0b010));
  ASSERT_TRUE(dp.fib().upsert(kAny, kG2, 0b100));
  dp.start();
  uint64_t rare_tx = 0;
  uint64_t rx = 0;
  bool timed_flush = false;
  for (int i = 0; i < 20000 && !timed_flush; ++i) {  // 2 s at most
    usleep(100);
    CountersSnapshot c = dp.counters();
    rare_tx = c.per_port[2].tx;
    rx = c.per_port[0].rx;
    timed_flush = rare_tx >= 2 && rare_tx % kBurst != 0;
  }
  dp.stop();
  EXPECT_TRUE(timed_flush) << "port 2 sent " << rare_tx << " frames, only in full bursts, after "
                           << rx << " frames in";
  EXPECT_GT(rx, static_cast<uint64_t>(kFrames));
}

}  // namespace
}  // namespace tandem::dataplane::test
