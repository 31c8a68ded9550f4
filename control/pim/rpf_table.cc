#include "control/pim/rpf_table.h"

#include <algorithm>

namespace tandem::pim {

namespace {
// The prefix with its host bits cleared.
Prefix masked(const Prefix& p) {
  return {p.network(), p.length};
}
}  // namespace

void RpfTable::rebuild(const std::vector<InterfaceConfig>& interfaces,
                       const std::vector<StaticRoute>& routes) {
  routes_.clear();
  for (const auto& itf : interfaces)
    for (const auto& a : itf.addresses)
      routes_.push_back({itf.ifindex, {}, true, kConnectedPreference, 0, masked(a)});
  const std::vector<RpfRoute> connected = routes_;
  for (const auto& r : routes) {
    RpfRoute out{r.ifindex,       r.nexthop.value_or(Ipv6Address{}), false, kStaticPreference, 0,
                 masked(r.prefix)};
    if (out.ifindex == 0) {
      if (!r.nexthop) continue;
      for (const auto& c : connected)
        if (c.prefix.contains(*r.nexthop)) {
          out.ifindex = c.ifindex;
          break;
        }
      if (out.ifindex == 0) continue;
    }
    // An interface route without next hop: the target is on that link (like connected).
    out.connected = !r.nexthop.has_value();
    routes_.push_back(out);
  }
  std::stable_sort(routes_.begin(), routes_.end(), [](const RpfRoute& a, const RpfRoute& b) {
    return a.prefix.length > b.prefix.length;
  });
}

std::optional<RpfRoute> RpfTable::lookup(const Ipv6Address& target) const {
  for (const auto& r : routes_) {
    if (!r.prefix.contains(target)) continue;
    RpfRoute out = r;
    if (out.connected) out.nexthop = target;
    return out;
  }
  return std::nullopt;
}

}  // namespace tandem::pim
