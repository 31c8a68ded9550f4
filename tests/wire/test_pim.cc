// PIM-SM for IPv6 on the wire (RFC 7761 §4.9): every builder through parse_frame and back,
// the exact bytes and checksum of a Hello summed by hand, decode's JSON for each kind, and
// one test per drop reason of the PIM block in drop_reason.h — each frame breaks exactly one
// rule — with a check at the end that the whole block was produced.
#include <gtest/gtest.h>

#include <set>

#include "control/wire/byte_io.h"
#include "control/wire/decode_json.h"
#include "control/wire/frame.h"
#include "tests/wire/pim_samples.h"

namespace tandem::wire {
namespace {

using testing::kPimSampleLl;
using testing::kPimSampleMac;
using testing::pim_addr;

// What a PIM router sends on a link: fe80::a → ff02::d, hop limit 1.
L2L3Spec link_spec() {
  L2L3Spec l;
  l.src_mac = kPimSampleMac;
  l.src = kPimSampleLl;
  l.dst = addr::all_pim_routers();
  l.hop_limit = 1;
  return l;
}

// A PIM message written byte by byte, framed with a correct checksum.
std::vector<uint8_t> frame_of(const std::vector<uint8_t>& pim, const L2L3Spec& l = link_spec()) {
  return build_pim_frame(l, pim);
}

std::vector<uint8_t> concat(std::vector<uint8_t> a, const std::vector<uint8_t>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

// PIM header: version 2, the type, reserved, checksum 0 (build_pim_frame fills it in).
std::vector<uint8_t> header(PimType t) {
  return {static_cast<uint8_t>(0x20 | static_cast<uint8_t>(t)), 0, 0, 0};
}

std::vector<uint8_t> encoded(uint8_t family, uint8_t encoding, const char* address,
                             std::vector<uint8_t> flags_and_mask = {}) {
  // Byte by byte: GCC 12 at -O2 reports a false -Warray-bounds for insert() on a vector
  // that starts with two elements.
  std::vector<uint8_t> out;
  out.reserve(2 + flags_and_mask.size() + 16);
  out.push_back(family);
  out.push_back(encoding);
  for (uint8_t b : flags_and_mask) out.push_back(b);
  for (uint8_t b : pim_addr(address).bytes) out.push_back(b);
  return out;
}
std::vector<uint8_t> unicast(const char* a) {
  return encoded(2, 0, a);
}
std::vector<uint8_t> group(const char* g) {
  return encoded(2, 0, g, {0x00, 128});
}
std::vector<uint8_t> source(const char* s) {
  return encoded(2, 0, s, {0x04, 128});  // S bit
}

// Join/Prune head: upstream neighbor, reserved, number of groups, holdtime 210.
std::vector<uint8_t> jp_head(uint8_t num_groups) {
  return concat(concat(header(PimType::join_prune), unicast("fe80::b")), {0, num_groups, 0, 210});
}
std::vector<uint8_t> counts(uint16_t joined, uint16_t pruned) {
  std::vector<uint8_t> out(4);
  store_be16(out.data(), joined);
  store_be16(out.data() + 2, pruned);
  return out;
}

std::set<DropReason>& seen_reasons() {
  static std::set<DropReason> seen;
  return seen;
}

DropReason reason(const std::vector<uint8_t>& f) {
  Frame p = parse_frame(f);
  DropReason r = p.kind == PacketKind::drop ? p.drop_reason : DropReason::none;
  seen_reasons().insert(r);
  return r;
}

size_t pim_offset(const std::vector<uint8_t>& f) {
  return walk_headers(f.data(), static_cast<uint32_t>(f.size())).upper_offset;
}

// ---- round trips ----

TEST(PimRoundTrip, EverySampleParsesBackToTheSameMessage) {
  for (const auto& s : testing::pim_samples()) {
    const auto bytes = testing::pim_sample_frame(s);
    const Frame f = parse_frame(bytes);
    ASSERT_EQ(f.kind, s.kind) << s.name << ": " << drop_reason_name(f.drop_reason);
    EXPECT_EQ(f.pim.type, s.message.type) << s.name;
    EXPECT_EQ(f.pim.hello, s.message.hello) << s.name;
    EXPECT_EQ(f.pim.join_prune, s.message.join_prune) << s.name;
    EXPECT_EQ(f.pim.assert_message, s.message.assert_message) << s.name;
  }
}

TEST(PimRoundTrip, MessageFrameGoesToAllPimRoutersWithHopLimitOne) {
  const auto bytes = testing::pim_sample_frames().front();
  const Frame f = parse_frame(bytes);
  EXPECT_EQ(f.dst, pim_addr("ff02::d"));
  EXPECT_EQ(f.dst, addr::all_pim_routers());
  EXPECT_EQ(f.eth_dst, (MacAddress{{0x33, 0x33, 0, 0, 0, 0x0d}}));
  EXPECT_EQ(f.eth_src, kPimSampleMac);
  EXPECT_EQ(f.src, kPimSampleLl);
  EXPECT_EQ(f.hop_limit, 1);
  EXPECT_EQ(f.walk.upper_protocol, kProtoPim);
}

// The checksum summed by hand (RFC 1071 over the RFC 8200 §8.1 pseudo-header, RFC 7761 §4.9):
//   pseudo-header  fe80 + 000a (fe80::a) + ff02 + 000d (ff02::d) + 000a (length 10)
//                  + 0067 (next header 103)                         = 0x1fe0a
//   message        2000 (v2, Hello) + 0000 + 0001 + 0002 (option 1, length 2)
//                  + 0069 (holdtime 105)                            = 0x0206c
//   total 0x21e76 → folded 0x1e78 → complemented 0xe187.
TEST(PimRoundTrip, HelloBytesAndChecksumMatchAHandComputedSum) {
  PimHello h;
  h.holdtime_s = 105;
  const auto body = build_pim_hello_body(h);
  EXPECT_EQ(body, (std::vector<uint8_t>{0x20, 0, 0, 0, 0, 1, 0, 2, 0, 0x69}));
  const auto f = build_pim_frame(link_spec(), body);
  EXPECT_EQ(load_be16(f.data() + pim_offset(f) + 2), 0xe187);
  const Frame p = parse_frame(f);
  ASSERT_EQ(p.kind, PacketKind::pim_hello);
  EXPECT_EQ(p.pim.checksum, 0xe187);
}

TEST(PimRoundTrip, HelloOptionsAreWrittenInTheirRfcLayout) {
  PimHello h;
  h.lan_prune_delay = PimLanPruneDelay{true, 0x1234, 2500};
  h.dr_priority = 7;
  h.address_list = {pim_addr("2001:db8::1")};
  const auto body = build_pim_hello_body(h);
  const std::vector<uint8_t> want = concat(
      concat(header(PimType::hello), {0, 2,  0, 4, 0x92, 0x34, 0x09, 0xc4,  // T | 0x1234, 2500
                                      0, 19, 0, 4, 0,    0,    0,    7,     // DR priority 7
                                      0, 24, 0, 18}),                       // Address List
      unicast("2001:db8::1"));
  EXPECT_EQ(body, want);
}

TEST(PimRoundTrip, JoinPruneEncodesGroupAndSourceFlags) {
  const auto jp = testing::pim_samples()[2].message;
  const auto body = build_pim_body(jp);
  // Header 4, upstream 18, reserved/groups/holdtime 4, then the first Encoded-Group.
  const size_t g = 4 + 18 + 4;
  EXPECT_EQ(body[4], 2);   // family IPv6
  EXPECT_EQ(body[5], 0);   // native encoding
  EXPECT_EQ(body[23], 2);  // two groups
  EXPECT_EQ(load_be16(body.data() + 24), 210);
  EXPECT_EQ(body[g + 2], 0);  // B and Z clear
  EXPECT_EQ(body[g + 3], 128);
  EXPECT_EQ(load_be16(body.data() + g + 20), 1);  // one joined
  EXPECT_EQ(load_be16(body.data() + g + 22), 1);  // one pruned
  EXPECT_EQ(body[g + 24 + 2], 0x07);              // (*,G) join: S, W, R
  EXPECT_EQ(body[g + 44 + 2], 0x05);              // (S,G,rpt) prune: S, R
}

TEST(PimRoundTrip, AssertCarriesTheRptBitAboveTheMetricPreference) {
  PimAssert a;
  a.group = pim_addr("ff3e::db8:2");
  a.rpt = true;
  a.metric_preference = 0xffffffffu;  // 31 bits on the wire: the top bit is R
  a.metric = 9;
  const auto body = build_pim_assert_body(a);
  ASSERT_EQ(body.size(), 4u + 20 + 18 + 8);
  EXPECT_EQ(load_be32(body.data() + 42), 0xffffffffu);
  auto f = build_pim_frame(link_spec(), body);
  const Frame p = parse_frame(f);
  ASSERT_EQ(p.kind, PacketKind::pim_assert);
  EXPECT_TRUE(p.pim.assert_message.rpt);
  EXPECT_EQ(p.pim.assert_message.metric_preference, kPimAssertInfinitePreference);
  EXPECT_EQ(p.pim.assert_message.source, Ipv6Address{});
}

TEST(PimRoundTrip, BuilderKeepsCountsWithinTheirFieldWidths) {
  PimJoinPrune jp;
  jp.upstream_neighbor = pim_addr("fe80::b");
  jp.groups.resize(300);  // Num Groups is 8 bits
  for (auto& g : jp.groups) g.group = pim_addr("ff05::db8:1");
  PimMessage m;
  m.type = PimType::join_prune;
  m.join_prune = jp;
  const auto f = build_pim_message_frame(kPimSampleMac, kPimSampleLl, m);
  const Frame p = parse_frame(f);
  ASSERT_EQ(p.kind, PacketKind::pim_join_prune);
  EXPECT_EQ(p.pim.join_prune.groups.size(), 255u);
}

TEST(PimRoundTrip, UnknownHelloOptionsAreSkipped) {
  const auto f = frame_of(concat(header(PimType::hello), {0xfd, 0xe8, 0, 3, 1, 2, 3,  // 65000
                                                          0, 1, 0, 2, 0, 30}));
  const Frame p = parse_frame(f);
  ASSERT_EQ(p.kind, PacketKind::pim_hello);
  EXPECT_EQ(p.pim.hello.holdtime_s, 30);
  EXPECT_FALSE(p.pim.hello.dr_priority.has_value());
}

TEST(PimRoundTrip, OtherPimTypesAreOtherAndSkipTheLinkRules) {
  // Bootstrap (type 4) from a global source with hop limit 64: header only, `other`.
  L2L3Spec global = link_spec();
  global.src = pim_addr("2001:db8::1");
  global.hop_limit = 64;
  const auto bsm = frame_of(concat(header(PimType::bootstrap), {1, 2, 3, 4}), global);
  EXPECT_EQ(parse_frame(bsm).kind, PacketKind::other);
  EXPECT_EQ(reason(bsm), DropReason::none);
}

// RFC 7761 §4.9: a Register's checksum covers its 8-byte header only (the encapsulated packet
// is left out); one summed over the whole message is accepted too.
TEST(PimRoundTrip, RegisterChecksumCoversItsFirstEightBytes) {
  L2L3Spec unicast_spec = link_spec();
  unicast_spec.src = pim_addr("2001:db8::1");
  unicast_spec.dst = pim_addr("2001:db8::2");
  const std::vector<uint8_t> reg = concat(header(PimType::register_), {0, 0, 0, 0});
  auto f = frame_of(reg, unicast_spec);
  // Append the "data packet" after the sum was taken, then fix the IPv6 payload length.
  const std::vector<uint8_t> data(40, 0xab);
  f.insert(f.end(), data.begin(), data.end());
  store_be16(f.data() + kEthHeaderLen + 4, static_cast<uint16_t>(reg.size() + data.size()));
  EXPECT_EQ(parse_frame(f).kind, PacketKind::other);
  EXPECT_EQ(reason(frame_of(concat(reg, data), unicast_spec)), DropReason::none);  // whole sum
}

// ---- decode JSON (tandemctl decode) ----

std::string json_of(const std::vector<uint8_t>& bytes) {
  return frame_to_json(1, parse_frame(bytes));
}

TEST(PimDecode, HelloListsTheOptionsItCarries) {
  EXPECT_EQ(json_of(testing::pim_sample_frame(testing::pim_samples()[0])),
            R"({"frame":1,"kind":"pim_hello","src":"fe80::a","dst":"ff02::d","hop_limit":1,)"
            R"("holdtime_s":105,"dr_priority":1,"generation_id":305419896,)"
            R"("lan_prune_delay":{"t_bit":true,"propagation_delay_ms":500,)"
            R"("override_interval_ms":2500},"address_list":["2001:db8:10::1","2001:db8:10::2"]})");
}

TEST(PimDecode, HelloOmitsAbsentOptions) {
  EXPECT_EQ(json_of(testing::pim_sample_frame(testing::pim_samples()[1])),
            R"({"frame":1,"kind":"pim_hello","src":"fe80::a","dst":"ff02::d","hop_limit":1,)"
            R"("holdtime_s":0,"generation_id":4275878552})");
}

TEST(PimDecode, JoinPruneListsGroupsWithJoinsAndPrunes) {
  EXPECT_EQ(json_of(testing::pim_sample_frame(testing::pim_samples()[2])),
            R"({"frame":1,"kind":"pim_join_prune","src":"fe80::a","dst":"ff02::d","hop_limit":1,)"
            R"("upstream_neighbor":"fe80::b","holdtime_s":210,"groups":[)"
            R"({"group":"ff05::db8:1","mask_len":128,)"
            R"("joins":[{"source":"2001:db8::1","wildcard":true,"rpt":true}],)"
            R"("prunes":[{"source":"2001:db8:1::12","wildcard":false,"rpt":true}]},)"
            R"({"group":"ff3e::db8:2","mask_len":128,)"
            R"("joins":[{"source":"2001:db8:1::10","wildcard":false,"rpt":false}],)"
            R"("prunes":[{"source":"2001:db8:1::11","wildcard":false,"rpt":false}]}]})");
}

TEST(PimDecode, AssertNamesGroupSourceAndMetric) {
  EXPECT_EQ(json_of(testing::pim_sample_frame(testing::pim_samples()[4])),
            R"({"frame":1,"kind":"pim_assert","src":"fe80::a","dst":"ff02::d","hop_limit":1,)"
            R"("group":"ff05::db8:1","source":"::","rpt":true,)"
            R"("metric_preference":2147483647,"metric":4294967295})");
}

TEST(PimDecode, DroppedPimNamesItsReason) {
  L2L3Spec l = link_spec();
  l.hop_limit = 2;
  EXPECT_EQ(json_of(frame_of(header(PimType::hello), l)),
            R"({"frame":1,"kind":"drop","drop_reason":"pim_hop_limit_not_one",)"
            R"("src":"fe80::a","dst":"ff02::d","hop_limit":2})");
}

// ---- receive rules: one drop reason each ----

TEST(PimReceive, ShorterThanTheHeaderIsTruncated) {
  auto f = testing::pim_sample_frames().front();
  const size_t at = pim_offset(f);
  f.resize(at + 3);
  store_be16(f.data() + kEthHeaderLen + 4, 3);
  EXPECT_EQ(reason(f), DropReason::pim_truncated);
}

TEST(PimReceive, VersionMustBeTwo) {
  std::vector<uint8_t> v1 = header(PimType::hello);
  v1[0] = 0x10;
  EXPECT_EQ(reason(frame_of(v1)), DropReason::pim_bad_version);
}

TEST(PimReceive, ChecksumMustMatch) {
  auto f = testing::pim_sample_frames().front();
  f[pim_offset(f) + 2] ^= 0x01;
  EXPECT_EQ(reason(f), DropReason::pim_bad_checksum);
}

TEST(PimReceive, ChecksumCoversThePseudoHeader) {
  auto f = testing::pim_sample_frames().front();
  f[kEthHeaderLen + 8 + 15] ^= 0x01;  // last byte of the source: fe80::b, still link-local
  EXPECT_EQ(reason(f), DropReason::pim_bad_checksum);
}

TEST(PimReceive, LinkMessagesNeedHopLimitOne) {
  L2L3Spec l = link_spec();
  l.hop_limit = 255;
  for (const auto& s : testing::pim_samples())
    EXPECT_EQ(reason(frame_of(build_pim_body(s.message), l)), DropReason::pim_hop_limit_not_one)
        << s.name;
}

TEST(PimReceive, LinkMessagesNeedALinkLocalSource) {
  L2L3Spec l = link_spec();
  l.src = pim_addr("2001:db8::a");
  for (const auto& s : testing::pim_samples())
    EXPECT_EQ(reason(frame_of(build_pim_body(s.message), l)), DropReason::pim_source_not_link_local)
        << s.name;
  l.src = Ipv6Address{};
  EXPECT_EQ(reason(frame_of(header(PimType::hello), l)), DropReason::pim_source_not_link_local);
}

TEST(PimReceive, HelloOptionRunningPastTheMessageIsDropped) {
  // Holdtime claims 4 bytes, 2 follow.
  EXPECT_EQ(reason(frame_of(concat(header(PimType::hello), {0, 1, 0, 4, 0, 30}))),
            DropReason::pim_option_truncated);
  // Two bytes after the last option: half an option header.
  EXPECT_EQ(reason(frame_of(concat(header(PimType::hello), {0, 1, 0, 2, 0, 30, 0, 19}))),
            DropReason::pim_option_truncated);
}

TEST(PimReceive, KnownHelloOptionWithAnotherLengthIsDropped) {
  const std::vector<std::vector<uint8_t>> bad = {
      {0, 1, 0, 4, 0, 0, 0, 30},              // Holdtime is 2 bytes
      {0, 2, 0, 2, 0, 0},                     // LAN Prune Delay is 4
      {0, 19, 0, 2, 0, 1},                    // DR Priority is 4
      {0, 20, 0, 8, 0, 0, 0, 1, 0, 0, 0, 2},  // Generation ID is 4
      {0, 24, 0, 1, 2},                       // Address List shorter than one address
  };
  for (const auto& opt : bad)
    EXPECT_EQ(reason(frame_of(concat(header(PimType::hello), opt))),
              DropReason::pim_bad_option_length)
        << "option " << int{opt[1]};
  // An Address List whose last entry is cut short.
  auto list = concat({0, 24, 0, 20}, concat(unicast("2001:db8::1"), {2, 0}));
  EXPECT_EQ(reason(frame_of(concat(header(PimType::hello), list))),
            DropReason::pim_bad_option_length);
}

TEST(PimReceive, EncodedAddressMustBeIpv6) {
  auto ipv4_upstream =
      concat(concat(header(PimType::join_prune), {1, 0, 192, 0, 2, 1}), {0, 0, 0, 210});
  EXPECT_EQ(reason(frame_of(ipv4_upstream)), DropReason::pim_bad_address_family);
  auto hello_list = concat(header(PimType::hello), concat({0, 24, 0, 18}, encoded(1, 0, "::")));
  EXPECT_EQ(reason(frame_of(hello_list)), DropReason::pim_bad_address_family);
  auto assert_group = concat(header(PimType::assert_), encoded(1, 0, "ff05::1", {0, 128}));
  EXPECT_EQ(reason(frame_of(assert_group)), DropReason::pim_bad_address_family);
}

TEST(PimReceive, EncodedAddressMustUseTheNativeEncoding) {
  // A source with encoding type 1 (RFC 5384 join attributes) is not read.
  auto jp = concat(concat(jp_head(1), group("ff3e::db8:2")),
                   concat(counts(1, 0), encoded(2, 1, "2001:db8:1::10", {0x04, 128})));
  EXPECT_EQ(reason(frame_of(jp)), DropReason::pim_bad_encoding_type);
  auto assert_src = concat(concat(header(PimType::assert_), group("ff05::1")),
                           concat(encoded(2, 1, "2001:db8::1"), {0, 0, 0, 1, 0, 0, 0, 1}));
  EXPECT_EQ(reason(frame_of(assert_src)), DropReason::pim_bad_encoding_type);
}

TEST(PimReceive, JoinPruneEndingInsideItsFieldsIsDropped) {
  const std::vector<uint8_t> one_source = concat(counts(1, 0), source("2001:db8:1::10"));
  const std::vector<std::vector<uint8_t>> bad = {
      concat(header(PimType::join_prune), {2, 0}),                     // inside the upstream
      concat(header(PimType::join_prune), unicast("fe80::b")),         // no group count
      jp_head(2),                                                      // two groups, none there
      concat(jp_head(1), group("ff3e::db8:2")),                        // no source counts
      concat(concat(jp_head(1), group("ff3e::db8:2")), counts(2, 0)),  // two sources, none
      concat(concat(jp_head(2), group("ff3e::db8:2")), one_source),    // second group missing
      concat(concat(jp_head(1), group("ff3e::db8:2")),
             concat(counts(0xffff, 0xffff), source("2001:db8:1::10"))),  // huge counts
  };
  for (size_t i = 0; i < bad.size(); ++i)
    EXPECT_EQ(reason(frame_of(bad[i])), DropReason::pim_bad_length) << i;
  EXPECT_EQ(reason(frame_of(concat(concat(jp_head(1), group("ff3e::db8:2")), one_source))),
            DropReason::none);
}

TEST(PimReceive, AssertEndingInsideItsFieldsIsDropped) {
  const auto full = build_pim_body(testing::pim_samples()[3].message);
  for (size_t len : {size_t{4}, size_t{10}, size_t{24}, size_t{30}, full.size() - 1}) {
    std::vector<uint8_t> cut(full.begin(), full.begin() + static_cast<long>(len));
    EXPECT_EQ(reason(frame_of(cut)), DropReason::pim_bad_length) << len;
  }
}

TEST(PimReceive, FirstFragmentOfAPimMessageIsDropped) {
  auto f = testing::pim_sample_frames().front();
  const size_t ip = kEthHeaderLen;
  const uint8_t frag[8] = {kProtoPim, 0, 0, 1, 0, 0, 0, 1};  // offset 0, more fragments
  f[ip + 6] = kProtoFragment;
  f.insert(f.begin() + static_cast<long>(ip + kIpv6HeaderLen), frag, frag + 8);
  store_be16(f.data() + ip + 4, static_cast<uint16_t>(load_be16(f.data() + ip + 4) + 8));
  EXPECT_EQ(reason(f), DropReason::fragmented_control);
}

// Declared last so it runs last: every reason of the PIM block (from pim_truncated up to the
// data-plane group) came out of one of the tests above. test_receive_rules.cc covers the
// reasons before the block.
TEST(ZzPimCoverage, EveryPimDropReasonIsExercised) {
  if (::testing::GTEST_FLAG(filter) != "*") GTEST_SKIP() << "needs the whole file to run";
  for (size_t i = static_cast<size_t>(DropReason::pim_truncated);
       i < static_cast<size_t>(DropReason::rpf_fail); ++i) {
    auto r = static_cast<DropReason>(i);
    EXPECT_TRUE(seen_reasons().count(r)) << "no test produces " << drop_reason_name(r);
  }
}

}  // namespace
}  // namespace tandem::wire
