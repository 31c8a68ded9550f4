#include "dataplane/forward_reference.h"

#include <algorithm>
#include <bit>

#include "dataplane/classify.h"

namespace tandem::dataplane {

namespace {

using wire::DropReason;
using wire::Ipv6Address;

ReferenceVerdict drop(PortCounters& ingress, DropReason reason) {
  ++ingress.drops[static_cast<size_t>(reason)];
  ReferenceVerdict v;
  v.fate = Fate::dropped;
  v.reason = reason;
  return v;
}

void count_punt(PortCounters& ingress, PuntClass cls) {
  ++ingress.punted;
  ++ingress.punted_by_class[static_cast<size_t>(cls)];
}

ReferenceVerdict punt(PortCounters& ingress, PuntClass cls, DropReason reason) {
  count_punt(ingress, cls);
  ReferenceVerdict v;
  v.fate = Fate::punted;
  v.punt_class = cls;
  v.reason = reason;
  return v;
}

// The entry a data frame is forwarded on (fib_writer.h): the (S,G) entry when there is one,
// alone; otherwise the (*,G) entry; otherwise none.
struct Entry {
  const FibRoute* route = nullptr;
  bool source_specific = false;
};

Entry find_entry(const ReferenceFib& fib, const Ipv6Address& source, const Ipv6Address& group) {
  // Source :: names the (*,G) entry, so a frame from :: can only match that.
  if (!source.is_unspecified()) {
    auto sg = fib.entries.find({source, group});
    if (sg != fib.entries.end()) return {&sg->second, true};
  }
  auto star = fib.entries.find({Ipv6Address{}, group});
  if (star != fib.entries.end()) return {&star->second, false};
  return {};
}

PortMask existing_ports(PortIndex n_ports) {
  return n_ports >= 64 ? ~PortMask{0} : (PortMask{1} << n_ports) - 1;
}

}  // namespace

ReferenceVerdict forward_reference(const ReferenceFib& fib, PortIndex in,
                                   std::span<const uint8_t> frame,
                                   std::span<PortCounters> counters) {
  PortCounters& ingress = counters[in];
  ++ingress.rx;

  // 1. Classification: the full header walk (classify.h) says punt with a class, drop with a
  //    reason, or multicast data to a routable group.
  wire::HeaderWalk walk;
  const Classified k = classify(frame.data(), static_cast<uint32_t>(frame.size()), walk);
  if (k.verdict == Verdict::drop) return drop(ingress, k.reason);
  if (k.verdict == Verdict::punt) return punt(ingress, k.cls, DropReason::none);

  const uint8_t* ip = frame.data() + walk.l3_offset;
  const Ipv6Address source = Ipv6Address::from_bytes(ip + kIpv6SrcOffset);
  const Ipv6Address group = Ipv6Address::from_bytes(ip + kIpv6DstOffset);
  const Entry entry = find_entry(fib, source, group);

  // 2. RPF (RFC 7761 §4.2): a static upstream port accepts every frame; any other port only
  //    frames whose entry names it as RPF interface. PIM ports see their failures.
  const bool upstream = (fib.upstream & port_bit(in)) != 0;
  if (!upstream && (entry.route == nullptr || entry.route->iif != in)) {
    if ((fib.rpf_notify & port_bit(in)) == 0) return drop(ingress, DropReason::rpf_fail);
    ++ingress.drops[static_cast<size_t>(DropReason::rpf_fail)];
    return punt(ingress, PuntClass::data, DropReason::rpf_fail);
  }

  // 3. Hop limit (RFC 8200 §3): a router decrements it and discards the packet at zero.
  if (ip[kIpv6HopLimitOffset] <= 1) return drop(ingress, DropReason::hop_limit_expired);

  // 4. Route: only a static upstream port gets here without an entry.
  if (entry.route == nullptr) return drop(ingress, DropReason::no_route);
  const PortMask egress =
      entry.route->egress & fib.gates & ~port_bit(in) & existing_ports(fib.n_ports);
  if (egress == 0) return drop(ingress, DropReason::no_egress);

  ReferenceVerdict v;
  v.fate = Fate::forwarded;
  v.egress = egress;
  ++ingress.forwarded;
  // A (*,G) entry with notify_sources tells PIM about each source it forwards for (RFC 7761
  // §4.2.1); an (S,G) entry never does.
  if (!entry.source_specific && entry.route->notify_sources) {
    v.data_copy = true;
    count_punt(ingress, PuntClass::data);
  }

  // 5. Replication: one replica per egress port. A long frame's replicas are clones, but the
  //    highest port gets the received frame itself (replicate.h).
  const bool clone = frame.size() > fib.clone_threshold;
  const auto highest = static_cast<PortIndex>(63 - std::countl_zero(egress));
  for (PortIndex p = 0; p < fib.n_ports; ++p) {
    if ((egress & port_bit(p)) == 0) continue;
    ++counters[p].copies;
    ++counters[p].tx;
    if (clone && p != highest) {
      ++counters[p].clones;
      v.clones |= port_bit(p);
    }
  }

  // 6. The packet that leaves: from the IPv6 header to the end of its payload (no VLAN tag,
  //    no padding), hop limit one less.
  v.packet.assign(ip, frame.data() + walk.l3_end);
  --v.packet[kIpv6HopLimitOffset];
  return v;
}

std::vector<uint8_t> egress_frame(const ReferenceVerdict& v, const wire::MacAddress& src_mac) {
  const wire::MacAddress dst = wire::MacAddress::for_ipv6_multicast(
      Ipv6Address::from_bytes(v.packet.data() + kIpv6DstOffset));
  std::vector<uint8_t> f(kEthLen + v.packet.size());
  std::copy(dst.bytes.begin(), dst.bytes.end(), f.begin());
  std::copy(src_mac.bytes.begin(), src_mac.bytes.end(), f.begin() + 6);
  f[12] = 0x86;  // EtherType IPv6
  f[13] = 0xdd;
  std::copy(v.packet.begin(), v.packet.end(), f.begin() + kEthLen);
  return f;
}

}  // namespace tandem::dataplane
