#include "control/daemon/core/fib_sync.h"

#include <set>

namespace tandem::daemon {

void FibSync::refresh_group(const mld::MldRouter& mld, const wire::Ipv6Address& group,
                            TimePoint now) {
  std::vector<dataplane::InterfaceFilter> filters;
  for (uint32_t ifindex : mld.interfaces()) {
    auto rec = mld.find_group(ifindex, group, now);
    if (!rec) continue;
    dataplane::InterfaceFilter f;
    f.port = static_cast<dataplane::PortIndex>(ifindex - 1);
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
  std::vector<dataplane::ResolvedEntry> want =
      filters.empty() ? std::vector<dataplane::ResolvedEntry>{} : dataplane::resolve_group(filters);
  auto& have = installed_[group];
  if (want == have) {
    if (want.empty()) installed_.erase(group);
    return;
  }
  ++generation_;
  std::set<wire::Ipv6Address> wanted;
  for (const auto& e : want) {
    wanted.insert(e.source);
    if (!fib_.upsert(e.source, group, e.egress)) ++write_failures_;
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
  for (const auto& g : groups) refresh_group(mld, g, now);
}

void FibSync::clear() {
  for (const auto& [g, entries] : installed_)
    for (const auto& e : entries) fib_.remove(e.source, g);
  installed_.clear();
  ++generation_;
}

}  // namespace tandem::daemon
