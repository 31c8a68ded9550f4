// Data-plane behaviour on net_pcap vdevs: frames in through rx_pcap, exact frames out
// through tx_pcap. Each scenario runs in its own process (meson registers one test per
// --gtest_filter) because EAL can be initialised once per process.
#include <gtest/gtest.h>
#include <rte_mempool.h>

#include <algorithm>
#include <map>

#include "control/wire/frame.h"
#include "dataplane/dataplane.h"
#include "dataplane/fib.h"
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

// Punted frames taken from the data plane, counted by IPv6 source.
std::map<Ipv6Address, int> punts_by_source(Dataplane& dp) {
  std::map<Ipv6Address, int> n;
  dp.poll_punts(10000, [&](const PuntedFrame& f) { ++n[wire::parse_frame(f.bytes).src]; });
  return n;
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

// ---- PIM-SM: per-entry RPF interface, source notifications, data punts ----

FibRoute pim_route(PortMask egress, PortIndex iif, bool notify = false) {
  return FibRoute{egress, iif, notify};
}

struct Punt {
  PortIndex port;
  PuntClass cls;
  Bytes bytes;
  bool operator==(const Punt&) const = default;
};
std::vector<Punt> take_punts(Dataplane& dp) {
  std::vector<Punt> out;
  dp.poll_punts(10000, [&](const PuntedFrame& f) {
    out.push_back(Punt{f.port, f.cls, Bytes(f.bytes.begin(), f.bytes.end())});
  });
  return out;
}

// An entry's RPF interface accepts its frames and no other port does (rpf_fail), while a
// static upstream port accepts every entry's frames. The frames on the RPF interface take
// the one-pass run too (a run broken by a frame whose entry names another interface, and
// going on after it), and RPF is judged before the hop limit.
TEST(Rpf, EntryIifAcceptsItsPortOnlyAndStaticUpstreamAcceptsEveryEntry) {
  Lab lab(4);
  const Ipv6Address g3 = Ipv6Address::must_parse("ff05::db8:3");
  const Ipv6Address unrouted = Ipv6Address::must_parse("ff05::db8:99");
  DataSpec a = spec(kS1, kG1, 64), b = spec(kS2, kG1, 66), x = spec(kS1, kG2, 68);
  DataSpec c = spec(kS1, kG1, 70), d = spec(kS2, kG1, 72);
  DataSpec expiring = spec(kS1, kG1, 74, 1), none = spec(kS1, unrouted, 76);
  DataSpec no_iif = spec(kS1, g3, 78);
  // Port 1 is G1's RPF interface; port 2 is G2's; G3 has none; port 0 is a static upstream.
  lab.set_input(1, {data_frame(a), data_frame(b), data_frame(x), data_frame(c), data_frame(d),
                    data_frame(expiring), data_frame(none), data_frame(no_iif)});
  lab.set_input(2, {data_frame(a), data_frame(spec(kS2, kG1, 80, 1))});
  lab.set_input(0, {data_frame(b), data_frame(x), data_frame(no_iif)});
  Dataplane dp;
  bring_up(dp, lab.config(/*upstream_mask=*/0b0001));
  ASSERT_TRUE(dp.fib().upsert(kAny, kG1, pim_route(0b1000, 1)));
  ASSERT_TRUE(dp.fib().upsert(kAny, kG2, pim_route(0b1000, 2)));
  ASSERT_TRUE(dp.fib().upsert(kAny, g3, pim_route(0b1000, kNoIif)));
  drain(dp);
  CountersSnapshot cs = dp.counters();
  dp.stop();
  auto r = [&](const DataSpec& s) { return expected_replica(s, dp.port_mac(3)); };
  // Port 0's frames are polled first in each iteration, then port 1's.
  EXPECT_EQ(lab.output(3), (std::vector<Bytes>{r(b), r(x), r(no_iif), r(a), r(b), r(c), r(d)}));
  EXPECT_EQ(cs.per_port[0].forwarded, 3u);
  EXPECT_EQ(cs.per_port[1].forwarded, 4u);
  // x (G2 is port 2's), none (no entry: no RPF interface to match), no_iif (G3 has none).
  EXPECT_EQ(cs.per_port[1].drop(DropReason::rpf_fail), 3u);
  EXPECT_EQ(cs.per_port[1].drop(DropReason::hop_limit_expired), 1u);
  EXPECT_EQ(cs.per_port[1].drop(DropReason::no_route), 0u);
  // Both fail RPF, the expiring one too: RPF first.
  EXPECT_EQ(cs.per_port[2].drop(DropReason::rpf_fail), 2u);
  EXPECT_EQ(cs.per_port[2].drop(DropReason::hop_limit_expired), 0u);
  EXPECT_EQ(cs.per_port[1].punted + cs.per_port[2].punted, 0u);  // no set_rpf_notify
}

// The entry used is the (S,G) entry when there is one, with its own RPF interface; (S,G)
// entries that differ only in their RPF interface stay distinct (their EgressSet's identity
// holds the iif).
TEST(Rpf, SourceEntryIifOverridesStarEntryIif) {
  Lab lab(4);
  DataSpec s1_on_1 = spec(kS1, kG1, 64), s2_on_1 = spec(kS2, kG1, 66);
  DataSpec s1_on_2 = spec(kS1, kG1, 68), s2_on_2 = spec(kS2, kG1, 70);
  DataSpec g2_s2_on_1 = spec(kS2, kG2, 72), g2_s2_on_2 = spec(kS2, kG2, 74);
  lab.set_input(1, {data_frame(s1_on_1), data_frame(s2_on_1), data_frame(g2_s2_on_1)});
  lab.set_input(2, {data_frame(s1_on_2), data_frame(s2_on_2), data_frame(g2_s2_on_2)});
  Dataplane dp;
  bring_up(dp, lab.config(/*upstream_mask=*/0));
  ASSERT_TRUE(dp.fib().upsert(kAny, kG1, pim_route(0b1000, 1)));  // the RP tree: port 1
  ASSERT_TRUE(dp.fib().upsert(kS1, kG1, pim_route(0b1000, 2)));   // S1's tree: port 2
  ASSERT_TRUE(dp.fib().upsert(kS2, kG2, pim_route(0b1000, 1)));   // same ports, other iif
  drain(dp);
  CountersSnapshot cs = dp.counters();
  auto& fib = dynamic_cast<Fib&>(dp.fib());
  EXPECT_EQ(fib.route(kS1, kG1), pim_route(0b1000, 2));
  EXPECT_EQ(fib.route(kS2, kG2), pim_route(0b1000, 1));
  EXPECT_EQ(fib.route(kAny, kG1), pim_route(0b1000, 1));
  dp.stop();
  auto r = [&](const DataSpec& s) { return expected_replica(s, dp.port_mac(3)); };
  EXPECT_EQ(lab.output(3), (std::vector<Bytes>{r(s2_on_1), r(g2_s2_on_1), r(s1_on_2)}));
  EXPECT_EQ(cs.per_port[1].drop(DropReason::rpf_fail), 1u);  // S1 on the RP tree's port
  EXPECT_EQ(cs.per_port[2].drop(DropReason::rpf_fail), 2u);  // S2 to G1 and to G2
}

// A (*,G) entry with notify_sources: each frame forwarded on it (and matching no (S,G)
// entry) still leaves, and a copy of it as received goes to the control core as
// PuntClass::data. Not for an (S,G) match, an entry without the flag, or a frame that has no
// open egress port (not forwarded). The same on a PIM port with the entry's iif.
TEST(Notify, StarEntryThatNotifiesForwardsAndPuntsACopyAsReceived) {
  Lab lab(4);
  const Ipv6Address g3 = Ipv6Address::must_parse("ff05::db8:3");
  const Ipv6Address g4 = Ipv6Address::must_parse("ff05::db8:4");
  DataSpec a = spec(kS1, kG1, 64);    // (*,G1) notifies
  DataSpec b = spec(kS1, kG2, 66);    // (*,G2) does not
  DataSpec c = spec(kS1, g3, 68);     // (S1,G3) matches
  DataSpec d = spec(kS2, g3, 70);     // (*,G3) notifies
  DataSpec e = spec(kS2, g4, 72);     // (*,G4) notifies, its only port's gate closed
  DataSpec f = spec(kS2, kG1, 1300);  // a clone-sized frame, notified too
  DataSpec on_pim = spec(kS2, kG1, 76);
  lab.set_input(0, {data_frame(a), data_frame(b), data_frame(c), data_frame(d), data_frame(e),
                    data_frame(f)});
  lab.set_input(1, {data_frame(on_pim)});
  Dataplane dp;
  bring_up(dp, lab.config(/*upstream_mask=*/0b0001));
  ASSERT_TRUE(dp.fib().upsert(kAny, kG1, pim_route(0b0100, 1, true)));
  ASSERT_TRUE(dp.fib().upsert(kAny, kG2, pim_route(0b0100, kNoIif)));
  ASSERT_TRUE(dp.fib().upsert(kAny, g3, pim_route(0b0100, kNoIif, true)));
  ASSERT_TRUE(dp.fib().upsert(kS1, g3, pim_route(0b0100, kNoIif, true)));  // ignored on (S,G)
  ASSERT_TRUE(dp.fib().upsert(kAny, g4, pim_route(0b1000, kNoIif, true)));
  dp.fib().set_gate(3, false);
  drain(dp);
  std::vector<Punt> punts = take_punts(dp);
  CountersSnapshot cs = dp.counters();
  auto& fib = dynamic_cast<Fib&>(dp.fib());
  EXPECT_EQ(fib.route(kS1, g3), pim_route(0b0100, kNoIif, false));
  EXPECT_EQ(fib.route(kAny, g3), pim_route(0b0100, kNoIif, true));
  dp.stop();
  auto r = [&](const DataSpec& s) { return expected_replica(s, dp.port_mac(2)); };
  EXPECT_EQ(lab.output(2), (std::vector<Bytes>{r(a), r(b), r(c), r(d), r(f), r(on_pim)}));
  EXPECT_EQ(punts, (std::vector<Punt>{{0, PuntClass::data, data_frame(a)},
                                      {0, PuntClass::data, data_frame(d)},
                                      {0, PuntClass::data, data_frame(f)},
                                      {1, PuntClass::data, data_frame(on_pim)}}));
  EXPECT_EQ(cs.per_port[0].forwarded, 5u);
  EXPECT_EQ(cs.per_port[0].drop(DropReason::no_egress), 1u);
  EXPECT_EQ(cs.per_port[0].punted, 3u);
  EXPECT_EQ(cs.per_port[0].punted_by_class[static_cast<size_t>(PuntClass::data)], 3u);
  EXPECT_EQ(cs.per_port[1].forwarded, 1u);
  EXPECT_EQ(cs.per_port[1].punted_by_class[static_cast<size_t>(PuntClass::data)], 1u);
}

// On a port with set_rpf_notify, a frame that fails RPF goes to the control core as it came
// (PuntClass::data) and still counts as rpf_fail; a port without it only drops. A frame
// without any entry fails RPF on a PIM port too, so a first-hop router hears of a new
// source that way.
TEST(Rpf, FailuresOnAnRpfNotifyPortArePuntedAsDataAndCounted) {
  Lab lab(3);
  const Ipv6Address unrouted = Ipv6Address::must_parse("ff05::db8:99");
  DataSpec a = spec(kS1, kG1, 64);
  DataSpec b = spec(kS2, kG1, 66);
  DataSpec tagged = spec(kS1, kG1, 68);
  tagged.vlan = true;
  DataSpec new_source = spec(kS2, unrouted, 70);
  lab.set_input(0, {data_frame(a), data_frame(b), data_frame(tagged), data_frame(new_source)});
  lab.set_input(1, {data_frame(a), data_frame(b)});
  Dataplane dp;
  bring_up(dp, lab.config(/*upstream_mask=*/0));
  ASSERT_TRUE(dp.fib().upsert(kAny, kG1, pim_route(0b100, 2)));
  dp.fib().set_rpf_notify(0, true);
  EXPECT_TRUE(dynamic_cast<Fib&>(dp.fib()).rpf_notify(0));
  EXPECT_FALSE(dynamic_cast<Fib&>(dp.fib()).rpf_notify(1));
  drain(dp);
  std::vector<Punt> punts = take_punts(dp);
  CountersSnapshot cs = dp.counters();
  dp.stop();
  EXPECT_TRUE(lab.output(2).empty());
  EXPECT_EQ(punts, (std::vector<Punt>{{0, PuntClass::data, data_frame(a)},
                                      {0, PuntClass::data, data_frame(b)},
                                      {0, PuntClass::data, data_frame(tagged)},
                                      {0, PuntClass::data, data_frame(new_source)}}));
  EXPECT_EQ(cs.per_port[0].drop(DropReason::rpf_fail), 4u);
  EXPECT_EQ(cs.per_port[0].punted, 4u);
  EXPECT_EQ(cs.per_port[0].punted_by_class[static_cast<size_t>(PuntClass::data)], 4u);
  EXPECT_EQ(cs.per_port[1].drop(DropReason::rpf_fail), 2u);
  EXPECT_EQ(cs.per_port[1].punted, 0u);
}

// PIM messages (next header 103) reach the control core as PuntClass::pim on any port,
// upstream or not, to ff02::d or to a unicast address (Register).
TEST(Punt, PimMessagesArePuntedAsPim) {
  Lab lab(2);
  const std::vector<uint8_t> hello_body = {0x20, 0, 0, 0, 0, 1, 0, 2, 0, 105};
  wire::L2L3Spec l;
  l.src_mac = *MacAddress::parse("02:00:00:00:00:bb");
  l.src = Ipv6Address::must_parse("fe80::2");
  l.dst = Ipv6Address::must_parse("ff02::d");
  l.hop_limit = 1;
  const Bytes hello = wire::build_pim_frame(l, hello_body);
  l.dst = Ipv6Address::must_parse("2001:db8::1");
  l.src = kS1;
  l.hop_limit = 64;
  const Bytes unicast = wire::build_pim_frame(l, hello_body);
  lab.set_input(0, {hello, unicast});
  lab.set_input(1, {hello});
  Dataplane dp;
  bring_up(dp, lab.config(/*upstream_mask=*/0b01));
  drain(dp);
  std::vector<Punt> punts = take_punts(dp);
  CountersSnapshot cs = dp.counters();
  dp.stop();
  EXPECT_EQ(punts, (std::vector<Punt>{{0, PuntClass::pim, hello},
                                      {0, PuntClass::pim, unicast},
                                      {1, PuntClass::pim, hello}}));
  EXPECT_EQ(cs.per_port[0].punted_by_class[static_cast<size_t>(PuntClass::pim)], 2u);
  EXPECT_EQ(cs.per_port[1].punted_by_class[static_cast<size_t>(PuntClass::pim)], 1u);
}

// The data class is policed per port like every class: notify copies on one port, RPF
// failures on another, each held to the class's burst. Policed frames count punt_policed
// (the RPF failures rpf_fail as well); the originals of the copies still leave.
TEST(Punt, DataClassIsPolicedPerPort) {
  Lab lab(3);
  constexpr size_t kData = static_cast<size_t>(PuntClass::data);
  std::vector<Bytes> notified, failing;
  for (int i = 0; i < 50; ++i) {
    notified.push_back(data_frame(spec(kS1, kG1, 40 + i)));
    failing.push_back(data_frame(spec(kS2, kG1, 40 + i)));
  }
  lab.set_input(0, notified);
  lab.set_input(1, failing);
  DataplaneConfig cfg = lab.config(/*upstream_mask=*/0b001);
  cfg.policer.rate_pps[kData] = 1;  // a token a second: only the burst passes
  cfg.policer.burst[kData] = 10;
  cfg.policer.per_source_rate_pps[kData] = 0;
  Dataplane dp;
  bring_up(dp, cfg);
  ASSERT_TRUE(dp.fib().upsert(kAny, kG1, pim_route(0b100, 0, true)));
  dp.fib().set_rpf_notify(1, true);
  drain(dp);
  std::vector<Punt> punts = take_punts(dp);
  CountersSnapshot cs = dp.counters();
  dp.stop();
  EXPECT_EQ(lab.output(2).size(), 50u);
  EXPECT_EQ(cs.per_port[0].forwarded, 50u);
  EXPECT_EQ(cs.per_port[0].punted_by_class[kData], 10u);
  EXPECT_EQ(cs.per_port[0].policed_by_class[kData], 40u);
  EXPECT_EQ(cs.per_port[0].drop(DropReason::punt_policed), 40u);
  EXPECT_EQ(cs.per_port[1].drop(DropReason::rpf_fail), 50u);
  EXPECT_EQ(cs.per_port[1].punted_by_class[kData], 10u);
  EXPECT_EQ(cs.per_port[1].policed_by_class[kData], 40u);
  EXPECT_EQ(cs.per_port[1].drop(DropReason::punt_policed), 40u);
  ASSERT_EQ(punts.size(), 20u);
  EXPECT_EQ(punts[0], (Punt{0, PuntClass::data, notified[0]}));
  EXPECT_EQ(punts[10], (Punt{1, PuntClass::data, failing[0]}));
}

// The data class's defaults: 100 pps burst 10 per port, and 20 pps burst 2 per source, so a
// source sending fast on a PIM port takes its share and a new source's first frame still
// gets through.
TEST(Punt, DataClassDefaultsHoldOneSourceToItsShare) {
  Lab lab(2);
  constexpr size_t kData = static_cast<size_t>(PuntClass::data);
  const std::vector<Ipv6Address> others = {Ipv6Address::must_parse("2001:db8:2::20"),
                                           Ipv6Address::must_parse("2001:db8:3::30"),
                                           Ipv6Address::must_parse("2001:db8:4::40")};
  for (const Ipv6Address& o : others) {
    ASSERT_NE(punt_source_bucket(o.bytes.data()), punt_source_bucket(kS1.bytes.data()));
  }
  std::vector<Bytes> in(60, data_frame(spec(kS1, kG1)));
  for (const Ipv6Address& o : others) in.push_back(data_frame(spec(o, kG1)));
  lab.set_input(0, in);
  DataplaneConfig cfg = lab.config(/*upstream_mask=*/0);
  EXPECT_EQ(cfg.policer.rate_pps[kData], 100u);
  EXPECT_EQ(cfg.policer.burst[kData], 10u);
  EXPECT_EQ(cfg.policer.per_source_rate_pps[kData], 20u);
  EXPECT_EQ(cfg.policer.per_source_burst[kData], 2u);
  EXPECT_EQ(cfg.policer.rate_pps[static_cast<size_t>(PuntClass::pim)], 2000u);
  Dataplane dp;
  bring_up(dp, cfg);
  ASSERT_TRUE(dp.fib().upsert(kAny, kG1, pim_route(0b10, 1)));  // data from port 1 only
  dp.fib().set_rpf_notify(0, true);
  drain(dp);
  std::map<Ipv6Address, int> punted = punts_by_source(dp);
  CountersSnapshot c = dp.counters();
  dp.stop();
  // The burst of 2 plus what the 20 pps refill gave during the run.
  EXPECT_GE(punted[kS1], 2);
  EXPECT_LE(punted[kS1], 4);
  for (const Ipv6Address& o : others) EXPECT_EQ(punted[o], 1) << o.to_string();
  EXPECT_EQ(c.per_port[0].punted_by_class[kData] + c.per_port[0].policed_by_class[kData], 63u);
  EXPECT_EQ(c.per_port[0].drop(DropReason::rpf_fail), 63u);
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
  cfg.policer.rate_pps = {};  // unlimited: only the ring limits
  cfg.policer.per_source_rate_pps = {};
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
  cfg.policer.rate_pps = {1, 1, 1, 1, 1, 1};  // a token a second: only the burst passes
  cfg.policer.burst = {10, 10, 10, 10, 10, 10};
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
  std::map<Ipv6Address, int> punted = punts_by_source(dp);
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
