// The unicast table PIM takes RPF from (RFC 7761 §4.2: MRIB): connected prefixes of the
// interfaces plus `ipv6 route-static` routes, longest prefix first. A lookup gives the RPF
// interface, the next hop whose PIM neighbor is the RPF neighbor (the target itself when it
// is on a connected prefix or the route names only an interface), and the Assert metric
// (§4.6: metric preference = route preference, metric = route cost).
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "control/pim/config.h"

namespace tandem::pim {

// Preferences as on the vendor platform: direct routes 0, static routes 60.
inline constexpr uint32_t kConnectedPreference = 0;
inline constexpr uint32_t kStaticPreference = 60;

struct RpfRoute {
  uint32_t ifindex = 0;
  Ipv6Address nexthop;  // the address whose neighbor is RPF'(target)
  bool connected = false;
  uint32_t preference = 0;
  uint32_t metric = 0;
  Prefix prefix;
  bool operator==(const RpfRoute&) const = default;
};

class RpfTable {
 public:
  // Rebuilds from the interfaces' connected prefixes and the static routes. Static routes
  // whose next hop lies on no connected prefix (and that name no interface) are skipped.
  void rebuild(const std::vector<InterfaceConfig>& interfaces,
               const std::vector<StaticRoute>& routes);
  std::optional<RpfRoute> lookup(const Ipv6Address& target) const;
  const std::vector<RpfRoute>& routes() const { return routes_; }

 private:
  std::vector<RpfRoute> routes_;  // longest prefix first, connected before static on a tie
};

}  // namespace tandem::pim
