#include "control/pim/rp_map.h"

namespace tandem::pim {

const char* rp_source_name(RpSource s) {
  return s == RpSource::embedded ? "embedded" : "static";
}

std::optional<Ipv6Address> embedded_rp(const Ipv6Address& group) {
  // Flags 0111: R (embedded RP), P (prefix based), T (transient) (RFC 3956 §2).
  if (group.bytes[0] != 0xff || (group.bytes[1] >> 4) != 0x7) return std::nullopt;
  const uint8_t riid = group.bytes[2] & 0x0f;
  const uint8_t plen = group.bytes[3];
  if (plen == 0 || plen > 64) return std::nullopt;
  Ipv6Address rp;
  for (unsigned i = 0; i < 8; ++i) {
    const int bits = static_cast<int>(plen) - static_cast<int>(i * 8);
    if (bits >= 8)
      rp.bytes[i] = group.bytes[4 + i];
    else if (bits > 0)
      rp.bytes[i] = static_cast<uint8_t>(group.bytes[4 + i] & (0xff << (8 - bits)));
  }
  rp.bytes[15] = riid;
  return rp;
}

void RpMap::configure(const std::vector<StaticRp>& rps, bool embedded) {
  static_ = rps;
  embedded_ = embedded;
}

std::optional<RpMapping> RpMap::rp_for(const Ipv6Address& group) const {
  if (is_ssm_group(group) || !group.is_multicast()) return std::nullopt;
  if (embedded_) {
    if (auto rp = embedded_rp(group)) {
      Prefix range{group, 128};
      return RpMapping{*rp, range, RpSource::embedded};
    }
  }
  const StaticRp* best = nullptr;
  for (const auto& s : static_) {
    if (!s.groups.contains(group)) continue;
    if (best == nullptr || s.groups.length > best->groups.length ||
        (s.groups.length == best->groups.length && best->rp < s.rp))
      best = &s;
  }
  if (best == nullptr) return std::nullopt;
  return RpMapping{best->rp, best->groups, RpSource::static_rp};
}

}  // namespace tandem::pim
