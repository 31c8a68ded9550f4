// Tracking: BFD session state → VRRP6 priority and backup actions, VRRP6 state → the
// per-interface forwarding gate, BFD → RBS link drops. One table, fed with the engines'
// state-change events by the daemon; every effect comes out as a TrackEvent with a reason.
//
//   vrrp6 vrid N track bfd-session ID [increased V | reduced V]   (InstanceConfig::bfd_tracks)
//   vrrp6 vrid N track bfd-session ID peer | link                  (InstanceConfig::bfd_tracks)
//   multicast ipv6 track vrrp6 vrid N                               set_gate_vrrp
//   multicast ipv6 track admin-vrrp6 interface IF vrid N            set_gate_admin_vrrp
//   track bfd-session ID (RBS view)                                 set_rbs_track
//   vrrp6 vrid N track admin-vrrp6 ... [unflowdown]                 set_service_hold
//
// A tracked session counts as down once it has left Up for a reason other than an
// administrative one: RFC 5882 §3.2 says AdminDown (ours or the peer's) must not be taken as
// a path failure, and a session that has never come up says nothing about the peer (acting
// on it at start-up would make both routers Master).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "control/bfd/events.h"
#include "control/common/log.h"
#include "control/common/time.h"
#include "control/vrrp6/events.h"
#include "control/vrrp6/manager.h"

namespace tandem::track {

enum class EventKind : uint8_t {
  gate_changed,      // ifindex, open
  priority_changed,  // ifindex, vrid, priority
  peer_takeover,     // ifindex, vrid: `peer` BFD down, Backup told to become Master
  link_down,         // ifindex, vrid: `link` BFD down/up (open = up)
  rbs_link_drop,     // service: BFD down → drop the RBS TCP connection
  rbs_link_allowed,  // service: BFD up again → reconnect allowed
};
const char* event_kind_name(EventKind k);

struct TrackEvent {
  EventKind kind = EventKind::gate_changed;
  uint32_t ifindex = 0;
  uint8_t vrid = 0;
  bool open = false;
  uint8_t priority = 0;
  std::string service;
  uint32_t bfd_session = 0;
  std::string reason;  // one line, e.g. "vrrp6 ge0/1 Backup -> Master"
};

// The gate of one interface (DESIGN.md §4): forwarding out of it only while the bound group
// is Master. An interface with no binding is always open.
struct GateState {
  uint32_t ifindex = 0;
  bool admin = false;  // bound to an mVRRP6 (`track admin-vrrp6`) rather than a common group
  uint32_t group_ifindex = 0;
  uint8_t vrid = 0;
  bool open = false;
  uint64_t changes = 0;
};

class TrackTable {
 public:
  explicit TrackTable(vrrp6::Manager& vrrp, LogSink log = null_log_sink());

  // Gates. Only one binding per interface: a second call replaces the first. The gate is
  // computed at once from the group's current state (event emitted if it differs).
  void set_gate_vrrp(uint32_t ifindex, uint8_t vrid);
  void set_gate_admin_vrrp(uint32_t ifindex, uint32_t admin_ifindex, uint8_t vrid);
  void clear_gate(uint32_t ifindex);
  // A service group following an mVRRP6 holds its interface's gate closed while the mVRRP6
  // is not Master (vrrp6::FlowdownChange), on top of any binding: an unbound interface is
  // then closed too. Emits gate_changed when the interface's gate changes.
  void set_service_hold(uint32_t ifindex, bool held, const std::string& why);
  bool service_held(uint32_t ifindex) const { return held_.count(ifindex) != 0; }
  bool gate_open(uint32_t ifindex) const;
  std::optional<GateState> gate(uint32_t ifindex) const;
  std::vector<GateState> gates() const;

  void set_rbs_track(const std::string& service, uint32_t bfd_session);
  void clear_rbs_track(const std::string& service);

  // Engine events in.
  void on_bfd_change(const bfd::StateChange& change, TimePoint now);
  void on_vrrp_change(const vrrp6::StateChange& change);
  // Re-reads every VRRP6 group's state (after config changes; also a safety net).
  void refresh_gates();
  // Re-applies priority deltas and bfd_down lists to every instance (after config changes).
  void reapply(TimePoint now);

  bool session_down(uint32_t bfd_session) const { return down_.count(bfd_session) != 0; }
  std::vector<TrackEvent> take_events() { return std::exchange(events_, {}); }

 private:
  void apply_priority(vrrp6::Instance& inst, TimePoint now, const std::string& why);
  void update_gate(GateState& g, const std::string& why);
  void emit_gate(uint32_t ifindex, uint8_t vrid, bool open, const std::string& why);

  vrrp6::Manager& vrrp_;
  LogSink log_;
  std::set<uint32_t> down_;    // tracked as down (see the header comment)
  std::set<uint32_t> was_up_;  // sessions seen Up at least once
  std::map<uint32_t, GateState> gates_;
  std::set<uint32_t> held_;  // interfaces held closed by a service group (set_service_hold)
  std::map<std::string, uint32_t> rbs_tracks_;
  std::vector<TrackEvent> events_;
};

}  // namespace tandem::track
