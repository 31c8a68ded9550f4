#include "tests/dataplane/random_traffic.h"

#include <algorithm>

#include "control/wire/headers.h"
#include "control/wire/pim.h"
#include "dataplane/classify.h"

namespace tandem::dataplane::test {

namespace {

using wire::Ipv6Address;
using wire::MacAddress;

void put16(Bytes& b, uint32_t v) {
  b.push_back(static_cast<uint8_t>(v >> 8));
  b.push_back(static_cast<uint8_t>(v));
}

Bytes udp(uint16_t dport, size_t payload) {
  Bytes u;
  put16(u, 40000);
  put16(u, dport);
  put16(u, static_cast<uint32_t>(8 + payload));
  put16(u, 0x1234);  // the worker never checks it
  u.resize(8 + payload, 0x5a);
  return u;
}

Bytes icmp(uint8_t type, size_t body) {
  Bytes u = {type, 0, 0x12, 0x34};
  u.resize(4 + body, 0);
  return u;
}

// Extension headers (RFC 8200 §4), 8 bytes each unless told; byte 0 (next header) is filled
// in when the frame is built.
Bytes pad_options() {
  return {0, 0, wire::kOptPadN, 4, 0, 0, 0, 0};
}
Bytes router_alert() {
  return {0, 0, wire::kOptRouterAlert, 2, 0, 0, wire::kOptPadN, 0};
}
Bytes options_past_end() {
  return {0, 0, wire::kOptPadN, 9, 0, 0, 0, 0};
}
Bytes routing() {
  return {0, 0, 0, 0, 0, 0, 0, 0};
}
Bytes claims_88_bytes() {
  return {0, 10, wire::kOptPadN, 4, 0, 0, 0, 0};
}
Bytes fragment(uint16_t offset_units, bool more) {
  const auto v = static_cast<uint16_t>(offset_units << 3 | (more ? 1 : 0));
  return {0, 0, static_cast<uint8_t>(v >> 8), static_cast<uint8_t>(v), 0, 0, 0, 7};
}

Ipv6Address ip(const char* text) {
  return Ipv6Address::must_parse(text);
}

}  // namespace

struct RandomTraffic::FrameSpec {
  std::string label;
  uint16_t tag = 0;  // 0: untagged, else the tag's TPID
  uint16_t ethertype = wire::kEtherTypeIpv6;
  uint8_t version = 6;
  uint8_t hop = 64;
  Ipv6Address src, dst;
  std::vector<std::pair<uint8_t, Bytes>> ext;  // type, header
  uint8_t upper_proto = wire::kProtoUdp;
  Bytes upper;
  int length_error = 0;  // added to the payload length field
  size_t padding = 0;    // bytes after the packet
  size_t cut = SIZE_MAX;
};

namespace {

// The frame: Ethernet to the destination's multicast MAC (RFC 2464 §7), an optional tag,
// IPv6, its extension headers, the upper layer with `sequence` in payload bytes 8-11.
template <class Spec>
Bytes build(const Spec& s, uint32_t sequence) {
  const uint8_t* d = s.dst.bytes.data();
  Bytes f = {0x33, 0x33, d[12], d[13], d[14], d[15], 0x02, 0, 0, 0, 0, 0x77};
  if (s.tag != 0) {
    put16(f, s.tag);
    put16(f, 100);
  }
  put16(f, s.ethertype);
  Bytes body;
  for (size_t i = 0; i < s.ext.size(); ++i) {
    Bytes h = s.ext[i].second;
    h[0] = i + 1 < s.ext.size() ? s.ext[i + 1].first : s.upper_proto;
    body.insert(body.end(), h.begin(), h.end());
  }
  Bytes upper = s.upper;
  if (upper.size() >= 12) {
    for (int k = 0; k < 4; ++k) upper[8 + k] = static_cast<uint8_t>(sequence >> (8 * k));
  }
  body.insert(body.end(), upper.begin(), upper.end());
  const int plen = std::clamp(static_cast<int>(body.size()) + s.length_error, 0, 0xffff);
  f.push_back(static_cast<uint8_t>(s.version << 4));
  f.insert(f.end(), {0, 0, 0});
  put16(f, static_cast<uint32_t>(plen));
  f.push_back(s.ext.empty() ? s.upper_proto : s.ext.front().first);
  f.push_back(s.hop);
  f.insert(f.end(), s.src.bytes.begin(), s.src.bytes.end());
  f.insert(f.end(), s.dst.bytes.begin(), s.dst.bytes.end());
  f.insert(f.end(), body.begin(), body.end());
  f.insert(f.end(), s.padding, 0xee);
  if (s.cut < f.size()) f.resize(s.cut);
  return f;
}

}  // namespace

RandomTraffic::RandomTraffic(uint64_t seed, PortIndex n_ports) : rng_(seed), n_ports_(n_ports) {
  groups_ = {ip("ff05::db8:1"), ip("ff05::db8:2"), ip("ff0e::1:3"),       ip("ff3e:30:2001:db8::4"),
             ip("ff15::5"),     ip("ff08::6"),     ip("ff05::1:0:db8:7"), ip("ff0e::8")};
  unknown_groups_ = {ip("ff05::dead"), ip("ff0e::beef"), ip("ff3e:30:2001:db8::99")};
  // Scopes 0-2 (reserved, interface-local, link-local) are never routed (RFC 4291 §2.7).
  unroutable_ = {ip("ff02::1:3"), ip("ff01::2"), ip("ff00::9"), ip("ff12::5"),
                 ip("ff02::1:ff00:1")};
  sources_ = {ip("2001:db8:1::10"), ip("2001:db8:1::11"), ip("2001:db8:2::20"), ip("fe80::1")};
}

Ipv6Address RandomTraffic::pick(const std::vector<Ipv6Address>& from) {
  return from[below(static_cast<unsigned>(from.size()))];
}

Ipv6Address RandomTraffic::pick_source() {
  return chance(5) ? Ipv6Address{} : pick(sources_);
}

PortMask RandomTraffic::random_ports(unsigned percent_each) {
  PortMask m = 0;
  for (PortIndex p = 0; p < n_ports_; ++p) {
    if (chance(percent_each)) m |= port_bit(p);
  }
  return m;
}

ForwardingState RandomTraffic::random_state() {
  ForwardingState st;
  ReferenceFib& fib = st.fib;
  fib.n_ports = n_ports_;
  std::vector<FibRoute> made;
  auto route = [&](bool star) {
    FibRoute r;
    if (!made.empty() && chance(40)) {
      // Like an earlier entry but for one field: the worker's one-port run tells such
      // entries apart by one compare of their route words.
      r = made[below(static_cast<unsigned>(made.size()))];
      if (chance(50)) r.iif = chance(30) ? kNoIif : static_cast<PortIndex>(below(n_ports_));
      r.notify_sources = star && chance(25);
      made.push_back(r);
      return r;
    }
    const unsigned shape = below(100);
    r.egress = shape < 8    ? 0
               : shape < 35 ? port_bit(static_cast<PortIndex>(below(n_ports_)))
                            : random_ports(50);
    r.iif = chance(40) ? kNoIif : static_cast<PortIndex>(below(n_ports_));
    r.notify_sources = star && chance(25);
    made.push_back(r);
    return r;
  };
  for (const Ipv6Address& g : groups_) {
    if (chance(70)) fib.entries[{Ipv6Address{}, g}] = route(true);
    if (chance(40)) {
      for (unsigned k = 0; k <= below(2); ++k) fib.entries[{pick(sources_), g}] = route(false);
    }
  }
  fib.gates = random_ports(85);
  fib.upstream = random_ports(35);
  fib.rpf_notify = random_ports(40);
  static constexpr uint32_t kThresholds[] = {
      kCloneThresholdBytes, kCloneThresholdBytes, 1, 150, 500, 1300};
  fib.clone_threshold = kThresholds[below(std::size(kThresholds))];
  for (PortIndex p = 0; p < n_ports_; ++p) {
    // A port bound to a VRRP6 group sends with the virtual MAC (RFC 5798 §7.3).
    st.src_mac.push_back(chance(20) ? MacAddress::vrrp6_virtual(static_cast<uint8_t>(p + 1))
                                    : MacAddress{{0x02, 0, 0, 0, 0x01, static_cast<uint8_t>(p)}});
  }
  return st;
}

RandomTraffic::FrameSpec RandomTraffic::data_frame(const ReferenceFib& fib) {
  FrameSpec s;
  const unsigned where = below(100);
  if (where < 65 && !fib.entries.empty()) {
    auto it = fib.entries.begin();
    std::advance(it, below(static_cast<unsigned>(fib.entries.size())));
    return data_to(it->first);
  }
  if (where < 82) {
    s.dst = pick(unknown_groups_);
    s.src = pick_source();
    s.label = "data unknown group";
  } else if (where < 93) {
    s.dst = pick(unroutable_);
    s.src = pick_source();
    s.label = "data unroutable scope";
  } else {
    s.dst = ip("2001:db8:ff::1");
    s.src = pick_source();
    s.label = "unicast";
  }
  decorate(s);
  return s;
}

RandomTraffic::FrameSpec RandomTraffic::data_to(const EntryKey& key) {
  FrameSpec s;
  s.dst = key.second;
  const bool star = key.first.is_unspecified();
  s.src = star || chance(15) ? pick_source() : key.first;
  s.label = star ? "data (*,G)" : "data (S,G)";
  decorate(s);
  return s;
}

void RandomTraffic::decorate(FrameSpec& s) {
  if (chance(15)) {
    static constexpr uint8_t kHops[] = {0, 1, 2, 255};
    s.hop = kHops[below(4)];
    s.label += " hop " + std::to_string(s.hop);
  }
  const unsigned size = below(100);
  const size_t payload = size < 60   ? 8 + below(173)
                         : size < 85 ? 220 + below(831)
                                     : 1150 + below(291);
  const unsigned upper = below(100);
  if (upper < 85) {
    s.upper = udp(static_cast<uint16_t>(5000 + below(8)), payload);
  } else if (upper < 93) {
    s.upper_proto = wire::kProtoIcmpv6;
    s.upper = icmp(128, payload);  // echo request: data, not control
    s.label += " icmp echo";
  } else if (upper < 97) {
    s.upper_proto = wire::kProtoTcp;
    s.upper = Bytes(20 + payload, 0x33);
    s.label += " tcp";
  } else {
    s.upper_proto = wire::kProtoIcmpv6;  // no ICMPv6 header at all: nothing to punt on
    s.label += " empty icmpv6";
  }
  if (chance(10)) {
    s.tag = chance(80) ? wire::kEtherTypeVlan : wire::kEtherTypeQinQ;
    s.label += " tagged";
  }
  if (chance(8)) {
    s.padding = 1 + below(24);
    s.label += " padded";
  }
  if (chance(12)) {
    switch (below(6)) {
      case 0: s.ext = {{wire::kProtoHopByHop, pad_options()}}; break;
      case 1: s.ext = {{wire::kProtoDestOpts, pad_options()}}; break;
      case 2: s.ext = {{wire::kProtoRouting, routing()}}; break;
      case 3:
        s.ext = {{wire::kProtoHopByHop, router_alert()}, {wire::kProtoDestOpts, pad_options()}};
        break;
      case 4: s.ext = {{wire::kProtoFragment, fragment(0, true)}}; break;
      default: s.ext = {{wire::kProtoFragment, fragment(100, false)}}; break;
    }
    s.label += " ext " + std::to_string(s.ext.front().first);
  }
}

RandomTraffic::FrameSpec RandomTraffic::control_frame() {
  FrameSpec s;
  s.src = ip("fe80::2");
  switch (below(8)) {
    case 0: {
      static constexpr uint8_t kMld[] = {kIcmpMldQuery, kIcmpMldV1Report, kIcmpMldV1Done,
                                         kIcmpMldV2Report};
      s.upper_proto = wire::kProtoIcmpv6;
      s.upper = icmp(kMld[below(4)], 20);
      s.dst = chance(50) ? ip("ff02::16") : pick(groups_);
      s.hop = 1;
      if (chance(80)) s.ext = {{wire::kProtoHopByHop, router_alert()}};
      s.label = "mld";
      break;
    }
    case 1:
      s.upper_proto = wire::kProtoIcmpv6;
      s.upper = icmp(chance(50) ? kIcmpNs : kIcmpNa, 20);
      s.dst = chance(50) ? ip("ff02::1:ff00:2") : ip("fe80::1");
      s.hop = 255;
      s.label = "nd";
      break;
    case 2:
      s.upper_proto = wire::kProtoPim;
      s.upper = {0x20, 0, 0x12, 0x34, 0, 1, 0, 2, 0, 0, 0, 105};
      s.dst = chance(70) ? ip("ff02::d") : ip("2001:db8:1::1");
      s.hop = 1;
      s.label = "pim";
      break;
    case 3:
      s.upper_proto = wire::kProtoVrrp;
      s.upper = {0x31, 1, 100, 1, 0, 100, 0x12, 0x34, 0, 0, 0, 0, 0, 0, 0, 0};
      s.dst = ip("ff02::12");
      s.hop = 255;
      s.label = "vrrp";
      break;
    case 4:
      s.upper = udp(kBfdPort, 24);
      s.dst = chance(85) ? ip("2001:db8:1::1") : pick(groups_);
      s.src = ip("2001:db8:1::2");
      s.hop = 255;
      s.label = "bfd";
      break;
    case 5:
      // Control in a fragment: never punted (classify.h).
      s.upper_proto = chance(50) ? wire::kProtoPim : wire::kProtoVrrp;
      s.upper = Bytes(16, 0x20);
      s.ext = {{wire::kProtoFragment, fragment(0, true)}};
      s.dst = ip("ff02::d");
      s.label = "fragmented control";
      break;
    case 6:
      s.upper_proto = wire::kProtoIcmpv6;
      s.upper = icmp(134, 12);  // a router advertisement: not punted, link-scope
      s.dst = ip("ff02::1");
      s.hop = 255;
      s.label = "router advertisement";
      break;
    default:
      s.upper_proto = wire::kProtoIcmpv6;
      s.upper = icmp(kIcmpMldV2Report, 28);
      s.dst = ip("ff02::16");
      s.hop = 1;
      s.tag = wire::kEtherTypeVlan;
      s.label = "mld tagged";
      break;
  }
  return s;
}

RandomTraffic::FrameSpec RandomTraffic::malformed_frame(const ReferenceFib& fib) {
  FrameSpec s = data_frame(fib);
  s.label = "malformed (" + s.label + "): ";
  switch (below(13)) {
    case 0:
      s.cut = below(14);
      s.label += "cut in Ethernet";
      break;
    case 1:
      s.tag = wire::kEtherTypeVlan;
      s.cut = 14 + below(4);
      s.label += "cut in the tag";
      break;
    case 2: {
      static constexpr uint16_t kOther[] = {0x0800, 0x0806, 0x88cc};
      s.ethertype = kOther[below(3)];
      s.label += "not IPv6";
      break;
    }
    case 3:
      s.cut = 14 + (s.tag != 0 ? 4 : 0) + below(40);
      s.label += "cut in IPv6";
      break;
    case 4:
      s.version = chance(50) ? 4 : 7;
      s.label += "version";
      break;
    case 5:
      s.length_error = 1 + static_cast<int>(below(60));
      s.label += "payload length past the frame";
      break;
    case 6:
      s.src = chance(50) ? ip("ff02::1") : ip("ff05::1");
      s.label += "multicast source";
      break;
    case 7:
      s.ext = {{wire::kProtoDestOpts, claims_88_bytes()}};
      s.label += "extension header past the payload";
      break;
    case 8:
      s.ext = {{wire::kProtoDestOpts, pad_options()}, {wire::kProtoHopByHop, pad_options()}};
      s.label += "hop-by-hop not first";
      break;
    case 9:
      s.ext.assign(wire::kMaxExtHeaders + 1, {wire::kProtoDestOpts, pad_options()});
      s.label += "chain too long";
      break;
    case 10:
      s.ext = {{wire::kProtoHopByHop, options_past_end()}};
      s.label += "option past its header";
      break;
    case 11:
      // Shorter than the datagram: the rest of the frame is L2 padding to the worker.
      s.length_error = -static_cast<int>(1 + below(6));
      s.label += "payload length short";
      break;
    default:
      s.cut = 14 + (s.tag != 0 ? 4 : 0) + 40 + below(8);
      s.label += "cut after IPv6";
      break;
  }
  return s;
}

RandomTraffic::FrameSpec RandomTraffic::random_frame(const ReferenceFib& fib) {
  const unsigned r = below(100);
  if (r < 55) return data_frame(fib);
  if (r < 80) return control_frame();
  return malformed_frame(fib);
}

PortIndex RandomTraffic::ingress_for(const ReferenceFib& fib, const FrameSpec& first) {
  if (chance(50)) return static_cast<PortIndex>(below(n_ports_));
  // Often where RPF accepts the first frame: its entry's RPF interface or a static upstream.
  for (const Ipv6Address& source : {first.src, Ipv6Address{}}) {
    auto it = fib.entries.find({source, first.dst});
    if (it != fib.entries.end() && it->second.iif < n_ports_) return it->second.iif;
  }
  std::vector<PortIndex> up;
  for (PortIndex p = 0; p < n_ports_; ++p) {
    if ((fib.upstream & port_bit(p)) != 0) up.push_back(p);
  }
  if (up.empty()) return static_cast<PortIndex>(below(n_ports_));
  return up[below(static_cast<unsigned>(up.size()))];
}

RxFrame RandomTraffic::place(const FrameSpec& s) {
  RxFrame f;
  f.bytes = build(s, ++sequence_);
  if (chance(30)) f.headroom = static_cast<uint16_t>(below(RTE_PKTMBUF_HEADROOM + 1));
  return f;
}

bool RandomTraffic::lookalikes(const ReferenceFib& fib, unsigned n, std::vector<FrameSpec>& specs) {
  // Two entries with the same egress ports: a run of the first's frames, then the two mixed.
  std::vector<std::pair<EntryKey, EntryKey>> pairs;
  for (const auto& [a, ra] : fib.entries) {
    for (const auto& [b, rb] : fib.entries) {
      if (a != b && ra.egress == rb.egress) pairs.emplace_back(a, b);
    }
  }
  if (pairs.empty()) return false;
  const auto& [a, b] = pairs[below(static_cast<unsigned>(pairs.size()))];
  const FrameSpec first = data_to(a), second = data_to(b);
  const unsigned run = 1 + below(n);
  for (unsigned i = 0; i < n; ++i) specs.push_back(i < run || chance(50) ? first : second);
  return true;
}

TrafficBurst RandomTraffic::random_burst(const ReferenceFib& fib) {
  const unsigned size = below(100);
  const unsigned n = size < 25 ? 1 : size < 60 ? kBurst : 2 + below(kBurst - 2);
  std::vector<FrameSpec> specs;
  const unsigned shape = below(100);
  if (shape < 30) {
    specs.assign(n, data_frame(fib));  // one flow
  } else if (shape < 50) {
    std::vector<FrameSpec> flows;
    for (unsigned k = 2 + below(2); k != 0; --k) {
      flows.push_back(chance(80) ? data_frame(fib) : random_frame(fib));
    }
    for (unsigned i = 0; i < n; ++i) specs.push_back(flows[i % flows.size()]);
  } else if (shape < 62 && lookalikes(fib, n, specs)) {
    // two entries' frames, filled in
  } else if (shape < 75) {
    specs.assign(n, data_frame(fib));  // one flow, broken by odd frames
    for (unsigned k = 1 + below(3); k != 0; --k) specs[below(n)] = random_frame(fib);
  } else {
    for (unsigned i = 0; i < n; ++i) specs.push_back(random_frame(fib));
  }
  TrafficBurst b;
  b.in = ingress_for(fib, specs.front());
  for (const FrameSpec& s : specs) {
    b.frames.push_back(place(s));
    b.labels.push_back(s.label);
  }
  return b;
}

}  // namespace tandem::dataplane::test
