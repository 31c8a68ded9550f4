// DPDK-free parts of the data plane: the EAL argument list and MLD filter resolution.
#include <gtest/gtest.h>

#include "dataplane/eal.h"
#include "dataplane/fib_resolve.h"

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
