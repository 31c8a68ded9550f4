#include "control/track/track_table.h"

#include <algorithm>

namespace tandem::track {

const char* event_kind_name(EventKind k) {
  switch (k) {
    case EventKind::gate_changed: return "gate_changed";
    case EventKind::priority_changed: return "priority_changed";
    case EventKind::peer_takeover: return "peer_takeover";
    case EventKind::link_down: return "link_down";
    case EventKind::rbs_link_drop: return "rbs_link_drop";
    case EventKind::rbs_link_allowed: return "rbs_link_allowed";
  }
  return "?";
}

TrackTable::TrackTable(vrrp6::Manager& vrrp, LogSink log)
    : vrrp_(vrrp), log_(log ? std::move(log) : null_log_sink()) {}

// ---- BFD → VRRP6 / RBS ----

void TrackTable::on_bfd_change(const bfd::StateChange& change, TimePoint now) {
  const uint32_t id = change.local_discriminator;
  bool changed = false;
  bool now_down = false;
  if (change.to == bfd::BfdState::up) {
    was_up_.insert(id);
    changed = down_.erase(id) != 0;
  } else if (change.from == bfd::BfdState::up && change.to == bfd::BfdState::down &&
             change.reason != bfd::Reason::neighbor_admin_down) {
    // A path failure (detection time, neighbor signalled Down), not an administrative act.
    changed = down_.insert(id).second;
    now_down = true;
  }
  if (!changed) return;
  const std::string why = format_string(
      "bfd %s (%u) %s -> %s (%s)", change.name.c_str(), id, wire::bfd_state_name(change.from),
      wire::bfd_state_name(change.to), bfd::reason_name(change.reason));
  log_(LogLevel::notice, "track", why);

  for (vrrp6::Instance* inst : vrrp_.instances()) {
    bool priority_tracked = false;
    for (const vrrp6::BfdTrack& t : inst->config().bfd_tracks) {
      if (t.session != id) continue;
      switch (t.mode) {
        case vrrp6::BfdTrackMode::reduced:
        case vrrp6::BfdTrackMode::increased: priority_tracked = true; break;
        case vrrp6::BfdTrackMode::peer:
          if (now_down && inst->state() == vrrp6::State::backup) {
            TrackEvent ev;
            ev.kind = EventKind::peer_takeover;
            ev.ifindex = inst->ifindex();
            ev.vrid = inst->vrid();
            ev.bfd_session = id;
            ev.reason = why;
            events_.push_back(ev);
            inst->track_peer_bfd_down(now);
          }
          break;
        case vrrp6::BfdTrackMode::link: {
          TrackEvent ev;
          ev.kind = EventKind::link_down;
          ev.ifindex = inst->ifindex();
          ev.vrid = inst->vrid();
          ev.open = !now_down;
          ev.bfd_session = id;
          ev.reason = why;
          events_.push_back(ev);
          inst->track_link_bfd(now_down, now);
          break;
        }
      }
    }
    if (priority_tracked) apply_priority(*inst, now, why);
  }
  for (const auto& [service, session] : rbs_tracks_) {
    if (session != id) continue;
    TrackEvent ev;
    ev.kind = now_down ? EventKind::rbs_link_drop : EventKind::rbs_link_allowed;
    ev.service = service;
    ev.bfd_session = id;
    ev.reason = why;
    events_.push_back(ev);
  }
}

// Priority = config ± the values of every tracked session now down; the instance clamps
// to 1..254 and leaves an owner at 255.
void TrackTable::apply_priority(vrrp6::Instance& inst, TimePoint now, const std::string& why) {
  int delta = 0;
  std::vector<uint32_t> down;
  for (const vrrp6::BfdTrack& t : inst.config().bfd_tracks) {
    if (down_.count(t.session) == 0) continue;
    down.push_back(t.session);
    if (t.mode == vrrp6::BfdTrackMode::reduced) delta -= t.value;
    if (t.mode == vrrp6::BfdTrackMode::increased) delta += t.value;
  }
  inst.set_bfd_down_sessions(std::move(down));
  const uint8_t before = inst.priority();
  inst.set_priority_delta(delta, now);
  if (inst.priority() == before) return;
  TrackEvent ev;
  ev.kind = EventKind::priority_changed;
  ev.ifindex = inst.ifindex();
  ev.vrid = inst.vrid();
  ev.priority = inst.priority();
  ev.reason = why;
  events_.push_back(ev);
}

void TrackTable::reapply(TimePoint now) {
  for (vrrp6::Instance* inst : vrrp_.instances()) apply_priority(*inst, now, "config change");
}

// ---- VRRP6 → gates ----

void TrackTable::update_gate(GateState& g, const std::string& why) {
  bool open = false;
  if (const vrrp6::Instance* inst = vrrp_.find(g.group_ifindex, g.vrid)) {
    const bool kind_ok = !g.admin || inst->config().type == vrrp6::ConfigType::admin;
    open = kind_ok && inst->state() == vrrp6::State::master;
  }
  open = open && !service_held(g.ifindex);
  if (open == g.open && g.changes != 0) return;
  g.open = open;
  ++g.changes;
  emit_gate(g.ifindex, g.vrid, open, why);
}

void TrackTable::emit_gate(uint32_t ifindex, uint8_t vrid, bool open, const std::string& why) {
  log_(LogLevel::notice, "track",
       format_string("gate if%u %s (%s)", ifindex, open ? "open" : "closed", why.c_str()));
  TrackEvent ev;
  ev.kind = EventKind::gate_changed;
  ev.ifindex = ifindex;
  ev.vrid = vrid;
  ev.open = open;
  ev.reason = why;
  events_.push_back(ev);
}

void TrackTable::set_service_hold(uint32_t ifindex, bool held, const std::string& why) {
  const bool changed = held ? held_.insert(ifindex).second : held_.erase(ifindex) != 0;
  if (!changed) return;
  auto it = gates_.find(ifindex);
  if (it != gates_.end()) {
    update_gate(it->second, why);
  } else {
    emit_gate(ifindex, 0, !held, why);  // unbound: open unless held
  }
}

void TrackTable::set_gate_vrrp(uint32_t ifindex, uint8_t vrid) {
  GateState g;
  g.ifindex = ifindex;
  g.group_ifindex = ifindex;  // `multicast ipv6 track vrrp6 vrid N`: the group on this interface
  g.vrid = vrid;
  gates_[ifindex] = g;
  update_gate(gates_[ifindex], format_string("bound to vrrp6 vrid %u", vrid));
}

void TrackTable::set_gate_admin_vrrp(uint32_t ifindex, uint32_t admin_ifindex, uint8_t vrid) {
  GateState g;
  g.ifindex = ifindex;
  g.admin = true;
  g.group_ifindex = admin_ifindex;
  g.vrid = vrid;
  gates_[ifindex] = g;
  update_gate(gates_[ifindex],
              format_string("bound to admin-vrrp6 if%u vrid %u", admin_ifindex, vrid));
}

void TrackTable::clear_gate(uint32_t ifindex) {
  auto it = gates_.find(ifindex);
  if (it == gates_.end()) return;
  const bool was_open = it->second.open;
  gates_.erase(it);
  // An unbound interface forwards unless a service group holds it.
  if (!was_open && !service_held(ifindex)) emit_gate(ifindex, 0, true, "gate binding removed");
}

bool TrackTable::gate_open(uint32_t ifindex) const {
  if (service_held(ifindex)) return false;
  auto it = gates_.find(ifindex);
  return it == gates_.end() || it->second.open;
}

std::optional<GateState> TrackTable::gate(uint32_t ifindex) const {
  auto it = gates_.find(ifindex);
  if (it == gates_.end()) return std::nullopt;
  return it->second;
}

std::vector<GateState> TrackTable::gates() const {
  std::vector<GateState> v;
  for (const auto& [i, g] : gates_) v.push_back(g);
  return v;
}

void TrackTable::on_vrrp_change(const vrrp6::StateChange& change) {
  const vrrp6::Instance* inst = vrrp_.find(change.ifindex, change.vrid);
  const std::string who = inst != nullptr
                              ? inst->log_prefix()
                              : format_string("vrrp6 if%u/%u", change.ifindex, change.vrid);
  const std::string why =
      format_string("%s %s -> %s (%s)", who.c_str(), vrrp6::state_name(change.from),
                    vrrp6::state_name(change.to), vrrp6::reason_name(change.reason));
  for (auto& [i, g] : gates_) {
    if (g.group_ifindex == change.ifindex && g.vrid == change.vrid) update_gate(g, why);
  }
}

void TrackTable::refresh_gates() {
  for (auto& [i, g] : gates_) update_gate(g, "refresh");
}

void TrackTable::set_rbs_track(const std::string& service, uint32_t bfd_session) {
  rbs_tracks_[service] = bfd_session;
}

void TrackTable::clear_rbs_track(const std::string& service) {
  rbs_tracks_.erase(service);
}

}  // namespace tandem::track
