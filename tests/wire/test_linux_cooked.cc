// Linux cooked capture records (SLL, SLL2) rewritten as Ethernet frames (linux_cooked.h).
#include <gtest/gtest.h>

#include <vector>

#include "control/wire/address.h"
#include "control/wire/byte_io.h"
#include "control/wire/frame.h"
#include "control/wire/headers.h"
#include "control/wire/linux_cooked.h"

namespace tandem::wire {
namespace {

// An IPv6 header (payload length 0, no next header) from `src` to `dst`.
std::vector<uint8_t> ipv6_packet(const Ipv6Address& src, const Ipv6Address& dst) {
  std::vector<uint8_t> p(40, 0);
  p[0] = 0x60;
  p[6] = kProtoNoNext;
  p[7] = 1;
  std::copy(src.bytes.begin(), src.bytes.end(), p.begin() + 8);
  std::copy(dst.bytes.begin(), dst.bytes.end(), p.begin() + 24);
  return p;
}

const std::vector<uint8_t> kSender = {0x02, 0x11, 0x22, 0x33, 0x44, 0x55};

std::vector<uint8_t> sll(uint16_t packet_type, uint16_t halen, uint16_t protocol,
                         const std::vector<uint8_t>& payload) {
  std::vector<uint8_t> r = {0, static_cast<uint8_t>(packet_type), 0, 1,
                            0, static_cast<uint8_t>(halen)};
  std::vector<uint8_t> addr(8, 0);
  std::copy(kSender.begin(), kSender.end(), addr.begin());
  r.insert(r.end(), addr.begin(), addr.end());
  r.push_back(static_cast<uint8_t>(protocol >> 8));
  r.push_back(static_cast<uint8_t>(protocol));
  r.insert(r.end(), payload.begin(), payload.end());
  return r;
}

std::vector<uint8_t> sll2(uint8_t packet_type, uint16_t protocol,
                          const std::vector<uint8_t>& payload) {
  std::vector<uint8_t> r = {static_cast<uint8_t>(protocol >> 8),
                            static_cast<uint8_t>(protocol),
                            0,
                            0,
                            0,
                            0,
                            0,
                            7,
                            0,
                            1,
                            packet_type,
                            6};
  std::vector<uint8_t> addr(8, 0);
  std::copy(kSender.begin(), kSender.end(), addr.begin());
  r.insert(r.end(), addr.begin(), addr.end());
  r.insert(r.end(), payload.begin(), payload.end());
  return r;
}

const Ipv6Address kSrc = Ipv6Address::must_parse("fe80::1");
const Ipv6Address kGroup = Ipv6Address::must_parse("ff02::1:ff00:abcd");

TEST(LinuxCooked, MulticastGetsTheRfc2464MacAndTheSenderAsSource) {
  const auto ip = ipv6_packet(kSrc, kGroup);
  for (const auto& [linktype, record] :
       {std::pair{kLinktypeLinuxSll, sll(2, 6, kEtherTypeIpv6, ip)},
        std::pair{kLinktypeLinuxSll2, sll2(2, kEtherTypeIpv6, ip)}}) {
    const auto f = cooked_to_ethernet(linktype, record);
    ASSERT_EQ(f.size(), kEthHeaderLen + ip.size());
    EXPECT_EQ(MacAddress::from_bytes(f.data()), MacAddress::for_ipv6_multicast(kGroup));
    EXPECT_EQ(MacAddress::from_bytes(f.data() + 6), MacAddress::from_bytes(kSender.data()));
    EXPECT_EQ(load_be16(f.data() + 12), kEtherTypeIpv6);
    EXPECT_TRUE(std::equal(ip.begin(), ip.end(), f.begin() + kEthHeaderLen));
    const Frame parsed = parse_frame(f);
    EXPECT_TRUE(parsed.is_ipv6);
    EXPECT_EQ(parsed.dst, kGroup);
  }
}

TEST(LinuxCooked, UnicastDestinationIsUnknownBroadcastIsAllOnes) {
  const auto uni =
      cooked_to_ethernet(kLinktypeLinuxSll, sll(0, 6, kEtherTypeIpv6, ipv6_packet(kSrc, kSrc)));
  EXPECT_TRUE(MacAddress::from_bytes(uni.data()).is_zero());
  const auto bcast = cooked_to_ethernet(kLinktypeLinuxSll2, sll2(1, 0x0806, {1, 2, 3}));
  EXPECT_EQ(MacAddress::from_bytes(bcast.data()),
            (MacAddress{{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}}));
  EXPECT_EQ(load_be16(bcast.data() + 12), 0x0806);
}

TEST(LinuxCooked, AnAddressThatIsNotAMacLeavesTheSourceZero) {
  const auto f =
      cooked_to_ethernet(kLinktypeLinuxSll, sll(2, 4, kEtherTypeIpv6, ipv6_packet(kSrc, kGroup)));
  EXPECT_TRUE(MacAddress::from_bytes(f.data() + 6).is_zero());
}

TEST(LinuxCooked, ARecordShorterThanItsPseudoHeaderBecomesAnEmptyDroppedFrame) {
  const auto whole = sll2(2, kEtherTypeIpv6, {});
  for (size_t n = 0; n < whole.size(); ++n) {
    std::vector<uint8_t> cut(whole.begin(), whole.begin() + static_cast<long>(n));
    EXPECT_TRUE(cooked_to_ethernet(kLinktypeLinuxSll2, cut).empty()) << n;
  }
  EXPECT_EQ(parse_frame(std::span<const uint8_t>()).kind, PacketKind::drop);
}

TEST(LinuxCooked, FilesOfOtherLinkTypesAreRefusedAndEthernetIsLeftAlone) {
  PcapFile f;
  f.linktype = 101;  // LINKTYPE_RAW
  std::string error;
  EXPECT_FALSE(convert_to_ethernet(f, error));
  EXPECT_NE(error.find("101"), std::string::npos);

  PcapFile eth;
  eth.records.push_back({1, 3, {1, 2, 3}});
  EXPECT_TRUE(convert_to_ethernet(eth, error));
  EXPECT_EQ(eth.records[0].data, (std::vector<uint8_t>{1, 2, 3}));

  PcapFile cooked;
  cooked.linktype = kLinktypeLinuxSll;
  const auto record = sll(2, 6, kEtherTypeIpv6, ipv6_packet(kSrc, kGroup));
  cooked.records.push_back({1, static_cast<uint32_t>(record.size()), record});
  EXPECT_TRUE(convert_to_ethernet(cooked, error));
  EXPECT_EQ(cooked.linktype, kLinktypeEthernet);
  EXPECT_EQ(cooked.records[0].orig_len, kEthHeaderLen + 40);
}

}  // namespace
}  // namespace tandem::wire
