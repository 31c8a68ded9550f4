// One PIM message of every shape tandem builds (RFC 7761 §4.9.2, §4.9.5, §4.9.6), shared by
// the PIM tests, the truncation sweep, the tshark round trip and make_pim_pcap (the capture
// tshark_compare.py reads). Addresses follow tests/fixtures: 2001:db8::/32, groups
// ff05::db8:1 and ff3e::db8:2, sources 2001:db8:1::10..12.
#pragma once

#include <string>
#include <vector>

#include "control/wire/frame.h"
#include "control/wire/pim.h"

namespace tandem::testing {

struct PimSample {
  std::string name;
  wire::PimMessage message;
  wire::PacketKind kind;
};

inline wire::Ipv6Address pim_addr(const char* text) {
  return wire::Ipv6Address::must_parse(text);
}

inline wire::PimSourceEntry pim_source(const char* text, bool wildcard = false, bool rpt = false) {
  wire::PimSourceEntry e;
  e.source = pim_addr(text);
  e.wildcard = wildcard;
  e.rpt = rpt;
  return e;
}

inline const wire::MacAddress kPimSampleMac{{0x02, 0, 0, 0, 0, 0x0a}};
inline const wire::Ipv6Address kPimSampleLl = pim_addr("fe80::a");

inline std::vector<PimSample> pim_samples() {
  using namespace wire;
  std::vector<PimSample> out;

  PimMessage hello;
  hello.type = PimType::hello;
  hello.hello.holdtime_s = 105;  // 3.5 x the 30 s Hello period (§4.11)
  hello.hello.lan_prune_delay = PimLanPruneDelay{true, 500, 2500};  // T, delay, override
  hello.hello.dr_priority = 1;
  hello.hello.generation_id = 0x12345678;
  hello.hello.address_list = {pim_addr("2001:db8:10::1"), pim_addr("2001:db8:10::2")};
  out.push_back({"hello_all_options", hello, PacketKind::pim_hello});

  PimMessage goodbye;  // Holdtime 0: the neighbor is leaving (§4.3.1)
  goodbye.type = PimType::hello;
  goodbye.hello.holdtime_s = 0;
  goodbye.hello.generation_id = 0xfedcba98;
  out.push_back({"hello_goodbye", goodbye, PacketKind::pim_hello});

  PimMessage jp;
  jp.type = PimType::join_prune;
  jp.join_prune.upstream_neighbor = pim_addr("fe80::b");
  jp.join_prune.holdtime_s = 210;
  PimGroupSet star_g;  // (*,G) join: the RP with W and R set
  star_g.group = pim_addr("ff05::db8:1");
  star_g.joins = {pim_source("2001:db8::1", true, true)};
  star_g.prunes = {pim_source("2001:db8:1::12", false, true)};  // (S,G,rpt) prune
  PimGroupSet s_g;  // (S,G) join of one source, prune of another
  s_g.group = pim_addr("ff3e::db8:2");
  s_g.joins = {pim_source("2001:db8:1::10")};
  s_g.prunes = {pim_source("2001:db8:1::11")};
  jp.join_prune.groups = {star_g, s_g};
  out.push_back({"join_prune", jp, PacketKind::pim_join_prune});

  PimMessage sg_assert;
  sg_assert.type = PimType::assert_;
  sg_assert.assert_message.group = pim_addr("ff3e::db8:2");
  sg_assert.assert_message.source = pim_addr("2001:db8:1::10");
  sg_assert.assert_message.metric_preference = 110;
  sg_assert.assert_message.metric = 20;
  out.push_back({"assert_s_g", sg_assert, PacketKind::pim_assert});

  PimMessage cancel;  // (*,G) AssertCancel: RPT bit, source ::, infinite metric (§4.6.1)
  cancel.type = PimType::assert_;
  cancel.assert_message.group = pim_addr("ff05::db8:1");
  cancel.assert_message.rpt = true;
  cancel.assert_message.metric_preference = kPimAssertInfinitePreference;
  cancel.assert_message.metric = kPimAssertInfiniteMetric;
  out.push_back({"assert_cancel_star_g", cancel, PacketKind::pim_assert});
  return out;
}

inline std::vector<uint8_t> pim_sample_frame(const PimSample& s) {
  return wire::build_pim_message_frame(kPimSampleMac, kPimSampleLl, s.message);
}

inline std::vector<std::vector<uint8_t>> pim_sample_frames() {
  std::vector<std::vector<uint8_t>> out;
  for (const PimSample& s : pim_samples()) out.push_back(pim_sample_frame(s));
  return out;
}

}  // namespace tandem::testing
