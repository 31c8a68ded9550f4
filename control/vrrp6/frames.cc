#include "control/vrrp6/frames.h"

#include "control/wire/frame.h"
#include "control/wire/nd.h"

namespace tandem::vrrp6 {

std::vector<uint8_t> advert_frame(const AdvertOut& a) {
  return wire::build_vrrp_advert_frame(a.src, a.advert);
}

std::vector<uint8_t> neighbor_advert_frame(const NaOut& na) {
  wire::L2L3Spec l;
  l.src_mac = na.vmac;
  l.dst_mac = {};  // 33:33:00:00:00:01 from ff02::1
  l.src = na.target;
  l.dst = wire::addr::all_nodes();
  l.hop_limit = 255;
  auto body = wire::build_na_body(na.target, /*router=*/true, /*solicited=*/false,
                                  /*override_flag=*/true, na.vmac);
  return wire::build_icmpv6_frame(l, body);
}

}  // namespace tandem::vrrp6
