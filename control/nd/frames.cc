#include "control/nd/frames.h"

#include "control/wire/frame.h"
#include "control/wire/nd.h"

namespace tandem::nd {

std::vector<uint8_t> na_frame(const NaSpec& na) {
  wire::L2L3Spec l;
  l.src_mac = na.src_mac;
  l.dst_mac = na.dst_mac;
  l.src = na.src;
  l.dst = na.dst;
  l.hop_limit = 255;
  auto body =
      wire::build_na_body(na.target, na.router, na.solicited, na.override_flag, na.target_lla);
  return wire::build_icmpv6_frame(l, body);
}

std::vector<uint8_t> ns_frame(const NsSpec& ns) {
  wire::L2L3Spec l;
  l.src_mac = ns.src_mac;
  l.dst_mac = ns.dst_mac;
  l.src = ns.src;
  l.dst = ns.dst;
  l.hop_limit = 255;
  std::optional<wire::MacAddress> slla;
  if (!ns.src.is_unspecified()) slla = ns.src_mac;
  auto body = wire::build_ns_body(ns.target, slla);
  return wire::build_icmpv6_frame(l, body);
}

}  // namespace tandem::nd
