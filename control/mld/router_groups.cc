// Per-(interface, group) state of the MLD engine: report records through the §7.4 tables,
// MLDv1 compatibility (§8.3.2), specific queries and their retransmissions (§7.6.3), timer
// expiry (§7.2.3, §7.5), and the replication apply/export views.
#include <algorithm>

#include "control/mld/router.h"

namespace tandem::mld {
namespace {

// Sources per query so that the IPv6 packet fits a 1500-byte MTU (§5.1.10): 1500 - 40 (IPv6)
// - 8 (hop-by-hop Router Alert) - 28 (query header) = 1424 bytes = 89 addresses.
constexpr size_t kMaxSourcesPerQuery = 89;

// A source in a record names a sender: a unicast address. ::, multicast and ::1 cannot send
// multicast data, and :: would read as "any source" in the forwarding events.
bool valid_source(const Ipv6Address& a) {
  static const Ipv6Address kLoopback = Ipv6Address::must_parse("::1");
  return !a.is_unspecified() && !a.is_multicast() && a != kLoopback;
}

Duration remaining(TimePoint deadline, TimePoint now) {
  return deadline > now ? deadline - now : Duration{};
}

}  // namespace

uint32_t MldRouter::create_record(Interface& itf, const Ipv6Address& group, TimePoint now) {
  const uint32_t slot = table_.insert(itf.ifindex, group, now);
  if (debug_)
    log(itf, LogLevel::debug, format_string("group %s created", group.to_string().c_str()));
  ++itf.groups;
  ++itf.joins;
  ++counters_.groups_created;
  return slot;
}

void MldRouter::handle_record(Interface& itf, const Ipv6Address& src, wire::MldRecordType type,
                              const Ipv6Address& group, const wire::AddressList& sources,
                              bool v1_message, TimePoint now) {
  ++counters_.records_processed;
  if (!group.is_multicast()) return ignore(itf, IgnoreReason::group_not_multicast);
  // Link-scope groups (ff02::1, solicited-node, ...) are never routed off the link.
  if (group.is_link_scope_multicast()) return ignore(itf, IgnoreReason::link_scope_group);

  uint32_t slot = table_.find(itf.ifindex, group);
  // The configuration owns a static group: hosts' reports neither change nor age it.
  if (slot != GroupTable::kNone && table_.at(slot).origin == Origin::static_config) {
    return ignore(itf, IgnoreReason::static_group);
  }
  if (group_policy_denies(itf, group)) return ignore(itf, IgnoreReason::group_policy);
  if (type == wire::MldRecordType::to_in && sources.size() == 0 &&
      prompt_leave_applies(itf, group)) {
    // `mld prompt-leave`: a Done / TO_IN({}) ends the group without last-listener queries
    // (§7.6.3 skipped), for links with one listener per group.
    if (slot != GroupTable::kNone) remove_record(itf, slot, "prompt-leave");
    return;
  }
  const bool v1_compat =
      v1_message || (slot != GroupTable::kNone && table_.at(slot).compat() == CompatMode::v1);

  // B: the record's sources, sorted and without duplicates (a host may repeat one).
  report_sources_.clear();
  for (size_t i = 0; i < sources.size(); ++i) {
    const Ipv6Address a = sources[i];
    if (valid_source(a)) {
      report_sources_.push_back(a);
    } else {
      ignore(itf, IgnoreReason::bad_source_address);
    }
  }
  if (report_sources_.size() > 1) {
    std::sort(report_sources_.begin(), report_sources_.end());
    report_sources_.erase(std::unique(report_sources_.begin(), report_sources_.end()),
                          report_sources_.end());
  }

  if (v1_compat && !v1_message) {
    // §8.3.2: with MLDv1 listeners present, BLOCK is ignored and TO_EX(x) acts as TO_EX({}),
    // or a v1 listener would lose the sources it cannot express.
    if (type == wire::MldRecordType::block) return ignore(itf, IgnoreReason::v1_mode_block);
    if (type == wire::MldRecordType::to_ex && !report_sources_.empty()) {
      ignore(itf, IgnoreReason::v1_mode_to_ex_sources);
      report_sources_.clear();
    }
  }

  const bool exclude_record =
      type == wire::MldRecordType::is_ex || type == wire::MldRecordType::to_ex;
  if (exclude_record && policy_.in_ssm_range(group)) {
    // RFC 4604 §2.2, §3: no any-source state for an SSM group; an MLDv1 report is IS_EX({})
    // (§8.3.2 of RFC 3810) and is refused the same way. SSM mapping (vendor behaviour; no
    // RFC defines it) turns it into an INCLUDE join of the mapped sources the host did not
    // exclude.
    policy_.mapped_sources(group, mapped_sources_);
    if (mapped_sources_.empty()) return ignore(itf, IgnoreReason::ssm_exclude);
    std::erase_if(mapped_sources_, [&](const Ipv6Address& a) {
      return std::binary_search(report_sources_.begin(), report_sources_.end(), a);
    });
    report_sources_.swap(mapped_sources_);
    type = wire::MldRecordType::is_in;
    v1_message = false;  // the mapped record is INCLUDE: no MLDv1 compatibility timer
  }

  if (slot == GroupTable::kNone) {
    // §7.2.1: a group without a record is INCLUDE({}); only records that give it state
    // create one (BLOCK, TO_IN({}) and IS_IN({}) leave nothing to store).
    if (!creates_state(type, report_sources_.size())) return;
    // Limits refuse new state only (issue #9): the record of a new group over a limit is
    // ignored, while refreshes and leaves of existing groups below go through.
    if (const auto refusal = group_refusal(itf)) return refuse(itf, *refusal, group, src, 1, now);
    if (!creates_state(type, 0) && source_budget() == 0) {
      // An INCLUDE record's state is its sources: none may be added, so no record either.
      return refuse(itf, IgnoreReason::global_source_limit, group, src, report_sources_.size(),
                    now);
    }
    slot = create_record(itf, group, now);
    before_.clear();
  } else {
    before_.capture(table_.at(slot));
  }

  GroupRecord& r = table_.at(slot);
  r.last_reporter = src;
  r.origin = Origin::local;
  const EffectiveTimers& t = itf.querier.timers();
  if (v1_message && type == wire::MldRecordType::is_ex) {
    r.compat_timer = now + t.older_version_host_present();  // §8.3.2
  }
  actions_.clear();
  const size_t sources_before = r.sources.size();
  apply_report_record(r, type, report_sources_, FilterContext{now, t.mali(), source_budget()},
                      actions_);
  source_entries_ = source_entries_ - sources_before + r.sources.size();
  if (actions_.sources_over_limit != 0) {
    ignore(itf, IgnoreReason::source_limit, actions_.sources_over_limit);
  }
  if (actions_.sources_over_global_limit != 0) {
    // RFC 3810 §7.4 with a full source budget: the refused sources are simply not stored.
    // INCLUDE: the listener does not get that source (the other sources keep theirs).
    // EXCLUDE: a refused exclude-list entry leaves the source forwarded (hosts still filter it
    // by their own socket state), a refused requested entry changes nothing while EXCLUDE.
    // Existing entries are never removed or stopped to make room.
    refuse(itf, IgnoreReason::global_source_limit, group, src, actions_.sources_over_global_limit,
           now);
  }
  execute_actions(itf, r, now);
  finish_record_change(itf, slot, true, "report");
}

void MldRouter::execute_actions(Interface& itf, GroupRecord& r, TimePoint now) {
  if (!actions_.send_group_query && actions_.source_query.empty()) return;
  // §7.6.3: only the querier sends specific queries; the others lower their timers when they
  // hear the querier's query (lower_timers_for_query).
  if (!itf.querier.is_querier()) return ignore(itf, IgnoreReason::not_querier);
  const EffectiveTimers& t = itf.querier.timers();
  const TimePoint llqt = now + t.llqt();
  if (actions_.send_group_query) {
    // §7.6.3.1: Filter Timer lowered to LLQT, query now plus LLQC-1 retransmissions.
    if (r.mode == FilterMode::exclude) r.filter_timer = std::min(r.filter_timer, llqt);
    r.group_query_left = t.last_listener_query_count;
    r.group_query_fresh = true;
  }
  if (!actions_.source_query.empty()) {
    if (itf.config.version == MldVersion::v1) {
      // MLDv1 cannot ask about sources; lowering their timers without asking would cut
      // listeners off, so the sources keep their timers.
      ignore(itf, IgnoreReason::v1_mode_source_query);
    } else {
      // §7.6.3.2: sources in X whose timer > LLQT are lowered to LLQT and queried LLQC times.
      for (const auto& a : actions_.source_query) {
        const size_t i = r.find_source(a);
        if (i == r.sources.size()) continue;
        SourceEntry& s = r.sources[i];
        if (s.running() && s.expires > llqt) {
          s.expires = llqt;
          s.retransmit_left = t.last_listener_query_count;
          s.query_fresh = true;
        }
      }
    }
  }
  // Only the new requests go out now; earlier ones keep their own LLQI rhythm.
  send_pending_queries(itf, r, now, true);
}

void MldRouter::send_pending_queries(Interface& itf, GroupRecord& r, TimePoint now,
                                     bool fresh_only) {
  if (itf.passive) {
    // The peer owns the link: drop what was pending when the interface went passive.
    r.group_query_left = 0;
    r.group_query_fresh = false;
    for (auto& s : r.sources) {
      s.retransmit_left = 0;
      s.query_fresh = false;
    }
    r.query_next = kNever;
    return;
  }
  const EffectiveTimers& t = itf.querier.timers();
  const TimePoint llqt = now + t.llqt();
  const bool v2 = itf.config.version == MldVersion::v2;
  auto base_spec = [&] {
    wire::MldQuerySpec q;
    q.v2 = v2;
    q.max_resp_ms = static_cast<uint32_t>(to_ms(t.last_listener_query_interval));
    q.group = r.group;
    q.qrv = t.robustness;
    q.qqi_s = static_cast<uint32_t>(
        std::chrono::duration_cast<std::chrono::seconds>(t.query_interval).count());
    return q;
  };
  auto emit = [&](wire::MldQuerySpec spec) {
    // §5.1.15: specific queries go to the queried group.
    queries_.push_back(OutgoingQuery{itf.ifindex, r.group, std::move(spec)});
    ++counters_.queries_sent;
    ++itf.counters.queries_sent;
  };

  if (r.group_query_left > 0 && (!fresh_only || r.group_query_fresh)) {
    r.group_query_fresh = false;
    // §7.6.3.1: S set when the Filter Timer is above LLQT (a report refreshed it meanwhile).
    wire::MldQuerySpec q = base_spec();
    q.s_flag = r.mode == FilterMode::exclude && r.filter_timer > llqt;
    emit(std::move(q));
    --r.group_query_left;
  }

  // §7.6.3.2: one query for the sources whose timers are above LLQT (S set), one for the
  // rest (S clear); each retransmission counter counts down.
  query_with_s_.clear();
  query_without_s_.clear();
  for (auto& s : r.sources) {
    if (s.retransmit_left == 0 || (fresh_only && !s.query_fresh)) continue;
    s.query_fresh = false;
    --s.retransmit_left;
    if (s.running() && s.expires > llqt) {
      query_with_s_.push_back(s.addr);
    } else {
      query_without_s_.push_back(s.addr);
    }
  }
  for (int pass = 0; pass < 2; ++pass) {
    const auto& list = pass == 0 ? query_without_s_ : query_with_s_;
    for (size_t off = 0; off < list.size(); off += kMaxSourcesPerQuery) {
      wire::MldQuerySpec q = base_spec();
      q.s_flag = pass == 1;
      const size_t end = std::min(list.size(), off + kMaxSourcesPerQuery);
      q.sources.assign(list.begin() + static_cast<std::ptrdiff_t>(off),
                       list.begin() + static_cast<std::ptrdiff_t>(end));
      emit(std::move(q));
    }
  }
  // One LLQI clock per record: a request made while retransmissions are pending joins the
  // next tick (at most one LLQI early for its second transmission, never late).
  if (!r.queries_pending()) {
    r.query_next = kNever;
  } else if (!fresh_only || r.query_next == kNever) {
    r.query_next = now + t.last_listener_query_interval;
  }
}

void MldRouter::lower_timers_for_query(Interface& itf, const wire::MldQuery& q, TimePoint now) {
  const uint32_t slot = table_.find(itf.ifindex, q.group);
  if (slot == GroupTable::kNone) return;
  // §7.6.1: the S flag suppresses these timer updates (a querier's retransmission after a
  // report has already refreshed the timers), never the election.
  if (q.s_flag) return ignore(itf, IgnoreReason::s_flag_suppressed);
  GroupRecord& r = table_.at(slot);
  if (r.origin == Origin::static_config) return;  // never aged: a query cannot lower it
  const TimePoint llqt = now + itf.querier.timers().llqt();
  bool changed = false;
  if (q.sources.empty()) {
    if (r.mode == FilterMode::exclude && r.filter_timer > llqt) {
      r.filter_timer = llqt;
      changed = true;
    }
  } else {
    for (size_t i = 0; i < q.sources.size(); ++i) {
      const size_t k = r.find_source(q.sources[i]);
      if (k == r.sources.size()) continue;
      SourceEntry& s = r.sources[k];
      if (s.running() && s.expires > llqt) {
        s.expires = llqt;
        changed = true;
      }
    }
  }
  if (!changed) return;
  before_.capture(r);
  finish_record_change(itf, slot, true, "query");
}

void MldRouter::expire_record(uint32_t slot, TimePoint now) {
  GroupRecord& r = table_.at(slot);
  Interface* itf = find_interface(r.ifindex);
  before_.capture(r);
  if (itf == nullptr) {  // cannot happen: remove_interface deletes the records first
    after_.clear();
    diff_forwarding(before_, after_, r.ifindex, r.group, r.origin, events_);
    return delete_record(nullptr, slot, "interface gone");
  }
  bool changed = false;
  const size_t sources_before = r.sources.size();
  // §7.2.3: an expired source is deleted in INCLUDE mode and moves to the exclude list
  // (timer stopped, no longer forwarded) in EXCLUDE mode.
  if (r.mode == FilterMode::include) {
    const size_t before = r.sources.size();
    std::erase_if(r.sources, [&](const SourceEntry& s) { return s.expires <= now; });
    changed |= r.sources.size() != before;
  } else {
    for (auto& s : r.sources) {
      if (s.running() && s.expires <= now) {
        s.expires = kStopped;
        s.retransmit_left = 0;
        changed = true;
      }
    }
    if (r.filter_timer <= now) {
      // §7.5: Filter Timer expiry switches to INCLUDE with the sources still running; with
      // none the record goes (finish_record_change deletes an empty INCLUDE record).
      std::erase_if(r.sources, [](const SourceEntry& s) { return !s.running(); });
      r.mode = FilterMode::include;
      r.filter_timer = kNever;
      changed = true;
    }
  }
  source_entries_ -= sources_before - r.sources.size();  // expiry only ever removes
  if (r.compat_timer <= now) {
    // §8.3.2: Older Version Host Present expired, back to MLDv2 behaviour for the group.
    r.compat_timer = kNever;
    changed = true;
  }
  if (r.query_next <= now) {
    r.query_next = kNever;
    if (r.queries_pending()) send_pending_queries(*itf, r, now, false);
  }
  finish_record_change(*itf, slot, changed, "timers expired (RFC 3810 7.2.3, 7.5)");
}

void MldRouter::finish_record_change(Interface& itf, uint32_t slot, bool changed,
                                     const char* cause) {
  GroupRecord& r = table_.at(slot);
  if (r.mode == FilterMode::include && r.sources.empty()) {
    after_.clear();
    diff_forwarding(before_, after_, r.ifindex, r.group, r.origin, events_);
    return delete_record(&itf, slot, cause);
  }
  after_.capture(r);
  diff_forwarding(before_, after_, r.ifindex, r.group, r.origin, events_);
  // Whatever `changed` says: the digest then never depends on a caller judging it right.
  // Static records are not replicated, so they stay out of the RBS digest too.
  fingerprints_.update(r, r.origin == Origin::static_config ? nullptr : itf.fingerprint);
  if (changed) {
    events_.push_back(Event{EventKind::record_changed, r.ifindex, r.group, {}, r.origin});
  }
  rearm_record(slot);
}

void MldRouter::delete_record(Interface* itf, uint32_t slot, const char* cause) {
  GroupRecord& r = table_.at(slot);
  fingerprints_.remove(r);
  if (debug_ && itf != nullptr) {
    log(*itf, LogLevel::debug,
        format_string("group %s deleted: %s", r.group.to_string().c_str(), cause));
  }
  events_.push_back(Event{EventKind::record_removed, r.ifindex, r.group, {}, r.origin});
  if (itf != nullptr) {
    --itf->groups;
    ++itf->leaves;
  }
  ++counters_.groups_deleted;
  source_entries_ -= r.sources.size();
  table_.erase(slot);
  release_idle_storage();
}

void MldRouter::rearm_record(uint32_t slot) {
  GroupRecord& r = table_.at(slot);
  const TimePoint d = r.earliest_deadline();
  if (d < r.armed) {
    r.armed = d;
    timers_.push(d, slot, r.generation & kTagMask);
  }
}

// ---- replication ----

bool MldRouter::apply_upsert(const GroupRecordView& v, TimePoint now) {
  Interface* itf = find_interface(v.ifindex);
  if (itf == nullptr || !v.group.is_multicast() || v.group.is_link_scope_multicast()) {
    ignore(IgnoreReason::apply_invalid);
    return false;
  }
  uint32_t slot = table_.find(v.ifindex, v.group);
  if (slot != GroupTable::kNone && table_.at(slot).origin == Origin::static_config) {
    ignore(*itf, IgnoreReason::static_group);  // this router's configuration wins
    return false;
  }
  // The backup holds the master's records to the same policies as its own hosts' reports.
  if (const auto refusal = policy_refusal(*itf, v.group, v.filter_mode)) {
    ignore(*itf, *refusal);
    if (slot != GroupTable::kNone) remove_record(*itf, slot, "peer record refused by policy");
    return false;
  }
  bool has_state = v.filter_mode == FilterMode::exclude;
  for (const auto& s : v.sources) has_state |= s.remaining > Duration{};
  if (slot == GroupTable::kNone) {
    if (!has_state) return true;  // INCLUDE({}) is the absence of a record
    // The backup enforces its own limits on what its peer sends, so a faulty or hostile
    // master cannot grow it without bound (issue #9). With equal configs this refuses nothing
    // the master holds, except for the moment a coalesced delta adds before it removes;
    // the next refresh of the group (one per QI) repairs that.
    if (const auto refusal = group_refusal(*itf)) {
      refuse(*itf, *refusal, v.group, v.last_reporter, 1, now);
      return false;
    }
    if (v.filter_mode == FilterMode::include && source_budget() == 0) {
      refuse(*itf, IgnoreReason::global_source_limit, v.group, v.last_reporter, v.sources.size(),
             now);
      return false;
    }
    slot = create_record(*itf, v.group, now - v.uptime);
    before_.clear();
  } else {
    before_.capture(table_.at(slot));
  }
  GroupRecord& r = table_.at(slot);
  r.mode = v.filter_mode;
  r.filter_timer = v.filter_mode == FilterMode::exclude
                       ? now + std::max(v.filter_remaining, Duration{})
                       : kNever;
  // Sources the record held already are replaced freely; only new ones spend the budget.
  size_t budget = source_budget();
  uint64_t over_global = 0;
  // A copy, not a swap: the record keeps its own capacity, the scratch list grows only once.
  upsert_previous_.assign(r.sources.begin(), r.sources.end());
  r.sources.clear();
  for (const auto& s : v.sources) {
    if (r.sources.size() >= kMaxSourcesPerGroup) {
      ignore(*itf, IgnoreReason::source_limit);
      break;
    }
    if (!valid_source(s.source)) {
      ignore(*itf, IgnoreReason::bad_source_address);
      continue;
    }
    if (s.remaining <= Duration{} && v.filter_mode != FilterMode::exclude) continue;
    if (find_source_in(upsert_previous_, s.source) == upsert_previous_.size()) {
      if (budget == 0) {
        ++over_global;
        continue;
      }
      --budget;
    }
    r.sources.push_back(
        SourceEntry{s.source, s.remaining > Duration{} ? now + s.remaining : kStopped, 0});
  }
  std::sort(r.sources.begin(), r.sources.end(),
            [](const SourceEntry& a, const SourceEntry& b) { return a.addr < b.addr; });
  r.sources.erase(
      std::unique(r.sources.begin(), r.sources.end(),
                  [](const SourceEntry& a, const SourceEntry& b) { return a.addr == b.addr; }),
      r.sources.end());
  source_entries_ = source_entries_ - upsert_previous_.size() + r.sources.size();
  upsert_previous_.clear();
  if (over_global != 0) {
    refuse(*itf, IgnoreReason::global_source_limit, v.group, v.last_reporter, over_global, now);
  }
  r.compat_timer =
      v.compat == CompatMode::v1 ? now + std::max(v.compat_remaining, Duration{}) : kNever;
  r.origin = Origin::backup;
  r.last_reporter = v.last_reporter;
  r.created = now - v.uptime;
  r.group_query_left = 0;
  r.query_next = kNever;
  finish_record_change(*itf, slot, true, "peer record");
  return true;
}

bool MldRouter::apply_remove(uint32_t ifindex, const Ipv6Address& group, TimePoint now) {
  (void)now;
  Interface* itf = find_interface(ifindex);
  if (itf == nullptr) {
    ignore(IgnoreReason::apply_invalid);
    return false;
  }
  const uint32_t slot = table_.find(ifindex, group);
  // The peer never sees this router's static groups; its removals do not reach them.
  if (slot == GroupTable::kNone || table_.at(slot).origin == Origin::static_config) return true;
  remove_record(*itf, slot, "removed by peer");
  return true;
}

void MldRouter::set_fingerprints(std::vector<std::pair<uint32_t, RecordFingerprint>> changes) {
  std::unordered_map<uint32_t, const RecordFingerprint*> rehash;  // interfaces with records
  for (auto& [ifindex, fn] : changes) {
    const RecordFingerprint* f = fingerprints_.configure(ifindex, std::move(fn));
    Interface* itf = find_interface(ifindex);
    if (itf == nullptr) continue;  // add_interface picks it up
    itf->fingerprint = f;
    if (itf->groups != 0) rehash[ifindex] = f;
  }
  if (rehash.empty()) return;
  // A configuration change (RBPs bound or unbound), not a per-report one: one scan of the
  // table for all the interfaces it changes (~10 ms at 1M groups) is acceptable here.
  for (uint32_t slot = 0; slot < table_.slot_limit(); ++slot) {
    GroupRecord& r = table_.at(slot);
    if (!r.in_use) continue;
    auto it = rehash.find(r.ifindex);
    if (it != rehash.end() && r.origin != Origin::static_config) {
      fingerprints_.update(r, it->second);
    }
  }
}

GroupRecordView MldRouter::make_view(const GroupRecord& r, TimePoint now) const {
  GroupRecordView v;
  v.ifindex = r.ifindex;
  v.group = r.group;
  v.filter_mode = r.mode;
  v.filter_remaining = r.mode == FilterMode::exclude ? remaining(r.filter_timer, now) : Duration{};
  v.sources.reserve(r.sources.size());
  for (const auto& s : r.sources) {
    // A running timer never reads as 0: 0 means "exclude list" on the wire.
    const Duration left =
        s.running() ? std::max(remaining(s.expires, now), Duration{milliseconds(1)}) : Duration{};
    v.sources.push_back(SourceRecord{s.addr, left});
  }
  v.compat = r.compat();
  v.compat_remaining = r.compat() == CompatMode::v1 ? remaining(r.compat_timer, now) : Duration{};
  v.origin = r.origin;
  v.uptime = remaining(now, r.created);
  v.expires = remaining(r.expiry(), now);
  v.last_reporter = r.last_reporter;
  return v;
}

std::vector<GroupRecordView> MldRouter::snapshot(TimePoint now) const {
  std::vector<GroupRecordView> out;
  out.reserve(group_count());
  for_each_group([&](const GroupRecordView& v) { out.push_back(v); }, now);
  return out;
}

void MldRouter::for_each_group(const std::function<void(const GroupRecordView&)>& fn, TimePoint now,
                               std::optional<uint32_t> ifindex) const {
  for (uint32_t slot = 0; slot < table_.slot_limit(); ++slot) {
    const GroupRecord& r = table_.at(slot);
    if (!r.in_use || (ifindex && r.ifindex != *ifindex)) continue;
    fn(make_view(r, now));
  }
}

uint32_t MldRouter::for_each_group_in_slots(uint32_t from, uint32_t count,
                                            const std::function<void(const GroupRecordView&)>& fn,
                                            TimePoint now) const {
  const uint32_t end =
      static_cast<uint32_t>(std::min<uint64_t>(table_.slot_limit(), uint64_t{from} + count));
  for (uint32_t slot = from; slot < end; ++slot) {
    const GroupRecord& r = table_.at(slot);
    if (r.in_use) fn(make_view(r, now));
  }
  return std::max(end, from);
}

std::optional<GroupRecordView> MldRouter::find_group(uint32_t ifindex, const Ipv6Address& group,
                                                     TimePoint now) const {
  const uint32_t slot = table_.find(ifindex, group);
  if (slot == GroupTable::kNone) return std::nullopt;
  return make_view(table_.at(slot), now);
}

std::vector<uint32_t> MldRouter::egress_interfaces(const Ipv6Address& group,
                                                   const Ipv6Address& source) const {
  std::vector<uint32_t> out;
  for (const auto& itf : interfaces_) {
    if (!itf.alive) continue;
    const uint32_t slot = table_.find(itf.ifindex, group);
    if (slot == GroupTable::kNone) continue;
    const GroupRecord& r = table_.at(slot);
    const size_t i = source.is_unspecified() ? r.sources.size() : r.find_source(source);
    const bool listed = i < r.sources.size();
    // §7.2.3: EXCLUDE forwards all but the exclude list; INCLUDE only the listed sources.
    const bool wants =
        r.mode == FilterMode::exclude ? !(listed && !r.sources[i].running()) : listed;
    if (wants) out.push_back(itf.ifindex);
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace tandem::mld
