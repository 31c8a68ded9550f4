// Config → engines: the initial apply and the reload that touches only what changed.
#include <algorithm>
#include <functional>
#include <set>

#include "control/daemon/core/engine_config.h"
#include "control/daemon/core/router_core.h"

namespace tandem::daemon {

namespace {
// Empty when applied; the range check of the config language makes a refusal unexpected.
std::string set_mld_limits(mld::MldRouter& mld, const config::MldGlobalConfig& c) {
  mld::GlobalLimits limits = to_mld_limits(c);
  return mld.set_global_limits(limits) ? std::string() : "mld global limit: " + limits.validate();
}
}  // namespace

void RouterCore::problem(std::vector<std::string>* out, const std::string& line) {
  log(LogLevel::error, "config", line);
  if (!out) out = problems_;
  if (out) out->push_back(line);
}

void RouterCore::rebuild_bindings() {
  std::map<std::string, uint16_t> bindings;
  rbs_of_backup_id_.clear();
  for (const auto& [name, p] : config_.rbp)
    if (p.backup_id && p.service) rbs_of_backup_id_[*p.backup_id] = p.service->name;
  for (const auto& [name, itf] : config_.interfaces) {
    if (!itf.rbp) continue;
    auto it = config_.rbp.find(itf.rbp->name);
    if (it != config_.rbp.end() && it->second.backup_id) bindings[name] = *it->second.backup_id;
  }
  store_.set_bindings(std::move(bindings));
}

void RouterCore::apply_interface(const config::InterfaceConfig& itf, TimePoint now) {
  const InterfaceInfo* info = interfaces_.by_name(itf.name);
  if (!info) return;
  std::vector<wire::Ipv6Address> own{info->link_local};
  own.insert(own.end(), info->globals.begin(), info->globals.end());
  responder_.set_interface(info->ifindex, info->mac, own);
  neighbors_.set_interface(info->ifindex, info->mac, info->link_local);
  io_.fib().set_upstream(info->port, itf.multicast_upstream);
  apply_mld(itf, now);
}

void RouterCore::apply_mld(const config::InterfaceConfig& itf, TimePoint now) {
  const InterfaceInfo* info = interfaces_.by_name(itf.name);
  if (!info) return;
  bool exists = mld_.interface_status(info->ifindex, now).has_value();
  if (!itf.mld_enable) {
    if (exists) mld_.remove_interface(info->ifindex, now);
    return;
  }
  mld::InterfaceConfig m = to_mld_config(itf.mld);
  bool ok = exists ? mld_.set_interface_config(info->ifindex, m, now)
                   : mld_.add_interface(info->ifindex, itf.name, m, info->link_local, now);
  if (!ok) problem(nullptr, "mld " + itf.name + ": rejected: " + m.validate());
}

void RouterCore::apply_gate(const config::InterfaceConfig& itf) {
  const InterfaceInfo* info = interfaces_.by_name(itf.name);
  if (!info) return;
  wire::MacAddress src = info->mac;
  if (!itf.multicast_track) {
    track_.clear_gate(info->ifindex);
  } else if (itf.multicast_track->kind == config::MulticastTrack::Kind::vrrp6) {
    track_.set_gate_vrrp(info->ifindex, itf.multicast_track->vrid);
    // Replicas leave from the virtual MAC of the group the interface is bound to (§7.3).
    src = wire::MacAddress::vrrp6_virtual(itf.multicast_track->vrid);
  } else {
    uint32_t admin_if = interfaces_.ifindex(itf.multicast_track->interface->name);
    track_.set_gate_admin_vrrp(info->ifindex, admin_if, itf.multicast_track->vrid);
    // The service group on this interface owns the addresses hosts use.
    if (!itf.vrrp6.empty()) src = wire::MacAddress::vrrp6_virtual(itf.vrrp6.begin()->first);
  }
  io_.fib().set_src_mac(info->port, src);
  io_.fib().set_gate(info->port, track_.gate_open(info->ifindex));
}

void RouterCore::apply_pim(TimePoint now, bool all_members) {
  pim_.configure(to_pim_global(config_, interfaces_), to_pim_interfaces(config_, interfaces_), now);
  for (const auto& [name, itf] : config_.interfaces) {
    const InterfaceInfo* info = interfaces_.by_name(name);
    // PIM ports (not the static upstream mode) show PIM the data that fails RPF there.
    if (info) io_.fib().set_rpf_notify(info->port, itf.pim_sm && !itf.multicast_upstream);
  }
  if (!all_members) return;
  std::set<wire::Ipv6Address> groups;
  mld_.for_each_group([&](const mld::GroupRecordView& v) { groups.insert(v.group); }, now);
  for (const auto& g : pim_.groups()) groups.insert(g);
  for (const auto& g : groups) update_pim_membership(g, now);
}

void RouterCore::add_vrrp(const config::InterfaceConfig& itf, const config::Vrrp6GroupConfig& g,
                          TimePoint now) {
  std::string err = vrrp_.add_instance(to_vrrp_config(itf, g, interfaces_), now);
  if (!err.empty())
    problem(nullptr, "vrrp6 " + itf.name + "/" + std::to_string(g.vrid) + ": " + err);
}

void RouterCore::add_bfd(const config::BfdSessionConfig& s, TimePoint now) {
  std::string err = bfd_.add_session(to_bfd_config(s, interfaces_), now);
  if (!err.empty()) problem(nullptr, "bfd " + s.name + ": " + err);
}

void RouterCore::start_rbs(const config::RbsConfig& r, TimePoint now) {
  if (!r.peer_ipv6 || !r.source_ipv6) return;
  replication::EndpointConfig ec;
  ec.name = r.name;
  ec.local = *r.source_ipv6;
  ec.peer = *r.peer_ipv6;
  ec.port = r.port;
  ec.track_bfd = r.track_bfd_session.has_value();
  ec.channel.name = r.name;
  ec.channel.authentication_key = r.authentication_key;
  // A stable node id from our RBS address; a fresh epoch per start so the peer sees restarts.
  ec.channel.node_id = std::hash<std::string>{}(r.source_ipv6->to_string()) | 1;
  ec.channel.epoch = static_cast<uint64_t>(now.time_since_epoch().count()) ^ 0x9e3779b97f4a7c15ULL;
  if (ec.channel.epoch == 0) ec.channel.epoch = 1;
  for (const auto& [name, p] : config_.rbp)
    if (p.backup_id && p.service && p.service->name == r.name)
      ec.channel.backup_ids.push_back(*p.backup_id);
  Rbs entry;
  entry.endpoint = std::make_unique<replication::RbsEndpoint>(ec, store_, log_);
  if (r.shutdown) {
    log(LogLevel::notice, "rbs " + r.name, "shutdown (configured)");
  } else {
    std::string err;
    // The endpoint retries a listener that cannot open yet (address not configured, port
    // busy) from its own timer, so it runs either way.
    bool listening = entry.endpoint->start(&err);
    entry.started = true;
    if (!listening) problem(nullptr, "rbs " + r.name + ": cannot listen yet (retrying): " + err);
  }
  if (r.track_bfd_session)
    track_.set_rbs_track(r.name, *r.track_bfd_session);
  else
    track_.clear_rbs_track(r.name);
  rbs_[r.name] = std::move(entry);
  rbp_master_.clear();  // roles are pushed into the new channel by update_roles()
}

void RouterCore::stop_rbs(const std::string& name, TimePoint now) {
  auto it = rbs_.find(name);
  if (it == rbs_.end()) return;
  if (it->second.started) it->second.endpoint->stop(now);
  track_.clear_rbs_track(name);
  rbs_.erase(it);
}

void RouterCore::update_bind_applications() {
  for (const auto& st : bfd_.status()) {
    bool vrrp = false, rbs = false;
    for (const auto& [n, itf] : config_.interfaces)
      for (const auto& [vrid, g] : itf.vrrp6)
        for (const auto& t : g.bfd_tracks) vrrp |= t.session == st.local_discriminator;
    for (const auto& [n, r] : config_.rbs) rbs |= r.track_bfd_session == st.local_discriminator;
    std::string app = vrrp && rbs ? "VRRP6|RBS" : vrrp ? "VRRP6" : rbs ? "RBS" : "";
    if (auto* s = bfd_.find(st.local_discriminator)) s->set_bind_application(app);
  }
}

void RouterCore::update_roles(TimePoint now) {
  for (const auto& [name, p] : config_.rbp) {
    if (!p.backup_id || !p.vrrp6_id || !p.vrrp6_interface) continue;
    const vrrp6::Instance* inst =
        vrrp_.find(interfaces_.ifindex(p.vrrp6_interface->name), *p.vrrp6_id);
    bool master = inst && inst->state() == vrrp6::State::master;
    auto old = rbp_master_.find(name);
    if (old != rbp_master_.end() && old->second == master) continue;
    rbp_master_[name] = master;
    if (p.service) {
      auto r = rbs_.find(p.service->name);
      if (r != rbs_.end() && r->second.endpoint)
        r->second.endpoint->channel().set_role(
            *p.backup_id, master ? replication::Role::master : replication::Role::backup, now);
    }
    // DESIGN.md §4: the Backup neither processes reports nor queries on the bound
    // interfaces; its state comes from the RBS. Becoming Master sends one general query.
    for (const auto& [ifname, itf] : config_.interfaces) {
      if (!itf.rbp || itf.rbp->name != name || !itf.mld_enable) continue;
      mld_.set_passive(interfaces_.ifindex(ifname), !master, now);
    }
    log(LogLevel::notice, "rbp " + name,
        std::string("role ") + (master ? "master" : "backup") + " (vrrp6 " +
            p.vrrp6_interface->name + "/" + std::to_string(*p.vrrp6_id) + " " +
            (inst ? vrrp6::state_name(inst->state()) : "missing") + ")");
  }
}

namespace {
// mVRRP6 groups first, then common ones, then the service groups that follow an mVRRP6.
int vrrp_order(const config::Vrrp6GroupConfig& g) {
  return g.admin ? 0 : g.track_admin ? 2 : 1;
}
}  // namespace

std::vector<std::string> RouterCore::apply(const config::Config& cfg,
                                           const std::vector<wire::MacAddress>& macs,
                                           TimePoint now) {
  std::vector<std::string> problems;
  problems_ = &problems;
  config_ = cfg;
  macs_ = macs;
  started_ = now;
  interfaces_.build(cfg, macs);
  rebuild_bindings();
  if (auto err = set_mld_limits(mld_, cfg.mld); !err.empty()) problem(nullptr, err);
  for (const auto& [name, itf] : cfg.interfaces) apply_interface(itf, now);
  apply_pim(now, false);
  for (const auto& [name, s] : cfg.bfd_sessions) add_bfd(s, now);
  for (int pass = 0; pass < 3; ++pass)
    for (const auto& [name, itf] : cfg.interfaces)
      for (const auto& [vrid, g] : itf.vrrp6)
        if (vrrp_order(g) == pass) add_vrrp(itf, g, now);
  for (const auto& [name, itf] : cfg.interfaces) apply_gate(itf);
  for (const auto& [name, r] : cfg.rbs) start_rbs(r, now);
  update_bind_applications();
  track_.reapply(now);
  update_roles(now);
  drain(now);
  problems_ = nullptr;
  return problems;
}

ReloadResult RouterCore::reload(const config::Config& next, TimePoint now) {
  ReloadResult res;
  config::ConfigDiff d = config::diff_configs(config_, next);
  if (!d.restart_required.empty()) {
    ++counters_.reload_failures;
    res.lines.push_back("nothing applied: these changes need a restart of tandemd");
    for (const auto& r : d.restart_required) res.lines.push_back("  " + r);
    return res;
  }
  res.ok = true;
  ++counters_.reloads;
  if (d.empty()) {
    res.lines.push_back("no change");
    return res;
  }
  const config::Config old = config_;
  config_ = next;
  interfaces_.build(next, macs_);
  rebuild_bindings();

  // BFD sessions: removed and changed ones go, changed and added ones come back.
  for (const auto& n : d.bfd_sessions.removed)
    if (auto l = old.bfd_sessions.at(n).discriminator_local) bfd_.remove_session(*l);
  for (const auto& n : d.bfd_sessions.changed)
    if (auto l = old.bfd_sessions.at(n).discriminator_local) bfd_.remove_session(*l);
  for (const auto& n : d.bfd_sessions.changed) add_bfd(next.bfd_sessions.at(n), now);
  for (const auto& n : d.bfd_sessions.added) add_bfd(next.bfd_sessions.at(n), now);

  if (auto err = d.mld_global ? set_mld_limits(mld_, next.mld) : ""; !err.empty())
    problem(nullptr, err);

  // Interfaces: each changed part on its own.
  for (const auto& c : d.interfaces) {
    const auto& itf = next.interfaces.at(c.name);
    uint32_t ifindex = interfaces_.ifindex(c.name);
    if (c.addresses || c.upstream)
      apply_interface(itf, now);
    else if (c.mld)
      apply_mld(itf, now);
    for (uint8_t vrid : c.vrrp_removed) vrrp_.remove_instance(ifindex, vrid, now);
    for (uint8_t vrid : c.vrrp_changed) vrrp_.remove_instance(ifindex, vrid, now);
  }
  for (int pass = 0; pass < 3; ++pass)
    for (const auto& c : d.interfaces) {
      const auto& itf = next.interfaces.at(c.name);
      for (const auto* list : {&c.vrrp_changed, &c.vrrp_added})
        for (uint8_t vrid : *list) {
          const auto& g = itf.vrrp6.at(vrid);
          if (vrrp_order(g) == pass) add_vrrp(itf, g, now);
        }
    }
  for (const auto& c : d.interfaces)
    if (c.gate || !c.vrrp_added.empty() || !c.vrrp_changed.empty())
      apply_gate(next.interfaces.at(c.name));

  // RBS: a changed service, or one whose profiles changed, restarts its channel.
  std::set<std::string> restart(d.rbs.changed.begin(), d.rbs.changed.end());
  for (const auto* names : {&d.rbp.added, &d.rbp.removed, &d.rbp.changed})
    for (const auto& n : *names)
      for (const auto* cfg : {&old, &next}) {
        auto it = cfg->rbp.find(n);
        if (it != cfg->rbp.end() && it->second.service) restart.insert(it->second.service->name);
      }
  for (const auto& n : d.rbs.removed) stop_rbs(n, now);
  for (const auto& n : restart)
    if (old.rbs.count(n)) stop_rbs(n, now);
  for (const auto& n : restart)
    if (next.rbs.count(n)) start_rbs(next.rbs.at(n), now);
  for (const auto& n : d.rbs.added)
    if (!restart.count(n)) start_rbs(next.rbs.at(n), now);

  bool pim_changed = d.pim || d.static_routes;
  for (const auto& c : d.interfaces)
    pim_changed = pim_changed || c.pim || c.addresses || c.upstream;
  if (pim_changed) apply_pim(now, true);

  update_bind_applications();
  track_.reapply(now);
  track_.refresh_gates();
  rbp_master_.clear();
  update_roles(now);
  fib_sync_.refresh_all(mld_, now);
  drain(now);
  res.metrics_changed = d.metrics;
  res.dataplane_changed = d.dataplane;
  res.lines = d.describe();
  for (const auto& l : res.lines) log(LogLevel::notice, "reload", l);
  return res;
}

}  // namespace tandem::daemon
