#include "control/daemon/core/config_applier.h"

#include <algorithm>
#include <functional>
#include <set>

#include "control/daemon/config/diff.h"
#include "control/daemon/core/dispatch.h"
#include "control/daemon/core/engine_config.h"

namespace tandem::daemon {

namespace {
// Empty when applied; the range check of the config language makes a refusal unexpected.
std::string set_mld_limits(mld::MldRouter& mld, const config::MldGlobalConfig& c) {
  mld::GlobalLimits limits = to_mld_limits(c);
  return mld.set_global_limits(limits) ? std::string() : "mld global limit: " + limits.validate();
}
std::string set_mld_policy(mld::MldRouter& mld, const config::Config& c, TimePoint now) {
  mld::Policy policy = to_mld_policy(c);
  return mld.set_policy(policy, now) ? std::string() : "mld policy: " + policy.validate();
}
}  // namespace

void ConfigApplier::problem(const std::string& line) {
  log_(LogLevel::error, "config", line);
  if (problems_) problems_->push_back(line);
}

void ConfigApplier::rebuild_bindings() {
  std::map<std::string, uint16_t> bindings;
  rbs_.set_backup_ids(config_);
  for (const auto& [name, itf] : config_.interfaces) {
    if (!itf.rbp) continue;
    auto it = config_.rbp.find(itf.rbp->name);
    if (it != config_.rbp.end() && it->second.backup_id) bindings[name] = *it->second.backup_id;
  }
  store_.set_bindings(std::move(bindings));
}

void ConfigApplier::apply_interface(const config::InterfaceConfig& itf, TimePoint now) {
  const InterfaceInfo* info = interfaces_.by_name(itf.name);
  if (!info) return;
  std::vector<wire::Ipv6Address> own{info->link_local};
  own.insert(own.end(), info->globals.begin(), info->globals.end());
  e_.responder.set_interface(info->ifindex, info->mac, own);
  e_.neighbors.set_interface(info->ifindex, info->mac, info->link_local);
  io_.fib().set_upstream(info->port, itf.multicast_upstream);
  apply_mld(itf, now);
}

void ConfigApplier::apply_mld(const config::InterfaceConfig& itf, TimePoint now) {
  const InterfaceInfo* info = interfaces_.by_name(itf.name);
  if (!info) return;
  bool exists = e_.mld.interface_status(info->ifindex, now).has_value();
  if (!itf.mld_enable) {
    if (exists) e_.mld.remove_interface(info->ifindex, now);
    return;
  }
  mld::InterfaceConfig m = to_mld_config(itf.mld);
  bool ok = exists ? e_.mld.set_interface_config(info->ifindex, m, now)
                   : e_.mld.add_interface(info->ifindex, itf.name, m, info->link_local, now);
  if (!ok) problem("mld " + itf.name + ": rejected: " + m.validate());
}

void ConfigApplier::apply_gate(const config::InterfaceConfig& itf) {
  const InterfaceInfo* info = interfaces_.by_name(itf.name);
  if (!info) return;
  wire::MacAddress src = info->mac;
  if (!itf.multicast_track) {
    e_.track.clear_gate(info->ifindex);
  } else if (itf.multicast_track->kind == config::MulticastTrack::Kind::vrrp6) {
    e_.track.set_gate_vrrp(info->ifindex, itf.multicast_track->vrid);
    // Replicas leave from the virtual MAC of the group the interface is bound to (§7.3).
    src = wire::MacAddress::vrrp6_virtual(itf.multicast_track->vrid);
  } else {
    uint32_t admin_if = interfaces_.ifindex(itf.multicast_track->interface->name);
    e_.track.set_gate_admin_vrrp(info->ifindex, admin_if, itf.multicast_track->vrid);
    // The service group on this interface owns the addresses hosts use.
    if (!itf.vrrp6.empty()) src = wire::MacAddress::vrrp6_virtual(itf.vrrp6.begin()->first);
  }
  io_.fib().set_src_mac(info->port, src);
  io_.fib().set_gate(info->port, e_.track.gate_open(info->ifindex));
}

void ConfigApplier::apply_pim(TimePoint now, bool all_members) {
  e_.pim.configure(to_pim_global(config_, interfaces_), to_pim_interfaces(config_, interfaces_),
                   now);
  for (const auto& [name, itf] : config_.interfaces) {
    const InterfaceInfo* info = interfaces_.by_name(name);
    // PIM ports (not the static upstream mode) show PIM the data that fails RPF there.
    if (info) io_.fib().set_rpf_notify(info->port, itf.pim_sm && !itf.multicast_upstream);
  }
  if (!all_members) return;
  std::set<wire::Ipv6Address> groups;
  e_.mld.for_each_group([&](const mld::GroupRecordView& v) { groups.insert(v.group); }, now);
  for (const auto& g : e_.pim.groups()) groups.insert(g);
  for (const auto& g : groups) push_pim_membership(e_.mld, e_.pim, g, now);
}

void ConfigApplier::add_vrrp(const config::InterfaceConfig& itf, const config::Vrrp6GroupConfig& g,
                             TimePoint now) {
  std::string err = e_.vrrp.add_instance(to_vrrp_config(itf, g, interfaces_), now);
  if (!err.empty()) problem("vrrp6 " + itf.name + "/" + std::to_string(g.vrid) + ": " + err);
}

void ConfigApplier::add_bfd(const config::BfdSessionConfig& s, TimePoint now) {
  std::string err = e_.bfd.add_session(to_bfd_config(s, interfaces_), now);
  if (!err.empty()) problem("bfd " + s.name + ": " + err);
}

void ConfigApplier::start_rbs(const config::RbsConfig& r, TimePoint now) {
  if (!r.peer_ipv6 || !r.source_ipv6) return;
  if (auto err = rbs_.start(r, config_, now); !err.empty()) problem(err);
  if (r.track_bfd_session)
    e_.track.set_rbs_track(r.name, *r.track_bfd_session);
  else
    e_.track.clear_rbs_track(r.name);
  roles_.forget();  // roles are pushed into the new channel by the next update
}

void ConfigApplier::stop_rbs(const std::string& name, TimePoint now) {
  if (!rbs_.find(name)) return;
  rbs_.stop(name, now);
  e_.track.clear_rbs_track(name);
}

void ConfigApplier::update_bind_applications() {
  for (const auto& st : e_.bfd.status()) {
    bool vrrp = false, rbs = false;
    for (const auto& [n, itf] : config_.interfaces)
      for (const auto& [vrid, g] : itf.vrrp6)
        for (const auto& t : g.bfd_tracks) vrrp |= t.session == st.local_discriminator;
    for (const auto& [n, r] : config_.rbs) rbs |= r.track_bfd_session == st.local_discriminator;
    std::string app = vrrp && rbs ? "VRRP6|RBS" : vrrp ? "VRRP6" : rbs ? "RBS" : "";
    if (auto* s = e_.bfd.find(st.local_discriminator)) s->set_bind_application(app);
  }
}

namespace {
// mVRRP6 groups first, then common ones, then the service groups that follow an mVRRP6.
int vrrp_order(const config::Vrrp6GroupConfig& g) {
  return g.admin ? 0 : g.track_admin ? 2 : 1;
}
}  // namespace

std::vector<std::string> ConfigApplier::apply(const config::Config& cfg,
                                              const std::vector<wire::MacAddress>& macs,
                                              TimePoint now) {
  std::vector<std::string> problems;
  problems_ = &problems;
  config_ = cfg;
  macs_ = macs;
  interfaces_.build(cfg, macs);
  rebuild_bindings();
  if (auto err = set_mld_limits(e_.mld, cfg.mld); !err.empty()) problem(err);
  if (auto err = set_mld_policy(e_.mld, cfg, now); !err.empty()) problem(err);
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
  e_.track.reapply(now);
  roles_.update(now);
  problems_ = nullptr;
  return problems;
}

ReloadResult ConfigApplier::reload(const config::Config& next, TimePoint now) {
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
    if (auto l = old.bfd_sessions.at(n).discriminator_local) e_.bfd.remove_session(*l);
  for (const auto& n : d.bfd_sessions.changed)
    if (auto l = old.bfd_sessions.at(n).discriminator_local) e_.bfd.remove_session(*l);
  for (const auto& n : d.bfd_sessions.changed) add_bfd(next.bfd_sessions.at(n), now);
  for (const auto& n : d.bfd_sessions.added) add_bfd(next.bfd_sessions.at(n), now);

  if (auto err = d.mld_global ? set_mld_limits(e_.mld, next.mld) : ""; !err.empty()) problem(err);
  // Before the interfaces: a group-policy may name an ACL this reload adds.
  if (auto err = d.mld_policy ? set_mld_policy(e_.mld, next, now) : ""; !err.empty()) problem(err);

  // Interfaces: each changed part on its own.
  for (const auto& c : d.interfaces) {
    const auto& itf = next.interfaces.at(c.name);
    uint32_t ifindex = interfaces_.ifindex(c.name);
    if (c.addresses || c.upstream)
      apply_interface(itf, now);
    else if (c.mld)
      apply_mld(itf, now);
    for (uint8_t vrid : c.vrrp_removed) e_.vrrp.remove_instance(ifindex, vrid, now);
    for (uint8_t vrid : c.vrrp_changed) e_.vrrp.remove_instance(ifindex, vrid, now);
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
  e_.track.reapply(now);
  e_.track.refresh_gates();
  roles_.forget();
  roles_.update(now);
  fib_sync_.refresh_all(e_.mld, now);
  res.applied = true;
  res.metrics_changed = d.metrics;
  res.dataplane_changed = d.dataplane;
  res.lines = d.describe();
  return res;
}

}  // namespace tandem::daemon
