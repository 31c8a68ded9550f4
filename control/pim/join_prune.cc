// Upstream Join/Prune state of a last-hop router (RFC 7761 §4.5): the (*,G), (S,G) and
// (S,G,rpt) machines, the olist macros they depend on (§4.1.6 with local receivers only:
// a last-hop router has no downstream joins), the Join Timer with suppression and override
// (§4.5.6-§4.5.9), and building the Join/Prune messages (§4.9.5).
#include <algorithm>

#include "control/pim/router.h"

namespace tandem::pim {

// ---- olists (§4.1.6, §4.5.10 without downstream joins) ----

bool PimRouter::local_include(const Membership& m) const {
  // local_receiver_include needs I_am_DR(I), unless `pim ipv6 ignore dr-state` (both routers
  // of the pair join for their listeners) or PIM does not run there (no other router).
  const Interface* itf = find_interface(m.ifindex);
  if (itf == nullptr) return false;
  if (!itf->running || itf->cfg.ignore_dr_state) return true;
  return itf->dr == itf->cfg.link_local;
}

namespace {
const Membership* member_on(const std::vector<Membership>& ms, uint32_t ifindex) {
  for (const auto& m : ms)
    if (m.ifindex == ifindex) return &m;
  return nullptr;
}
bool has_source(const Membership& m, const Ipv6Address& s) {
  return std::binary_search(m.sources.begin(), m.sources.end(), s);
}
}  // namespace

bool PimRouter::in_star_olist(uint32_t ifindex, const Ipv6Address& group) const {
  auto g = groups_.find(group);
  if (g == groups_.end()) return false;
  const Membership* m = member_on(g->second.members, ifindex);
  if (m == nullptr || !m->exclude || !local_include(*m)) return false;
  return !lost_assert({Ipv6Address{}, group}, ifindex);
}

bool PimRouter::in_immediate_sg_olist(uint32_t ifindex, const EntryKey& key) const {
  auto g = groups_.find(key.group);
  if (g == groups_.end()) return false;
  const Membership* m = member_on(g->second.members, ifindex);
  if (m == nullptr || m->exclude || !has_source(*m, key.source) || !local_include(*m)) return false;
  return !lost_assert(key, ifindex);
}

bool PimRouter::in_inherited_rpt_olist(uint32_t ifindex, const EntryKey& key) const {
  // (*,G)'s olist without the interfaces whose EXCLUDE list blocks S (pim_exclude(S,G)).
  if (!in_star_olist(ifindex, key.group)) return false;
  const Membership* m = member_on(groups_.at(key.group).members, ifindex);
  return !has_source(*m, key.source) && !lost_assert(key, ifindex);
}

bool PimRouter::any_inherited_rpt_olist(const EntryKey& key) const {
  auto g = groups_.find(key.group);
  if (g == groups_.end()) return false;
  for (const auto& m : g->second.members)
    if (in_inherited_rpt_olist(m.ifindex, key)) return true;
  return false;
}

bool PimRouter::join_desired_star(const Ipv6Address& group) const {
  // SSM groups never join the RP tree (RFC 4607 §2), and without an RP there is none.
  if (is_ssm_group(group) || !rp_map_.rp_for(group)) return false;
  auto g = groups_.find(group);
  if (g == groups_.end()) return false;
  for (const auto& m : g->second.members)
    if (in_star_olist(m.ifindex, group)) return true;
  return false;
}

bool PimRouter::join_desired_sg(const EntryKey& key) const {
  // §4.5.7: immediate_olist(S,G) != NULL, or the Keepalive Timer runs (we switched to the
  // SPT) and inherited_olist(S,G) != NULL.
  auto g = groups_.find(key.group);
  if (g == groups_.end()) return false;
  auto u = upstream_.find(key);
  const bool kat = u != upstream_.end() && u->second.keepalive;
  for (const auto& m : g->second.members) {
    if (in_immediate_sg_olist(m.ifindex, key)) return true;
    if (kat && in_inherited_rpt_olist(m.ifindex, key)) return true;
  }
  return false;
}

bool PimRouter::prune_desired_rpt(const EntryKey& key) const {
  // §4.5.9: RPTJoinDesired(G) AND (inherited_olist(S,G,rpt) == NULL OR (SPTbit(S,G) AND
  // RPF'(*,G) != RPF'(S,G))).
  auto star = upstream_.find({Ipv6Address{}, key.group});
  if (star == upstream_.end() || !star->second.joined) return false;
  if (!any_inherited_rpt_olist(key)) return true;
  auto sg = upstream_.find(key);
  if (sg == upstream_.end() || !sg->second.spt_bit) return false;
  return sg->second.rpf_neighbor != star->second.rpf_neighbor ||
         sg->second.rpf_ifindex != star->second.rpf_ifindex;
}

std::set<Ipv6Address> PimRouter::sources_of(const Ipv6Address& group) const {
  std::set<Ipv6Address> out;
  auto g = groups_.find(group);
  if (g != groups_.end())
    for (const auto& m : g->second.members) out.insert(m.sources.begin(), m.sources.end());
  for (auto it = upstream_.lower_bound({Ipv6Address{}, group});
       it != upstream_.end() && it->first.group == group; ++it)
    if (!it->first.is_star()) out.insert(it->first.source);
  return out;
}

// ---- timers ----

Duration PimRouter::t_periodic(uint32_t ifindex) const {
  const Interface* itf = find_interface(ifindex);
  return itf == nullptr ? Duration(kDefaultJoinPrunePeriod) : Duration(itf->cfg.join_prune_period);
}

Duration PimRouter::t_override(uint32_t ifindex) {
  // §4.5.6: rand(0, Effective_Override_Interval(I)).
  const Interface* itf = find_interface(ifindex);
  const Duration max =
      itf == nullptr ? Duration(kDefaultOverrideInterval) : effective_override_interval(*itf);
  return milliseconds(rng_.uniform(0, static_cast<uint64_t>(to_ms(max))));
}

Duration PimRouter::t_suppressed(uint32_t ifindex, uint16_t holdtime_s) {
  // §4.5.6: t_joinsuppress = min(t_suppressed, holdtime of the Join seen), t_suppressed =
  // rand(1.1 * t_periodic, 1.4 * t_periodic) when suppression is on, else 0.
  const Interface* itf = find_interface(ifindex);
  if (itf == nullptr || !suppression_enabled(*itf)) return Duration::zero();
  const auto period = to_ms(t_periodic(ifindex));
  const Duration t = milliseconds(rng_.uniform(static_cast<uint64_t>(period * 11 / 10),
                                               static_cast<uint64_t>(period * 14 / 10)));
  return std::min<Duration>(t, seconds(holdtime_s));
}

// ---- messages ----

wire::PimSourceEntry PimRouter::star_entry(const Upstream& u) const {
  // (*,G) in a J/P: the RP's address with the WC and RPT bits (§4.9.5.1).
  return {u.rp, 128, true, true, true};
}

std::vector<wire::PimSourceEntry> PimRouter::rpt_prunes_of(const Ipv6Address& group) const {
  std::vector<wire::PimSourceEntry> out;
  for (auto it = upstream_.lower_bound({Ipv6Address{}, group});
       it != upstream_.end() && it->first.group == group; ++it)
    if (!it->first.is_star() && it->second.rpt_pruned)
      out.push_back({it->first.source, 128, true, false, true});
  return out;
}

void PimRouter::send_join_prune(uint32_t ifindex, const Ipv6Address& neighbor,
                                const Ipv6Address& group, std::vector<wire::PimSourceEntry> joins,
                                std::vector<wire::PimSourceEntry> prunes) {
  Interface* itf = find_interface(ifindex);
  if (itf == nullptr || !itf->running || neighbor.is_unspecified()) return;
  // §4.9.5: the upstream neighbor is named by its primary (link-local) address, the one its
  // Hellos come from, whichever of its addresses the route gave.
  const Neighbor* n = neighbor_for(*itf, neighbor);
  wire::PimMessage m;
  m.type = wire::PimType::join_prune;
  m.join_prune.upstream_neighbor = n != nullptr ? n->address : neighbor;
  const auto hold = std::chrono::duration_cast<seconds>(holdtime_for(itf->cfg.join_prune_period));
  m.join_prune.holdtime_s = static_cast<uint16_t>(std::min<int64_t>(hold.count(), 0xfffe));
  itf->counters.joins_sent += joins.size();
  itf->counters.prunes_sent += prunes.size();
  m.join_prune.groups.push_back({group, 128, false, false, std::move(joins), std::move(prunes)});
  ++itf->counters.join_prunes_sent;
  actions_.messages.push_back({ifindex, std::move(m)});
}

// ---- the machines ----

void PimRouter::set_rpf(Upstream& u, const Ipv6Address& target, const EntryKey& key) {
  u.route = rpf_.lookup(target);
  u.rpf_ifindex = u.route ? u.route->ifindex : 0;
  u.rpf_neighbor = Ipv6Address{};
  if (!u.route) return;
  // RPF'(S,G) / RPF'(*,G) (§4.1.6): the Assert winner when we lost an Assert on the RPF
  // interface, else the neighbor the route's next hop names. The winner is named by its
  // primary address, like any upstream neighbor (it may assert from its Address List).
  const AssertInfo* a = assert_info(key, u.rpf_ifindex);
  if (a != nullptr && a->state == AssertState::loser) {
    if (const Neighbor* w = find_neighbor(u.rpf_ifindex, a->winner.address)) {
      u.rpf_neighbor = w->address;
      return;
    }
  }
  if (const Neighbor* n = find_neighbor(u.rpf_ifindex, u.route->nexthop))
    u.rpf_neighbor = n->address;
}

PimRouter::Upstream* PimRouter::upstream_for(const EntryKey& key, bool desired, TimePoint now) {
  auto it = upstream_.find(key);
  if (it != upstream_.end()) return &it->second;
  if (!desired) return nullptr;
  Upstream& u = upstream_[key];
  u.created = now;
  return &u;
}

namespace {
std::string entry_name(const EntryKey& key) {
  return "(" + (key.is_star() ? std::string("*") : key.source.to_string()) + "," +
         key.group.to_string() + ")";
}
}  // namespace

void PimRouter::update_join(const EntryKey& key, Upstream& u, const Upstream& before, bool desired,
                            TimePoint now) {
  // §4.5.6 (*,G) and §4.5.7 (S,G): a Joined entry that no longer wants to join, or whose
  // RPF' (or RP) moved, prunes toward the old neighbor; a NotJoined one that wants to and
  // has an RPF' joins and sets the Join Timer to t_periodic. An (S,G) whose source is on a
  // connected prefix has no RPF' (its packets are on the link already) and joins nothing.
  const TimerKey jt{TimerKind::join, 0, key.source, key.group};
  const bool can_join = desired && !u.rpf_neighbor.is_unspecified();
  const wire::PimSourceEntry sg{key.source, 128, true, false, false};
  if (before.joined && (!can_join || before.rpf_neighbor != u.rpf_neighbor ||
                        before.rpf_ifindex != u.rpf_ifindex || before.rp != u.rp)) {
    send_join_prune(before.rpf_ifindex, before.rpf_neighbor, key.group, {},
                    {key.is_star() ? star_entry(before) : sg});
    u.joined = false;
    timers_.cancel(jt);
    log(LogLevel::info, entry_name(key) + ": pruned toward " + before.rpf_neighbor.to_string());
  }
  if (can_join && !u.joined) {
    u.joined = true;
    // A (*,G) Join carries the (S,G,rpt) prunes in force (§4.5.9).
    if (key.is_star())
      send_join_prune(u.rpf_ifindex, u.rpf_neighbor, key.group, {star_entry(u)},
                      rpt_prunes_of(key.group));
    else
      send_join_prune(u.rpf_ifindex, u.rpf_neighbor, key.group, {sg}, {});
    timers_.arm(jt, now + t_periodic(u.rpf_ifindex));
    log(LogLevel::info, entry_name(key) + ": joined toward " + u.rpf_neighbor.to_string() +
                            (key.is_star() ? " (RP " + u.rp.to_string() + ")" : ""));
  }
  if (u.rpf_ifindex != before.rpf_ifindex || u.joined != before.joined ||
      u.spt_bit != before.spt_bit)
    mark_changed(key.group);
}

void PimRouter::refresh_star(const Ipv6Address& group, TimePoint now) {
  const EntryKey key{Ipv6Address{}, group};
  const bool desired = join_desired_star(group);
  Upstream* u = upstream_for(key, desired, now);
  if (u == nullptr) return;
  const Upstream before = *u;
  auto rp = rp_map_.rp_for(group);
  u->rp = rp ? rp->rp : Ipv6Address{};
  set_rpf(*u, u->rp, key);
  update_join(key, *u, before, desired, now);
  if (!desired && !u->joined) {
    upstream_.erase(key);
    mark_changed(group);
  }
}

void PimRouter::refresh_sg(const EntryKey& key, TimePoint now) {
  const bool desired = join_desired_sg(key);
  Upstream* u = upstream_for(key, desired, now);
  if (u == nullptr) return;
  const Upstream before = *u;
  set_rpf(*u, key.source, key);
  update_join(key, *u, before, desired, now);
  if (!desired && !u->joined && !u->keepalive && !u->rpt_pruned) {
    timers_.cancel({TimerKind::keepalive, 0, key.source, key.group});
    timers_.cancel({TimerKind::rpt_override, 0, key.source, key.group});
    upstream_.erase(key);
    mark_changed(key.group);
  }
}

void PimRouter::refresh_rpt(const EntryKey& key, TimePoint now) {
  const bool desired = prune_desired_rpt(key);
  const bool existed = upstream_.count(key) != 0;
  Upstream* up = upstream_for(key, desired, now);
  if (up == nullptr) return;
  Upstream& u = *up;
  if (!existed) set_rpf(u, key.source, key);
  if (u.rpt_pruned == desired) return;
  auto star = upstream_.find({Ipv6Address{}, key.group});
  const wire::PimSourceEntry entry{key.source, 128, true, false, true};
  u.rpt_pruned = desired;
  if (star != upstream_.end() && star->second.joined) {
    // §4.5.9: PruneDesired(S,G,rpt) -> True: Prune(S,G,rpt) to RPF'(*,G); -> False: Join
    // (S,G,rpt) so the RP tree carries S again.
    const Upstream& s = star->second;
    if (desired)
      send_join_prune(s.rpf_ifindex, s.rpf_neighbor, key.group, {}, {entry});
    else
      send_join_prune(s.rpf_ifindex, s.rpf_neighbor, key.group, {entry}, {});
  }
  log(LogLevel::info,
      entry_name(key) + " rpt: " + (desired ? "pruned from the RP tree" : "back on the RP tree"));
  mark_changed(key.group);
  if (!desired && !u.joined && !u.keepalive && !join_desired_sg(key)) {
    timers_.cancel({TimerKind::rpt_override, 0, key.source, key.group});
    upstream_.erase(key);
  }
}

void PimRouter::refresh_group(const Ipv6Address& group, TimePoint now) {
  refresh_star(group, now);
  for (const auto& s : sources_of(group)) {
    const EntryKey key{s, group};
    refresh_sg(key, now);
    refresh_rpt(key, now);
  }
}

void PimRouter::refresh_all(TimePoint now) {
  for (const auto& g : groups()) refresh_group(g, now);
}

void PimRouter::on_join_timer(const EntryKey& key, TimePoint now) {
  auto it = upstream_.find(key);
  if (it == upstream_.end() || !it->second.joined) return;
  Upstream& u = it->second;
  // §4.5.6/§4.5.7: Join Timer expires: send the Join again (with the (S,G,rpt) prunes for
  // (*,G)) and restart it at t_periodic.
  if (key.is_star())
    send_join_prune(u.rpf_ifindex, u.rpf_neighbor, key.group, {star_entry(u)},
                    rpt_prunes_of(key.group));
  else
    send_join_prune(u.rpf_ifindex, u.rpf_neighbor, key.group,
                    {wire::PimSourceEntry{key.source, 128, true, false, false}}, {});
  timers_.arm({TimerKind::join, 0, key.source, key.group}, now + t_periodic(u.rpf_ifindex));
}

void PimRouter::on_rpt_override(const EntryKey& key, TimePoint now) {
  (void)now;
  // §4.5.9: Override Timer expires in NotPruned(S,G,rpt): Join(S,G,rpt) to RPF'(*,G), so
  // another router's Prune(S,G,rpt) does not cut S off the shared LAN.
  auto star = upstream_.find({Ipv6Address{}, key.group});
  if (star == upstream_.end() || !star->second.joined || prune_desired_rpt(key)) return;
  send_join_prune(star->second.rpf_ifindex, star->second.rpf_neighbor, key.group,
                  {wire::PimSourceEntry{key.source, 128, true, false, true}}, {});
}

void PimRouter::on_join_prune(Interface& itf, const Ipv6Address& src, const wire::PimJoinPrune& jp,
                              TimePoint now) {
  (void)src;
  if (is_own_address(jp.upstream_neighbor)) {
    // A last-hop router has no downstream PIM routers: joins naming us are not acted on.
    ++itf.counters.rx_drops[static_cast<size_t>(RxDrop::join_prune_to_us)];
    return;
  }
  const uint32_t ifindex = itf.cfg.ifindex;
  const Neighbor* target = neighbor_for(itf, jp.upstream_neighbor);
  // Is our entry joined toward the neighbor this message is addressed to, on this link?
  auto toward = [&](const Upstream& u) {
    if (!u.joined || u.rpf_ifindex != ifindex) return false;
    if (u.rpf_neighbor == jp.upstream_neighbor) return true;
    return target != nullptr && neighbor_for(itf, u.rpf_neighbor) == target;
  };
  auto suppress = [&](const EntryKey& key) {
    // §4.5.6/§4.5.7 "See Join to RPF'": increase the Join Timer to t_joinsuppress.
    auto it = upstream_.find(key);
    if (it == upstream_.end() || !toward(it->second)) return;
    const TimerKey jt{TimerKind::join, 0, key.source, key.group};
    const Duration t = t_suppressed(ifindex, jp.holdtime_s);
    if (timers_.when(jt) < now + t) timers_.arm(jt, now + t);
  };
  auto override_prune = [&](const EntryKey& key) {
    // "See Prune to RPF'": decrease the Join Timer to t_override, so our Join overrides
    // the Prune before the upstream router acts on it (§4.5.4 prune override).
    auto it = upstream_.find(key);
    if (it == upstream_.end() || !toward(it->second)) return;
    const TimerKey jt{TimerKind::join, 0, key.source, key.group};
    const TimePoint cut = now + t_override(ifindex);
    if (timers_.when(jt) > cut) timers_.arm(jt, cut);
  };
  for (const auto& gs : jp.groups) {
    if (gs.mask_len != 128) continue;
    const Ipv6Address& g = gs.group;
    for (const auto& e : gs.joins) {
      if (e.wildcard && e.rpt)
        suppress({Ipv6Address{}, g});
      else if (!e.rpt)
        suppress({e.source, g});
    }
    for (const auto& e : gs.prunes) {
      if (e.wildcard && e.rpt) {
        override_prune({Ipv6Address{}, g});
        // "See Prune(*,G) to RPF'(S,G)" also cuts the (S,G) Join Timers (§4.5.7).
        for (auto it = upstream_.lower_bound({Ipv6Address{}, g});
             it != upstream_.end() && it->first.group == g; ++it)
          if (!it->first.is_star()) override_prune(it->first);
      } else if (!e.rpt) {
        override_prune({e.source, g});
      } else {
        // Prune(S,G,rpt) to RPF'(*,G) while we still want S on the RP tree: arm the
        // Override Timer (§4.5.9 NotPruned state).
        const EntryKey key{e.source, g};
        auto star = upstream_.find({Ipv6Address{}, g});
        if (star == upstream_.end() || !toward(star->second) || prune_desired_rpt(key)) continue;
        if (!any_inherited_rpt_olist(key)) continue;
        const TimerKey ot{TimerKind::rpt_override, 0, e.source, g};
        const TimePoint cut = now + t_override(ifindex);
        if (timers_.when(ot) > cut) timers_.arm(ot, cut);
        override_prune({e.source, g});
      }
    }
  }
}

}  // namespace tandem::pim
