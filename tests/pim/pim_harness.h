// A PIM engine on two interfaces in simulated time, as the pair's router sits: up0 toward
// the PIM core (the RP's router is a neighbor there), ge0 on the listeners' LAN.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "control/pim/router.h"

namespace tandem::pim::test {

inline Ipv6Address A(const char* s) {
  return Ipv6Address::must_parse(s);
}

inline constexpr uint32_t kUp = 1;    // up0
inline constexpr uint32_t kDown = 2;  // ge0

struct Harness {
  PimRouter pim{null_log_sink(), 42};
  TimePoint now{};
  GlobalConfig global;
  std::vector<InterfaceConfig> itfs;
  std::vector<MessageOut> sent;
  std::vector<Ipv6Address> changed;

  const Ipv6Address rp = A("2001:db8::1");
  const Ipv6Address rp_router_ll = A("fe80::100");
  const Ipv6Address rp_router_global = A("2001:db8:100::1");

  Harness() {
    InterfaceConfig up;
    up.ifindex = kUp;
    up.name = "up0";
    up.link_local = A("fe80::1:1");
    up.addresses = {{A("2001:db8:100::2"), 64}};
    up.pim_enabled = true;
    InterfaceConfig down;
    down.ifindex = kDown;
    down.name = "ge0";
    down.link_local = A("fe80::2:1");
    down.addresses = {{A("2001:db8:1::2"), 64}};
    down.pim_enabled = true;
    itfs = {up, down};
    global.static_rps = {{rp, {A("ff00::"), 8}}};
    global.routes = {{{rp, 128}, 0, rp_router_global}};
  }

  InterfaceConfig& itf(uint32_t ifindex) { return itfs[ifindex - 1]; }

  void start() {
    pim.configure(global, itfs, now);
    drain();
  }
  void reconfigure() {
    pim.configure(global, itfs, now);
    drain();
  }
  void drain() {
    Actions a = pim.take_actions();
    for (auto& m : a.messages) sent.push_back(std::move(m));
    for (auto& g : a.changed_groups) changed.push_back(g);
  }
  // Runs every timer up to now + d, in order.
  void advance(Duration d) {
    const TimePoint end = now + d;
    while (pim.next_deadline() <= end) {
      now = pim.next_deadline();
      pim.on_timer(now);
      drain();
    }
    now = end;
  }
  void clear() {
    sent.clear();
    changed.clear();
  }

  static wire::PimHello hello(uint16_t holdtime = 105, std::optional<uint32_t> pri = 1,
                              uint32_t genid = 7, std::vector<Ipv6Address> addrs = {}) {
    wire::PimHello h;
    h.holdtime_s = holdtime;
    h.dr_priority = pri;
    h.generation_id = genid;
    h.lan_prune_delay = wire::PimLanPruneDelay{false, 500, 2500};
    h.address_list = std::move(addrs);
    return h;
  }
  void receive_hello(uint32_t ifindex, const Ipv6Address& src, const wire::PimHello& h) {
    wire::PimMessage m;
    m.type = wire::PimType::hello;
    m.hello = h;
    pim.on_message(ifindex, src, m, now);
    drain();
  }
  // The RP's router says hello on up0 (its global address in the Address List), with a
  // holdtime that never runs out so long runs need no refresh.
  void rp_router_hello(uint32_t genid = 7) {
    receive_hello(kUp, rp_router_ll, hello(0xffff, 1, genid, {rp_router_global}));
  }
  void receive(uint32_t ifindex, const Ipv6Address& src, const wire::PimMessage& m) {
    pim.on_message(ifindex, src, m, now);
    drain();
  }
  void listen(const Ipv6Address& group, std::vector<Membership> m) {
    pim.set_membership(group, std::move(m), now);
    drain();
  }
  void data(uint32_t ifindex, const Ipv6Address& s, const Ipv6Address& g) {
    pim.on_data(ifindex, s, g, now);
    drain();
  }

  std::vector<const MessageOut*> of_type(wire::PimType t, uint32_t ifindex = 0) const {
    std::vector<const MessageOut*> out;
    for (const auto& m : sent)
      if (m.message.type == t && (ifindex == 0 || m.ifindex == ifindex)) out.push_back(&m);
    return out;
  }
  std::vector<const MessageOut*> hellos(uint32_t ifindex = 0) const {
    return of_type(wire::PimType::hello, ifindex);
  }
  std::vector<const MessageOut*> join_prunes(uint32_t ifindex = 0) const {
    return of_type(wire::PimType::join_prune, ifindex);
  }
  std::vector<const MessageOut*> asserts(uint32_t ifindex = 0) const {
    return of_type(wire::PimType::assert_, ifindex);
  }
};

// Entries of one kind in a J/P message's group set.
inline bool has_star_join(const wire::PimJoinPrune& jp, const Ipv6Address& g,
                          const Ipv6Address& rp) {
  for (const auto& gs : jp.groups)
    if (gs.group == g)
      for (const auto& e : gs.joins)
        if (e.wildcard && e.rpt && e.source == rp) return true;
  return false;
}
inline bool has_star_prune(const wire::PimJoinPrune& jp, const Ipv6Address& g) {
  for (const auto& gs : jp.groups)
    if (gs.group == g)
      for (const auto& e : gs.prunes)
        if (e.wildcard && e.rpt) return true;
  return false;
}
inline bool has_sg(const std::vector<wire::PimSourceEntry>& list, const Ipv6Address& s, bool rpt) {
  for (const auto& e : list)
    if (e.source == s && !e.wildcard && e.rpt == rpt) return true;
  return false;
}
inline bool has_sg_join(const wire::PimJoinPrune& jp, const Ipv6Address& g, const Ipv6Address& s,
                        bool rpt = false) {
  for (const auto& gs : jp.groups)
    if (gs.group == g && has_sg(gs.joins, s, rpt)) return true;
  return false;
}
inline bool has_sg_prune(const wire::PimJoinPrune& jp, const Ipv6Address& g, const Ipv6Address& s,
                         bool rpt = false) {
  for (const auto& gs : jp.groups)
    if (gs.group == g && has_sg(gs.prunes, s, rpt)) return true;
  return false;
}

}  // namespace tandem::pim::test
