// Router-wide MLD policies (the `mld` view of the configuration, docs/mld-controls.md): the
// ACLs that name group sets, the SSM range (RFC 4604 §2.2) and SSM mapping. Per-interface
// policies (group-policy, prompt-leave, static groups) live in InterfaceConfig.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "control/acl/acl6.h"
#include "control/wire/address.h"

namespace tandem::mld {

// `ssm-mapping GROUP/LEN SOURCE`: an MLDv1 report or an EXCLUDE({}) join for an SSM group in
// `groups` becomes an INCLUDE join of every mapped source of that group.
struct SsmMapping {
  wire::Ipv6Prefix groups;
  wire::Ipv6Address source;
  bool operator==(const SsmMapping&) const = default;
};

struct Policy {
  acl::Acl6Table acls;
  // `ssm-policy ACL6`: the SSM range is what the ACL permits; 0 = the default ff3x::/32
  // (RFC 4607 §1, RFC 4604 §2.2).
  uint32_t ssm_policy_acl = 0;
  bool ssm_mapping_enable = false;
  std::vector<SsmMapping> ssm_mappings;

  bool in_ssm_range(const wire::Ipv6Address& group) const;
  // The sources mapped to `group` (sorted, without duplicates) into `out`; empty when
  // mapping is disabled or no prefix matches.
  void mapped_sources(const wire::Ipv6Address& group, std::vector<wire::Ipv6Address>& out) const;
  // Empty when valid, else a one-line reason (ACL numbers, mapping addresses).
  std::string validate() const;
  bool operator==(const Policy&) const = default;
};

// An ACL number field of a policy: 0 (none) or 2000-2999.
bool valid_acl_reference(uint32_t number);

}  // namespace tandem::mld
