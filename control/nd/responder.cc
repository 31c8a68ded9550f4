#include "control/nd/responder.h"

#include <algorithm>

namespace tandem::nd {

const char* ns_ignore_name(NsIgnore r) {
  switch (r) {
#define TANDEM_ND_NS_IGNORE_CASE(sym, text) \
  case NsIgnore::sym: return #sym;
    TANDEM_ND_FOREACH_NS_IGNORE(TANDEM_ND_NS_IGNORE_CASE)
#undef TANDEM_ND_NS_IGNORE_CASE
  }
  return "?";
}

void Responder::set_interface(uint32_t ifindex, const wire::MacAddress& mac,
                              std::vector<wire::Ipv6Address> addresses) {
  interfaces_[ifindex] = Interface{mac, std::move(addresses)};
}

void Responder::remove_interface(uint32_t ifindex) {
  interfaces_.erase(ifindex);
}

bool Responder::is_own_address(uint32_t ifindex, const wire::Ipv6Address& a) const {
  auto it = interfaces_.find(ifindex);
  if (it == interfaces_.end()) return false;
  const auto& v = it->second.addresses;
  return std::find(v.begin(), v.end(), a) != v.end();
}

uint64_t Responder::ignored(NsIgnore r) const {
  uint64_t n = 0;
  for (const auto& [ifindex, counts] : ignored_) n += counts[static_cast<size_t>(r)];
  return n;
}

// RFC 4861 §7.2.3 (is the target ours?) and §7.2.4 (how to answer).
std::optional<NaSpec> Responder::on_ns(uint32_t ifindex, const wire::Ipv6Address& src,
                                       const wire::MacAddress& eth_src, const wire::NdMessage& ns) {
  auto it = interfaces_.find(ifindex);
  if (it == interfaces_.end()) {
    ignore(ifindex, NsIgnore::unknown_interface);
    return std::nullopt;
  }
  NaSpec na;
  na.ifindex = ifindex;
  na.target = ns.target;
  na.src = ns.target;
  na.router = true;
  na.override_flag = true;  // not an anycast address (§7.2.4)
  bool is_virtual = false;
  if (is_own_address(ifindex, ns.target)) {
    na.target_lla = it->second.mac;
  } else if (auto vmac = virtual_ ? virtual_(ifindex, ns.target) : std::nullopt) {
    // VRRP6 Master for this virtual address: answer with the virtual MAC (RFC 5798 §6.4.3).
    na.target_lla = *vmac;
    is_virtual = true;
  } else {
    ignore(ifindex, NsIgnore::not_our_target);
    return std::nullopt;
  }
  na.src_mac = na.target_lla;
  if (src.is_unspecified()) {
    // DAD from another node: multicast to all-nodes, Solicited flag clear.
    na.dst = wire::addr::all_nodes();
    na.dst_mac = {};
    na.solicited = false;
    ++dad_defended_;
  } else {
    std::optional<wire::MacAddress> dst_mac = ns.source_lla;
    if (!dst_mac && !eth_src.is_zero() && !eth_src.is_multicast()) dst_mac = eth_src;
    if (!dst_mac) {
      ignore(ifindex, NsIgnore::no_link_layer_address);
      return std::nullopt;
    }
    na.dst = src;
    na.dst_mac = *dst_mac;
    na.solicited = true;
  }
  ++answered_;
  if (is_virtual) ++answered_virtual_;
  return na;
}

}  // namespace tandem::nd
