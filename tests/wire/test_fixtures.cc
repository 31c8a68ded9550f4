// Every frame of every capture in tests/fixtures decodes to what its README lists.
#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "control/wire/decode_json.h"
#include "tests/wire/fixture_util.h"

namespace tandem::testing {
namespace {

using wire::MldRecordType;
using wire::PacketKind;

std::map<PacketKind, int> kind_counts(const FixtureFrames& f) {
  std::map<PacketKind, int> c;
  for (const auto& fr : f.frames) ++c[fr.kind];
  return c;
}

const auto G1 = A("ff05::db8:1");
const auto G2 = A("ff3e::db8:2");
const auto G3 = A("ff05::db8:3");
const auto S1 = A("2001:db8:1::10");
const auto S2 = A("2001:db8:1::11");
const auto S3 = A("2001:db8:1::12");

using RecordKey = std::tuple<MldRecordType, wire::Ipv6Address, std::vector<wire::Ipv6Address>>;

std::set<RecordKey> distinct_records(const FixtureFrames& f, bool skip_link_scope) {
  std::set<RecordKey> out;
  for (const auto& fr : f.frames) {
    if (fr.kind != PacketKind::mld_report_v2) continue;
    for (wire::MldRecord r : fr.mld.report) {
      if (skip_link_scope && r.group.is_link_scope_multicast()) continue;
      out.insert({r.type, r.group, r.sources.to_vector()});
    }
  }
  return out;
}

TEST(Fixtures, Mldv2StateChangesCarryAllFourChangeRecordTypes) {
  auto f = load_fixture("mldv2_state_changes.pcap");
  ASSERT_EQ(f.frames.size(), 29u);
  EXPECT_EQ(kind_counts(f),
            (std::map<PacketKind, int>{{PacketKind::mld_report_v2, 28}, {PacketKind::nd_ns, 1}}));
  // DAD-time reports come from :: and still parse (RFC 3810 §5.2.13).
  EXPECT_TRUE(f.frames[0].src.is_unspecified());
  EXPECT_EQ(f.frames[0].kind, PacketKind::mld_report_v2);
  EXPECT_TRUE(f.frames[2].src.is_unspecified());
  const std::set<RecordKey> expected = {
      {MldRecordType::to_ex, G1, {}},       {MldRecordType::allow, G2, {S1}},
      {MldRecordType::allow, G2, {S2}},     {MldRecordType::block, G2, {S1}},
      {MldRecordType::block, G1, {S3}},     {MldRecordType::allow, G1, {S3}},
      {MldRecordType::allow, G3, {S1}},     {MldRecordType::to_ex, G3, {S2, S3}},
      {MldRecordType::to_in, G3, {S2, S1}}, {MldRecordType::to_in, G1, {}},
      {MldRecordType::block, G2, {S2}},     {MldRecordType::block, G3, {S2, S1}},
  };
  EXPECT_EQ(distinct_records(f, true), expected);
  for (const auto& fr : f.frames) {
    if (fr.kind != PacketKind::mld_report_v2) continue;
    EXPECT_EQ(fr.dst, A("ff02::16"));
    EXPECT_EQ(fr.hop_limit, 1);
    EXPECT_TRUE(fr.walk.router_alert);
  }
}

TEST(Fixtures, Mldv2QueryResponses) {
  auto f = load_fixture("mldv2_query_responses.pcap");
  ASSERT_EQ(f.frames.size(), 11u);
  EXPECT_EQ(kind_counts(f), (std::map<PacketKind, int>{{PacketKind::mld_query, 6},
                                                       {PacketKind::mld_report_v2, 5}}));
  std::vector<wire::MldQuery> queries;
  for (const auto& fr : f.frames)
    if (fr.kind == PacketKind::mld_query) {
      queries.push_back(fr.mld.query);
      EXPECT_EQ(fr.src, A("fe80::1"));
      EXPECT_EQ(fr.eth_src.to_string(), "02:00:00:00:00:01");
    }
  ASSERT_EQ(queries.size(), 6u);
  for (const auto& q : queries) {
    EXPECT_TRUE(q.v2);
    EXPECT_EQ(q.max_resp_ms, 1000u);
  }
  EXPECT_TRUE(queries[0].is_general());
  EXPECT_EQ(queries[0].qrv, 2);
  EXPECT_EQ(queries[0].qqi_s, 125u);
  EXPECT_EQ(queries[1].group, G2);
  EXPECT_TRUE(queries[1].sources.empty());
  EXPECT_EQ(queries[2].group, G2);
  EXPECT_EQ(queries[2].sources.to_vector(), (std::vector<wire::Ipv6Address>{S1, S3}));
  EXPECT_EQ(queries[3].group, G1);
  EXPECT_EQ(queries[3].sources.to_vector(), (std::vector<wire::Ipv6Address>{S1, S3}));
  // The last general query uses QRV 7 and the exponential QQIC form: code 200 = 3072 s.
  EXPECT_TRUE(queries[5].is_general());
  EXPECT_EQ(queries[5].qrv, 7);
  EXPECT_EQ(queries[5].qqic, 200);
  EXPECT_EQ(queries[5].qqi_s, 3072u);
  // The answer to the general query: IS_IN G2{S1,S2}, IS_EX G1{S3}, IS_EX sol-node{}.
  const auto& r = f.frames[1];
  ASSERT_EQ(r.kind, PacketKind::mld_report_v2);
  std::vector<RecordKey> recs;
  for (wire::MldRecord rec : r.mld.report)
    recs.push_back({rec.type, rec.group, rec.sources.to_vector()});
  ASSERT_EQ(recs.size(), 3u);
  EXPECT_EQ(recs[0], RecordKey(MldRecordType::is_in, G2, {S1, S2}));
  EXPECT_EQ(recs[1], RecordKey(MldRecordType::is_ex, G1, {S3}));
  EXPECT_EQ(std::get<0>(recs[2]), MldRecordType::is_ex);
  EXPECT_TRUE(std::get<1>(recs[2]).is_link_scope_multicast());
}

TEST(Fixtures, Mldv1ReportDone) {
  auto f = load_fixture("mldv1_report_done.pcap");
  ASSERT_EQ(f.frames.size(), 15u);
  EXPECT_EQ(kind_counts(f), (std::map<PacketKind, int>{{PacketKind::mld_report_v1, 10},
                                                       {PacketKind::mld_query, 2},
                                                       {PacketKind::mld_done, 2},
                                                       {PacketKind::nd_ns, 1}}));
  EXPECT_TRUE(f.frames[0].src.is_unspecified());
  std::set<wire::Ipv6Address> report_groups, done_groups;
  for (const auto& fr : f.frames) {
    if (fr.kind == PacketKind::mld_report_v1) {
      report_groups.insert(fr.mld.v1.group);
      EXPECT_EQ(fr.dst, fr.mld.v1.group);  // RFC 2710 §5: reports go to the group
    }
    if (fr.kind == PacketKind::mld_done) {
      done_groups.insert(fr.mld.v1.group);
      EXPECT_EQ(fr.dst, A("ff02::2"));
    }
    if (fr.kind == PacketKind::mld_query) {
      EXPECT_FALSE(fr.mld.query.v2);
      EXPECT_EQ(fr.mld.query.max_resp_ms, 1000u);
    }
  }
  EXPECT_TRUE(report_groups.count(G1) && report_groups.count(G2));
  EXPECT_EQ(done_groups, (std::set<wire::Ipv6Address>{G1, G2}));
}

TEST(Fixtures, Mldv2BridgeQuerier) {
  auto f = load_fixture("mldv2_bridge_querier.pcap");
  ASSERT_EQ(f.frames.size(), 41u);
  auto c = kind_counts(f);
  EXPECT_EQ(c[PacketKind::mld_report_v2], 26);
  EXPECT_EQ(c[PacketKind::mld_query], 10);
  EXPECT_EQ(c[PacketKind::nd_ns], 2);
  EXPECT_EQ(c[PacketKind::other], 3);  // router solicitations
  bool saw_group_specific = false, saw_source_specific = false;
  std::set<wire::Ipv6Address> queried_sources, blocked_sources;
  for (const auto& fr : f.frames) {
    if (fr.kind == PacketKind::mld_report_v2)
      for (wire::MldRecord r : fr.mld.report)
        if (r.type == MldRecordType::block)
          for (size_t i = 0; i < r.sources.size(); ++i) blocked_sources.insert(r.sources[i]);
    if (fr.kind != PacketKind::mld_query) continue;
    const auto& q = fr.mld.query;
    EXPECT_TRUE(q.v2);
    EXPECT_EQ(q.max_resp_ms, 1000u);
    EXPECT_EQ(q.qrv, 2);
    EXPECT_EQ(q.qqi_s, 10u);
    EXPECT_TRUE(fr.src.is_link_local_unicast());
    if (q.is_general()) {
      EXPECT_EQ(fr.dst, A("ff02::1"));
    }
    if (!q.is_general() && q.sources.empty()) {
      saw_group_specific = true;
      EXPECT_EQ(fr.dst, q.group);
    }
    if (!q.sources.empty()) {
      saw_source_specific = true;
      EXPECT_EQ(q.group, G2);
      ASSERT_EQ(q.sources.size(), 1u);
      queried_sources.insert(q.sources[0]);
    }
  }
  EXPECT_TRUE(saw_group_specific);
  EXPECT_TRUE(saw_source_specific);
  // Each BLOCK the host sent drew an address-and-source-specific query for that source.
  EXPECT_EQ(queried_sources, blocked_sources);
  EXPECT_EQ(queried_sources, (std::set<wire::Ipv6Address>{S1, S2}));
}

TEST(Fixtures, Mldv1BridgeQuerierFallback) {
  auto f = load_fixture("mldv1_bridge_querier_fallback.pcap");
  ASSERT_EQ(f.frames.size(), 34u);
  auto c = kind_counts(f);
  EXPECT_EQ(c[PacketKind::mld_report_v1], 10);
  EXPECT_EQ(c[PacketKind::mld_report_v2], 11);
  EXPECT_EQ(c[PacketKind::mld_query], 6);
  EXPECT_EQ(c[PacketKind::mld_done], 2);
  EXPECT_EQ(c[PacketKind::nd_ns], 2);
  EXPECT_EQ(c[PacketKind::other], 3);
  bool saw_specific_to_all_nodes = false;
  for (const auto& fr : f.frames) {
    if (fr.kind != PacketKind::mld_query) continue;
    EXPECT_FALSE(fr.mld.query.v2);
    // The Linux bridge sends v1 address-specific queries to ff02::1 (fixtures README).
    if (!fr.mld.query.is_general() && fr.dst == A("ff02::1")) saw_specific_to_all_nodes = true;
  }
  EXPECT_TRUE(saw_specific_to_all_nodes);
}

void expect_keepalived_advert(const wire::Frame& fr) {
  EXPECT_EQ(fr.eth_src.to_string(), "00:00:5e:00:02:01");
  EXPECT_EQ(fr.dst, A("ff02::12"));
  EXPECT_EQ(fr.hop_limit, 255);
  EXPECT_EQ(fr.traffic_class, 0xc0);
  EXPECT_TRUE(fr.src.is_link_local_unicast());
  EXPECT_EQ(fr.vrrp.version, 3);
  EXPECT_EQ(fr.vrrp.vrid, 1);
  EXPECT_EQ(fr.vrrp.max_adver_int_cs, 100);
  ASSERT_EQ(fr.vrrp.addresses.size(), 2u);
  EXPECT_EQ(fr.vrrp.addresses[0], A("fe80::1"));  // the link-local VIP first
  EXPECT_EQ(fr.vrrp.addresses[1], A("2001:db8:10::1"));
}

void expect_unsolicited_na(const wire::Frame& fr) {
  EXPECT_TRUE(fr.nd.router);
  EXPECT_FALSE(fr.nd.solicited);
  EXPECT_TRUE(fr.nd.override_flag);
  EXPECT_EQ(fr.src, fr.nd.target);
  EXPECT_EQ(fr.dst, A("ff02::1"));
  ASSERT_TRUE(fr.nd.target_lla.has_value());
  EXPECT_EQ(fr.nd.target_lla->to_string(), "00:00:5e:00:02:01");
}

TEST(Fixtures, Vrrpv3KeepalivedAdverts) {
  auto f = load_fixture("vrrpv3_keepalived_adverts.pcap");
  ASSERT_EQ(f.frames.size(), 28u);
  EXPECT_EQ(kind_counts(f),
            (std::map<PacketKind, int>{
                {PacketKind::mld_report_v2, 13}, {PacketKind::vrrp, 11}, {PacketKind::nd_na, 4}}));
  std::set<wire::Ipv6Address> na_targets;
  for (const auto& fr : f.frames) {
    if (fr.kind == PacketKind::vrrp) {
      expect_keepalived_advert(fr);
      EXPECT_EQ(fr.vrrp.priority, 120);
    }
    if (fr.kind == PacketKind::nd_na) {
      expect_unsolicited_na(fr);
      na_targets.insert(fr.nd.target);
    }
  }
  EXPECT_EQ(na_targets, (std::set<wire::Ipv6Address>{A("fe80::1"), A("2001:db8:10::1")}));
}

TEST(Fixtures, Vrrpv3KeepalivedFailover) {
  auto f = load_fixture("vrrpv3_keepalived_failover.pcap");
  ASSERT_EQ(f.frames.size(), 158u);
  auto c = kind_counts(f);
  EXPECT_EQ(c[PacketKind::vrrp], 32);
  EXPECT_EQ(c[PacketKind::nd_na], 24);
  EXPECT_EQ(c[PacketKind::mld_report_v2], 22);
  EXPECT_EQ(c[PacketKind::nd_ns], 15);
  EXPECT_EQ(c[PacketKind::other], 65);  // 62 echo + 3 ICMPv6 errors
  std::map<int, int> priorities;
  for (const auto& fr : f.frames)
    if (fr.kind == PacketKind::vrrp) {
      expect_keepalived_advert(fr);
      ++priorities[fr.vrrp.priority];
    }
  EXPECT_EQ(priorities[0], 1);  // the resignation advert
  EXPECT_GT(priorities[100], 0);
  EXPECT_GT(priorities[120], 0);
}

TEST(Fixtures, Vrrpv3FrrAdverts) {
  auto f = load_fixture("vrrpv3_frr_adverts.pcap");
  ASSERT_EQ(f.frames.size(), 34u);
  EXPECT_EQ(kind_counts(f), (std::map<PacketKind, int>{{PacketKind::mld_report_v2, 13},
                                                       {PacketKind::vrrp, 10},
                                                       {PacketKind::other, 6},
                                                       {PacketKind::nd_na, 4},
                                                       {PacketKind::nd_ns, 1}}));
  std::set<int> priorities;
  for (const auto& fr : f.frames)
    if (fr.kind == PacketKind::vrrp) {
      priorities.insert(fr.vrrp.priority);
      EXPECT_EQ(fr.vrrp.addresses[0], A("fe80::1"));
      EXPECT_EQ(fr.hop_limit, 255);
    }
  EXPECT_TRUE(priorities.count(120));
}

TEST(Fixtures, BfdFrrGlobal10ms) {
  auto f = load_fixture("bfd_frr_ipv6_global_10ms.pcap");
  ASSERT_EQ(f.frames.size(), 1483u);
  auto c = kind_counts(f);
  EXPECT_EQ(c[PacketKind::bfd], 1465);
  EXPECT_EQ(c[PacketKind::other], 12);  // port unreachables
  EXPECT_EQ(c[PacketKind::nd_ns], 3);
  EXPECT_EQ(c[PacketKind::nd_na], 3);
  EXPECT_EQ(c[PacketKind::mld_report_v2], 0);  // fixed link-locals, no DAD: no reports
  std::set<wire::BfdState> states;
  std::set<wire::BfdDiag> diags;
  int polls = 0, finals = 0;
  for (const auto& fr : f.frames) {
    if (fr.kind != PacketKind::bfd) continue;
    const auto& b = fr.bfd;
    states.insert(b.state);
    diags.insert(b.diag);
    polls += b.poll;
    finals += b.final;
    EXPECT_FALSE(b.poll && b.final);  // RFC 5880 §6.5
    EXPECT_EQ(fr.src_port, 49152);
    EXPECT_EQ(b.detect_mult, 3);
    // RFC 5880 §6.8.3: a session that has never been Up advertises 1 s (FRR keeps its fast
    // interval for a while after a later Down, so only the start is checked).
    if (b.state == wire::BfdState::down && states.size() == 1) {
      EXPECT_EQ(b.desired_min_tx_us, 1000000u);
    }
  }
  EXPECT_EQ(states, (std::set<wire::BfdState>{wire::BfdState::admin_down, wire::BfdState::down,
                                              wire::BfdState::init, wire::BfdState::up}));
  EXPECT_TRUE(diags.count(wire::BfdDiag::control_detection_expired));
  EXPECT_TRUE(diags.count(wire::BfdDiag::neighbor_signaled_down));
  EXPECT_GT(polls, 0);
  EXPECT_GT(finals, 0);
}

// The kernel here has no IPv6 multicast routing, so the forwarder is tandemd in the lab
// (tests/fixtures/README.md): each datagram from the source, then r1's copy on the listeners'
// LAN, sent from the VRRP virtual MAC with the hop limit one lower (RFC 8200 §3).
TEST(Fixtures, McastForwardingTandem) {
  auto f = load_fixture("mcast_fwd_tandem.pcap");
  ASSERT_EQ(f.frames.size(), 20u);
  int in = 0, out = 0;
  for (const auto& fr : f.frames) {
    ASSERT_EQ(fr.kind, PacketKind::mcast_data);
    EXPECT_EQ(fr.src, A("2001:db8:100::10"));
    EXPECT_EQ(fr.dst, G2);
    EXPECT_EQ(fr.src_port, 40000);
    EXPECT_EQ(fr.dst_port, 5000);
    EXPECT_EQ(fr.eth_dst.to_string(), "33:33:0d:b8:00:02");  // RFC 2464 §7
    if (fr.hop_limit == 8) {
      ++in;
      EXPECT_EQ(fr.eth_src.to_string(), "02:74:64:64:00:10");
    } else {
      ++out;
      EXPECT_EQ(fr.hop_limit, 7);
      EXPECT_EQ(fr.eth_src.to_string(), "00:00:5e:00:02:01");
    }
  }
  EXPECT_EQ(in, 10);
  EXPECT_EQ(out, 10);
}

}  // namespace
}  // namespace tandem::testing
