#include "control/daemon/core/mld_group_store.h"

#include <algorithm>

#include "replication/digest.h"

namespace tandem::daemon {
namespace {

replication::FilterMode replicated_mode(mld::FilterMode m) {
  return m == mld::FilterMode::exclude ? replication::FilterMode::exclude
                                       : replication::FilterMode::include;
}

replication::CompatMode replicated_compat(mld::CompatMode c) {
  return c == mld::CompatMode::v1 ? replication::CompatMode::mldv1 : replication::CompatMode::mldv2;
}

}  // namespace

replication::GroupRecord to_replicated(const mld::GroupRecordView& v, uint16_t backup_id,
                                       const std::string& ifname) {
  replication::GroupRecord r;
  r.key = replication::GroupKey{backup_id, ifname, v.group};
  r.mode = replicated_mode(v.filter_mode);
  for (const auto& s : v.sources) r.sources.push_back({s.source, to_ms(s.remaining)});
  std::sort(r.sources.begin(), r.sources.end(),
            [](const auto& a, const auto& b) { return a.address < b.address; });
  r.filter_timer_ms = r.mode == replication::FilterMode::exclude ? to_ms(v.filter_remaining) : 0;
  r.compat = replicated_compat(v.compat);
  r.older_host_present_ms = to_ms(v.compat_remaining);
  r.origin =
      v.origin == mld::Origin::backup ? replication::Origin::backup : replication::Origin::local;
  r.last_reporter = v.last_reporter;
  return r;
}

mld::GroupRecordView to_mld_view(const replication::GroupRecord& r, uint32_t ifindex) {
  mld::GroupRecordView v;
  v.ifindex = ifindex;
  v.group = r.key.group;
  v.filter_mode = r.mode == replication::FilterMode::exclude ? mld::FilterMode::exclude
                                                             : mld::FilterMode::include;
  v.filter_remaining = milliseconds(r.filter_timer_ms);
  for (const auto& s : r.sources) v.sources.push_back({s.address, milliseconds(s.remaining_ms)});
  v.compat = r.compat == replication::CompatMode::mldv1 ? mld::CompatMode::v1 : mld::CompatMode::v2;
  v.compat_remaining = milliseconds(r.older_host_present_ms);
  v.origin = mld::Origin::backup;
  v.last_reporter = r.last_reporter;
  return v;
}

mld::RecordFingerprint record_fingerprint(uint16_t backup_id, const std::string& ifname) {
  return [prefix = replication::RecordHasher(backup_id, ifname)](const mld::GroupRecord& r) {
    replication::RecordHasher h = prefix;
    h.state(r.group, replicated_mode(r.mode), replicated_compat(r.compat()));
    // The engine keeps sources sorted by address, as to_replicated sorts them; its views read
    // a running timer as at least 1 ms, so "remaining 0" is exactly a stopped timer.
    const bool exclude = r.mode == mld::FilterMode::exclude;
    for (const auto& s : r.sources) h.source(s.addr, exclude && !s.running());
    return h.finish();
  };
}

void MldGroupStore::set_bindings(std::map<std::string, uint16_t> bindings) {
  bindings_ = std::move(bindings);
  std::map<uint32_t, std::pair<uint16_t, std::string>> next;
  for (const auto& [ifname, id] : bindings_)
    if (uint32_t ifindex = interfaces_.ifindex(ifname)) next[ifindex] = {id, ifname};
  std::vector<std::pair<uint32_t, mld::RecordFingerprint>> changes;
  for (const auto& [ifindex, b] : bound_)
    if (!next.count(ifindex)) changes.emplace_back(ifindex, nullptr);
  for (const auto& [ifindex, b] : next) {
    auto old = bound_.find(ifindex);
    if (old == bound_.end() || old->second != b)
      changes.emplace_back(ifindex, record_fingerprint(b.first, b.second));
  }
  mld_.set_fingerprints(std::move(changes));
  bound_ = std::move(next);
}

std::optional<uint16_t> MldGroupStore::backup_id_of(const std::string& ifname) const {
  auto it = bindings_.find(ifname);
  if (it == bindings_.end()) return std::nullopt;
  return it->second;
}

uint32_t MldGroupStore::bound_ifindex(const replication::GroupKey& key) const {
  auto id = backup_id_of(key.interface);
  if (!id || *id != key.backup_id) return 0;
  return interfaces_.ifindex(key.interface);
}

// The engine applies its limits (access-limit, mld global limit) to the peer's records too:
// a refused new group counts here as rejected and in the engine under its reason.
void MldGroupStore::upsert(const replication::GroupRecord& record, TimePoint now) {
  uint32_t ifindex = bound_ifindex(record.key);
  if (!ifindex || !mld_.apply_upsert(to_mld_view(record, ifindex), now)) ++rejected_;
}

void MldGroupStore::remove(const replication::GroupKey& key, TimePoint now) {
  uint32_t ifindex = bound_ifindex(key);
  if (!ifindex) {
    ++rejected_;
    return;
  }
  mld_.apply_remove(ifindex, key.group, now);
}

std::optional<replication::GroupRecord> MldGroupStore::find(const replication::GroupKey& key,
                                                            TimePoint now) const {
  uint32_t ifindex = bound_ifindex(key);
  if (!ifindex) return std::nullopt;
  auto v = mld_.find_group(ifindex, key.group, now);
  // Static groups are each router's own configuration: never sent to the peer.
  if (!v || v->origin == mld::Origin::static_config) return std::nullopt;
  return to_replicated(*v, key.backup_id, key.interface);
}

void MldGroupStore::for_each(TimePoint now,
                             const std::function<void(const replication::GroupRecord&)>& fn) const {
  for (const auto& [ifindex, b] : bound_) {
    mld_.for_each_group(
        [&](const mld::GroupRecordView& v) {
          if (v.origin != mld::Origin::static_config) fn(to_replicated(v, b.first, b.second));
        },
        now, ifindex);
  }
}

}  // namespace tandem::daemon
