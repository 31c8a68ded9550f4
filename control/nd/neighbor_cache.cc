#include "control/nd/neighbor_cache.h"

#include <algorithm>

namespace tandem::nd {

const char* neighbor_state_name(NeighborState s) {
  switch (s) {
    case NeighborState::incomplete: return "INCOMPLETE";
    case NeighborState::reachable: return "REACHABLE";
    case NeighborState::stale: return "STALE";
    case NeighborState::probe: return "PROBE";
  }
  return "?";
}

void NeighborCache::set_interface(uint32_t ifindex, const wire::MacAddress& mac,
                                  const wire::Ipv6Address& link_local) {
  interfaces_[ifindex] = Interface{mac, link_local};
}

void NeighborCache::remove_interface(uint32_t ifindex) {
  interfaces_.erase(ifindex);
  for (auto it = entries_.begin(); it != entries_.end();) {
    it = it->first.first == ifindex ? entries_.erase(it) : std::next(it);
  }
}

// §7.2.2: multicast to the solicited-node group while INCOMPLETE, unicast in PROBE.
void NeighborCache::solicit(NeighborEntry& e, TimePoint now) {
  auto it = interfaces_.find(e.ifindex);
  if (it == interfaces_.end()) return;
  NsSpec ns;
  ns.ifindex = e.ifindex;
  ns.src_mac = it->second.mac;
  ns.src = e.solicit_source;
  ns.target = e.address;
  if (e.state == NeighborState::probe && e.mac) {
    ns.dst = e.address;
    ns.dst_mac = *e.mac;
  } else {
    ns.dst = e.address.solicited_node();
    ns.dst_mac = {};  // 33:33:ff:xx:xx:xx from dst; never broadcast
  }
  solicit_.push_back(ns);
  ++counters_.solicitations_sent;
  ++e.probes_sent;
  e.deadline = now + kRetransTimer;
}

std::optional<wire::MacAddress> NeighborCache::resolve(
    uint32_t ifindex, const wire::Ipv6Address& addr, TimePoint now,
    std::optional<wire::Ipv6Address> source_hint) {
  auto iface = interfaces_.find(ifindex);
  if (iface == interfaces_.end()) {
    ++counters_.unresolved_lookups;
    return std::nullopt;
  }
  auto it = entries_.find({ifindex, addr});
  if (it == entries_.end()) {
    NeighborEntry e;
    e.address = addr;
    e.ifindex = ifindex;
    e.state = NeighborState::incomplete;
    e.solicit_source = source_hint.value_or(iface->second.link_local);
    auto [pos, inserted] = entries_.emplace(Key{ifindex, addr}, e);
    solicit(pos->second, now);
    ++counters_.unresolved_lookups;
    return std::nullopt;
  }
  NeighborEntry& e = it->second;
  switch (e.state) {
    case NeighborState::incomplete: ++counters_.unresolved_lookups; return std::nullopt;
    case NeighborState::stale:
      // §7.3.3: traffic to a STALE entry starts reachability confirmation.
      e.state = NeighborState::probe;
      e.probes_sent = 0;
      if (source_hint) e.solicit_source = *source_hint;
      solicit(e, now);
      return e.mac;
    case NeighborState::reachable:
    case NeighborState::probe: return e.mac;
  }
  return std::nullopt;
}

std::optional<wire::MacAddress> NeighborCache::lookup(uint32_t ifindex,
                                                      const wire::Ipv6Address& addr) const {
  auto it = entries_.find({ifindex, addr});
  if (it == entries_.end()) return std::nullopt;
  return it->second.mac;
}

const NeighborEntry* NeighborCache::entry(uint32_t ifindex, const wire::Ipv6Address& addr) const {
  auto it = entries_.find({ifindex, addr});
  return it == entries_.end() ? nullptr : &it->second;
}

// RFC 4861 §7.2.5.
void NeighborCache::on_na(uint32_t ifindex, const wire::NdMessage& na, TimePoint now) {
  auto it = entries_.find({ifindex, na.target});
  if (it == entries_.end()) {
    // No entry: an unsolicited NA creates none (§7.2.5).
    ++counters_.unsolicited_na_ignored;
    return;
  }
  NeighborEntry& e = it->second;
  if (e.state == NeighborState::incomplete) {
    if (!na.target_lla) return;  // nothing to resolve with
    e.mac = na.target_lla;
    e.is_router = na.router;
    e.probes_sent = 0;
    if (na.solicited) {
      e.state = NeighborState::reachable;
      e.deadline = now + kReachableTime;
    } else {
      e.state = NeighborState::stale;
      e.deadline = kNever;
    }
    ++counters_.resolutions;
    events_.push_back({ifindex, na.target, true});
    return;
  }
  const bool differs = na.target_lla && e.mac && *na.target_lla != *e.mac;
  if (!na.override_flag && differs) {
    // Keep the cached address; a REACHABLE entry becomes STALE.
    if (e.state == NeighborState::reachable) {
      e.state = NeighborState::stale;
      e.deadline = kNever;
    }
    return;
  }
  if (na.target_lla) e.mac = na.target_lla;
  e.is_router = na.router;
  if (na.solicited) {
    e.state = NeighborState::reachable;
    e.deadline = now + kReachableTime;
    e.probes_sent = 0;
  } else if (differs) {
    e.state = NeighborState::stale;
    e.deadline = kNever;
  }
}

// §7.2.3: an NS with a Source Link-Layer Address updates the sender's entry. Only existing
// entries are touched: the cache holds the peers we resolve ourselves, so a flood of NS
// cannot grow it.
void NeighborCache::on_ns(uint32_t ifindex, const wire::Ipv6Address& src, const wire::NdMessage& ns,
                          TimePoint) {
  if (src.is_unspecified() || !ns.source_lla) return;
  auto it = entries_.find({ifindex, src});
  if (it == entries_.end()) return;
  NeighborEntry& e = it->second;
  if (e.state == NeighborState::incomplete) {
    e.mac = ns.source_lla;
    e.state = NeighborState::stale;
    e.deadline = kNever;
    e.probes_sent = 0;
    ++counters_.resolutions;
    events_.push_back({ifindex, src, true});
  } else if (e.mac != ns.source_lla) {
    e.mac = ns.source_lla;
    e.state = NeighborState::stale;
    e.deadline = kNever;
  }
}

void NeighborCache::confirm_reachable(uint32_t ifindex, const wire::Ipv6Address& addr,
                                      TimePoint now) {
  auto it = entries_.find({ifindex, addr});
  if (it == entries_.end() || !it->second.mac) return;
  it->second.state = NeighborState::reachable;
  it->second.deadline = now + kReachableTime;
  it->second.probes_sent = 0;
}

void NeighborCache::on_timer(TimePoint now) {
  for (auto it = entries_.begin(); it != entries_.end();) {
    NeighborEntry& e = it->second;
    if (e.deadline > now) {
      ++it;
      continue;
    }
    switch (e.state) {
      case NeighborState::reachable:
        e.state = NeighborState::stale;  // ReachableTime passed (§7.3.3)
        e.deadline = kNever;
        break;
      case NeighborState::incomplete:
      case NeighborState::probe: {
        const int limit =
            e.state == NeighborState::incomplete ? kMaxMulticastSolicit : kMaxUnicastSolicit;
        if (e.probes_sent >= limit) {
          // §7.3.3: no answer after the last retransmission: the entry is deleted.
          ++counters_.resolution_failures;
          events_.push_back({e.ifindex, e.address, false});
          it = entries_.erase(it);
          continue;
        }
        solicit(e, now);
        break;
      }
      case NeighborState::stale: e.deadline = kNever; break;
    }
    ++it;
  }
}

TimePoint NeighborCache::next_deadline() const {
  TimePoint t = kNever;
  for (const auto& [k, e] : entries_) t = std::min(t, e.deadline);
  return t;
}

std::vector<NeighborEntry> NeighborCache::entries() const {
  std::vector<NeighborEntry> v;
  for (const auto& [k, e] : entries_) v.push_back(e);
  return v;
}

}  // namespace tandem::nd
