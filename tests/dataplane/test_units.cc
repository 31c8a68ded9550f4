// DPDK-free parts of the data plane: the EAL argument list, MLD filter resolution and frame
// classification.
#include <gtest/gtest.h>

#include <random>

#include "control/wire/frame.h"
#include "dataplane/classify.h"
#include "dataplane/eal.h"
#include "dataplane/fib_resolve.h"
#include "dataplane/types.h"

namespace tandem::dataplane {
namespace {

using wire::Ipv6Address;
const Ipv6Address kS1 = Ipv6Address::must_parse("2001:db8:1::10");
const Ipv6Address kS2 = Ipv6Address::must_parse("2001:db8:1::11");

TEST(EalArgs, PciAddressesAreAllowListedVdevsAreVdevs) {
  auto a = build_eal_args("tandemd", {"0000:01:00.0", "net_af_packet0,iface=r1-up"}, {"-l", "0"});
  EXPECT_EQ(a, (std::vector<std::string>{"tandemd", "-l", "0", "-a", "0000:01:00.0", "--vdev",
                                         "net_af_packet0,iface=r1-up"}));
}

TEST(EalArgs, NoPciIsAddedWhenNoPciDeviceIsNamed) {
  auto a = build_eal_args("tandemd", {"net_null0"}, {});
  EXPECT_EQ(a, (std::vector<std::string>{"tandemd", "--vdev", "net_null0", "--no-pci"}));
  auto b = build_eal_args("tandemd", {"net_null0"}, {"--no-pci"});
  EXPECT_EQ(std::count(b.begin(), b.end(), "--no-pci"), 1);
}

TEST(EalArgs, PciAddressForms) {
  EXPECT_TRUE(is_pci_address("0000:01:00.0"));
  EXPECT_TRUE(is_pci_address("01:00.1"));
  EXPECT_TRUE(is_pci_address("abcd:ef:1f.7"));
  EXPECT_FALSE(is_pci_address("net_pcap0"));
  EXPECT_FALSE(is_pci_address("01:00"));
  EXPECT_FALSE(is_pci_address("0000:01:00.0,foo=1"));
  EXPECT_FALSE(is_pci_address(""));
}

// A plain IPv6 UDP multicast frame (ff05::1 from 2001:db8::1, hop limit 64) with `payload`
// bytes after the UDP header.
std::vector<uint8_t> plain_frame(size_t payload) {
  std::vector<uint8_t> f(14 + 40 + 8 + payload, 0);
  const uint8_t eth[14] = {0x33, 0x33, 0, 0, 0, 1, 0x02, 0, 0, 0, 0, 1, 0x86, 0xdd};
  std::memcpy(f.data(), eth, 14);
  uint8_t* ip = f.data() + 14;
  ip[0] = 0x60;
  const auto plen = static_cast<uint16_t>(8 + payload);
  ip[4] = static_cast<uint8_t>(plen >> 8);
  ip[5] = static_cast<uint8_t>(plen);
  ip[6] = wire::kProtoUdp;
  ip[7] = 64;
  ip[8] = 0x20, ip[9] = 0x01, ip[10] = 0x0d, ip[11] = 0xb8, ip[23] = 1;  // 2001:db8::1
  ip[24] = 0xff, ip[25] = 0x05, ip[39] = 1;                              // ff05::1
  uint8_t* udp = ip + 40;
  udp[0] = 0x13, udp[1] = 0x88, udp[2] = 0x17, udp[3] = 0x70;  // 5000 -> 6000
  udp[4] = static_cast<uint8_t>(plen >> 8), udp[5] = static_cast<uint8_t>(plen);
  return f;
}

// The fast path's promise (classify.h): it takes a frame only when the full walk would
// forward it as plain UDP data (a whole UDP header right after the fixed IPv6 header at
// offset 14) ending where the frame ends, with a hop limit above 1, and it takes every such
// frame. Checked on the plain frame and on 200,000 variants with random values, biased to the
// boundaries, in the fields either side reads, and random lengths.
// The full walk's answer for what the fast path promises to take.
bool walk_takes_as_plain_data(const std::vector<uint8_t>& f, uint32_t len) {
  wire::HeaderWalk hw;
  return classify(f.data(), len, hw).verdict == Verdict::data && !hw.has_vlan &&
         hw.l3_offset == 14 && hw.upper_protocol == wire::kProtoUdp && hw.upper_offset == 54 &&
         hw.upper_len() >= 8 && f[14 + kIpv6HopLimitOffset] > 1 && hw.l3_end == len;
}

TEST(Classify, FastPathAgreesWithTheFullWalk) {
  std::mt19937 rng(20261127);
  const size_t fields[] = {12, 13, 14, 15, 18, 19, 20, 21, 22, 23, 38, 39, 54, 56, 57, 59};
  const uint8_t edges[] = {0,    1,    2,    3,    0x0f, 0x11, 0x2b, 0x3a, 0x60, 0x61, 0x70,
                           0x86, 0xdd, 0xc8, 0x0e, 0xfe, 0xff, 0x12, 0x02, 0x05, 0x08, 0x10};
  size_t accepted = 0;
  for (int round = 0; round < 200000; ++round) {
    std::vector<uint8_t> f = plain_frame(rng() % 40);
    if (round != 0) {
      for (unsigned k = rng() % 4; k != 0; --k) {
        const size_t at = fields[rng() % std::size(fields)];
        f[at] = rng() % 2 ? edges[rng() % std::size(edges)] : static_cast<uint8_t>(rng());
      }
      if (rng() % 4 == 0) f.resize(rng() % (f.size() + 8));  // cut short or padded
    }
    const auto len = static_cast<uint16_t>(f.size());  // a data_len
    f.resize(f.size() + 64);  // readable bytes past the frame, as in an mbuf's buffer
    const bool fast = plain_udp_multicast(f.data(), len);
    ASSERT_EQ(fast, walk_takes_as_plain_data(f, len)) << "round " << round << ", length " << len;
    accepted += fast;
    // plain_udp() leaves the destination out: it takes the frame exactly when the full walk
    // would take it as plain data with a routable group in its place.
    std::vector<uint8_t> routed = f;
    routed[38] = 0xff;
    routed[39] = 0x0e;
    const bool routed_plain = walk_takes_as_plain_data(routed, len);
    ASSERT_EQ(plain_udp(f.data(), len), routed_plain) << "round " << round;
  }
  EXPECT_GT(accepted, 1000u);  // the variants reach both answers
}

// PIM messages (next header 103) are control traffic to any destination: ff02::d for
// Hello/Join-Prune/Assert, the RP's or the DR's unicast address for Register and
// Register-Stop. In a fragment they are refused like every other control class.
TEST(Classify, PimIsPuntedToAnyDestinationAndRefusedInAFragment) {
  const std::vector<uint8_t> hello_body = {0x20, 0, 0, 0, 0, 1, 0, 2, 0, 105};  // holdtime 105
  wire::L2L3Spec l;
  l.src_mac = *wire::MacAddress::parse("02:00:00:00:00:01");
  l.src = Ipv6Address::must_parse("fe80::1");
  l.dst = Ipv6Address::must_parse("ff02::d");
  l.hop_limit = 1;
  const std::vector<uint8_t> hello = wire::build_pim_frame(l, hello_body);
  l.dst = Ipv6Address::must_parse("2001:db8::99");  // a Register to the RP, say
  l.src = kS1;
  l.hop_limit = 64;
  const std::vector<uint8_t> unicast = wire::build_pim_frame(l, hello_body);
  for (const auto* f : {&hello, &unicast}) {
    wire::HeaderWalk hw;
    const Classified k = classify(f->data(), static_cast<uint32_t>(f->size()), hw);
    EXPECT_EQ(k.verdict, Verdict::punt);
    EXPECT_EQ(k.cls, PuntClass::pim);
    EXPECT_FALSE(plain_udp_multicast(f->data(), static_cast<uint16_t>(f->size())));
  }
  // The same Hello as the first fragment of a fragmented packet: a fragment header (RFC 8200
  // §4.5: next header 103, offset 0, M set) between the IPv6 header and the message.
  std::vector<uint8_t> frag = hello;
  const uint8_t fh[8] = {wire::kProtoPim, 0, 0, 1, 0, 0, 0, 7};
  frag.insert(frag.begin() + 54, fh, fh + 8);
  frag[14 + 6] = wire::kProtoFragment;
  const uint16_t plen = static_cast<uint16_t>(((frag[18] << 8) | frag[19]) + 8);
  frag[18] = static_cast<uint8_t>(plen >> 8);
  frag[19] = static_cast<uint8_t>(plen);
  wire::HeaderWalk hw;
  const Classified k = classify(frag.data(), static_cast<uint32_t>(frag.size()), hw);
  EXPECT_EQ(k.verdict, Verdict::drop);
  EXPECT_EQ(k.reason, wire::DropReason::fragmented_control);
  EXPECT_STREQ(punt_class_name(PuntClass::pim), "pim");
  EXPECT_STREQ(punt_class_name(PuntClass::data), "data");
}

// The route word (types.h): ports in bits 0-47, the RPF interface in 48-53, the notify flag
// at 54, the (*,G) and (S,G) flags at 62 and 63, no field overlapping another; and the RPF
// compare the workers make ((word & kRouteRpfMask) == rpf_want(in)) accepts a word on its
// iif's port only, and never a missing entry, a marker or an entry without iif.
TEST(RouteWord, FieldsAreDisjointAndTheRpfCompareAcceptsOnlyTheIif) {
  EXPECT_EQ(kRoutePorts, (RouteWord{1} << 48) - 1);
  EXPECT_EQ(kRouteIif, RouteWord{0x3f} << 48);
  EXPECT_EQ(kRouteNotify, RouteWord{1} << 54);
  EXPECT_EQ(kRouteStarPresent, RouteWord{1} << 62);
  EXPECT_EQ(kRouteHasSources, RouteWord{1} << 63);
  const RouteWord fields[] = {kRoutePorts, kRouteIif, kRouteNotify, kRouteStarPresent,
                              kRouteHasSources};
  RouteWord all = 0;
  for (RouteWord f : fields) {
    EXPECT_EQ(all & f, 0u);
    all |= f;
  }
  EXPECT_EQ(~all, RouteWord{0x7f} << 55);  // bits 55-61 reserved
  EXPECT_EQ(port_bit(kMaxPorts - 1) & ~kRoutePorts, 0u);
  EXPECT_NE(port_bit(kMaxPorts) & ~kRoutePorts, 0u);
  EXPECT_EQ(route_iif(route_iif_bits(kNoIif)), kNoIif);
  EXPECT_EQ(route_iif(0), 0u);
  const RouteWord no_entry = 0;
  const RouteWord marker = kRouteHasSources | route_iif_bits(kNoIif);
  const RouteWord no_iif =
      kRouteStarPresent | kRoutePorts | route_iif_bits(kNoIif) | kRouteNotify | kRouteHasSources;
  for (PortIndex in = 0; in < kMaxPorts; ++in) {
    EXPECT_EQ(rpf_want(in) & ~kRouteRpfMask, 0u);
    EXPECT_NE(no_entry & kRouteRpfMask, rpf_want(in)) << in;
    EXPECT_NE(marker & kRouteRpfMask, rpf_want(in)) << in;
    EXPECT_NE(no_iif & kRouteRpfMask, rpf_want(in)) << in;
    for (PortIndex iif = 0; iif < kMaxPorts; ++iif) {
      // Every other field set: only the iif decides.
      const RouteWord entry =
          kRouteStarPresent | kRoutePorts | route_iif_bits(iif) | kRouteNotify | kRouteHasSources;
      EXPECT_EQ(route_iif(entry), iif);
      EXPECT_EQ((entry & kRouteRpfMask) == rpf_want(in), iif == in) << iif << " on " << in;
      // An (*,G) word with the flag alone (no entry) must not pass either.
      EXPECT_NE((entry & ~kRouteStarPresent) & kRouteRpfMask, rpf_want(in));
    }
  }
}

// RFC 3810 §7.2.1 router filter state → FIB entries (semantics in fib_writer.h).
TEST(ResolveGroup, ExcludeModeInterfacesFormStarG) {
  std::vector<InterfaceFilter> f{{1, true, {}}, {4, true, {}}};
  EXPECT_EQ(resolve_group(f), (std::vector<ResolvedEntry>{{Ipv6Address{}, 0b10010}}));
}

TEST(ResolveGroup, IncludeOnlyGivesSourceEntriesAndNoStarG) {
  std::vector<InterfaceFilter> f{{1, false, {kS1}}, {2, false, {kS1, kS2}}};
  EXPECT_EQ(resolve_group(f), (std::vector<ResolvedEntry>{{kS1, 0b110}, {kS2, 0b100}}));
}

TEST(ResolveGroup, ExcludedSourceGetsEntryWithoutThatInterface) {
  std::vector<InterfaceFilter> f{{2, true, {kS1}}, {3, true, {}}};
  EXPECT_EQ(resolve_group(f), (std::vector<ResolvedEntry>{{Ipv6Address{}, 0b1100}, {kS1, 0b1000}}));
}

TEST(ResolveGroup, SourceBlockedEverywhereGetsAnEmptyEntry) {
  std::vector<InterfaceFilter> f{{2, true, {kS1}}};
  EXPECT_EQ(resolve_group(f), (std::vector<ResolvedEntry>{{Ipv6Address{}, 0b100}, {kS1, 0}}));
}

TEST(ResolveGroup, IncludeAndExcludeCombine) {
  std::vector<InterfaceFilter> f{{1, false, {kS1}}, {2, true, {kS1}}, {3, true, {}}};
  EXPECT_EQ(resolve_group(f), (std::vector<ResolvedEntry>{{Ipv6Address{}, 0b1100}, {kS1, 0b1010}}));
}

TEST(ResolveGroup, NoListenersNoEntries) {
  EXPECT_TRUE(resolve_group({}).empty());
}

}  // namespace
}  // namespace tandem::dataplane
