// Interface numbering shared by every engine: the config's interfaces in name order are the
// data plane's ports 0..n-1 and the engines' ifindex 1..n (0 stays "none" for the engines;
// dataplane::IfIndex converts).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "control/daemon/config/model.h"
#include "control/wire/address.h"
#include "dataplane/types.h"

namespace tandem::daemon {

struct InterfaceInfo {
  uint32_t ifindex = 0;  // dataplane::IfIndex::from_port(port)
  uint16_t port = 0;
  std::string name;
  wire::MacAddress mac;
  wire::Ipv6Address link_local;  // EUI-64 from the port MAC (RFC 4291 App. A)
  std::vector<wire::Ipv6Address> globals;
};

class InterfaceMap {
 public:
  // Ports in config (name) order; `macs[i]` is port i's MAC.
  void build(const config::Config& cfg, const std::vector<wire::MacAddress>& macs);
  const InterfaceInfo* by_name(const std::string& name) const;
  const InterfaceInfo* by_ifindex(uint32_t ifindex) const;
  uint32_t ifindex(const std::string& name) const;  // 0 when unknown
  const std::vector<InterfaceInfo>& all() const { return list_; }
  // Names in port order: the data plane's port list is built from it.
  static std::vector<std::string> port_order(const config::Config& cfg);

 private:
  std::vector<InterfaceInfo> list_;
  std::map<std::string, size_t> by_name_;
};

// fe80::/64 + modified EUI-64 of `mac` (RFC 4291 Appendix A).
wire::Ipv6Address eui64_link_local(const wire::MacAddress& mac);

}  // namespace tandem::daemon
