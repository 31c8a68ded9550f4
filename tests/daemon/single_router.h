// The single router most control-core tests start from: upstream up0, downstream ge0 with
// MLD, PIM, VRRP6 vrid 1 and a BFD session to fe80::99, no peer.
#pragma once

#include <vector>

#include "control/wire/address.h"

namespace tandem::daemon::test {

inline constexpr const char* kSingleRouterConfig = R"(
bfd
quit
bfd s1 bind peer-ipv6 fe80::99 track-interface interface ge0
 discriminator local 10
 discriminator remote 20
quit
multicast ipv6 routing-enable
interface up0
 device net_null0
 ipv6 address 2001:db8:100::2/64
 multicast ipv6 upstream
quit
interface ge0
 device net_null1
 ipv6 address 2001:db8:1::2/64
 ipv6 address auto link-local
 pim ipv6 sm
 mld enable
 vrrp6 vrid 1 virtual-ip fe80::1 link-local
 vrrp6 vrid 1 virtual-ip 2001:db8:1::1
 vrrp6 vrid 1 priority 120
 vrrp6 vrid 1 track bfd-session 10 reduced 50
 multicast ipv6 track vrrp6 vrid 1
quit
)";

// The ports' MACs in port (interface name) order: ge0, up0.
inline std::vector<wire::MacAddress> single_router_macs() {
  return {*wire::MacAddress::parse("02:00:00:00:00:02"),
          *wire::MacAddress::parse("02:00:00:00:00:01")};
}

}  // namespace tandem::daemon::test
