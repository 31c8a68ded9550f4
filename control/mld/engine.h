// The MLD engine behind MldRouter (router.h): interfaces with their queriers, the group
// table, the one timer queue and the output buffers. Split over engine.cc (interfaces,
// messages, timers) and engine_groups.cc (per-group state, queries, replication).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "control/common/log.h"
#include "control/common/time.h"
#include "control/mld/config.h"
#include "control/mld/counters.h"
#include "control/mld/events.h"
#include "control/mld/filter_state.h"
#include "control/mld/fingerprint.h"
#include "control/mld/group_table.h"
#include "control/mld/querier.h"
#include "control/mld/refusal_log.h"
#include "control/mld/router.h"
#include "control/mld/timer_queue.h"
#include "control/wire/frame.h"
#include "control/wire/mld.h"

namespace tandem::mld {

struct Interface {
  uint32_t ifindex = 0;
  std::string name;
  std::string log_prefix;  // "mld ge0"
  InterfaceConfig config;
  Ipv6Address link_local;
  Querier querier;
  bool alive = true;
  bool passive = false;
  uint32_t generation = 0;
  TimePoint armed = kNever;  // deadline of this interface's timer queue entry
  uint32_t groups = 0;
  uint64_t joins = 0;
  uint64_t leaves = 0;
  bool warned_v1_querier = false;  // §8.3.1 warning logged once per interface
  RefusalLog refusal_log;          // limit refusals: one line per interval (issue #9)
  const RecordFingerprint* fingerprint = nullptr;  // records counted in FingerprintSum
  InterfaceCounters counters;
};

class Engine {
 public:
  explicit Engine(LogSink log);

  bool add_interface(uint32_t ifindex, std::string_view name, const InterfaceConfig& config,
                     const Ipv6Address& link_local, TimePoint now);
  bool remove_interface(uint32_t ifindex, TimePoint now);
  bool set_interface_config(uint32_t ifindex, const InterfaceConfig& config, TimePoint now);
  bool set_link_local(uint32_t ifindex, const Ipv6Address& link_local, TimePoint now);
  bool set_passive(uint32_t ifindex, bool passive, TimePoint now);
  // Lowering a limit below the current count keeps every existing entry; only new ones are
  // refused until the count drops under it.
  bool set_global_limits(const GlobalLimits& limits);
  const GlobalLimits& global_limits() const { return limits_; }

  void on_message(uint32_t ifindex, const Ipv6Address& src, const wire::MldMessage& msg,
                  TimePoint now);
  void on_frame(const wire::Frame& frame, uint32_t ifindex, TimePoint now);
  void on_timer(TimePoint now);
  // Drops stale entries from the top first so an idle engine reports kNever.
  TimePoint next_deadline() const;

  std::vector<OutgoingQuery> take_queries();
  std::vector<Event> take_events();
  void take_queries(std::vector<OutgoingQuery>& out);
  void take_events(std::vector<Event>& out);
  bool has_output() const { return !queries_.empty() || !events_.empty(); }

  bool apply_upsert(const GroupRecordView& record, TimePoint now);
  bool apply_remove(uint32_t ifindex, const Ipv6Address& group, TimePoint now);
  void for_each_group(const std::function<void(const GroupRecordView&)>& fn, TimePoint now,
                      std::optional<uint32_t> ifindex) const;
  std::optional<GroupRecordView> find_group(uint32_t ifindex, const Ipv6Address& group,
                                            TimePoint now) const;
  uint32_t for_each_group_in_slots(uint32_t from, uint32_t count,
                                   const std::function<void(const GroupRecordView&)>& fn,
                                   TimePoint now) const;
  uint32_t group_slot_limit() const { return table_.slot_limit(); }
  void set_fingerprints(std::vector<std::pair<uint32_t, RecordFingerprint>> changes);
  uint64_t fingerprint_sum() const { return fingerprints_.sum(); }
  size_t fingerprinted_groups() const { return fingerprints_.records(); }

  std::optional<InterfaceStatus> interface_status(uint32_t ifindex, TimePoint now) const;
  std::vector<uint32_t> interfaces() const;
  size_t group_count() const { return table_.size(); }
  size_t source_count() const { return source_entries_; }
  const Counters& counters() const { return counters_; }
  size_t memory_bytes() const;
  size_t pending_timers() const { return timers_.size(); }
  void set_debug(bool on) { debug_ = on; }
  std::vector<uint32_t> egress_interfaces(const Ipv6Address& group,
                                          const Ipv6Address& source) const;

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

  // engine.cc
  void handle_query(Interface& itf, const Ipv6Address& src, const wire::MldQuery& q, TimePoint now);
  void handle_report(Interface& itf, const Ipv6Address& src, const wire::MldMessage& msg,
                     TimePoint now);
  void run_interface_timer(uint32_t idx, TimePoint now);
  void rearm_interface(uint32_t idx);
  bool entry_is_live(const TimerQueue::Entry& e) const;
  void send_general_query(Interface& itf);

  // engine_groups.cc
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
  GlobalLimits limits_;
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
  std::vector<SourceEntry> upsert_previous_;
  std::vector<Ipv6Address> query_with_s_, query_without_s_;
};

}  // namespace tandem::mld
