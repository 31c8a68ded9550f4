// Operator policies of the MLD router (docs/mld-controls.md): group-policy and SSM range
// enforcement on reload, and `mld static-group` records. The per-report checks are in
// router_groups.cc (handle_record, apply_upsert).
#include <algorithm>

#include "control/mld/router.h"

namespace tandem::mld {

bool MldRouter::set_policy(const Policy& policy, TimePoint now) {
  (void)now;  // removals need no time; kept for the router's uniform (..., now) calls
  if (!policy.validate().empty()) return false;
  policy_ = policy;
  enforce_policy(std::nullopt);
  return true;
}

std::optional<IgnoreReason> MldRouter::policy_refusal(const Interface& itf,
                                                      const Ipv6Address& group,
                                                      FilterMode mode) const {
  if (group_policy_denies(itf, group)) return IgnoreReason::group_policy;
  // RFC 4604 §2.2: no EXCLUDE-mode (any-source) state for a group in the SSM range.
  if (mode == FilterMode::exclude && policy_.in_ssm_range(group)) return IgnoreReason::ssm_exclude;
  return std::nullopt;
}

void MldRouter::remove_record(Interface& itf, uint32_t slot, const char* cause) {
  const GroupRecord& r = table_.at(slot);
  before_.capture(r);
  after_.clear();
  diff_forwarding(before_, after_, r.ifindex, r.group, r.origin, events_);
  delete_record(&itf, slot, cause);
}

void MldRouter::enforce_policy(std::optional<uint32_t> ifindex) {
  // A configuration change, not a per-report one: one scan of the table is acceptable. The
  // operator who narrows a policy expects the groups it now forbids to stop at once rather
  // than after MALI, so they are removed; hosts that still want them are refused from now on.
  std::unordered_map<uint32_t, uint64_t> removed;
  for (uint32_t slot = 0; slot < table_.slot_limit(); ++slot) {
    const GroupRecord& r = table_.at(slot);
    if (!r.in_use || r.origin == Origin::static_config) continue;
    if (ifindex && r.ifindex != *ifindex) continue;
    Interface* itf = find_interface(r.ifindex);
    if (itf == nullptr) continue;
    const auto refusal = policy_refusal(*itf, r.group, r.mode);
    if (!refusal) continue;
    ++removed[r.ifindex];
    ignore(*itf, *refusal);
    remove_record(*itf, slot, "refused by the new policy");
  }
  for (const auto& [index, n] : removed) {
    log(*find_interface(index), LogLevel::notice,
        format_string("%llu group(s) removed: refused by the changed mld policy",
                      static_cast<unsigned long long>(n)));
  }
}

void MldRouter::sync_static_groups(Interface& itf, const std::vector<StaticGroup>& previous,
                                   TimePoint now) {
  std::vector<StaticGroup> wanted = itf.config.static_groups;
  std::sort(wanted.begin(), wanted.end());  // by group, then source
  auto configured = [&](const Ipv6Address& g) {
    return std::any_of(wanted.begin(), wanted.end(),
                       [&](const StaticGroup& s) { return s.group == g; });
  };
  for (const auto& old : previous) {
    if (configured(old.group)) continue;
    const uint32_t slot = table_.find(itf.ifindex, old.group);
    if (slot != GroupTable::kNone && table_.at(slot).origin == Origin::static_config) {
      remove_record(itf, slot, "mld static-group removed");
    }
  }
  for (size_t i = 0; i < wanted.size();) {
    const Ipv6Address group = wanted[i].group;
    // The group's lines: any source (EXCLUDE({}), (*,G)) wins over a list of sources.
    bool any_source = false;
    std::vector<SourceEntry> sources;
    for (; i < wanted.size() && wanted[i].group == group; ++i) {
      if (wanted[i].source.is_unspecified()) {
        any_source = true;
      } else {
        sources.push_back(SourceEntry{wanted[i].source, kNever, 0});
      }
    }
    if (any_source) sources.clear();
    // Static state is the operator's: it replaces a record learned from hosts and is exempt
    // from the access and global limits (those bound what hosts can create).
    uint32_t slot = table_.find(itf.ifindex, group);
    if (slot == GroupTable::kNone) {
      slot = create_record(itf, group, now);
      before_.clear();
    } else {
      before_.capture(table_.at(slot));
    }
    GroupRecord& r = table_.at(slot);
    source_entries_ = source_entries_ - r.sources.size() + sources.size();
    r.sources = std::move(sources);
    r.mode = any_source ? FilterMode::exclude : FilterMode::include;
    r.filter_timer = kNever;  // EXCLUDE({}) that never falls back to INCLUDE (§7.5)
    r.compat_timer = kNever;
    r.origin = Origin::static_config;
    r.last_reporter = Ipv6Address{};
    r.group_query_left = 0;
    r.group_query_fresh = false;
    r.query_next = kNever;
    finish_record_change(itf, slot, true, "mld static-group");
  }
}

}  // namespace tandem::mld
