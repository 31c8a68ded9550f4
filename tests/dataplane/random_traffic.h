// Seeded random forwarding states and received bursts for the reference check
// (test_forward_reference.cc): the same seed gives the same FIBs and frames on every machine.
//
// Frames are of every kind a port may receive: multicast data for installed (*,G) and (S,G)
// entries and for unknown, link-scope and unicast destinations; MLD, ND, PIM, VRRP and BFD;
// extension headers and fragments; hop limits 0, 1 and 2; VLAN tags, other EtherTypes,
// padding; truncated and malformed headers. Bursts hold 1 to kBurst frames: one flow
// repeated, flows alternating, a run of one entry's frames then another entry's with the same
// egress ports, a repeated flow broken by odd frames, or all mixed. Each frame
// sits at a random headroom in its buffer.
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "control/wire/address.h"
#include "dataplane/forward_reference.h"
#include "tests/dataplane/ring_worker.h"

namespace tandem::dataplane::test {

// A forwarding state: the FIB and switches (as the reference reads them) and each port's
// source MAC.
struct ForwardingState {
  ReferenceFib fib;
  std::vector<wire::MacAddress> src_mac;  // per port
};

struct TrafficBurst {
  PortIndex in = 0;
  std::vector<RxFrame> frames;
  std::vector<std::string> labels;  // per frame: what kind of frame it was built as
};

class RandomTraffic {
 public:
  RandomTraffic(uint64_t seed, PortIndex n_ports);

  ForwardingState random_state();
  TrafficBurst random_burst(const ReferenceFib& fib);

 private:
  struct FrameSpec;
  using EntryKey = std::pair<wire::Ipv6Address, wire::Ipv6Address>;  // (S or ::, G)
  FrameSpec random_frame(const ReferenceFib& fib);
  FrameSpec data_frame(const ReferenceFib& fib);
  FrameSpec data_to(const EntryKey& entry);
  void decorate(FrameSpec& s);
  bool lookalikes(const ReferenceFib& fib, unsigned n, std::vector<FrameSpec>& specs);
  FrameSpec control_frame();
  FrameSpec malformed_frame(const ReferenceFib& fib);
  wire::Ipv6Address pick_source();
  wire::Ipv6Address pick(const std::vector<wire::Ipv6Address>& from);
  PortMask random_ports(unsigned percent_each);
  PortIndex ingress_for(const ReferenceFib& fib, const FrameSpec& first);
  RxFrame place(const FrameSpec& s);
  unsigned below(unsigned n) { return static_cast<unsigned>(rng_() % n); }
  bool chance(unsigned percent) { return below(100) < percent; }

  std::mt19937_64 rng_;
  PortIndex n_ports_;
  uint32_t sequence_ = 0;  // stamped into every frame's payload, so every frame differs
  std::vector<wire::Ipv6Address> groups_, unknown_groups_, unroutable_, sources_;
};

}  // namespace tandem::dataplane::test
