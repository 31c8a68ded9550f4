#include "control/mld/policy.h"

#include <algorithm>

#include "control/common/log.h"

namespace tandem::mld {

bool valid_acl_reference(uint32_t number) {
  return number == 0 || (number >= acl::kMinBasicAcl6 && number <= acl::kMaxBasicAcl6);
}

bool Policy::in_ssm_range(const wire::Ipv6Address& g) const {
  if (ssm_policy_acl != 0) return g.is_multicast() && acls.permits(ssm_policy_acl, g);
  // RFC 4607 §1: ff3x::/32 (flags P=1, T=1, plen 0, network prefix 0), any scope x.
  const auto& b = g.bytes;
  return b[0] == 0xff && (b[1] & 0xf0) == 0x30 && b[2] == 0 && b[3] == 0;
}

void Policy::mapped_sources(const wire::Ipv6Address& group,
                            std::vector<wire::Ipv6Address>& out) const {
  out.clear();
  if (!ssm_mapping_enable) return;
  for (const auto& m : ssm_mappings) {
    if (m.groups.contains(group)) out.push_back(m.source);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
}

std::string Policy::validate() const {
  if (!valid_acl_reference(ssm_policy_acl)) {
    return format_string("ssm-policy ACL %u outside %u-%u", ssm_policy_acl, acl::kMinBasicAcl6,
                         acl::kMaxBasicAcl6);
  }
  for (const auto& m : ssm_mappings) {
    if (!m.groups.address.is_multicast()) {
      return "ssm-mapping " + m.groups.to_string() + " is not a multicast prefix";
    }
    if (m.source.is_multicast() || m.source.is_unspecified()) {
      return "ssm-mapping source " + m.source.to_string() + " is not a unicast address";
    }
  }
  return {};
}

}  // namespace tandem::mld
