#include "dataplane/fib_resolve.h"

#include <algorithm>
#include <set>

namespace tandem::dataplane {

std::vector<ResolvedEntry> resolve_group(std::span<const InterfaceFilter> filters) {
  // RFC 3810 §7.2.1: an EXCLUDE interface wants every source but its (timer 0) list;
  // an INCLUDE interface wants exactly its list.
  PortMask star = 0;
  std::set<wire::Ipv6Address> named;
  for (const InterfaceFilter& f : filters) {
    if (f.exclude) star |= port_bit(f.port);
    named.insert(f.sources.begin(), f.sources.end());
  }
  std::vector<ResolvedEntry> out;
  if (star != 0) out.push_back(ResolvedEntry{wire::Ipv6Address{}, star});
  for (const wire::Ipv6Address& s : named) {
    PortMask m = 0;
    for (const InterfaceFilter& f : filters) {
      bool listed = std::find(f.sources.begin(), f.sources.end(), s) != f.sources.end();
      if (listed != f.exclude) m |= port_bit(f.port);
    }
    // An (S,G) equal to (*,G) adds nothing: the (*,G) lookup already gives that answer.
    if (star != 0 && m == star) continue;
    out.push_back(ResolvedEntry{s, m});
  }
  return out;
}

}  // namespace tandem::dataplane
