#include "control/vrrp6/config.h"

#include <algorithm>

#include "control/common/log.h"

namespace tandem::vrrp6 {

void normalize(InstanceConfig& cfg) {
  std::vector<wire::Ipv6Address> out;
  out.reserve(cfg.virtual_addresses.size());
  for (const auto& a : cfg.virtual_addresses) {
    if (std::find(out.begin(), out.end(), a) == out.end()) out.push_back(a);
  }
  // RFC 5798 §7.1 / commands.md: the link-local virtual address is the first one listed.
  std::stable_partition(out.begin(), out.end(),
                        [](const wire::Ipv6Address& a) { return a.is_link_local_unicast(); });
  cfg.virtual_addresses = std::move(out);
}

std::string validate(const InstanceConfig& cfg) {
  if (cfg.vrid < kVridMin) return "vrid must be 1-255";
  if (cfg.priority < kPriorityMin) return "priority must be 1-254 (255 = address owner)";
  if (cfg.advert_interval < kAdvertIntervalMin || cfg.advert_interval > kAdvertIntervalMax) {
    return format_string("timer advertise must be %lld-%lld centiseconds",
                         static_cast<long long>(kAdvertIntervalMin.count()),
                         static_cast<long long>(kAdvertIntervalMax.count()));
  }
  if (cfg.preempt_delay.count() < 0 || cfg.preempt_delay > kPreemptDelayMax) {
    return "preempt-mode timer delay must be 0-3600 seconds";
  }
  if (cfg.type != ConfigType::member && cfg.virtual_addresses.empty()) {
    return "vrrp6 group needs at least one virtual-ip";
  }
  bool has_link_local = false;
  for (const auto& a : cfg.virtual_addresses) {
    if (a.is_multicast() || a.is_unspecified()) return "virtual-ip must be a unicast address";
    has_link_local = has_link_local || a.is_link_local_unicast();
  }
  // RFC 5798 §7.1: the first address of an IPv6 advert is the link-local virtual address.
  if (cfg.type != ConfigType::member && !has_link_local) {
    return "vrrp6 group needs a link-local virtual-ip (virtual-ip X link-local)";
  }
  if (cfg.virtual_addresses.size() > 255) return "too many virtual-ip addresses";
  if (!cfg.local_address.is_link_local_unicast()) {
    return "interface needs a link-local address to send VRRP6 adverts";
  }
  if (cfg.type == ConfigType::member) {
    if (!cfg.admin) return "member group must track an admin-vrrp6 group";
    if (cfg.admin->ifindex == cfg.ifindex && cfg.admin->vrid == cfg.vrid) {
      return "a group cannot track itself as admin-vrrp6";
    }
  } else if (cfg.admin) {
    return "only a member group tracks an admin-vrrp6 group";
  }
  if (cfg.ignore_if_down && cfg.type != ConfigType::admin) {
    return "ignore-if-down applies to admin-vrrp6 groups only";
  }
  for (const auto& t : cfg.bfd_tracks) {
    if (t.session == 0) return "track bfd-session needs a session id";
    if ((t.mode == BfdTrackMode::reduced || t.mode == BfdTrackMode::increased) && t.value == 0) {
      return "track bfd-session value must be 1-255";
    }
  }
  return {};
}

}  // namespace tandem::vrrp6
