#include "control/mld/filter_state.h"

#include <algorithm>

#include "control/mld/config.h"

namespace tandem::mld {
namespace {

using wire::MldRecordType;

bool contains(std::span<const Ipv6Address> set, const Ipv6Address& a) {
  return std::binary_search(set.begin(), set.end(), a);
}

// Whether one more source entry may be created in a list of `size` entries: the per-group
// bound first, then the router-wide budget (which it consumes). Refusals are counted.
bool admit_new_source(size_t size, FilterContext& ctx, FilterActions& out) {
  if (size >= kMaxSourcesPerGroup) {
    ++out.sources_over_limit;
    return false;
  }
  if (ctx.source_budget == 0) {
    ++out.sources_over_global_limit;
    return false;
  }
  --ctx.source_budget;
  return true;
}

// Starts or restarts the timer of source `a` at `t`, adding the source when absent.
void set_source_timer(GroupRecord& r, const Ipv6Address& a, TimePoint t, FilterContext& ctx,
                      FilterActions& out) {
  auto it = std::lower_bound(r.sources.begin(), r.sources.end(), a,
                             [](const SourceEntry& s, const Ipv6Address& x) { return s.addr < x; });
  if (it != r.sources.end() && it->addr == a) {
    it->expires = t;
    return;
  }
  if (!admit_new_source(r.sources.size(), ctx, out)) return;
  r.sources.insert(it, SourceEntry{a, t, 0});
}

// EXCLUDE(X,Y) + IS_EX(A) / TO_EX(A), and INCLUDE(A) + IS_EX(B) / TO_EX(B): the new list
// holds exactly the report's sources; those already known keep their timers (A*B, X*A and
// Y*A), the others start at `fresh` (B-A = 0 from INCLUDE; A-X-Y = MALI for IS_EX, = the
// Filter Timer for TO_EX from EXCLUDE).
// Entries the report drops (A-B) are not credited to the budget within the same record: the
// bound is checked against the state before the record, which is the conservative side.
void replace_with_report_sources(GroupRecord& r, std::span<const Ipv6Address> b, TimePoint fresh,
                                 FilterContext& ctx, FilterActions& out) {
  std::vector<SourceEntry> next;
  next.reserve(b.size());
  for (const auto& a : b) {
    const size_t i = r.find_source(a);
    if (i < r.sources.size()) {
      next.push_back(r.sources[i]);
    } else if (admit_new_source(next.size(), ctx, out)) {
      next.push_back(SourceEntry{a, fresh, 0});
    }
  }
  r.sources.swap(next);
}

void apply_in_include_mode(GroupRecord& r, MldRecordType type, std::span<const Ipv6Address> b,
                           FilterContext& ctx, FilterActions& out) {
  const TimePoint mali = ctx.now + ctx.mali;
  switch (type) {
    case MldRecordType::is_in:  // §7.4.1: INCLUDE(A+B); (B)=MALI
    case MldRecordType::allow:  // §7.4.2: INCLUDE(A+B); (B)=MALI
      for (const auto& a : b) set_source_timer(r, a, mali, ctx, out);
      break;
    case MldRecordType::to_in:  // §7.4.2: INCLUDE(A+B); (B)=MALI; Send Q(G,A-B)
      for (const auto& s : r.sources) {
        if (!contains(b, s.addr)) out.source_query.push_back(s.addr);
      }
      for (const auto& a : b) set_source_timer(r, a, mali, ctx, out);
      break;
    case MldRecordType::block:  // §7.4.2: INCLUDE(A); Send Q(G,A*B)
      for (const auto& s : r.sources) {
        if (contains(b, s.addr)) out.source_query.push_back(s.addr);
      }
      break;
    case MldRecordType::is_ex:  // §7.4.1: EXCLUDE(A*B,B-A); (B-A)=0; Delete(A-B); FT=MALI
    case MldRecordType::to_ex:  // §7.4.2: same, plus Send Q(G,A*B)
      if (type == MldRecordType::to_ex) {
        for (const auto& s : r.sources) {
          if (contains(b, s.addr)) out.source_query.push_back(s.addr);
        }
      }
      replace_with_report_sources(r, b, kStopped, ctx, out);
      r.mode = FilterMode::exclude;
      r.filter_timer = mali;
      break;
  }
}

void apply_in_exclude_mode(GroupRecord& r, MldRecordType type, std::span<const Ipv6Address> b,
                           FilterContext& ctx, FilterActions& out) {
  const TimePoint mali = ctx.now + ctx.mali;
  switch (type) {
    case MldRecordType::is_in:  // §7.4.1: EXCLUDE(X+A,Y-A); (A)=MALI
    case MldRecordType::allow:  // §7.4.2: EXCLUDE(X+A,Y-A); (A)=MALI
      for (const auto& a : b) set_source_timer(r, a, mali, ctx, out);
      break;
    case MldRecordType::to_in:  // §7.4.2: EXCLUDE(X+A,Y-A); (A)=MALI; Send Q(G,X-A); Send Q(G)
      for (const auto& s : r.sources) {
        if (s.running() && !contains(b, s.addr)) out.source_query.push_back(s.addr);
      }
      for (const auto& a : b) set_source_timer(r, a, mali, ctx, out);
      out.send_group_query = true;
      break;
    case MldRecordType::block:  // §7.4.2: EXCLUDE(X+(A-Y),Y); (A-X-Y)=FT; Send Q(G,A-Y)
      for (const auto& a : b) {
        if (r.find_source(a) == r.sources.size()) set_source_timer(r, a, r.filter_timer, ctx, out);
      }
      for (const auto& a : b) {
        const size_t i = r.find_source(a);
        if (i < r.sources.size() && r.sources[i].running()) out.source_query.push_back(a);
      }
      break;
    case MldRecordType::is_ex:  // §7.4.1: EXCLUDE(A-Y,Y*A); (A-X-Y)=MALI; Delete(X-A),(Y-A);
                                // FT=MALI
      replace_with_report_sources(r, b, mali, ctx, out);
      r.filter_timer = mali;
      break;
    case MldRecordType::to_ex:  // §7.4.2: EXCLUDE(A-Y,Y*A); (A-X-Y)=FT; Delete(X-A),(Y-A);
                                //          Send Q(G,A-Y); FT=MALI
      replace_with_report_sources(r, b, r.filter_timer, ctx, out);
      for (const auto& s : r.sources) {
        if (s.running()) out.source_query.push_back(s.addr);
      }
      r.filter_timer = mali;
      break;
  }
}

// Calls fn(x) for each x in a that is not in b; both sorted.
template <typename Fn>
void for_each_missing(const std::vector<Ipv6Address>& a, const std::vector<Ipv6Address>& b,
                      Fn&& fn) {
  size_t j = 0;
  for (const auto& x : a) {
    while (j < b.size() && b[j] < x) ++j;
    if (j < b.size() && b[j] == x) continue;
    fn(x);
  }
}

}  // namespace

void apply_report_record(GroupRecord& r, wire::MldRecordType type, std::span<const Ipv6Address> b,
                         const FilterContext& ctx, FilterActions& out) {
  FilterContext working = ctx;  // the source budget is spent as entries are added
  if (r.mode == FilterMode::include) {
    apply_in_include_mode(r, type, b, working, out);
  } else {
    apply_in_exclude_mode(r, type, b, working, out);
  }
}

bool creates_state(wire::MldRecordType type, size_t source_count) {
  switch (type) {
    case MldRecordType::is_ex:
    case MldRecordType::to_ex: return true;
    case MldRecordType::is_in:
    case MldRecordType::allow:
    case MldRecordType::to_in: return source_count > 0;
    case MldRecordType::block: return false;
  }
  return false;
}

void ForwardingView::capture(const GroupRecord& r) {
  clear();
  if (r.mode == FilterMode::exclude) {
    any = true;
    for (const auto& s : r.sources) {
      if (!s.running()) blocked.push_back(s.addr);
    }
  } else {
    for (const auto& s : r.sources) forwarded.push_back(s.addr);
  }
}

void diff_forwarding(const ForwardingView& before, const ForwardingView& after, uint32_t ifindex,
                     const Ipv6Address& group, Origin origin, std::vector<Event>& out) {
  auto emit = [&](EventKind k, const Ipv6Address& s) {
    out.push_back(Event{k, ifindex, group, s, origin});
  };
  const Ipv6Address any{};
  for_each_missing(after.blocked, before.blocked,
                   [&](const Ipv6Address& s) { emit(EventKind::source_blocked, s); });
  for_each_missing(after.forwarded, before.forwarded,
                   [&](const Ipv6Address& s) { emit(EventKind::listener_added, s); });
  if (after.any && !before.any) emit(EventKind::listener_added, any);
  if (after.any) {
    for_each_missing(before.blocked, after.blocked,
                     [&](const Ipv6Address& s) { emit(EventKind::source_unblocked, s); });
  }
  for_each_missing(before.forwarded, after.forwarded,
                   [&](const Ipv6Address& s) { emit(EventKind::listener_removed, s); });
  if (before.any && !after.any) {
    emit(EventKind::listener_removed, any);
    for_each_missing(before.blocked, after.blocked,
                     [&](const Ipv6Address& s) { emit(EventKind::source_unblocked, s); });
  }
}

}  // namespace tandem::mld
