#include "control/daemon/core/engine_config.h"

#include <algorithm>

namespace tandem::daemon {

mld::InterfaceConfig to_mld_config(const config::MldInterfaceConfig& c) {
  mld::InterfaceConfig m;
  m.version = c.version == 1 ? mld::MldVersion::v1 : mld::MldVersion::v2;
  m.query_interval = std::chrono::seconds(c.query_interval_s);
  m.robustness = c.robust_count;
  m.max_response = std::chrono::seconds(c.max_response_time_s);
  m.last_listener_query_interval = std::chrono::seconds(c.last_listener_query_interval_s);
  m.last_listener_query_count = c.last_listener_query_count.value_or(0);  // 0 = follow RV
  m.access_limit = c.access_limit;
  m.group_policy_acl = c.group_policy ? c.group_policy->number : 0;
  m.prompt_leave = c.prompt_leave;
  m.prompt_leave_acl = c.prompt_leave_policy ? c.prompt_leave_policy->number : 0;
  m.require_router_alert = c.require_router_alert;
  for (const auto& sg : c.static_groups)
    m.static_groups.push_back({sg.group, sg.source.value_or(wire::Ipv6Address{})});
  std::sort(m.static_groups.begin(), m.static_groups.end());
  return m;
}

mld::Policy to_mld_policy(const config::Config& c) {
  mld::Policy p;
  for (const auto& [number, a] : c.acls) {
    acl::Acl6 acl{number, {}};
    for (const auto& r : a.rules)  // already in ID order
      acl.rules.push_back({r.id, r.permit ? acl::Action::permit : acl::Action::deny, r.source});
    p.acls.set(std::move(acl));
  }
  p.ssm_policy_acl = c.mld_view.ssm_policy ? c.mld_view.ssm_policy->number : 0;
  p.ssm_mapping_enable = c.mld_view.ssm_mapping_enable;
  for (const auto& m : c.mld_view.ssm_mappings) p.ssm_mappings.push_back({m.groups, m.source});
  return p;
}

mld::GlobalLimits to_mld_limits(const config::MldGlobalConfig& c) {
  static_assert(config::MldGlobalConfig{}.global_group_limit == mld::kDefaultGlobalGroupLimit &&
                config::MldGlobalConfig{}.global_source_limit == mld::kDefaultGlobalSourceLimit);
  return mld::GlobalLimits{c.global_group_limit, c.global_source_limit};
}

namespace {
vrrp6::BfdTrackMode track_mode(config::BfdTrackMode m) {
  switch (m) {
    case config::BfdTrackMode::reduced: return vrrp6::BfdTrackMode::reduced;
    case config::BfdTrackMode::increased: return vrrp6::BfdTrackMode::increased;
    case config::BfdTrackMode::peer: return vrrp6::BfdTrackMode::peer;
    case config::BfdTrackMode::link: return vrrp6::BfdTrackMode::link;
  }
  return vrrp6::BfdTrackMode::reduced;
}
}  // namespace

vrrp6::InstanceConfig to_vrrp_config(const config::InterfaceConfig& itf,
                                     const config::Vrrp6GroupConfig& g,
                                     const InterfaceMap& interfaces) {
  vrrp6::InstanceConfig v;
  const InterfaceInfo* info = interfaces.by_name(itf.name);
  v.ifindex = info ? info->ifindex : 0;
  v.ifname = itf.name;
  v.vrid = g.vrid;
  v.local_address = info ? info->link_local : wire::Ipv6Address{};
  for (const auto& vip : g.virtual_ips) v.virtual_addresses.push_back(vip.address);
  v.priority = g.priority;
  v.advert_interval = centiseconds(g.advertise_cs);
  v.preempt = true;
  v.preempt_delay = std::chrono::seconds(g.preempt_delay_s);
  v.type = g.admin ? vrrp6::ConfigType::admin
                   : (g.track_admin ? vrrp6::ConfigType::member : vrrp6::ConfigType::normal);
  v.ignore_if_down = g.ignore_if_down;
  if (g.track_admin) {
    vrrp6::AdminRef a;
    a.ifname = g.track_admin->interface.name;
    a.ifindex = interfaces.ifindex(a.ifname);
    a.vrid = g.track_admin->vrid;
    a.flowdown = !g.track_admin->unflowdown;
    v.admin = a;
  }
  for (const auto& t : g.bfd_tracks)
    v.bfd_tracks.push_back(vrrp6::BfdTrack{t.session, track_mode(t.mode), t.value});
  vrrp6::normalize(v);
  return v;
}

bfd::SessionConfig to_bfd_config(const config::BfdSessionConfig& s,
                                 const InterfaceMap& interfaces) {
  bfd::SessionConfig b;
  b.name = s.name;
  const InterfaceInfo* info = interfaces.by_name(s.interface.name);
  b.ifindex = info ? info->ifindex : 0;
  b.ifname = s.interface.name;
  b.peer = s.peer_ipv6;
  if (s.source_ipv6)
    b.local = *s.source_ipv6;
  else if (info && (s.peer_ipv6.is_link_local_unicast() || info->globals.empty()))
    b.local = info->link_local;
  else if (info)
    b.local = info->globals.front();
  b.local_discriminator = s.discriminator_local.value_or(0);
  b.remote_discriminator = s.discriminator_remote;
  b.min_tx = milliseconds(s.min_tx_interval_ms);
  b.min_rx = milliseconds(s.min_rx_interval_ms);
  b.detect_mult = s.detect_multiplier;
  return b;
}

std::vector<pim::InterfaceConfig> to_pim_interfaces(const config::Config& cfg,
                                                    const InterfaceMap& interfaces) {
  std::vector<pim::InterfaceConfig> out;
  for (const auto& [name, itf] : cfg.interfaces) {
    const InterfaceInfo* info = interfaces.by_name(name);
    if (info == nullptr) continue;
    pim::InterfaceConfig p;
    p.ifindex = info->ifindex;
    p.name = name;
    p.link_local = info->link_local;
    for (const auto& a : itf.addresses)
      if (!a.address.is_link_local_unicast()) p.addresses.push_back({a.address, a.length});
    p.pim_enabled = itf.pim_sm;
    p.hello_period = seconds(itf.pim.hello_interval_s);
    p.hello_holdtime_s = itf.pim.hello_holdtime_s;
    p.dr_priority = itf.pim.dr_priority;
    p.join_prune_period = seconds(itf.pim.join_prune_interval_s);
    p.ignore_dr_state = itf.pim_ignore_dr_state;
    p.ignore_assert_state = itf.pim_ignore_assert_state;
    out.push_back(std::move(p));
  }
  return out;
}

pim::GlobalConfig to_pim_global(const config::Config& cfg, const InterfaceMap& interfaces) {
  pim::GlobalConfig g;
  for (const auto& rp : cfg.pim.static_rps)
    g.static_rps.push_back({rp.address, {rp.groups.address, rp.groups.length}});
  g.embedded_rp = cfg.pim.embedded_rp;
  g.spt_switch_infinity = cfg.pim.spt_switch_infinity;
  for (const auto& r : cfg.static_routes) {
    pim::StaticRoute out;
    out.prefix = {r.prefix.address, r.prefix.length};
    if (r.interface) out.ifindex = interfaces.ifindex(r.interface->name);
    out.nexthop = r.nexthop;
    g.routes.push_back(out);
  }
  return g;
}

}  // namespace tandem::daemon
