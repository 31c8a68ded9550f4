// PimRouter: the PIM-SM engine of a last-hop router (RFC 7761), sans-IO.
//
// Inputs: configuration (interfaces, the pim-ipv6 view, static routes), the local receiver
// state MLD holds for each group (local or replicated from the peer: both produce joins),
// parsed PIM messages, data notifications from the workers (a packet forwarded on a (*,G)
// entry, or one that failed RPF), the VRRP6 gates, and `now`. Outputs, drained by the caller
// after every call: messages to send and the groups whose FIB inputs changed (take_actions),
// plus the queries the FIB writer makes per entry (rpf_interface, notify_sources,
// spt_sources, excluded_by_assert). Never sends Registers, is never RP or BSR.
//
//   PimRouter pim(log, seed);
//   pim.configure(global, interfaces, now);
//   pim.set_membership(group, {{ifindex, exclude, sources}}, now);   // from MLD
//   pim.on_message(ifindex, src, parsed.pim, now);
//   wake at pim.next_deadline(), then pim.on_timer(now);
//   for (auto& m : pim.take_actions().messages) send(...);
//
// Files by job: neighbors.cc (Hello, neighbor table, DR: §4.3), join_prune.cc (upstream
// (*,G), (S,G), (S,G,rpt) machines and J/P messages: §4.5), assert.cc (§4.6), data.cc (SPT
// switch and SPT bit: §4.2), status.cc (displays).
#pragma once

#include <compare>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "control/common/log.h"
#include "control/common/rng.h"
#include "control/common/time.h"
#include "control/pim/config.h"
#include "control/pim/events.h"
#include "control/pim/rp_map.h"
#include "control/pim/rpf_table.h"
#include "control/pim/status.h"
#include "control/pim/timer_set.h"
#include "control/wire/pim.h"

namespace tandem::pim {

// What MLD wants on one interface for a group: EXCLUDE mode with the sources it blocks
// (an empty list: every source, the (*,G) case; MLDv1 listeners are EXCLUDE {}), or
// INCLUDE mode with the sources it wants.
struct Membership {
  uint32_t ifindex = 0;
  bool exclude = true;
  std::vector<Ipv6Address> sources;
  bool operator==(const Membership&) const = default;
};

// (S,G) or (*,G) (source ::).
// Ordered by group first, so one group's entries are adjacent ((*,G) first).
struct EntryKey {
  Ipv6Address source;
  Ipv6Address group;
  std::strong_ordering operator<=>(const EntryKey& o) const {
    if (auto c = group <=> o.group; c != 0) return c;
    return source <=> o.source;
  }
  bool operator==(const EntryKey&) const = default;
  bool is_star() const { return source.is_unspecified(); }
};

// Assert metric (§4.6.1): compared by RPT bit, then preference, then metric (lower wins),
// then the sender's address (higher wins).
struct AssertMetric {
  bool rpt = false;
  uint32_t preference = wire::kPimAssertInfinitePreference;
  uint32_t metric = wire::kPimAssertInfiniteMetric;
  Ipv6Address address;
  bool is_infinite() const {
    return preference == wire::kPimAssertInfinitePreference &&
           metric == wire::kPimAssertInfiniteMetric;
  }
};
// a is better than b.
bool assert_preferred(const AssertMetric& a, const AssertMetric& b);

class PimRouter {
 public:
  explicit PimRouter(LogSink log = null_log_sink(), uint64_t seed = 1);

  // Interfaces in any order; those with pim_enabled run PIM, every one contributes its
  // connected prefixes to RPF and may have local receivers. Applied as a difference:
  // unchanged interfaces keep neighbors and timers; a removed or disabled one says goodbye
  // (Hello with holdtime 0, §4.3.1).
  void configure(const GlobalConfig& global, const std::vector<InterfaceConfig>& interfaces,
                 TimePoint now);
  void set_interface_up(uint32_t ifindex, bool up, TimePoint now);
  // The VRRP6 gate of the interface: a closed gate does not forward, so it cannot assert.
  void set_forwarding(uint32_t ifindex, bool forwarding, TimePoint now);

  // Replaces the group's local receiver state (every interface's at once; empty = none).
  void set_membership(const Ipv6Address& group, std::vector<Membership> members, TimePoint now);

  void on_message(uint32_t ifindex, const Ipv6Address& src, const wire::PimMessage& m,
                  TimePoint now);
  // A data packet from `source` to `group` reached the control core from `ifindex`.
  void on_data(uint32_t ifindex, const Ipv6Address& source, const Ipv6Address& group,
               TimePoint now);
  void on_timer(TimePoint now);
  TimePoint next_deadline() const { return timers_.next(); }

  // Goodbye on every interface (Hello holdtime 0) and Prunes for every joined entry.
  void shutdown(TimePoint now);

  bool has_output() const { return !actions_.empty(); }
  Actions take_actions() {
    changed_.clear();
    return std::exchange(actions_, Actions{});
  }

  // ---- what the FIB writer asks per entry ----
  // The entry's expected incoming interface: RPF_interface(RP(G)) for (*,G) and for an (S,G)
  // still on the RP tree (SPT bit clear), RPF_interface(S) otherwise. Empty when PIM has no
  // route (then only static upstream ports accept the entry's frames).
  std::optional<uint32_t> rpf_interface(const EntryKey& entry) const;
  // (*,G) is joined toward an RP and may switch to source trees: report new sources.
  bool notify_sources(const Ipv6Address& group) const;
  // Sources of G with (S,G) state from an SPT switch (Keepalive running), not from MLD.
  std::vector<Ipv6Address> spt_sources(const Ipv6Address& group) const;
  // The interface lost an Assert for the entry and does not ignore assert state.
  bool excluded_by_assert(const EntryKey& entry, uint32_t ifindex) const;
  // Groups with any PIM state (FIB refresh after a PIM config change).
  std::vector<Ipv6Address> groups() const;

  // ---- displays ----
  std::vector<NeighborStatus> neighbors(TimePoint now) const;
  std::vector<InterfaceStatus> interfaces(TimePoint now) const;
  std::vector<RouteStatus> routes(TimePoint now) const;
  std::vector<RpStatus> rp_info() const;
  Totals totals() const;
  // PIM messages received on an interface without `pim ipv6 sm` (interfaces() leaves it out),
  // by ifindex: RxDrop::interface_not_pim. An enabled interface that is down counts the same
  // reason in its own InterfaceCounters.
  const std::map<uint32_t, uint64_t>& unconfigured_drops() const { return unconfigured_drops_; }
  const RpfTable& rpf_table() const { return rpf_; }
  const RpMap& rp_map() const { return rp_map_; }
  bool is_dr(uint32_t ifindex) const;

 private:
  struct Neighbor {
    Ipv6Address address;
    std::vector<Ipv6Address> secondary;
    std::optional<uint32_t> dr_priority;
    uint32_t generation_id = 0;
    std::optional<wire::PimLanPruneDelay> lan_prune_delay;
    uint16_t holdtime_s = 0;
    TimePoint up_since{};
  };
  struct Interface {
    InterfaceConfig cfg;
    bool up = true;
    bool forwarding = true;
    bool running = false;  // pim_enabled and up: Hellos go out
    uint32_t generation_id = 0;
    std::map<Ipv6Address, Neighbor> neighbors;
    Ipv6Address dr;
    InterfaceCounters counters;
  };
  struct Upstream {  // (*,G) or (S,G) upstream state (§4.5.6, §4.5.7)
    bool joined = false;
    uint32_t rpf_ifindex = 0;
    Ipv6Address rpf_neighbor;  // RPF'; :: = none
    std::optional<RpfRoute> route;
    Ipv6Address rp;  // (*,G)
    bool spt_bit = false;
    bool keepalive = false;   // KAT running (SPT switch state)
    bool rpt_pruned = false;  // (S,G,rpt): Prune(S,G,rpt) in force toward RPF'(*,G)
    TimePoint created{};
  };
  struct AssertInfo {
    AssertState state = AssertState::no_info;
    AssertMetric winner;
  };
  struct GroupState {
    std::vector<Membership> members;
  };

  // neighbors.cc
  void start_interface(Interface& itf, TimePoint now);
  void stop_interface(Interface& itf, TimePoint now);
  void send_hello(Interface& itf, uint16_t holdtime, TimePoint now);
  void on_hello(Interface& itf, const Ipv6Address& src, const wire::PimHello& h, TimePoint now);
  void neighbor_down(Interface& itf, const Ipv6Address& address, const char* why, TimePoint now);
  void elect_dr(Interface& itf, TimePoint now);
  const Neighbor* neighbor_for(const Interface& itf, const Ipv6Address& address) const;
  const Neighbor* find_neighbor(uint32_t ifindex, const Ipv6Address& address) const;
  bool lan_delay_enabled(const Interface& itf) const;
  Duration effective_override_interval(const Interface& itf) const;
  Duration effective_propagation_delay(const Interface& itf) const;
  bool suppression_enabled(const Interface& itf) const;

  // join_prune.cc
  void refresh_group(const Ipv6Address& group, TimePoint now);
  void refresh_all(TimePoint now);
  // The entry's state, created when it is wanted and missing; null when neither.
  Upstream* upstream_for(const EntryKey& key, bool desired, TimePoint now);
  void update_join(const EntryKey& key, Upstream& u, const Upstream& before, bool desired,
                   TimePoint now);
  void refresh_star(const Ipv6Address& group, TimePoint now);
  void refresh_sg(const EntryKey& key, TimePoint now);
  void refresh_rpt(const EntryKey& key, TimePoint now);
  void on_join_prune(Interface& itf, const Ipv6Address& src, const wire::PimJoinPrune& jp,
                     TimePoint now);
  void on_join_timer(const EntryKey& key, TimePoint now);
  void on_rpt_override(const EntryKey& key, TimePoint now);
  void send_join_prune(uint32_t ifindex, const Ipv6Address& neighbor, const Ipv6Address& group,
                       std::vector<wire::PimSourceEntry> joins,
                       std::vector<wire::PimSourceEntry> prunes);
  wire::PimSourceEntry star_entry(const Upstream& u) const;
  std::vector<wire::PimSourceEntry> rpt_prunes_of(const Ipv6Address& group) const;
  Duration t_periodic(uint32_t ifindex) const;
  Duration t_override(uint32_t ifindex);
  Duration t_suppressed(uint32_t ifindex, uint16_t holdtime_s);
  bool join_desired_star(const Ipv6Address& group) const;
  bool join_desired_sg(const EntryKey& key) const;
  bool prune_desired_rpt(const EntryKey& key) const;
  bool local_include(const Membership& m) const;
  bool in_star_olist(uint32_t ifindex, const Ipv6Address& group) const;
  bool in_immediate_sg_olist(uint32_t ifindex, const EntryKey& key) const;
  bool in_inherited_rpt_olist(uint32_t ifindex, const EntryKey& key) const;
  bool any_inherited_rpt_olist(const EntryKey& key) const;
  std::set<Ipv6Address> sources_of(const Ipv6Address& group) const;
  void set_rpf(Upstream& u, const Ipv6Address& target, const EntryKey& key);
  void mark_changed(const Ipv6Address& group);

  // assert.cc
  void on_assert(Interface& itf, const Ipv6Address& src, const wire::PimAssert& a, TimePoint now);
  void on_assert_timer(const EntryKey& key, uint32_t ifindex, TimePoint now);
  bool could_assert(const EntryKey& key, uint32_t ifindex) const;
  AssertMetric my_assert_metric(const EntryKey& key, uint32_t ifindex) const;
  void send_assert(const EntryKey& key, uint32_t ifindex, const AssertMetric& m);
  void assert_win(const EntryKey& key, uint32_t ifindex, TimePoint now);
  void assert_lose(const EntryKey& key, uint32_t ifindex, const AssertMetric& winner,
                   TimePoint now);
  void assert_reset(const EntryKey& key, uint32_t ifindex);
  void recheck_asserts(TimePoint now);
  bool lost_assert(const EntryKey& key, uint32_t ifindex) const;
  const AssertInfo* assert_info(const EntryKey& key, uint32_t ifindex) const;

  std::optional<uint32_t> pim_rpf_interface(const Ipv6Address& target) const;
  Interface* find_interface(uint32_t ifindex);
  const Interface* find_interface(uint32_t ifindex) const;
  bool is_own_address(const Ipv6Address& a) const;
  void log(LogLevel level, const std::string& line) const;

  LogSink log_;
  Rng rng_;
  GlobalConfig global_;
  RpfTable rpf_;
  RpMap rp_map_;
  std::map<uint32_t, Interface> interfaces_;
  std::map<Ipv6Address, GroupState> groups_;
  std::map<EntryKey, Upstream> upstream_;
  std::map<std::pair<EntryKey, uint32_t>, AssertInfo> asserts_;
  TimerSet timers_;
  Actions actions_;
  std::set<Ipv6Address> changed_;
  Totals totals_;
  std::map<uint32_t, uint64_t> unconfigured_drops_;
};

}  // namespace tandem::pim
