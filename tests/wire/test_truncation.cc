// Truncating any valid frame at any byte gives a drop reason, never a crash or an over-read
// (each cut is copied into a buffer of exactly that size, so ASan sees every stray byte).
#include <gtest/gtest.h>

#include <memory>

#include "control/wire/byte_io.h"
#include "control/wire/checksum.h"
#include "control/wire/decode_json.h"
#include "tests/wire/fixture_util.h"
#include "tests/wire/pim_samples.h"

namespace tandem::testing {
namespace {

using wire::PacketKind;

// The fixture captures, plus the PIM messages tandem builds (no PIM capture yet).
std::vector<std::vector<uint8_t>> all_fixture_frames() {
  std::vector<std::vector<uint8_t>> out;
  for (const char* name :
       {"mldv2_state_changes.pcap", "mldv2_query_responses.pcap", "mldv1_report_done.pcap",
        "mldv2_bridge_querier.pcap", "mldv1_bridge_querier_fallback.pcap",
        "vrrpv3_keepalived_adverts.pcap", "vrrpv3_frr_adverts.pcap", "mcast_fwd_tandem.pcap"}) {
    auto f = load_fixture(name);
    for (auto& r : f.file.records) out.push_back(r.data);
  }
  auto bfd = load_fixture("bfd_frr_ipv6_global_10ms.pcap");
  for (size_t i = 0; i < bfd.file.records.size(); i += 50) out.push_back(bfd.file.records[i].data);
  for (auto& f : pim_sample_frames()) out.push_back(std::move(f));
  return out;
}

wire::Frame parse_exact(const uint8_t* p, size_t n) {
  auto buf = std::make_unique<uint8_t[]>(n ? n : 1);
  std::copy(p, p + n, buf.get());
  wire::Frame f = wire::parse_frame({buf.get(), n});
  (void)wire::frame_to_json(1, f);  // the JSON writer walks the same views
  return f;
}

TEST(Truncation, EveryCutOfEveryFixtureFrameIsDropped) {
  auto frames = all_fixture_frames();
  ASSERT_GT(frames.size(), 200u);
  size_t cuts = 0;
  for (const auto& fr : frames) {
    auto walk = wire::walk_headers(fr.data(), fr.size());
    ASSERT_EQ(walk.drop, wire::DropReason::none);
    // Cuts inside the headers or the IPv6 payload; bytes past l3_end are Ethernet padding.
    for (size_t cut = 0; cut < walk.l3_end; ++cut, ++cuts) {
      wire::Frame f = parse_exact(fr.data(), cut);
      ASSERT_EQ(f.kind, PacketKind::drop) << "cut at " << cut << " of " << fr.size();
      ASSERT_NE(f.drop_reason, wire::DropReason::none);
    }
  }
  EXPECT_GT(cuts, 20000u);
}

// The same cuts with the IPv6 payload length and the checksum rewritten to match, so the
// protocol parsers (not just the IPv6 length check) see every short message.
TEST(Truncation, ConsistentlyShortenedMessagesNeverCrash) {
  auto frames = all_fixture_frames();
  size_t drops = 0, cuts = 0;
  for (const auto& fr : frames) {
    auto walk = wire::walk_headers(fr.data(), fr.size());
    wire::Frame full = wire::parse_frame(fr);
    for (size_t cut = walk.upper_offset; cut < walk.l3_end; ++cut, ++cuts) {
      std::vector<uint8_t> f(fr.begin(), fr.begin() + static_cast<long>(cut));
      // .at(): the cut always keeps the IPv6 header (cut >= upper_offset), and GCC 12 at -O3
      // cannot see that for a bare pointer.
      wire::store_be16(&f.at(walk.l3_offset + 4),
                       static_cast<uint16_t>(cut - walk.l3_offset - wire::kIpv6HeaderLen));
      size_t up_len = cut - walk.upper_offset;
      size_t csum_at = walk.upper_protocol == wire::kProtoIcmpv6 ? 2
                       : walk.upper_protocol == wire::kProtoVrrp ? 6
                       : walk.upper_protocol == wire::kProtoPim  ? 2
                                                                 : 0;
      if (csum_at && up_len >= csum_at + 2) {
        uint8_t* m = f.data() + walk.upper_offset;
        wire::store_be16(m + csum_at, 0);
        wire::store_be16(m + csum_at, wire::ipv6_upper_checksum(full.src, full.dst,
                                                                walk.upper_protocol, m, up_len));
      }
      if (walk.upper_protocol == wire::kProtoUdp && up_len >= 6)
        wire::store_be16(f.data() + walk.upper_offset + 4, static_cast<uint16_t>(up_len));
      wire::Frame p = parse_exact(f.data(), f.size());
      // A short MLDv2 report, VRRP advert, BFD packet, PIM Join/Prune or Assert can never be
      // complete.
      if (full.kind == PacketKind::mld_report_v2 || full.kind == PacketKind::vrrp ||
          full.kind == PacketKind::bfd || full.kind == PacketKind::mld_report_v1 ||
          full.kind == PacketKind::mld_done || full.kind == PacketKind::pim_join_prune ||
          full.kind == PacketKind::pim_assert) {
        EXPECT_EQ(p.kind, PacketKind::drop)
            << wire::packet_kind_name(full.kind) << " cut at " << cut;
      }
      // A Hello cut between two options is a shorter Hello (its options are a list, §4.9.2);
      // cut anywhere else it is dropped.
      if (full.kind == PacketKind::pim_hello) {
        EXPECT_TRUE(p.kind == PacketKind::drop || p.kind == PacketKind::pim_hello)
            << "Hello cut at " << cut << " is " << wire::packet_kind_name(p.kind);
      }
      drops += p.kind == PacketKind::drop;
    }
  }
  EXPECT_GT(cuts, 10000u);
  EXPECT_GT(drops, cuts / 2);
}

}  // namespace
}  // namespace tandem::testing
