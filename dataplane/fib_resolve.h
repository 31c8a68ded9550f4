// Turns per-interface MLDv2 filter state for one group into the FIB entries that implement
// it (semantics in fib_writer.h). Pure function for the control core; no DPDK.
#pragma once

#include <span>
#include <vector>

#include "control/wire/address.h"
#include "dataplane/types.h"

namespace tandem::dataplane {

// One interface's state for a group G (RFC 3810 §7.2.1 router filter mode + source list).
// For EXCLUDE, `sources` are the sources with timer 0 (blocked); for INCLUDE, the sources
// with a running timer (forwarded). MLDv1 listeners are EXCLUDE with no sources.
struct InterfaceFilter {
  PortIndex port = 0;
  bool exclude = false;
  std::vector<wire::Ipv6Address> sources;
};

struct ResolvedEntry {
  wire::Ipv6Address source;  // :: = (*,G)
  PortMask egress = 0;       // may be 0 for an (S,G): it blocks S that (*,G) would forward
  bool operator==(const ResolvedEntry&) const = default;
};

// (*,G) first (only when some interface is in EXCLUDE mode), then (S,G) in ascending S.
std::vector<ResolvedEntry> resolve_group(std::span<const InterfaceFilter> filters);

}  // namespace tandem::dataplane
