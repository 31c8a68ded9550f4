// Assert (RFC 7761 §4.6): per (S,G) or (*,G) and interface, NoInfo / Winner / Loser. A
// loser's interface leaves the entry's olist unless `pim ipv6 ignore assert-state` is set on
// it: in the hot-standby pair the VRRP6 gate alone decides who forwards on the listeners'
// LAN. A loss on the RPF interface makes the winner our RPF' neighbor (§4.1.6).
#include "control/pim/router.h"

namespace tandem::pim {

const char* assert_state_name(AssertState s) {
  switch (s) {
    case AssertState::no_info: return "NoInfo";
    case AssertState::winner: return "Winner";
    case AssertState::loser: return "Loser";
  }
  return "NoInfo";
}

const PimRouter::AssertInfo* PimRouter::assert_info(const EntryKey& key, uint32_t ifindex) const {
  auto it = asserts_.find({key, ifindex});
  return it == asserts_.end() ? nullptr : &it->second;
}

bool PimRouter::lost_assert(const EntryKey& key, uint32_t ifindex) const {
  const AssertInfo* a = assert_info(key, ifindex);
  if (a == nullptr || a->state != AssertState::loser) return false;
  const Interface* itf = find_interface(ifindex);
  return itf == nullptr || !itf->cfg.ignore_assert_state;
}

bool PimRouter::excluded_by_assert(const EntryKey& entry, uint32_t ifindex) const {
  if (lost_assert(entry, ifindex)) return true;
  return !entry.is_star() && lost_assert({Ipv6Address{}, entry.group}, ifindex);
}

bool PimRouter::could_assert(const EntryKey& key, uint32_t ifindex) const {
  // CouldAssert (§4.6.1, §4.6.2): the interface is in the entry's olist and is not its RPF
  // interface; here also: PIM runs there and its VRRP6 gate is open (a gated interface
  // forwards nothing, so it has nothing to assert about).
  const Interface* itf = find_interface(ifindex);
  if (itf == nullptr || !itf->running || !itf->forwarding) return false;
  auto rpf = rpf_interface(key);
  if (rpf && *rpf == ifindex) return false;
  auto g = groups_.find(key.group);
  if (g == groups_.end()) return false;
  for (const auto& m : g->second.members) {
    if (m.ifindex != ifindex || !local_include(m)) continue;
    const bool listed = std::binary_search(m.sources.begin(), m.sources.end(), key.source);
    if (key.is_star()) return m.exclude;
    return m.exclude ? !listed : listed;
  }
  return false;
}

AssertMetric PimRouter::my_assert_metric(const EntryKey& key, uint32_t ifindex) const {
  AssertMetric m;
  m.rpt = key.is_star();
  const Interface* itf = find_interface(ifindex);
  if (itf != nullptr) m.address = itf->cfg.link_local;
  Ipv6Address target = key.source;
  if (key.is_star()) {
    auto rp = rp_map_.rp_for(key.group);
    if (!rp) return m;
    target = rp->rp;
  }
  if (auto r = rpf_.lookup(target)) {
    m.preference = r->preference;
    m.metric = r->metric;
  }
  return m;
}

void PimRouter::send_assert(const EntryKey& key, uint32_t ifindex, const AssertMetric& m) {
  Interface* itf = find_interface(ifindex);
  if (itf == nullptr || !itf->running) return;
  wire::PimMessage msg;
  msg.type = wire::PimType::assert_;
  msg.assert_message.group = key.group;
  msg.assert_message.source = key.source;
  msg.assert_message.rpt = m.rpt;
  msg.assert_message.metric_preference = m.preference;
  msg.assert_message.metric = m.metric;
  actions_.messages.push_back({ifindex, std::move(msg)});
  ++itf->counters.asserts_sent;
}

void PimRouter::assert_win(const EntryKey& key, uint32_t ifindex, TimePoint now) {
  // §4.6.1: send Assert, Assert Timer = Assert_Time - Assert_Override_Interval.
  AssertInfo& a = asserts_[{key, ifindex}];
  const bool was = a.state == AssertState::winner;
  a.state = AssertState::winner;
  a.winner = my_assert_metric(key, ifindex);
  send_assert(key, ifindex, a.winner);
  timers_.arm({TimerKind::assert_timer, ifindex, key.source, key.group},
              now + kAssertTime - kAssertOverrideInterval);
  if (!was) {
    if (Interface* itf = find_interface(ifindex)) ++itf->counters.asserts_won;
    log(LogLevel::info, "assert " + key.source.to_string() + "," + key.group.to_string() +
                            " on ifindex " + std::to_string(ifindex) + ": winner");
  }
}

void PimRouter::assert_lose(const EntryKey& key, uint32_t ifindex, const AssertMetric& winner,
                            TimePoint now) {
  AssertInfo& a = asserts_[{key, ifindex}];
  const bool was = a.state == AssertState::loser;
  a.state = AssertState::loser;
  a.winner = winner;
  timers_.arm({TimerKind::assert_timer, ifindex, key.source, key.group}, now + kAssertTime);
  if (!was) {
    const Interface* itf = find_interface(ifindex);
    if (itf != nullptr) ++interfaces_.at(ifindex).counters.asserts_lost;
    log(LogLevel::info, "assert " + key.source.to_string() + "," + key.group.to_string() +
                            " on ifindex " + std::to_string(ifindex) + ": loser to " +
                            winner.address.to_string() +
                            (itf != nullptr && itf->cfg.ignore_assert_state
                                 ? " (ignore assert-state: the interface keeps forwarding)"
                                 : ""));
    refresh_group(key.group, now);
    mark_changed(key.group);
  }
}

void PimRouter::assert_reset(const EntryKey& key, uint32_t ifindex) {
  timers_.cancel({TimerKind::assert_timer, ifindex, key.source, key.group});
  auto it = asserts_.find({key, ifindex});
  if (it == asserts_.end()) return;
  const bool was_loser = it->second.state == AssertState::loser;
  asserts_.erase(it);
  if (was_loser) mark_changed(key.group);
}

void PimRouter::on_assert(Interface& itf, const Ipv6Address& src, const wire::PimAssert& a,
                          TimePoint now) {
  const uint32_t ifindex = itf.cfg.ifindex;
  // An RPT-bit Assert is about the (*,G) entry (§4.6.2, §4.9.6).
  const EntryKey key{a.rpt ? Ipv6Address{} : a.source, a.group};
  const AssertMetric theirs{a.rpt, a.metric_preference, a.metric, src};
  const AssertMetric mine = my_assert_metric(key, ifindex);
  auto it = asserts_.find({key, ifindex});
  const AssertState state = it == asserts_.end() ? AssertState::no_info : it->second.state;
  const bool we_win = assert_preferred(mine, theirs);
  switch (state) {
    case AssertState::no_info: {
      if (theirs.is_infinite()) return;  // AssertCancel with nothing to cancel
      if (we_win && could_assert(key, ifindex)) return assert_win(key, ifindex, now);
      // AssertTrackingDesired: we have state for the entry here (listeners, or it is the
      // entry's RPF interface).
      auto rpf = rpf_interface(key);
      const bool tracking =
          could_assert(key, ifindex) || (rpf && *rpf == ifindex && upstream_.count(key) != 0);
      if (!we_win && tracking) {
        assert_lose(key, ifindex, theirs, now);
        if (rpf && *rpf == ifindex) refresh_group(key.group, now);  // RPF' is the winner now
        return;
      }
      ++itf.counters.rx_drops[static_cast<size_t>(RxDrop::assert_not_tracked)];
      return;
    }
    case AssertState::winner:
      // §4.6.1: an inferior Assert is answered with ours; a preferred one makes us lose.
      if (we_win) return assert_win(key, ifindex, now);
      return assert_lose(key, ifindex, theirs, now);
    case AssertState::loser: {
      AssertInfo& info = it->second;
      if (src == info.winner.address) {
        if (!we_win && !theirs.is_infinite()) {
          info.winner = theirs;
          timers_.arm({TimerKind::assert_timer, ifindex, key.source, key.group}, now + kAssertTime);
          return;
        }
        // The winner got worse than us or cancelled (AssertCancel): back to NoInfo; we
        // assert on the next packet if we could.
        assert_reset(key, ifindex);
        refresh_group(key.group, now);
        return;
      }
      if (assert_preferred(theirs, info.winner)) {
        info.winner = theirs;
        timers_.arm({TimerKind::assert_timer, ifindex, key.source, key.group}, now + kAssertTime);
        refresh_group(key.group, now);
      }
      return;
    }
  }
}

void PimRouter::on_assert_timer(const EntryKey& key, uint32_t ifindex, TimePoint now) {
  auto it = asserts_.find({key, ifindex});
  if (it == asserts_.end()) return;
  if (it->second.state == AssertState::winner && could_assert(key, ifindex)) {
    assert_win(key, ifindex, now);  // §4.6.1: the winner re-asserts before others time out
    return;
  }
  assert_reset(key, ifindex);
  refresh_group(key.group, now);
}

void PimRouter::recheck_asserts(TimePoint now) {
  // §4.6.1 "CouldAssert -> FALSE" in Winner: send AssertCancel, go to NoInfo.
  std::vector<std::pair<EntryKey, uint32_t>> cancel;
  for (const auto& [k, info] : asserts_)
    if (info.state == AssertState::winner && !could_assert(k.first, k.second)) cancel.push_back(k);
  for (const auto& [key, ifindex] : cancel) {
    AssertMetric m;
    m.rpt = key.is_star();
    send_assert(key, ifindex, m);
    assert_reset(key, ifindex);
    refresh_group(key.group, now);
  }
}

}  // namespace tandem::pim
