#include "control/daemon/core/interfaces.h"

namespace tandem::daemon {

wire::Ipv6Address eui64_link_local(const wire::MacAddress& mac) {
  wire::Ipv6Address a;
  a.bytes[0] = 0xfe;
  a.bytes[1] = 0x80;
  a.bytes[8] = mac.bytes[0] ^ 0x02;  // flip the universal/local bit
  a.bytes[9] = mac.bytes[1];
  a.bytes[10] = mac.bytes[2];
  a.bytes[11] = 0xff;
  a.bytes[12] = 0xfe;
  a.bytes[13] = mac.bytes[3];
  a.bytes[14] = mac.bytes[4];
  a.bytes[15] = mac.bytes[5];
  return a;
}

std::vector<std::string> InterfaceMap::port_order(const config::Config& cfg) {
  std::vector<std::string> out;
  for (const auto& [name, i] : cfg.interfaces) out.push_back(name);
  return out;
}

void InterfaceMap::build(const config::Config& cfg, const std::vector<wire::MacAddress>& macs) {
  list_.clear();
  by_name_.clear();
  uint16_t port = 0;
  for (const auto& [name, i] : cfg.interfaces) {
    InterfaceInfo info;
    info.port = port;
    info.ifindex = dataplane::IfIndex::from_port(port);
    info.name = name;
    info.mac = port < macs.size() ? macs[port] : wire::MacAddress{};
    info.link_local = eui64_link_local(info.mac);
    for (const auto& p : i.addresses) info.globals.push_back(p.address);
    by_name_[name] = list_.size();
    list_.push_back(info);
    ++port;
  }
}

const InterfaceInfo* InterfaceMap::by_name(const std::string& name) const {
  auto it = by_name_.find(name);
  return it == by_name_.end() ? nullptr : &list_[it->second];
}

const InterfaceInfo* InterfaceMap::by_ifindex(uint32_t ifindex) const {
  const dataplane::IfIndex i(ifindex);
  if (i.is_none() || ifindex > list_.size()) return nullptr;
  return &list_[i.port()];
}

uint32_t InterfaceMap::ifindex(const std::string& name) const {
  const InterfaceInfo* i = by_name(name);
  return i ? i->ifindex : 0;
}

}  // namespace tandem::daemon
