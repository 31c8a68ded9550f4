// Basic IPv6 ACLs (`acl ipv6 number 2000-2999`): ordered permit/deny rules on one address,
// used by MLD to name sets of group addresses (group-policy, prompt-leave, ssm-policy).
//
// Semantics (the vendor's basic ACL, docs/mld-controls.md):
// - rules are checked in ascending rule ID; the first rule whose prefix contains the address
//   decides (permit or deny);
// - an ACL that exists but has no matching rule denies (implicit deny at the end), so
//   `rule permit source ff3e::/16` alone means "only ff3e::/16";
// - a policy that names an ACL number with no ACL behind it permits everything: the policy
//   is inactive until the ACL is written (the vendor's behaviour; the config validator
//   refuses such a reference, so in tandem this arises only through the engine API).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "control/wire/address.h"

namespace tandem::acl {

inline constexpr uint32_t kMinBasicAcl6 = 2000, kMaxBasicAcl6 = 2999;
inline constexpr uint32_t kMaxRuleId = 4294967294u;
// `rule permit|deny ...` without an ID takes the next multiple of the step above the highest
// ID in use (the vendor's default step).
inline constexpr uint32_t kRuleIdStep = 5;

// The ID a rule written without one gets in an ACL whose highest ID is `highest` (nullopt:
// no rule yet): the next multiple of kRuleIdStep; nullopt when none is left.
std::optional<uint32_t> next_rule_id(std::optional<uint32_t> highest);

enum class Action : uint8_t { permit, deny };
const char* action_name(Action a);  // "permit" / "deny"

struct Rule {
  uint32_t id = 0;
  Action action = Action::permit;
  wire::Ipv6Prefix source;  // ::/0 matches every address
  bool operator==(const Rule&) const = default;
};

struct Acl6 {
  uint32_t number = 0;
  std::vector<Rule> rules;  // in the order they apply: ascending id

  // The decision for `a`: the first matching rule's action, deny when none matches.
  Action evaluate(const wire::Ipv6Address& a) const;
  bool operator==(const Acl6&) const = default;
};

class Acl6Table {
 public:
  void set(Acl6 acl) { acls_[acl.number] = std::move(acl); }
  const Acl6* find(uint32_t number) const;
  // True when the ACL `number` permits `a`; an ACL that does not exist permits everything.
  bool permits(uint32_t number, const wire::Ipv6Address& a) const;
  const std::map<uint32_t, Acl6>& all() const { return acls_; }
  bool operator==(const Acl6Table&) const = default;

 private:
  std::map<uint32_t, Acl6> acls_;
};

}  // namespace tandem::acl
