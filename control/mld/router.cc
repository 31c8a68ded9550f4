// Interfaces, message dispatch, querier election and the timer loop of the MLD engine.
#include "control/mld/router.h"

#include <algorithm>

namespace tandem::mld {

MldRouter::MldRouter(LogSink log) : log_(log ? std::move(log) : null_log_sink()) {}

Interface* MldRouter::find_interface(uint32_t ifindex) {
  auto it = interface_by_index_.find(ifindex);
  return it == interface_by_index_.end() ? nullptr : &interfaces_[it->second];
}

const Interface* MldRouter::find_interface(uint32_t ifindex) const {
  auto it = interface_by_index_.find(ifindex);
  return it == interface_by_index_.end() ? nullptr : &interfaces_[it->second];
}

void MldRouter::log(const Interface& itf, LogLevel level, const std::string& line) const {
  log_(level, itf.log_prefix, line);
}

// ---- interfaces ----

bool MldRouter::add_interface(uint32_t ifindex, std::string_view name,
                              const InterfaceConfig& config, const Ipv6Address& link_local,
                              TimePoint now) {
  if (find_interface(ifindex) != nullptr || !config.validate().empty()) return false;
  const auto idx = static_cast<uint32_t>(interfaces_.size());
  Interface& itf = interfaces_.emplace_back();
  itf.ifindex = ifindex;
  itf.name = std::string(name);
  itf.log_prefix = "mld " + itf.name;
  itf.config = config;
  itf.link_local = link_local;
  itf.fingerprint = fingerprints_.find(ifindex);  // configured before, or for an earlier life
  interface_by_index_[ifindex] = idx;
  itf.querier.start(config, link_local, now);
  log(itf, LogLevel::info,
      format_string("enabled, version %u, querier (start-up, %u queries)",
                    static_cast<unsigned>(config.version),
                    itf.querier.timers().startup_query_count()));
  run_interface_timer(idx, now);  // the first start-up query goes out now (§7.1)
  sync_static_groups(itf, {}, now);
  return true;
}

bool MldRouter::remove_interface(uint32_t ifindex, TimePoint now) {
  (void)now;
  auto it = interface_by_index_.find(ifindex);
  if (it == interface_by_index_.end()) return false;
  Interface& itf = interfaces_[it->second];
  // An administrative action, not a per-tick one: a scan of the table is acceptable here.
  for (uint32_t slot = 0; slot < table_.slot_limit(); ++slot) {
    const GroupRecord& r = table_.at(slot);
    if (r.in_use && r.ifindex == ifindex) remove_record(itf, slot, "interface removed");
  }
  itf.alive = false;
  itf.querier.stop();
  ++itf.generation;
  log(itf, LogLevel::info, "disabled");
  interface_by_index_.erase(it);
  return true;
}

bool MldRouter::set_interface_config(uint32_t ifindex, const InterfaceConfig& config,
                                     TimePoint now) {
  Interface* itf = find_interface(ifindex);
  if (itf == nullptr || !config.validate().empty()) return false;
  const std::vector<StaticGroup> previous = std::move(itf->config.static_groups);
  itf->config = config;
  itf->querier.set_config(config, now);
  rearm_interface(interface_by_index_[ifindex]);
  sync_static_groups(*itf, previous, now);
  enforce_policy(ifindex);
  return true;
}

bool MldRouter::set_link_local(uint32_t ifindex, const Ipv6Address& link_local, TimePoint now) {
  Interface* itf = find_interface(ifindex);
  if (itf == nullptr) return false;
  itf->link_local = link_local;
  itf->querier.set_own_address(link_local, now);
  run_interface_timer(interface_by_index_[ifindex], now);
  return true;
}

bool MldRouter::set_passive(uint32_t ifindex, bool passive, TimePoint now) {
  Interface* itf = find_interface(ifindex);
  if (itf == nullptr) return false;
  if (itf->passive == passive) return true;
  itf->passive = passive;
  if (passive) {
    itf->querier.stop();
    log(*itf, LogLevel::info, "passive: reports and queries left to the hot-backup peer");
  } else {
    // DESIGN.md §4: on becoming Master, open with the synced state and one general query.
    itf->querier.resume(now);
    log(*itf, LogLevel::info, "active: querier, general query now");
  }
  run_interface_timer(interface_by_index_[ifindex], now);
  return true;
}

bool MldRouter::set_global_limits(const GlobalLimits& limits) {
  if (!limits.validate().empty()) return false;
  limits_ = limits;
  return true;
}

std::vector<uint32_t> MldRouter::interfaces() const {
  std::vector<uint32_t> out;
  for (const auto& itf : interfaces_) {
    if (itf.alive) out.push_back(itf.ifindex);
  }
  return out;
}

std::optional<InterfaceStatus> MldRouter::interface_status(uint32_t ifindex, TimePoint now) const {
  const Interface* itf = find_interface(ifindex);
  if (itf == nullptr) return std::nullopt;
  InterfaceStatus s;
  s.ifindex = itf->ifindex;
  s.name = itf->name;
  s.config = itf->config;
  s.timers = itf->querier.timers();
  s.passive = itf->passive;
  s.is_querier = itf->querier.is_querier();
  s.querier = itf->querier.active() ? itf->querier.querier_address() : Ipv6Address{};
  s.link_local = itf->link_local;
  if (itf->querier.active() && !s.is_querier) {
    s.querier_expires = std::max(Duration{}, itf->querier.other_querier_expires() - now);
  }
  if (s.is_querier) {
    s.next_general_query = std::max(Duration{}, itf->querier.next_general_query() - now);
  }
  s.groups = itf->groups;
  s.joins = itf->joins;
  s.leaves = itf->leaves;
  s.counters = itf->counters;
  return s;
}

// ---- inputs ----

void MldRouter::on_frame(const wire::Frame& frame, uint32_t ifindex, TimePoint now) {
  switch (frame.kind) {
    case wire::PacketKind::mld_query:
    case wire::PacketKind::mld_report_v1:
    case wire::PacketKind::mld_done:
    case wire::PacketKind::mld_report_v2:
      if (Interface* itf = find_interface(ifindex); itf != nullptr &&
                                                    itf->config.require_router_alert &&
                                                    !wire::has_mld_router_alert(frame)) {
        // RFC 3810 §5: MLD messages carry the hop-by-hop Router Alert (value 0); on by default,
        // `undo mld require-router-alert` accepts hosts that leave it out. Counted as
        // received like every message that reaches the router, then ignored.
        const bool query = frame.kind == wire::PacketKind::mld_query;
        ++(query ? counters_.queries_received : counters_.reports_received);
        ++(query ? itf->counters.queries_received : itf->counters.reports_received);
        return ignore(*itf, IgnoreReason::no_router_alert);
      }
      on_message(ifindex, frame.src, frame.mld, now);
      return;
    default:
      if (Interface* itf = find_interface(ifindex)) {
        ignore(*itf, IgnoreReason::unknown_type);
      } else {
        ignore(IgnoreReason::unknown_type);
      }
      return;
  }
}

void MldRouter::on_message(uint32_t ifindex, const Ipv6Address& src, const wire::MldMessage& msg,
                           TimePoint now) {
  Interface* itf = find_interface(ifindex);
  if (itf == nullptr) {
    ignore(IgnoreReason::unknown_interface);
    ++unknown_interface_drops_[ifindex];
    return;
  }
  switch (msg.kind) {
    case wire::MldKind::query: handle_query(*itf, src, msg.query, now); return;
    case wire::MldKind::report_v1:
    case wire::MldKind::done:
    case wire::MldKind::report_v2: handle_report(*itf, src, msg, now); return;
  }
  ignore(*itf, IgnoreReason::unknown_type);
}

void MldRouter::handle_query(Interface& itf, const Ipv6Address& src, const wire::MldQuery& q,
                             TimePoint now) {
  ++counters_.queries_received;
  ++itf.counters.queries_received;
  if (itf.passive) return ignore(itf, IgnoreReason::passive_interface);
  if (src.is_unspecified()) return ignore(itf, IgnoreReason::from_unspecified);
  // §5.1.14 / §6.2: queries come from link-local sources only.
  if (!src.is_link_local_unicast()) return ignore(itf, IgnoreReason::source_not_link_local);
  if (src == itf.link_local) return ignore(itf, IgnoreReason::own_query);

  const bool lost = itf.querier.on_query(src, q, now);
  if (lost) {
    log(itf, LogLevel::notice,
        format_string("querier -> non-querier: query from lower address %s",
                      src.to_string().c_str()));
  }
  rearm_interface(interface_by_index_[itf.ifindex]);

  if (!q.v2 && itf.config.version == MldVersion::v2 && !itf.warned_v1_querier) {
    // §8.3.1: an MLDv1 router on the link means this interface should be set to MLDv1.
    itf.warned_v1_querier = true;
    log(itf, LogLevel::warning,
        format_string("MLDv1 query from %s on an MLDv2 interface: configure mld version 1",
                      src.to_string().c_str()));
  }
  if (q.v2 && itf.config.version == MldVersion::v1) {
    // §8.3.1: a v2 querier on a link configured for v1 is a misconfiguration; it took part in
    // the election above (its first 24 bytes are a v1 query) but moves no group timers.
    return ignore(itf, IgnoreReason::v2_query_in_v1_mode);
  }
  if (!q.is_general()) lower_timers_for_query(itf, q, now);
}

void MldRouter::handle_report(Interface& itf, const Ipv6Address& src, const wire::MldMessage& msg,
                              TimePoint now) {
  ++counters_.reports_received;
  ++itf.counters.reports_received;
  if (itf.passive) return ignore(itf, IgnoreReason::passive_interface);
  // §5.2.13: a host may report from :: while its link-local is tentative; routers act only on
  // reports from link-local sources (§7.1 / §6.2), so these are counted and dropped.
  if (src.is_unspecified()) return ignore(itf, IgnoreReason::from_unspecified);
  if (!src.is_link_local_unicast()) return ignore(itf, IgnoreReason::source_not_link_local);
  static const wire::AddressList kNoSources{};
  switch (msg.kind) {
    case wire::MldKind::report_v1:
      // §8.3.2: an MLDv1 Report is IS_EX({}) and starts Older Version Host Present.
      handle_record(itf, src, wire::MldRecordType::is_ex, msg.v1.group, kNoSources, true, now);
      return;
    case wire::MldKind::done:
      // §8.3.2: an MLDv1 Done is TO_IN({}).
      handle_record(itf, src, wire::MldRecordType::to_in, msg.v1.group, kNoSources, true, now);
      return;
    case wire::MldKind::report_v2:
      if (itf.config.version == MldVersion::v1)
        return ignore(itf, IgnoreReason::v2_report_in_v1_mode);
      {
        // Records of one report are independent groups: look ahead so the table's cache
        // misses for record i+4 / i+8 overlap the work on record i.
        constexpr int kIndexAhead = 8, kRecordAhead = 4;
        auto far = msg.report.begin(), near = msg.report.begin();
        const auto end = msg.report.end();
        for (int i = 0; i < kIndexAhead && far != end; ++i, ++far) {
          table_.prefetch_index(itf.ifindex, (*far).group);
        }
        for (int i = 0; i < kRecordAhead && near != end; ++i, ++near) {
          table_.prefetch_record(itf.ifindex, (*near).group);
        }
        for (auto it = msg.report.begin(); it != end; ++it) {
          if (far != end) {
            table_.prefetch_index(itf.ifindex, (*far).group);
            ++far;
          }
          if (near != end) {
            table_.prefetch_record(itf.ifindex, (*near).group);
            ++near;
          }
          const wire::MldRecord rec = *it;
          handle_record(itf, src, rec.type, rec.group, rec.sources, false, now);
        }
        return;
      }
    case wire::MldKind::query: break;
  }
  ignore(itf, IgnoreReason::unknown_type);
}

// ---- outputs ----

std::vector<OutgoingQuery> MldRouter::take_queries() {
  std::vector<OutgoingQuery> out;
  out.swap(queries_);
  return out;
}

std::vector<Event> MldRouter::take_events() {
  std::vector<Event> out;
  out.swap(events_);
  return out;
}

void MldRouter::take_events(std::vector<Event>& out) {
  out.clear();
  out.swap(events_);
}

void MldRouter::take_queries(std::vector<OutgoingQuery>& out) {
  out.clear();
  out.swap(queries_);
}

void MldRouter::send_general_query(Interface& itf) {
  OutgoingQuery q;
  q.ifindex = itf.ifindex;
  q.dst = wire::addr::all_nodes();  // §5.1.15: general queries go to ff02::1
  q.spec = itf.querier.general_query_spec();
  queries_.push_back(std::move(q));
  ++counters_.queries_sent;
  ++itf.counters.queries_sent;
}

// ---- timers ----

void MldRouter::rearm_interface(uint32_t idx) {
  Interface& itf = interfaces_[idx];
  const TimePoint d = itf.querier.next_deadline();
  if (d < itf.armed) {
    itf.armed = d;
    timers_.push(d, idx, kInterfaceTag | (itf.generation & kTagMask));
  }
}

void MldRouter::run_interface_timer(uint32_t idx, TimePoint now) {
  Interface& itf = interfaces_[idx];
  const bool was_querier = itf.querier.is_querier();
  if (itf.querier.on_timer(now)) send_general_query(itf);
  if (!was_querier && itf.querier.is_querier() && itf.querier.active()) {
    log(itf, LogLevel::notice, "non-querier -> querier: other querier present timer expired");
  }
  rearm_interface(idx);
}

bool MldRouter::entry_is_live(const TimerQueue::Entry& e) const {
  if ((e.tag & kInterfaceTag) != 0) {
    if (e.id >= interfaces_.size()) return false;
    const Interface& itf = interfaces_[e.id];
    return itf.alive && (itf.generation & kTagMask) == (e.tag & kTagMask) && itf.armed == e.when;
  }
  if (e.id >= table_.slot_limit()) return false;
  const GroupRecord& r = table_.at(e.id);
  return r.in_use && (r.generation & kTagMask) == e.tag && r.armed == e.when;
}

TimePoint MldRouter::next_deadline() const {
  while (!timers_.empty() && !entry_is_live(timers_.top())) timers_.pop();
  return timers_.earliest();
}

void MldRouter::on_timer(TimePoint now) {
  while (!timers_.empty() && timers_.top().when <= now) {
    const TimerQueue::Entry e = timers_.top();
    timers_.pop();
    if (!entry_is_live(e)) continue;  // superseded by an earlier deadline, or owner gone
    if ((e.tag & kInterfaceTag) != 0) {
      interfaces_[e.id].armed = kNever;
      run_interface_timer(e.id, now);
    } else {
      table_.at(e.id).armed = kNever;
      expire_record(e.id, now);
    }
  }
}

// ---- limits (issue #9) ----

std::optional<IgnoreReason> MldRouter::group_refusal(const Interface& itf) const {
  if (itf.config.access_limit != 0 && itf.groups >= itf.config.access_limit) {
    return IgnoreReason::access_limit;
  }
  if (table_.size() >= limits_.groups) return IgnoreReason::global_group_limit;
  return std::nullopt;
}

void MldRouter::refuse(Interface& itf, IgnoreReason r, const Ipv6Address& group,
                       const Ipv6Address& from, uint64_t n, TimePoint now) {
  ignore(itf, r, n);
  uint64_t suppressed = 0;
  if (!itf.refusal_log.admit(now, suppressed)) return;
  std::string limit;
  switch (r) {
    case IgnoreReason::access_limit:
      limit = format_string("access-limit %u reached", itf.config.access_limit);
      break;
    case IgnoreReason::global_group_limit:
      limit = format_string("global limit groups %u reached", limits_.groups);
      break;
    case IgnoreReason::global_source_limit:
      limit = format_string("%llu new source(s) over global limit sources %u",
                            static_cast<unsigned long long>(n), limits_.sources);
      break;
    default: limit = std::string(ignore_reason_text(r)); break;
  }
  log(itf, LogLevel::warning,
      format_string("group %s from %s refused: %s (%llu refusal(s) not logged since the last line)",
                    group.to_string().c_str(), from.to_string().c_str(), limit.c_str(),
                    static_cast<unsigned long long>(suppressed)));
}

void MldRouter::release_idle_storage() {
  if (table_.size() != 0 || !table_.holds_spare_storage()) return;
  table_.release_storage();
  // Record entries left in the heap are stale (no record is in use); dropping them lets the
  // heap's storage go too, and keeps a reset slot's generation from meeting an old entry.
  timers_.retain_if([](const TimerQueue::Entry& e) { return (e.tag & kInterfaceTag) != 0; });
}

size_t MldRouter::memory_bytes() const {
  return table_.memory_bytes() + timers_.memory_bytes() +
         interfaces_.capacity() * sizeof(Interface);
}

}  // namespace tandem::mld
