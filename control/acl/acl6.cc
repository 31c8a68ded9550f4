#include "control/acl/acl6.h"

namespace tandem::acl {

std::optional<uint32_t> next_rule_id(std::optional<uint32_t> highest) {
  if (!highest) return kRuleIdStep;
  const uint64_t next = (uint64_t{*highest} / kRuleIdStep + 1) * kRuleIdStep;
  if (next > kMaxRuleId) return std::nullopt;
  return static_cast<uint32_t>(next);
}

const char* action_name(Action a) {
  return a == Action::permit ? "permit" : "deny";
}

Action Acl6::evaluate(const wire::Ipv6Address& a) const {
  for (const auto& r : rules) {
    if (r.source.contains(a)) return r.action;
  }
  return Action::deny;  // an ACL that exists and names nothing for `a` denies it
}

const Acl6* Acl6Table::find(uint32_t number) const {
  auto it = acls_.find(number);
  return it == acls_.end() ? nullptr : &it->second;
}

bool Acl6Table::permits(uint32_t number, const wire::Ipv6Address& a) const {
  const Acl6* acl = find(number);
  return acl == nullptr || acl->evaluate(a) == Action::permit;
}

}  // namespace tandem::acl
