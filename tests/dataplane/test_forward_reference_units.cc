// forward_reference() on hand-made frames: the rules it states (fib_writer.h, DESIGN.md §4),
// one at a time, so the random comparison with the worker (test_forward_reference.cc)
// compares against rules that are themselves checked. No DPDK.
#include <gtest/gtest.h>

#include <vector>

#include "control/wire/frame.h"
#include "control/wire/mld.h"
#include "dataplane/forward_reference.h"

namespace tandem::dataplane {
namespace {

using wire::DropReason;
using wire::Ipv6Address;
using wire::MacAddress;

const Ipv6Address kAny{};
const Ipv6Address kG = Ipv6Address::must_parse("ff05::db8:1");
const Ipv6Address kS = Ipv6Address::must_parse("2001:db8:1::10");
const Ipv6Address kOther = Ipv6Address::must_parse("2001:db8:1::11");
const MacAddress kHost{{0x02, 0, 0, 0, 0, 0xaa}};

std::vector<uint8_t> data(const Ipv6Address& s, const Ipv6Address& g, uint8_t hop = 64,
                          size_t payload = 64, bool tagged = false) {
  wire::L2L3Spec l;
  l.src_mac = kHost;
  l.src = s;
  l.dst = g;
  l.hop_limit = hop;
  if (tagged) l.vlan_tci = 100;
  return wire::build_udp_frame(l, 40000, 5001, std::vector<uint8_t>(payload, 0x5a));
}

// Four ports, all gates open; port 0 a static upstream, port 2 a PIM port (rpf-notify).
class Reference : public ::testing::Test {
 protected:
  Reference() {
    fib.n_ports = 4;
    fib.gates = 0b1111;
    fib.upstream = 0b0001;
    fib.rpf_notify = 0b0100;
  }
  ReferenceVerdict run(PortIndex in, const std::vector<uint8_t>& frame) {
    return forward_reference(fib, in, frame, counters);
  }
  uint64_t drops(PortIndex p, DropReason r) const { return counters[p].drop(r); }

  ReferenceFib fib;
  std::vector<PortCounters> counters = std::vector<PortCounters>(4);
};

TEST_F(Reference, UpstreamPortForwardsToEveryOpenPortButItself) {
  fib.entries[{kAny, kG}] = FibRoute{0b1111};
  const ReferenceVerdict v = run(0, data(kS, kG));
  EXPECT_EQ(v.fate, Fate::forwarded);
  EXPECT_EQ(v.egress, 0b1110u);
  EXPECT_EQ(v.clones, 0u);
  EXPECT_FALSE(v.data_copy);
  EXPECT_EQ(counters[0].rx, 1u);
  EXPECT_EQ(counters[0].forwarded, 1u);
  for (PortIndex p = 1; p < 4; ++p) {
    EXPECT_EQ(counters[p].copies, 1u);
    EXPECT_EQ(counters[p].tx, 1u);
  }
  EXPECT_EQ(counters[0].copies, 0u);
}

TEST_F(Reference, SourceEntryReplacesTheStarEntryWholly) {
  fib.entries[{kAny, kG}] = FibRoute{0b0110, 3, true};
  fib.entries[{kS, kG}] = FibRoute{0b1000, 1, false};
  // (S,G): its ports and RPF interface, and no notify copy.
  ReferenceVerdict v = run(1, data(kS, kG));
  EXPECT_EQ(v.fate, Fate::forwarded);
  EXPECT_EQ(v.egress, 0b1000u);
  EXPECT_FALSE(v.data_copy);
  // Another source: the (*,G) entry, whose RPF interface is 3.
  v = run(1, data(kOther, kG));
  EXPECT_EQ(v.fate, Fate::dropped);
  EXPECT_EQ(v.reason, DropReason::rpf_fail);
  v = run(3, data(kOther, kG));
  EXPECT_EQ(v.fate, Fate::forwarded);
  EXPECT_EQ(v.egress, 0b0110u);
  EXPECT_TRUE(v.data_copy);  // notify_sources (RFC 7761 §4.2.1)
  EXPECT_EQ(counters[3].forwarded, 1u);
  EXPECT_EQ(counters[3].punted, 1u);
  EXPECT_EQ(counters[3].punted_by_class[static_cast<size_t>(PuntClass::data)], 1u);
  // Source :: names the (*,G) entry, never an (S,G) one.
  v = run(3, data(kAny, kG));
  EXPECT_TRUE(v.data_copy);
}

TEST_F(Reference, RpfFailureOnAPimPortIsPuntedAsDataAndCountedAsAFailure) {
  fib.entries[{kAny, kG}] = FibRoute{0b1011, 3};
  const ReferenceVerdict v = run(2, data(kS, kG));
  EXPECT_EQ(v.fate, Fate::punted);
  EXPECT_EQ(v.punt_class, PuntClass::data);
  EXPECT_EQ(v.reason, DropReason::rpf_fail);
  EXPECT_EQ(drops(2, DropReason::rpf_fail), 1u);
  EXPECT_EQ(counters[2].punted, 1u);
  EXPECT_EQ(counters[2].forwarded, 0u);
}

TEST_F(Reference, HopLimitIsJudgedAfterRpf) {
  fib.entries[{kAny, kG}] = FibRoute{0b1001, 1};
  EXPECT_EQ(run(3, data(kS, kG, 1)).reason, DropReason::rpf_fail);
  EXPECT_EQ(run(1, data(kS, kG, 1)).reason, DropReason::hop_limit_expired);
  EXPECT_EQ(run(1, data(kS, kG, 0)).reason, DropReason::hop_limit_expired);
  const ReferenceVerdict v = run(1, data(kS, kG, 2));
  ASSERT_EQ(v.fate, Fate::forwarded);
  EXPECT_EQ(v.packet[7], 1);  // decremented once (RFC 8200 §3)
}

TEST_F(Reference, NoEntryIsNoRouteOnAnUpstreamPortAndAnRpfFailureElsewhere) {
  EXPECT_EQ(run(0, data(kS, kG)).reason, DropReason::no_route);
  EXPECT_EQ(run(1, data(kS, kG)).reason, DropReason::rpf_fail);
  // Only (S,G) entries for the group: another source has no entry either.
  fib.entries[{kS, kG}] = FibRoute{0b0010};
  EXPECT_EQ(run(0, data(kOther, kG)).reason, DropReason::no_route);
  EXPECT_EQ(run(0, data(kS, kG)).fate, Fate::forwarded);
}

TEST_F(Reference, ClosedGatesAndTheIngressLeaveNoEgress) {
  fib.entries[{kAny, kG}] = FibRoute{0b0011};
  fib.gates = 0b1101;
  EXPECT_EQ(run(0, data(kS, kG)).reason, DropReason::no_egress);
  EXPECT_EQ(drops(0, DropReason::no_egress), 1u);
}

TEST_F(Reference, LongFramesAreClonedButTheHighestPortGetsTheFrameItself) {
  fib.entries[{kAny, kG}] = FibRoute{0b1110};
  fib.clone_threshold = 200;
  ReferenceVerdict v = run(0, data(kS, kG, 64, 300));
  EXPECT_EQ(v.clones, 0b0110u);
  EXPECT_EQ(counters[1].clones, 1u);
  EXPECT_EQ(counters[3].clones, 0u);
  v = run(0, data(kS, kG, 64, 100));
  EXPECT_EQ(v.clones, 0u);
}

TEST_F(Reference, ReplicasLeaveUntaggedWithoutPaddingFromThePortMac) {
  fib.entries[{kAny, kG}] = FibRoute{0b0010};
  std::vector<uint8_t> in = data(kS, kG, 64, 80, true);
  in.insert(in.end(), {0xde, 0xad, 0xbe, 0xef});
  const ReferenceVerdict v = run(0, in);
  ASSERT_EQ(v.fate, Fate::forwarded);
  const MacAddress port_mac{{0x02, 0, 0, 0, 1, 1}};
  wire::L2L3Spec l;
  l.src_mac = port_mac;
  l.src = kS;
  l.dst = kG;
  l.hop_limit = 63;
  EXPECT_EQ(egress_frame(v, port_mac),
            wire::build_udp_frame(l, 40000, 5001, std::vector<uint8_t>(80, 0x5a)));
}

TEST_F(Reference, ControlIsPuntedByClassAndMalformedFramesAreDroppedWithTheirReason) {
  const Ipv6Address ll = Ipv6Address::must_parse("fe80::1");
  ReferenceVerdict v = run(1, wire::build_mld_query_frame(kHost, ll, wire::MldQuerySpec{}));
  EXPECT_EQ(v.fate, Fate::punted);
  EXPECT_EQ(v.punt_class, PuntClass::mld);
  EXPECT_EQ(counters[1].punted_by_class[static_cast<size_t>(PuntClass::mld)], 1u);
  const std::vector<uint8_t> cut(10, 0);
  EXPECT_EQ(run(1, cut).reason, DropReason::eth_truncated);
  EXPECT_EQ(run(1, data(kS, Ipv6Address::must_parse("ff02::1:3"))).reason,
            DropReason::not_forwardable);
  EXPECT_EQ(counters[1].rx, 3u);
}

}  // namespace
}  // namespace tandem::dataplane
