// The forwarding rules for one received frame, written to be read as the specification
// (DESIGN.md §4, fib_writer.h) rather than to be fast: one frame at a time, no DPDK, no
// prefetch, no batching. The worker (worker.cc) picks among several paths by burst shape and
// lookup result; tests/dataplane/test_forward_reference.cc runs random bursts through it and
// checks every frame against this function: same fate, drop reason, egress ports or punt
// class, bytes on the wire and counters.
#pragma once

#include <cstdint>
#include <map>
#include <span>
#include <utility>
#include <vector>

#include "control/wire/address.h"
#include "dataplane/fib_writer.h"
#include "dataplane/replicate.h"
#include "dataplane/types.h"

namespace tandem::dataplane {

// What the reference reads: the entries as the control core installed them and the per-port
// switches of FibWriter, as plain values.
struct ReferenceFib {
  // Keyed by (source, group); source :: is the (*,G) entry (FibWriter::upsert).
  std::map<std::pair<wire::Ipv6Address, wire::Ipv6Address>, FibRoute> entries;
  PortIndex n_ports = 0;
  PortMask gates = 0;       // open forwarding gates (set_gate)
  PortMask upstream = 0;    // static upstream ports (set_upstream)
  PortMask rpf_notify = 0;  // ports whose RPF failures are punted as data (set_rpf_notify)
  // Frames longer than this (as received) are replicated as clones, shorter ones as copies
  // (replicate.h).
  uint32_t clone_threshold = kCloneThresholdBytes;
};

enum class Fate : uint8_t { dropped, punted, forwarded };

struct ReferenceVerdict {
  Fate fate = Fate::dropped;
  // dropped: why. punted after failing RPF on a port with set_rpf_notify: rpf_fail (the
  // frame is counted as one). Otherwise none.
  wire::DropReason reason = wire::DropReason::none;
  PuntClass punt_class = PuntClass::mld;  // punted: its class
  // forwarded on a (*,G) entry with notify_sources: a copy of the frame as received was
  // punted as PuntClass::data too.
  bool data_copy = false;
  PortMask egress = 0;  // forwarded: every port it leaves on
  PortMask clones = 0;  // of egress: the ports whose replica is a clone (replicate.h)
  // forwarded: the IPv6 packet as it leaves, hop limit one less, without L2 padding.
  std::vector<uint8_t> packet;
};

// One frame received on port `in`. Adds its counts to counters[0 .. fib.n_ports), as the
// worker counts them (PortCounters in types.h). Every punt is taken to conform to its policers
// and every queue and pool to have room: punt_policed, punt_ring_full, mbuf_alloc_failed and
// tx_full depend on time and load, not on the frame.
ReferenceVerdict forward_reference(const ReferenceFib& fib, PortIndex in,
                                   std::span<const uint8_t> frame,
                                   std::span<PortCounters> counters);

// The Ethernet frame a forwarded packet leaves with on a port whose source MAC is `src_mac`:
// destination 33:33 and the group's last four bytes (RFC 2464 §7), untagged.
std::vector<uint8_t> egress_frame(const ReferenceVerdict& v, const wire::MacAddress& src_mac);

}  // namespace tandem::dataplane
