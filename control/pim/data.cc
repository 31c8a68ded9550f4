// Data packets reported by the workers (RFC 7761 §4.2): the switch from the RP tree to the
// source tree on the first packet (CheckSwitchToSpt, §4.2.1), the SPT bit (Update_SPTbit,
// §4.2.2), and data on an outgoing interface, which starts an Assert (§4.6.1).
#include "control/pim/router.h"

namespace tandem::pim {

void PimRouter::on_data(uint32_t ifindex, const Ipv6Address& source, const Ipv6Address& group,
                        TimePoint now) {
  ++totals_.data_notifications;
  if (!group.is_multicast() || group.is_link_scope_multicast() || source.is_multicast()) return;
  const EntryKey key{source, group};
  const EntryKey star_key{Ipv6Address{}, group};
  auto star = upstream_.find(star_key);
  const bool on_rp_tree =
      star != upstream_.end() && star->second.joined && star->second.rpf_ifindex == ifindex;
  auto sg = upstream_.find(key);
  // CheckSwitchToSpt: a packet of S down the RP tree, wanted by some interface, and the
  // threshold is 0 (`spt-switch-threshold infinity` keeps the RP tree).
  if (on_rp_tree && !global_.spt_switch_infinity && !is_ssm_group(group) &&
      (sg == upstream_.end() || !sg->second.keepalive) && any_inherited_rpt_olist(key)) {
    if (sg == upstream_.end()) {
      sg = upstream_.emplace(key, Upstream{}).first;
      sg->second.created = now;
    }
    sg->second.keepalive = true;
    timers_.arm({TimerKind::keepalive, 0, source, group}, now + kKeepalivePeriod);
    ++totals_.spt_switches;
    log(LogLevel::info, "(" + source.to_string() + "," + group.to_string() +
                            "): first packet on the RP tree, switching to the source tree");
    refresh_group(group, now);
    mark_changed(group);
    sg = upstream_.find(key);
    star = upstream_.find(star_key);
  }
  // Update_SPTbit: the packet came in on RPF_interface(S), and the source tree is the one
  // carrying it (directly connected source, a different interface than the RP tree's, no
  // use for the RP tree, or the same upstream neighbor for both).
  if (sg != upstream_.end() && !sg->second.spt_bit && sg->second.route &&
      sg->second.rpf_ifindex == ifindex && join_desired_sg(key)) {
    const Upstream& s = sg->second;
    const bool star_joined = star != upstream_.end() && star->second.joined;
    const bool takes =
        s.route->connected || !star_joined || s.rpf_ifindex != star->second.rpf_ifindex ||
        !any_inherited_rpt_olist(key) ||
        (!s.rpf_neighbor.is_unspecified() && s.rpf_neighbor == star->second.rpf_neighbor) ||
        lost_assert(key, ifindex);
    if (takes) {
      sg->second.spt_bit = true;
      log(LogLevel::info, "(" + source.to_string() + "," + group.to_string() +
                              "): on the source tree (SPT bit set)");
      mark_changed(group);
      refresh_rpt(key, now);
    }
  }
  // Data arriving on an interface we forward the entry onto: another router forwards the
  // same packets there, an Assert decides who keeps doing it.
  // (S,G) Assert once S has its own forwarding state here, the (*,G) one otherwise (§4.6.2).
  sg = upstream_.find(key);
  const bool own_state = sg != upstream_.end() && (sg->second.spt_bit || sg->second.joined);
  const EntryKey& k = own_state ? key : star_key;
  if (!could_assert(k, ifindex)) return;
  const AssertInfo* a = assert_info(k, ifindex);
  if (a == nullptr || a->state == AssertState::no_info) assert_win(k, ifindex, now);
}

}  // namespace tandem::pim
