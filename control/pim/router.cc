// PimRouter: configuration, dispatch of messages and timers, and the queries the FIB writer
// makes. The protocol rules live in neighbors.cc, join_prune.cc, assert.cc and data.cc.
#include "control/pim/router.h"

#include <algorithm>

namespace tandem::pim {

bool assert_preferred(const AssertMetric& a, const AssertMetric& b) {
  // §4.6.1: the RPT bit first (an SPT assert beats an RPT one), then the lower preference,
  // then the lower metric, then the higher address.
  if (a.rpt != b.rpt) return !a.rpt;
  if (a.preference != b.preference) return a.preference < b.preference;
  if (a.metric != b.metric) return a.metric < b.metric;
  return b.address < a.address;
}

PimRouter::PimRouter(LogSink log, uint64_t seed) : log_(std::move(log)), rng_(seed) {}

void PimRouter::log(LogLevel level, const std::string& line) const {
  if (log_) log_(level, "pim", line);
}

PimRouter::Interface* PimRouter::find_interface(uint32_t ifindex) {
  auto it = interfaces_.find(ifindex);
  return it == interfaces_.end() ? nullptr : &it->second;
}

const PimRouter::Interface* PimRouter::find_interface(uint32_t ifindex) const {
  auto it = interfaces_.find(ifindex);
  return it == interfaces_.end() ? nullptr : &it->second;
}

bool PimRouter::is_own_address(const Ipv6Address& a) const {
  for (const auto& [i, itf] : interfaces_) {
    if (itf.cfg.link_local == a) return true;
    for (const auto& p : itf.cfg.addresses)
      if (p.address == a) return true;
  }
  return false;
}

void PimRouter::mark_changed(const Ipv6Address& group) {
  if (changed_.insert(group).second) actions_.changed_groups.push_back(group);
}

void PimRouter::configure(const GlobalConfig& global, const std::vector<InterfaceConfig>& list,
                          TimePoint now) {
  std::set<uint32_t> seen;
  for (const auto& cfg : list) {
    seen.insert(cfg.ifindex);
    auto it = interfaces_.find(cfg.ifindex);
    if (it == interfaces_.end()) {
      Interface itf;
      itf.cfg = cfg;
      itf.generation_id = static_cast<uint32_t>(rng_.next());
      auto [pos, ok] = interfaces_.emplace(cfg.ifindex, std::move(itf));
      start_interface(pos->second, now);
      continue;
    }
    Interface& itf = it->second;
    if (itf.cfg == cfg) continue;
    const bool restart =
        itf.cfg.pim_enabled != cfg.pim_enabled || itf.cfg.link_local != cfg.link_local;
    if (restart) stop_interface(itf, now);
    const bool hello_changed = itf.cfg.hello_period != cfg.hello_period ||
                               itf.cfg.hello_holdtime() != cfg.hello_holdtime() ||
                               itf.cfg.dr_priority != cfg.dr_priority ||
                               itf.cfg.addresses != cfg.addresses;
    itf.cfg = cfg;
    if (restart) {
      start_interface(itf, now);
    } else if (itf.running && hello_changed) {
      // New options are told at once (§4.3.1: a changed DR priority or address list is
      // sent in a triggered Hello), the DR is elected again with our new priority.
      send_hello(itf, itf.cfg.hello_holdtime(), now);
      elect_dr(itf, now);
    }
  }
  for (auto it = interfaces_.begin(); it != interfaces_.end();) {
    if (seen.count(it->first)) {
      ++it;
      continue;
    }
    stop_interface(it->second, now);
    for (auto a = asserts_.begin(); a != asserts_.end();) {
      if (a->first.second == it->first) {
        timers_.cancel(
            {TimerKind::assert_timer, it->first, a->first.first.source, a->first.first.group});
        a = asserts_.erase(a);
      } else {
        ++a;
      }
    }
    it = interfaces_.erase(it);
  }
  global_ = global;
  rp_map_.configure(global.static_rps, global.embedded_rp);
  std::vector<InterfaceConfig> cfgs;
  for (const auto& [i, itf] : interfaces_) cfgs.push_back(itf.cfg);
  rpf_.rebuild(cfgs, global.routes);
  refresh_all(now);
}

void PimRouter::set_interface_up(uint32_t ifindex, bool up, TimePoint now) {
  Interface* itf = find_interface(ifindex);
  if (itf == nullptr || itf->up == up) return;
  if (!up) stop_interface(*itf, now);
  itf->up = up;
  if (up) start_interface(*itf, now);
  refresh_all(now);
}

void PimRouter::set_forwarding(uint32_t ifindex, bool forwarding, TimePoint now) {
  Interface* itf = find_interface(ifindex);
  if (itf == nullptr || itf->forwarding == forwarding) return;
  itf->forwarding = forwarding;
  recheck_asserts(now);
}

void PimRouter::set_membership(const Ipv6Address& group, std::vector<Membership> members,
                               TimePoint now) {
  // Routers never join link-scope or smaller groups (RFC 4291 §2.7; RFC 7761 §4.1.6's
  // olists are for routable groups): MLD does not report them, and they are refused here.
  if (!group.is_multicast() || group.is_link_scope_multicast()) return;
  std::sort(members.begin(), members.end(),
            [](const Membership& a, const Membership& b) { return a.ifindex < b.ifindex; });
  for (auto& m : members) std::sort(m.sources.begin(), m.sources.end());
  auto it = groups_.find(group);
  if (members.empty()) {
    if (it == groups_.end()) return;
    groups_.erase(it);
  } else {
    if (it != groups_.end() && it->second.members == members) return;
    groups_[group].members = std::move(members);
  }
  refresh_group(group, now);
}

void PimRouter::on_message(uint32_t ifindex, const Ipv6Address& src, const wire::PimMessage& m,
                           TimePoint now) {
  Interface* itf = find_interface(ifindex);
  if (itf == nullptr || !itf->cfg.pim_enabled) {
    // Not shown by interfaces(): counted where the displays and metrics can see it.
    ++unconfigured_drops_[ifindex];
    return;
  }
  auto drop = [&](RxDrop d) { ++itf->counters.rx_drops[static_cast<size_t>(d)]; };
  if (!itf->running) return drop(RxDrop::interface_not_pim);
  if (src == itf->cfg.link_local) return drop(RxDrop::own_message);
  switch (m.type) {
    case wire::PimType::hello:
      ++itf->counters.hellos_received;
      on_hello(*itf, src, m.hello, now);
      return;
    case wire::PimType::join_prune:
      ++itf->counters.join_prunes_received;
      if (neighbor_for(*itf, src) == nullptr) return drop(RxDrop::not_from_neighbor);
      on_join_prune(*itf, src, m.join_prune, now);
      return;
    case wire::PimType::assert_:
      ++itf->counters.asserts_received;
      if (neighbor_for(*itf, src) == nullptr) return drop(RxDrop::not_from_neighbor);
      on_assert(*itf, src, m.assert_message, now);
      return;
    default: return drop(RxDrop::unsupported_type);
  }
}

void PimRouter::on_timer(TimePoint now) {
  TimerKey key;
  while (timers_.pop_due(now, &key)) {
    switch (key.kind) {
      case TimerKind::hello: {
        Interface* itf = find_interface(key.ifindex);
        if (itf != nullptr && itf->running) send_hello(*itf, itf->cfg.hello_holdtime(), now);
        break;
      }
      case TimerKind::neighbor: {
        Interface* itf = find_interface(key.ifindex);
        if (itf != nullptr) neighbor_down(*itf, key.a, "holdtime expired (RFC 7761 4.3.2)", now);
        break;
      }
      case TimerKind::join: on_join_timer({key.a, key.b}, now); break;
      case TimerKind::keepalive: {
        // No per-entry packet counts reach the control core (the FIB has none), so the
        // source is taken as alive while receivers still want it: the Keepalive Timer is
        // restarted then, and (S,G) state from the switch ends with the last receiver.
        EntryKey k{key.a, key.b};
        auto it = upstream_.find(k);
        if (it == upstream_.end()) break;
        // With the Keepalive running, JoinDesired(S,G) is exactly inherited_olist(S,G) != NULL.
        const bool wanted = join_desired_sg(k);
        if (wanted) {
          timers_.arm(key, now + kKeepalivePeriod);
        } else {
          it->second.keepalive = false;
          refresh_group(k.group, now);
        }
        break;
      }
      case TimerKind::rpt_override: on_rpt_override({key.a, key.b}, now); break;
      case TimerKind::assert_timer: on_assert_timer({key.a, key.b}, key.ifindex, now); break;
    }
  }
}

void PimRouter::shutdown(TimePoint now) {
  for (auto& [k, u] : upstream_) {
    if (!u.joined) continue;
    if (k.is_star())
      send_join_prune(u.rpf_ifindex, u.rpf_neighbor, k.group, {}, {star_entry(u)});
    else
      send_join_prune(u.rpf_ifindex, u.rpf_neighbor, k.group, {},
                      {wire::PimSourceEntry{k.source, 128, true, false, false}});
    u.joined = false;
  }
  for (auto& [i, itf] : interfaces_) stop_interface(itf, now);
  timers_.clear();
}

// ---- FIB queries ----

std::optional<uint32_t> PimRouter::rpf_interface(const EntryKey& entry) const {
  if (entry.is_star()) {
    auto rp = rp_map_.rp_for(entry.group);
    if (!rp) return std::nullopt;
    return pim_rpf_interface(rp->rp);
  }
  // An (S,G) entry's packets arrive on the source tree once we are on it (SPT bit set, or
  // joined for an MLDv2 INCLUDE source); while (*,G) is joined and S is not on its own
  // tree yet (switching, or an entry that only exists to exclude S), they come down the RP
  // tree (§4.2.2).
  auto it = upstream_.find(entry);
  const bool on_spt = it != upstream_.end() &&
                      (it->second.spt_bit || (!it->second.keepalive && join_desired_sg(entry)));
  if (!on_spt) {
    auto star = upstream_.find({Ipv6Address{}, entry.group});
    if (star != upstream_.end() && star->second.joined) return star->second.rpf_ifindex;
  }
  return pim_rpf_interface(entry.source);
}

std::optional<uint32_t> PimRouter::pim_rpf_interface(const Ipv6Address& target) const {
  // Only an interface where PIM runs gives an entry its RPF port: elsewhere (a static
  // `multicast ipv6 upstream` port, a LAN without PIM) the data plane's static mode rules.
  auto r = rpf_.lookup(target);
  if (!r) return std::nullopt;
  const Interface* itf = find_interface(r->ifindex);
  if (itf == nullptr || !itf->running) return std::nullopt;
  return r->ifindex;
}

bool PimRouter::notify_sources(const Ipv6Address& group) const {
  if (global_.spt_switch_infinity || is_ssm_group(group)) return false;
  auto it = upstream_.find({Ipv6Address{}, group});
  return it != upstream_.end() && it->second.joined;
}

std::vector<Ipv6Address> PimRouter::spt_sources(const Ipv6Address& group) const {
  std::vector<Ipv6Address> out;
  for (auto it = upstream_.lower_bound({Ipv6Address{}, group});
       it != upstream_.end() && it->first.group == group; ++it)
    if (!it->first.is_star() && it->second.keepalive) out.push_back(it->first.source);
  return out;
}

std::vector<Ipv6Address> PimRouter::groups() const {
  std::set<Ipv6Address> out;
  for (const auto& [k, u] : upstream_) out.insert(k.group);
  for (const auto& [g, s] : groups_) out.insert(g);
  return {out.begin(), out.end()};
}

}  // namespace tandem::pim
