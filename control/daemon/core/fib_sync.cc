#include "control/daemon/core/fib_sync.h"

#include <algorithm>
#include <set>

namespace tandem::daemon {

std::vector<dataplane::InterfaceFilter> mld_filters(const mld::MldRouter& mld,
                                                    const wire::Ipv6Address& group, TimePoint now) {
  std::vector<dataplane::InterfaceFilter> filters;
  for (uint32_t ifindex : mld.interfaces()) {
    auto rec = mld.find_group(ifindex, group, now);
    if (!rec) continue;
    dataplane::InterfaceFilter f;
    f.port = dataplane::IfIndex(ifindex).port();
    f.exclude = rec->filter_mode == mld::FilterMode::exclude;
    for (const auto& s : rec->sources) {
      // EXCLUDE: blocked sources are those with no running timer (RFC 3810 §7.2.1);
      // INCLUDE: every listed source is wanted.
      bool blocked = s.remaining <= Duration::zero();
      if (f.exclude == blocked) f.sources.push_back(s.source);
    }
    if (!f.exclude && f.sources.empty()) continue;
    filters.push_back(std::move(f));
  }
  return filters;
}

std::vector<InstalledEntry> FibSync::want_for(const mld::MldRouter& mld,
                                              const wire::Ipv6Address& group, TimePoint now) const {
  const std::vector<dataplane::InterfaceFilter> filters = mld_filters(mld, group, now);
  std::vector<dataplane::ResolvedEntry> resolved;
  if (!filters.empty()) resolved = dataplane::resolve_group(filters);
  if (pim_ != nullptr) {
    // Sources PIM switched to the source tree for (RFC 7761 §4.2.1): their own (S,G) entry,
    // so the packets are checked against RPF_interface(S), with the ports of (*,G).
    const auto star = std::find_if(resolved.begin(), resolved.end(),
                                   [](const auto& e) { return e.source.is_unspecified(); });
    if (star != resolved.end()) {
      const dataplane::PortMask star_ports = star->egress;
      for (const auto& s : pim_->spt_sources(group)) {
        const bool named = std::any_of(resolved.begin(), resolved.end(),
                                       [&](const auto& e) { return e.source == s; });
        if (!named) resolved.push_back({s, star_ports});
      }
    }
  }
  std::vector<InstalledEntry> want;
  for (const auto& e : resolved) {
    InstalledEntry w{e.source, dataplane::FibRoute{e.egress}};
    if (pim_ != nullptr) {
      const pim::EntryKey key{e.source, group};
      if (auto iif = pim_->rpf_interface(key)) w.route.iif = dataplane::IfIndex(*iif).port();
      w.route.notify_sources = e.source.is_unspecified() && pim_->notify_sources(group);
      // A lost Assert takes the interface out unless it ignores assert state (§4.6).
      for (dataplane::PortMask m = e.egress; m != 0; m &= m - 1) {
        const auto port = static_cast<dataplane::PortIndex>(__builtin_ctzll(m));
        if (pim_->excluded_by_assert(key, dataplane::IfIndex::from_port(port)))
          w.route.egress &= ~dataplane::port_bit(port);
      }
    }
    want.push_back(w);
  }
  return want;
}

void FibSync::refresh_group(const mld::MldRouter& mld, const wire::Ipv6Address& group,
                            TimePoint now) {
  std::vector<InstalledEntry> want = want_for(mld, group, now);
  auto& have = installed_[group];
  if (want == have) {
    if (want.empty()) installed_.erase(group);
    return;
  }
  ++generation_;
  std::set<wire::Ipv6Address> wanted;
  for (const auto& e : want) {
    wanted.insert(e.source);
    if (!fib_.upsert(e.source, group, e.route)) ++write_failures_;
  }
  for (const auto& e : have)
    if (!wanted.count(e.source)) fib_.remove(e.source, group);
  if (want.empty())
    installed_.erase(group);
  else
    have = std::move(want);
}

void FibSync::refresh_all(const mld::MldRouter& mld, TimePoint now) {
  std::set<wire::Ipv6Address> groups;
  for (const auto& [g, e] : installed_) groups.insert(g);
  mld.for_each_group([&](const mld::GroupRecordView& v) { groups.insert(v.group); }, now);
  if (pim_ != nullptr)
    for (const auto& g : pim_->groups()) groups.insert(g);
  for (const auto& g : groups) refresh_group(mld, g, now);
}

void FibSync::clear() {
  for (const auto& [g, entries] : installed_)
    for (const auto& e : entries) fib_.remove(e.source, g);
  installed_.clear();
  ++generation_;
}

}  // namespace tandem::daemon
