// Hello, the neighbor table and DR election (RFC 7761 §4.3).
#include <algorithm>

#include "control/pim/router.h"

namespace tandem::pim {

namespace {

// Our LAN Prune Delay option: the defaults of §4.11, join suppression on (T bit clear).
wire::PimLanPruneDelay our_lan_prune_delay() {
  return {false, static_cast<uint16_t>(kDefaultPropagationDelay.count()),
          static_cast<uint16_t>(kDefaultOverrideInterval.count())};
}

}  // namespace

void PimRouter::start_interface(Interface& itf, TimePoint now) {
  itf.running = itf.cfg.pim_enabled && itf.up;
  itf.dr = itf.cfg.link_local;
  if (!itf.running) return;
  log(LogLevel::info, itf.cfg.name + ": PIM-SM up, GenID " + std::to_string(itf.generation_id));
  // §4.3.1: a Hello goes out when the interface comes up, before any other message; sent at
  // once (0 is within the Triggered_Hello_Delay range) so joins can follow without waiting.
  send_hello(itf, itf.cfg.hello_holdtime(), now);
}

void PimRouter::stop_interface(Interface& itf, TimePoint now) {
  if (itf.running) {
    // §4.3.1: a Hello with Holdtime 0 tells neighbors to forget us at once.
    send_hello(itf, 0, now);
    log(LogLevel::info, itf.cfg.name + ": PIM-SM down");
  }
  for (auto& [addr, n] : itf.neighbors)
    timers_.cancel({TimerKind::neighbor, itf.cfg.ifindex, addr, {}});
  itf.neighbors.clear();
  // Assert state belongs to the link: every winner's NLT is gone with the neighbors, and we
  // cannot assert where PIM does not run (§4.6.1). A loss kept here would leave RPF' at a
  // router we no longer hear, or the interface out of the olist after it comes back.
  std::vector<std::pair<EntryKey, uint32_t>> here;
  for (const auto& [key, info] : asserts_)
    if (key.second == itf.cfg.ifindex) here.push_back(key);
  for (const auto& [key, ifindex] : here) assert_reset(key, ifindex);
  timers_.cancel({TimerKind::hello, itf.cfg.ifindex, {}, {}});
  itf.running = false;
  itf.dr = itf.cfg.link_local;
  // A new GenID for the next start: neighbors must see us as restarted (§4.3.1).
  itf.generation_id = static_cast<uint32_t>(rng_.next());
}

void PimRouter::send_hello(Interface& itf, uint16_t holdtime, TimePoint now) {
  wire::PimMessage m;
  m.type = wire::PimType::hello;
  m.hello.holdtime_s = holdtime;
  m.hello.dr_priority = itf.cfg.dr_priority;
  m.hello.generation_id = itf.generation_id;
  m.hello.lan_prune_delay = our_lan_prune_delay();
  for (const auto& p : itf.cfg.addresses) m.hello.address_list.push_back(p.address);
  actions_.messages.push_back({itf.cfg.ifindex, std::move(m)});
  ++itf.counters.hellos_sent;
  if (holdtime != 0)
    timers_.arm({TimerKind::hello, itf.cfg.ifindex, {}, {}}, now + itf.cfg.hello_period);
}

const PimRouter::Neighbor* PimRouter::neighbor_for(const Interface& itf,
                                                   const Ipv6Address& address) const {
  auto it = itf.neighbors.find(address);
  if (it != itf.neighbors.end()) return &it->second;
  // A global next hop names the neighbor through its Hello Address List (§4.3.4).
  for (const auto& [a, n] : itf.neighbors)
    if (std::find(n.secondary.begin(), n.secondary.end(), address) != n.secondary.end()) return &n;
  return nullptr;
}

const PimRouter::Neighbor* PimRouter::find_neighbor(uint32_t ifindex,
                                                    const Ipv6Address& address) const {
  const Interface* itf = find_interface(ifindex);
  return itf == nullptr ? nullptr : neighbor_for(*itf, address);
}

void PimRouter::on_hello(Interface& itf, const Ipv6Address& src, const wire::PimHello& h,
                         TimePoint now) {
  const uint16_t holdtime = h.holdtime_s.value_or(static_cast<uint16_t>(
      std::chrono::duration_cast<seconds>(holdtime_for(kDefaultHelloPeriod)).count()));
  if (holdtime == 0) {
    neighbor_down(itf, src, "Hello with holdtime 0 (RFC 7761 4.3.1)", now);
    return;
  }
  auto it = itf.neighbors.find(src);
  const bool is_new = it == itf.neighbors.end();
  const bool restarted = !is_new && h.generation_id && *h.generation_id != it->second.generation_id;
  Neighbor& n = itf.neighbors[src];
  const bool options_changed =
      is_new || n.dr_priority != h.dr_priority || n.secondary != h.address_list;
  if (is_new) {
    n.address = src;
    n.up_since = now;
    ++itf.counters.neighbor_ups;
    log(LogLevel::info, itf.cfg.name + ": neighbor " + src.to_string() + " up");
  } else if (restarted) {
    n.up_since = now;
    log(LogLevel::info, itf.cfg.name + ": neighbor " + src.to_string() +
                            " restarted (new Generation ID " + std::to_string(*h.generation_id) +
                            ")");
  }
  n.secondary = h.address_list;
  n.dr_priority = h.dr_priority;
  n.generation_id = h.generation_id.value_or(0);
  n.lan_prune_delay = h.lan_prune_delay;
  n.holdtime_s = holdtime;
  if (holdtime == 0xffff)
    timers_.cancel({TimerKind::neighbor, itf.cfg.ifindex, src, {}});
  else
    timers_.arm({TimerKind::neighbor, itf.cfg.ifindex, src, {}}, now + seconds(holdtime));
  if (is_new || restarted) {
    // §4.3.1: a new or restarted neighbor gets our Hello before anything else, so it
    // accepts the Join/Prune messages that follow (sent at once: 0 is within
    // Triggered_Hello_Delay).
    send_hello(itf, itf.cfg.hello_holdtime(), now);
  }
  if (restarted) {
    // §4.5.6/§4.5.7: the upstream neighbor lost its state: every Join Timer of ours
    // toward it is cut to t_override so the joins are sent again soon.
    for (auto& [k, u] : upstream_) {
      if (!u.joined || u.rpf_ifindex != itf.cfg.ifindex) continue;
      if (neighbor_for(itf, u.rpf_neighbor) != &n) continue;
      const TimerKey jt{TimerKind::join, 0, k.source, k.group};
      const TimePoint cut = now + t_override(itf.cfg.ifindex);
      if (timers_.when(jt) > cut) timers_.arm(jt, cut);
    }
  }
  if (options_changed) {
    elect_dr(itf, now);
    refresh_all(now);  // a new neighbor or address list may be some entry's RPF neighbor
  }
}

void PimRouter::neighbor_down(Interface& itf, const Ipv6Address& address, const char* why,
                              TimePoint now) {
  auto it = itf.neighbors.find(address);
  if (it == itf.neighbors.end()) return;
  itf.neighbors.erase(it);
  timers_.cancel({TimerKind::neighbor, itf.cfg.ifindex, address, {}});
  ++itf.counters.neighbor_downs;
  log(LogLevel::info, itf.cfg.name + ": neighbor " + address.to_string() + " down: " + why);
  // An Assert won by the neighbor that left is over (§4.6.1: "winner's NLT expires"),
  // whichever of its addresses (primary or from its Address List) the Assert came from.
  std::vector<std::pair<EntryKey, uint32_t>> lost;
  for (const auto& [key, info] : asserts_)
    if (key.second == itf.cfg.ifindex && info.state == AssertState::loser &&
        neighbor_for(itf, info.winner.address) == nullptr)
      lost.push_back(key);
  for (const auto& [key, ifindex] : lost) assert_reset(key, ifindex);
  elect_dr(itf, now);
  refresh_all(now);
}

void PimRouter::elect_dr(Interface& itf, TimePoint now) {
  (void)now;
  // §4.3.2: the highest DR priority wins, then the highest address; priorities count only
  // when every router on the link advertises one.
  bool all_priority = true;
  for (const auto& [a, n] : itf.neighbors) all_priority = all_priority && n.dr_priority.has_value();
  Ipv6Address best = itf.cfg.link_local;
  uint32_t best_pri = itf.cfg.dr_priority;
  for (const auto& [a, n] : itf.neighbors) {
    const uint32_t pri = n.dr_priority.value_or(0);
    const bool better = all_priority ? (pri > best_pri || (pri == best_pri && best < a)) : best < a;
    if (better) {
      best = a;
      best_pri = pri;
    }
  }
  if (best == itf.dr) return;
  const bool was_dr = itf.dr == itf.cfg.link_local;
  itf.dr = best;
  const bool is_dr_now = best == itf.cfg.link_local;
  log(LogLevel::info,
      itf.cfg.name + ": DR is " + best.to_string() + (is_dr_now ? " (this router)" : ""));
  if (was_dr != is_dr_now && !itf.cfg.ignore_dr_state) {
    // Local receivers on a LAN count only at its DR (§4.1.6 local_receiver_include).
    for (const auto& [g, s] : groups_)
      for (const auto& m : s.members)
        if (m.ifindex == itf.cfg.ifindex) refresh_group(g, now);
  }
}

bool PimRouter::is_dr(uint32_t ifindex) const {
  const Interface* itf = find_interface(ifindex);
  if (itf == nullptr) return false;
  return itf->dr == itf->cfg.link_local;
}

bool PimRouter::lan_delay_enabled(const Interface& itf) const {
  if (itf.neighbors.empty()) return false;
  for (const auto& [a, n] : itf.neighbors)
    if (!n.lan_prune_delay) return false;
  return true;
}

Duration PimRouter::effective_override_interval(const Interface& itf) const {
  if (!lan_delay_enabled(itf)) return kDefaultOverrideInterval;
  Duration d = kDefaultOverrideInterval;
  for (const auto& [a, n] : itf.neighbors)
    d = std::max<Duration>(d, milliseconds(n.lan_prune_delay->override_interval_ms));
  return d;
}

Duration PimRouter::effective_propagation_delay(const Interface& itf) const {
  if (!lan_delay_enabled(itf)) return kDefaultPropagationDelay;
  Duration d = kDefaultPropagationDelay;
  for (const auto& [a, n] : itf.neighbors)
    d = std::max<Duration>(d, milliseconds(n.lan_prune_delay->propagation_delay_ms));
  return d;
}

bool PimRouter::suppression_enabled(const Interface& itf) const {
  // §4.3.3: suppression is off only when every router on the link sets the T bit.
  if (!lan_delay_enabled(itf)) return true;
  for (const auto& [a, n] : itf.neighbors)
    if (!n.lan_prune_delay->t_bit) return true;
  return false;
}

}  // namespace tandem::pim
