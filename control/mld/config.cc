#include "control/mld/config.h"

#include "control/common/log.h"
#include "control/mld/policy.h"

namespace tandem::mld {

std::string InterfaceConfig::validate() const {
  if (version != MldVersion::v1 && version != MldVersion::v2) return "mld version must be 1 or 2";
  const auto qi = static_cast<uint64_t>(query_interval.count());
  if (qi < kMinQueryIntervalS || qi > kMaxQueryIntervalS) {
    return format_string("mld query interval %llu s outside %u-%u",
                         static_cast<unsigned long long>(qi), kMinQueryIntervalS,
                         kMaxQueryIntervalS);
  }
  if (robustness < kMinRobustness || robustness > kMaxRobustness) {
    return format_string("mld robustness %u outside %u-%u", robustness, kMinRobustness,
                         kMaxRobustness);
  }
  const auto mr = static_cast<uint64_t>(max_response.count());
  if (mr < kMinMaxResponseS || mr > kMaxMaxResponseS) {
    return format_string("mld max response time %llu s outside %u-%u",
                         static_cast<unsigned long long>(mr), kMinMaxResponseS, kMaxMaxResponseS);
  }
  // §9.3: the Query Response Interval must be less than the Query Interval.
  if (max_response >= query_interval) {
    return "mld max response time must be less than the query interval (RFC 3810 9.3)";
  }
  const auto ll = static_cast<uint64_t>(last_listener_query_interval.count());
  if (ll < kMinLastListenerIntervalS || ll > kMaxLastListenerIntervalS) {
    return format_string("mld last-listener query interval %llu s outside %u-%u",
                         static_cast<unsigned long long>(ll), kMinLastListenerIntervalS,
                         kMaxLastListenerIntervalS);
  }
  if (last_listener_query_count > kMaxRobustness) {
    return format_string("mld last-listener query count %u outside 1-%u", last_listener_query_count,
                         kMaxRobustness);
  }
  if (access_limit > kMaxAccessLimit) {
    return format_string("mld access-limit %u outside 1-%u", access_limit, kMaxAccessLimit);
  }
  if (!valid_acl_reference(group_policy_acl) || !valid_acl_reference(prompt_leave_acl)) {
    return format_string("mld group-policy / prompt-leave ACL outside %u-%u", acl::kMinBasicAcl6,
                         acl::kMaxBasicAcl6);
  }
  for (const auto& s : static_groups) {
    // Link-scope groups are never routed (RFC 4291 §2.7); a source must be a sender.
    if (!s.group.is_multicast() || s.group.is_link_scope_multicast()) {
      return "mld static-group " + s.group.to_string() + " is not a routable multicast group";
    }
    if (s.source.is_multicast()) {
      return "mld static-group source " + s.source.to_string() + " is not a unicast address";
    }
  }
  return {};
}

std::string GlobalLimits::validate() const {
  if (groups < 1 || groups > kMaxGlobalGroupLimit) {
    return format_string("mld global limit groups %u outside 1-%u", groups, kMaxGlobalGroupLimit);
  }
  if (sources < 1 || sources > kMaxGlobalSourceLimit) {
    return format_string("mld global limit sources %u outside 1-%u", sources,
                         kMaxGlobalSourceLimit);
  }
  return {};
}

EffectiveTimers EffectiveTimers::from_config(const InterfaceConfig& c) {
  EffectiveTimers t;
  t.robustness = c.robustness;
  t.query_interval = c.query_interval;
  t.query_response_interval = c.max_response;
  t.last_listener_query_interval = c.last_listener_query_interval;
  // §9.9: LLQC defaults to the Robustness Variable.
  t.last_listener_query_count =
      c.last_listener_query_count != 0 ? c.last_listener_query_count : c.robustness;
  return t;
}

}  // namespace tandem::mld
