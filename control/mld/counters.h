// Every MLD message, record or action the router ignores, defined once (the X-macro habit of
// control/wire/drop_reason.h): enum, snake_case name (metrics label "reason") and human text
// come from this one list, and each ignored item bumps exactly one counter.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace tandem::mld {

#define TANDEM_FOREACH_MLD_IGNORE(_)                                                      \
  _(none, "not ignored")                                                                  \
  /* whole messages */                                                                    \
  _(unknown_interface, "message on an interface without MLD")                             \
  _(passive_interface, "interface is passive (hot-backup peer owns MLD there)")           \
  _(unknown_type, "message kind the router does not process")                             \
  _(from_unspecified, "report from :: (host still in DAD, RFC 3810 5.2.13)")              \
  _(source_not_link_local, "message from a source that is not link-local (RFC 3810 5)")   \
  _(own_query, "query carrying this router's own address (looped back)")                  \
  _(v2_query_in_v1_mode, "MLDv2 query on an MLDv1 interface: election only (8.3.1)")      \
  _(v2_report_in_v1_mode, "MLDv2 report on an interface set to MLDv1")                    \
  _(no_router_alert, "MLD message without a hop-by-hop Router Alert (RFC 3810 5)")        \
  /* records */                                                                           \
  _(group_not_multicast, "record for an address that is not multicast")                   \
  _(link_scope_group, "record for a link-scope group, never routed (RFC 4291 2.7)")       \
  _(access_limit, "new group over the interface's mld access-limit")                      \
  _(source_limit, "source list of a group full")                                          \
  _(global_group_limit, "new group over the router's mld global limit groups")            \
  _(global_source_limit, "new source over the router's mld global limit sources")         \
  _(bad_source_address, "record source that is ::, multicast or loopback (not a sender)") \
  _(v1_mode_block, "BLOCK ignored: group in MLDv1 compatibility mode (RFC 3810 8.3.2)")   \
  _(v1_mode_to_ex_sources, "TO_EX sources ignored: MLDv1 compatibility mode (8.3.2)")     \
  _(ssm_exclude, "EXCLUDE join or MLDv1 report for an SSM group (RFC 4604 2.2, 3)")       \
  _(group_policy, "group denied by the interface's mld group-policy ACL")                 \
  _(static_group, "report or peer record for a group set by mld static-group")            \
  /* queries and actions */                                                               \
  _(s_flag_suppressed, "timer update suppressed by a query's S flag (RFC 3810 7.6.1)")    \
  _(not_querier, "specific query not sent: this router is not the querier (7.6.3)")       \
  _(v1_mode_source_query, "source-specific query not sent: interface set to MLDv1")       \
  _(apply_invalid, "replicated record rejected (unknown interface or bad group)")

enum class IgnoreReason : uint8_t {
#define TANDEM_MLD_IGNORE_ENUM(sym, text) sym,
  TANDEM_FOREACH_MLD_IGNORE(TANDEM_MLD_IGNORE_ENUM)
#undef TANDEM_MLD_IGNORE_ENUM
};

inline constexpr size_t kIgnoreReasonCount = 0
#define TANDEM_MLD_IGNORE_COUNT(sym, text) +1
    TANDEM_FOREACH_MLD_IGNORE(TANDEM_MLD_IGNORE_COUNT)
#undef TANDEM_MLD_IGNORE_COUNT
    ;

std::string_view ignore_reason_name(IgnoreReason r);
std::string_view ignore_reason_text(IgnoreReason r);
std::optional<IgnoreReason> ignore_reason_from_name(std::string_view name);
// The reasons that refuse new state because a configured bound is reached (issue #9).
constexpr bool is_limit_reason(IgnoreReason r) {
  return r == IgnoreReason::access_limit || r == IgnoreReason::source_limit ||
         r == IgnoreReason::global_group_limit || r == IgnoreReason::global_source_limit;
}

// Router-wide counters (the daemon exports them as tandem_mld_*_total).
struct Counters {
  std::array<uint64_t, kIgnoreReasonCount> ignored{};
  uint64_t queries_received = 0;
  uint64_t reports_received = 0;  // v1 reports + v2 reports + dones
  uint64_t records_processed = 0;
  uint64_t queries_sent = 0;
  uint64_t groups_created = 0;
  uint64_t groups_deleted = 0;

  uint64_t ignored_count(IgnoreReason r) const { return ignored[static_cast<size_t>(r)]; }
  void ignore(IgnoreReason r) { ++ignored[static_cast<size_t>(r)]; }
};

}  // namespace tandem::mld
