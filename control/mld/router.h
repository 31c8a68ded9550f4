// MldRouter: the sans-IO MLD router engine (RFC 3810 §6-§9, MLDv1 interop per §8).
//
// Inputs: decoded MLD messages (or whole parsed frames) with the interface and `now`, timer
// ticks with `now`, configuration calls, and records applied from the hot-backup peer.
// Outputs, drained by the caller after every call: queries to send (take_queries) and
// forwarding/replication events (take_events). next_deadline() says when to call on_timer.
//
//   MldRouter r(log);
//   r.add_interface(3, "ge0", cfg, link_local, now);
//   r.on_frame(wire::parse_frame(bytes), 3, now);
//   for (auto& q : r.take_queries()) send(q.ifindex, wire::build_mld_query_frame(mac, ll, q.spec));
//   for (auto& e : r.take_events()) fib.apply(e);
//   wake at r.next_deadline(), then r.on_timer(now).
//
// Cost: every operation on a group is O(1) expected (flat hash table) plus O(log n) for its
// timer (one min-heap for all timers, lazily invalidated); nothing scans all groups per tick.
//
// Implemented in router.cc (interfaces, messages, querier, the timer loop) and
// router_groups.cc (per-group state, specific queries, expiry, replication).
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "control/common/log.h"
#include "control/common/time.h"
#include "control/mld/config.h"
#include "control/mld/counters.h"
#include "control/mld/events.h"
#include "control/mld/filter_state.h"
#include "control/mld/fingerprint.h"
#include "control/mld/group_table.h"
#include "control/mld/interface.h"
#include "control/mld/policy.h"
#include "control/mld/timer_queue.h"
#include "control/wire/frame.h"
#include "control/wire/mld.h"

namespace tandem::mld {

// `display mld interface` fields.
struct InterfaceStatus {
  uint32_t ifindex = 0;
  std::string name;
  InterfaceConfig config;
  EffectiveTimers timers;  // in use now (adopted QRV/QQI while not querier)
  bool passive = false;
  bool is_querier = false;
  Ipv6Address querier;  // the current querier's address (ours when querier)
  Ipv6Address link_local;
  Duration querier_expires{};     // Other Querier Present remaining (non-querier), else 0
  Duration next_general_query{};  // querier only
  uint32_t groups = 0;
  uint64_t joins = 0;   // records created
  uint64_t leaves = 0;  // records deleted
  InterfaceCounters counters;
};

class MldRouter {
 public:
  explicit MldRouter(LogSink log = null_log_sink());
  MldRouter(const MldRouter&) = delete;
  MldRouter& operator=(const MldRouter&) = delete;

  // ---- interfaces ----
  // Starts as querier and sends the start-up general queries (§7.1). False when the config
  // is invalid or the index already exists.
  bool add_interface(uint32_t ifindex, std::string_view name, const InterfaceConfig& config,
                     const Ipv6Address& link_local, TimePoint now);
  // Deletes the interface's groups (listener_removed / record_removed events).
  bool remove_interface(uint32_t ifindex, TimePoint now);
  // New parameters take effect for timers started from now on. Static groups are added and
  // removed to match `config.static_groups`, and records the new group-policy denies go.
  bool set_interface_config(uint32_t ifindex, const InterfaceConfig& config, TimePoint now);
  bool set_link_local(uint32_t ifindex, const Ipv6Address& link_local, TimePoint now);
  // Hot backup (DESIGN.md §4): a passive interface neither processes reports nor queries,
  // and its records come from apply_upsert(); existing records keep aging. Going active sends
  // one general query now and resumes the querier role.
  bool set_passive(uint32_t ifindex, bool passive, TimePoint now);
  // Router-wide bounds on groups and sources (defaults in config.h, never unlimited). A new
  // group or source over a limit is refused and counted (global_group_limit,
  // global_source_limit), with at most one log line per interface per RefusalLog::kInterval;
  // existing entries are never dropped, also when a limit is lowered below the current count.
  // The same limits apply to records from the hot-backup peer (apply_upsert). False when
  // invalid.
  bool set_global_limits(const GlobalLimits& limits);
  const GlobalLimits& global_limits() const { return limits_; }
  // ACLs, SSM range and SSM mapping (docs/mld-controls.md). Applies in place: records that
  // the new policy forbids (a group the group-policy now denies, an EXCLUDE record in the
  // SSM range) are removed at once. False (nothing changed) when invalid.
  bool set_policy(const Policy& policy, TimePoint now);
  const Policy& policy() const { return policy_; }

  // ---- inputs ----
  // `src` is the IPv6 source of the message. Reports from :: and non-link-local sources are
  // counted and ignored.
  void on_message(uint32_t ifindex, const Ipv6Address& src, const wire::MldMessage& msg,
                  TimePoint now);
  // Frames of kind mld_*; anything else is counted as unknown_type.
  void on_frame(const wire::Frame& frame, uint32_t ifindex, TimePoint now);
  void on_timer(TimePoint now);
  TimePoint next_deadline() const;

  // ---- outputs ----
  std::vector<OutgoingQuery> take_queries();
  std::vector<Event> take_events();
  // Same, swapping into the caller's buffer (cleared first): a loop that keeps passing the
  // same vectors keeps their capacity and allocates nothing in steady state.
  void take_queries(std::vector<OutgoingQuery>& out);
  void take_events(std::vector<Event>& out);
  bool has_output() const { return !queries_.empty() || !events_.empty(); }

  // ---- replication (backup side applies, master exports) ----
  // Installs or replaces (if, G) with origin=backup; timers run from the remaining times.
  // A record with INCLUDE mode and no sources removes the entry. False when rejected.
  bool apply_upsert(const GroupRecordView& record, TimePoint now);
  bool apply_remove(uint32_t ifindex, const Ipv6Address& group, TimePoint now);
  // Every record with times relative to `now`.
  std::vector<GroupRecordView> snapshot(TimePoint now) const;
  void for_each_group(const std::function<void(const GroupRecordView&)>& fn, TimePoint now,
                      std::optional<uint32_t> ifindex = std::nullopt) const;
  std::optional<GroupRecordView> find_group(uint32_t ifindex, const Ipv6Address& group,
                                            TimePoint now) const;
  // A resumable walk for displays too big for one event-loop turn: visits the records held
  // in table slots [from, from + count) and returns the slot to go on from (the walk is done
  // once that reaches group_slot_limit()). Records created or deleted between two calls may
  // or may not be visited; no record is visited twice unless deleted and created again.
  uint32_t for_each_group_in_slots(uint32_t from, uint32_t count,
                                   const std::function<void(const GroupRecordView&)>& fn,
                                   TimePoint now) const;
  uint32_t group_slot_limit() const { return table_.slot_limit(); }
  // Per (ifindex, fn): the interface's records count in fingerprint_sum() and
  // fingerprinted_groups() under `fn` (fingerprint.h; an empty `fn` stops counting them),
  // also after the interface is removed and added again. One scan of the table per call when
  // a changed interface holds groups; then O(1) per record change, and both read in O(1):
  // the daemon's RBS digest and record count (MldGroupStore).
  void set_fingerprints(std::vector<std::pair<uint32_t, RecordFingerprint>> changes);
  uint64_t fingerprint_sum() const { return fingerprints_.sum(); }  // mod 2^64
  size_t fingerprinted_groups() const { return fingerprints_.records(); }

  // Forwarding view for one (S,G) (source :: = (*,G)): the interfaces whose MLD state wants
  // it (RFC 3810 §7.2.3), in ifindex order. O(interfaces); the FIB writer's full rebuild.
  std::vector<uint32_t> egress_interfaces(const Ipv6Address& group,
                                          const Ipv6Address& source) const;

  // ---- display / metrics ----
  std::optional<InterfaceStatus> interface_status(uint32_t ifindex, TimePoint now) const;
  std::vector<uint32_t> interfaces() const;
  size_t group_count() const { return table_.size(); }
  // Source entries over all records (INCLUDE sources, EXCLUDE requested and exclude lists).
  size_t source_count() const { return source_entries_; }
  const Counters& counters() const { return counters_; }
  // Messages on an interface without MLD (IgnoreReason::unknown_interface), by ifindex: the
  // daemon's drop table shows them on the interface they came in on.
  const std::map<uint32_t, uint64_t>& unknown_interface_drops() const {
    return unknown_interface_drops_;
  }
  // Per-group debug lines (created/deleted with the rule that decided it); off by default.
  void set_debug(bool on) { debug_ = on; }
  // Bytes the group table, the timer heap and source lists hold (the benchmark's figure).
  // Walks every record (O(groups)): for benchmarks and display, not for every metrics scrape.
  size_t memory_bytes() const;
  // Entries in the timer queue, stale ones included (bounded by about 2 per group).
  size_t pending_timers() const { return timers_.size(); }

 private:
  static constexpr uint32_t kInterfaceTag = 0x80000000u;
  static constexpr uint32_t kTagMask = 0x7fffffffu;

  Interface* find_interface(uint32_t ifindex);
  const Interface* find_interface(uint32_t ifindex) const;
  void log(const Interface& itf, LogLevel level, const std::string& line) const;
  void ignore(IgnoreReason r) { counters_.ignore(r); }
  void ignore(Interface& itf, IgnoreReason r, uint64_t n = 1) {
    counters_.ignored[static_cast<size_t>(r)] += n;
    itf.counters.ignored[static_cast<size_t>(r)] += n;
  }
  // A limit refused `n` new entries of `group` reported by `from`: counted under `r`, and a
  // warning line through the interface's RefusalLog.
  void refuse(Interface& itf, IgnoreReason r, const Ipv6Address& group, const Ipv6Address& from,
              uint64_t n, TimePoint now);
  // Why a new group record on `itf` would be refused (access-limit, then the global limit).
  std::optional<IgnoreReason> group_refusal(const Interface& itf) const;
  size_t source_budget() const {
    return limits_.sources > source_entries_ ? limits_.sources - source_entries_ : 0;
  }
  // Gives the table's and the timer heap's storage back once the last group is gone, so
  // memory returns to its baseline after a storm instead of staying at the peak.
  void release_idle_storage();

  // router_policy.cc
  // Why a record for `group` in `mode` may not exist on `itf` (group-policy, then the SSM
  // range: RFC 4604 §2.2 allows no EXCLUDE state there); nullopt when it may.
  std::optional<IgnoreReason> policy_refusal(const Interface& itf, const Ipv6Address& group,
                                             FilterMode mode) const;
  bool group_policy_denies(const Interface& itf, const Ipv6Address& group) const {
    return itf.config.group_policy_acl != 0 &&
           !policy_.acls.permits(itf.config.group_policy_acl, group);
  }
  // Removes the non-static records (all interfaces, or one) that policy_refusal forbids now.
  void enforce_policy(std::optional<uint32_t> ifindex);
  // Creates, rewrites and deletes the interface's static records to match its config.
  void sync_static_groups(Interface& itf, const std::vector<StaticGroup>& previous, TimePoint now);
  bool prompt_leave_applies(const Interface& itf, const Ipv6Address& group) const {
    return itf.config.prompt_leave && (itf.config.prompt_leave_acl == 0 ||
                                       policy_.acls.permits(itf.config.prompt_leave_acl, group));
  }
  // Deletes the record in `slot` with its forwarding-removal events.
  void remove_record(Interface& itf, uint32_t slot, const char* cause);

  // router.cc
  void handle_query(Interface& itf, const Ipv6Address& src, const wire::MldQuery& q, TimePoint now);
  void handle_report(Interface& itf, const Ipv6Address& src, const wire::MldMessage& msg,
                     TimePoint now);
  void run_interface_timer(uint32_t idx, TimePoint now);
  void rearm_interface(uint32_t idx);
  bool entry_is_live(const TimerQueue::Entry& e) const;
  void send_general_query(Interface& itf);

  // router_groups.cc
  void handle_record(Interface& itf, const Ipv6Address& src, wire::MldRecordType type,
                     const Ipv6Address& group, const wire::AddressList& sources, bool v1_message,
                     TimePoint now);
  void lower_timers_for_query(Interface& itf, const wire::MldQuery& q, TimePoint now);
  void execute_actions(Interface& itf, GroupRecord& r, TimePoint now);
  // Sends the record's pending specific queries: only those a report just asked for
  // (`fresh_only`, the immediate transmission), or all of them (the LLQI retransmission tick).
  void send_pending_queries(Interface& itf, GroupRecord& r, TimePoint now, bool fresh_only);
  void expire_record(uint32_t slot, TimePoint now);
  // Emits forwarding changes against before_, then record_changed (when `changed`) or
  // deletes the record if it ended INCLUDE({}); re-arms its timer.
  // `cause` names the rule for the debug log when the record goes.
  void finish_record_change(Interface& itf, uint32_t slot, bool changed, const char* cause);
  void delete_record(Interface* itf, uint32_t slot, const char* cause);
  void rearm_record(uint32_t slot);
  GroupRecordView make_view(const GroupRecord& r, TimePoint now) const;
  uint32_t create_record(Interface& itf, const Ipv6Address& group, TimePoint now);

  LogSink log_;
  bool debug_ = false;  // per-group lines; off by default (1M groups churn)
  Counters counters_;
  std::map<uint32_t, uint64_t> unknown_interface_drops_;  // IgnoreReason::unknown_interface
  GlobalLimits limits_;
  Policy policy_;
  size_t source_entries_ = 0;  // sum of every record's sources.size()
  GroupTable table_;
  FingerprintSum fingerprints_;
  mutable TimerQueue timers_;  // next_deadline() prunes stale entries (logically const)
  std::vector<Interface> interfaces_;
  std::unordered_map<uint32_t, uint32_t> interface_by_index_;
  std::vector<OutgoingQuery> queries_;
  std::vector<Event> events_;

  // Scratch reused across calls so the report path does not allocate per record.
  ForwardingView before_, after_;
  FilterActions actions_;
  std::vector<Ipv6Address> report_sources_;
  std::vector<Ipv6Address> mapped_sources_;
  std::vector<SourceEntry> upsert_previous_;
  std::vector<Ipv6Address> query_with_s_, query_without_s_;
};

}  // namespace tandem::mld
