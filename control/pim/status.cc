// Snapshots for `display pim ipv6 neighbor|interface|routing-table|rp-info` and metrics.
#include "control/pim/router.h"

namespace tandem::pim {

namespace {
std::optional<Duration> remaining(TimePoint when, TimePoint now) {
  if (when == kNever) return std::nullopt;
  return when > now ? when - now : Duration::zero();
}
}  // namespace

std::vector<NeighborStatus> PimRouter::neighbors(TimePoint now) const {
  std::vector<NeighborStatus> out;
  for (const auto& [i, itf] : interfaces_) {
    for (const auto& [a, n] : itf.neighbors) {
      NeighborStatus s;
      s.ifindex = i;
      s.interface = itf.cfg.name;
      s.address = a;
      s.secondary = n.secondary;
      s.uptime = now - n.up_since;
      s.expires = remaining(timers_.when({TimerKind::neighbor, i, a, {}}), now);
      s.dr_priority = n.dr_priority;
      s.generation_id = n.generation_id;
      s.holdtime_s = n.holdtime_s;
      out.push_back(std::move(s));
    }
  }
  return out;
}

std::vector<InterfaceStatus> PimRouter::interfaces(TimePoint now) const {
  std::vector<InterfaceStatus> out;
  for (const auto& [i, itf] : interfaces_) {
    if (!itf.cfg.pim_enabled) continue;
    InterfaceStatus s;
    s.ifindex = i;
    s.interface = itf.cfg.name;
    s.enabled = itf.cfg.pim_enabled;
    s.up = itf.running;
    s.address = itf.cfg.link_local;
    s.neighbor_count = itf.neighbors.size();
    s.hello_period = itf.cfg.hello_period;
    s.hello_holdtime_s = itf.cfg.hello_holdtime();
    s.dr_priority = itf.cfg.dr_priority;
    s.dr_address = itf.dr;
    s.is_dr = itf.dr == itf.cfg.link_local;
    s.join_prune_period = itf.cfg.join_prune_period;
    s.generation_id = itf.generation_id;
    s.ignore_dr_state = itf.cfg.ignore_dr_state;
    s.ignore_assert_state = itf.cfg.ignore_assert_state;
    s.forwarding = itf.forwarding;
    s.effective_override_interval = effective_override_interval(itf);
    s.effective_propagation_delay = effective_propagation_delay(itf);
    s.join_suppression = suppression_enabled(itf);
    s.next_hello = remaining(timers_.when({TimerKind::hello, i, {}, {}}), now).value_or(Duration{});
    s.counters = itf.counters;
    out.push_back(std::move(s));
  }
  return out;
}

std::vector<RouteStatus> PimRouter::routes(TimePoint now) const {
  std::vector<RouteStatus> out;
  for (const auto& [k, u] : upstream_) {
    RouteStatus r;
    if (!k.is_star()) r.source = k.source;
    r.group = k.group;
    const bool ssm = is_ssm_group(k.group);
    r.protocol = ssm ? "pim-ssm" : "pim-sm";
    if (auto rp = rp_map_.rp_for(k.group)) r.rp = rp->rp;
    if (k.is_star()) {
      r.flags = {"WC", "RPT"};
    } else {
      if (u.spt_bit || u.joined) r.flags.push_back("SPT");
      if (u.keepalive && !u.spt_bit) r.flags.push_back("SWT");
      if (u.rpt_pruned) r.flags.push_back("RPT-PRUNE");
    }
    r.uptime = now - u.created;
    if (auto iif = rpf_interface(k)) {
      r.upstream_ifindex = *iif;
      if (const Interface* itf = find_interface(*iif)) r.upstream_interface = itf->cfg.name;
    }
    if (u.route) {
      if (const Neighbor* n = find_neighbor(u.rpf_ifindex, u.route->nexthop))
        r.upstream_neighbor = n->address;
    }
    if (!u.rpf_neighbor.is_unspecified()) r.rpf_prime_neighbor = u.rpf_neighbor;
    r.joined = u.joined;
    r.join_timer = remaining(timers_.when({TimerKind::join, 0, k.source, k.group}), now);
    r.keepalive = remaining(timers_.when({TimerKind::keepalive, 0, k.source, k.group}), now);
    r.spt_bit = u.spt_bit;
    r.rpt_pruned = u.rpt_pruned;
    auto g = groups_.find(k.group);
    if (g != groups_.end()) {
      for (const auto& m : g->second.members) {
        const bool listed = std::binary_search(m.sources.begin(), m.sources.end(), k.source);
        const bool wants = k.is_star() ? m.exclude : (m.exclude ? !listed : listed);
        if (!wants || !local_include(m)) continue;
        DownstreamStatus d;
        d.ifindex = m.ifindex;
        if (const Interface* itf = find_interface(m.ifindex)) d.interface = itf->cfg.name;
        d.protocol = "mld";
        if (const AssertInfo* a = assert_info(k, m.ifindex)) {
          d.assert_state = a->state;
          d.assert_winner = a->winner.address;
          d.assert_expires =
              remaining(timers_.when({TimerKind::assert_timer, m.ifindex, k.source, k.group}), now);
        }
        d.excluded = excluded_by_assert(k, m.ifindex);
        r.downstream.push_back(std::move(d));
      }
    }
    if (!k.is_star() && r.flags.empty() && !r.joined) r.flags.push_back("LOC");
    out.push_back(std::move(r));
  }
  return out;
}

std::vector<RpStatus> PimRouter::rp_info() const {
  std::vector<RpStatus> out;
  auto fill = [&](RpStatus& s) {
    if (auto r = rpf_.lookup(s.rp)) {
      s.rpf_ifindex = r->ifindex;
      if (const Interface* itf = find_interface(r->ifindex)) s.rpf_interface = itf->cfg.name;
      if (const Neighbor* n = find_neighbor(r->ifindex, r->nexthop)) s.rpf_neighbor = n->address;
    }
    for (const auto& [k, u] : upstream_)
      if (k.is_star() && u.joined && u.rp == s.rp) ++s.groups_joined;
  };
  for (const auto& rp : rp_map_.static_rps()) {
    RpStatus s;
    s.rp = rp.rp;
    s.groups = rp.groups;
    s.source = RpSource::static_rp;
    fill(s);
    out.push_back(std::move(s));
  }
  // Embedded RPs in use: one line per RP that some joined group names.
  std::set<Ipv6Address> embedded;
  for (const auto& [k, u] : upstream_)
    if (k.is_star() && embedded_rp(k.group) && rp_map_.embedded()) embedded.insert(u.rp);
  for (const auto& rp : embedded) {
    RpStatus s;
    s.rp = rp;
    s.groups = {Ipv6Address::must_parse("ff70::"), 12};
    s.source = RpSource::embedded;
    fill(s);
    out.push_back(std::move(s));
  }
  return out;
}

Totals PimRouter::totals() const {
  Totals t = totals_;
  for (const auto& [i, itf] : interfaces_) t.neighbors += itf.neighbors.size();
  for (const auto& [k, u] : upstream_) {
    if (k.is_star())
      ++t.star_g;
    else if (u.joined || u.keepalive || u.spt_bit)
      ++t.s_g;
    if (u.rpt_pruned) ++t.s_g_rpt;
  }
  return t;
}

}  // namespace tandem::pim
