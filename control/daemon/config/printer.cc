#include "control/daemon/config/printer.h"

namespace tandem::config {

namespace {

// The lines of one view block: the command that enters the view, then its body indented.
// Defaults are not printed (VRP shows what was changed), except where a line is the only
// trace of an object.
struct Lines {
  std::vector<std::string>& out;

  void top(const std::string& line) { out.push_back(line); }
  void body(const std::string& line) { out.push_back(" " + line); }
  void separator() {  // one `#` between blocks, even when a block printed nothing
    if (out.empty() || out.back() != "#") out.push_back("#");
  }
  // `what` printed when `value` differs from `default_value`.
  template <typename T>
  void body_unless_default(const std::string& what, T value, T default_value) {
    if (value != default_value) body(what + " " + std::to_string(value));
  }
};

std::string num(uint64_t n) {
  return std::to_string(n);
}

// ---- system view (the lines outside every view) ----
void print_system_head(const Config& c, Lines& l) {
  if (c.multicast_routing_enable) l.top("multicast ipv6 routing-enable");
  const MldGlobalConfig mld_defaults;
  if (c.mld.global_group_limit != mld_defaults.global_group_limit)
    l.top("mld global limit groups " + num(c.mld.global_group_limit));
  if (c.mld.global_source_limit != mld_defaults.global_source_limit)
    l.top("mld global limit sources " + num(c.mld.global_source_limit));
  if (c.dataplane.idle_sleep_us) l.top("dataplane idle-sleep-us " + num(c.dataplane.idle_sleep_us));
}

void print_system_tail(const Config& c, Lines& l) {
  for (const StaticRouteConfig& r : c.static_routes) {
    std::string line =
        "ipv6 route-static " + r.prefix.address.to_string() + " " + num(r.prefix.length);
    if (r.interface) line += " " + r.interface->name;
    if (r.nexthop) line += " " + r.nexthop->to_string();
    l.top(line);
  }
  for (const MetricsListen& m : c.metrics) l.top("metrics listen " + m.address + " " + num(m.port));
}

// ---- remote-backup-service view ----
void print_rbs(const RbsConfig& r, Lines& l) {
  l.top("remote-backup-service " + r.name);
  if (r.peer_ipv6 && r.source_ipv6)
    l.body("peer-ipv6 " + r.peer_ipv6->to_string() + " source-ipv6 " + r.source_ipv6->to_string() +
           " port " + num(r.port));
  if (r.track_bfd_session) l.body("track bfd-session " + num(*r.track_bfd_session));
  if (r.shutdown) l.body("shutdown");
  // authentication-key: a secret, never displayed (model.h).
}

// ---- remote-backup-profile view ----
void print_rbp(const RbpConfig& p, Lines& l) {
  l.top("remote-backup-profile " + p.name);
  if (p.backup_id && p.service)
    l.body("backup-id " + num(*p.backup_id) + " remote-backup-service " + p.service->name);
  if (p.peer_backup_hot) l.body("peer-backup hot");
  if (p.vrrp6_id && p.vrrp6_interface)
    l.body("vrrp6-id " + num(*p.vrrp6_id) + " interface " + p.vrrp6_interface->name);
}

// ---- bfd view and BFD session views ----
void print_bfd_session(const BfdSessionConfig& s, Lines& l) {
  std::string bind = "bfd " + s.name + " bind peer-ipv6 " + s.peer_ipv6.to_string();
  if (!s.vpn_instance.empty()) bind += " vpn-instance " + s.vpn_instance;
  if (s.source_ipv6) bind += " source-ipv6 " + s.source_ipv6->to_string();
  l.top(bind + " track-interface interface " + s.interface.name);
  if (s.discriminator_local) l.body("discriminator local " + num(*s.discriminator_local));
  if (s.discriminator_remote) l.body("discriminator remote " + num(*s.discriminator_remote));
  l.body_unless_default("min-tx-interval", s.min_tx_interval_ms, kBfdDefaultIntervalMs);
  l.body_unless_default("min-rx-interval", s.min_rx_interval_ms, kBfdDefaultIntervalMs);
  l.body_unless_default("detect-multiplier", unsigned{s.detect_multiplier},
                        unsigned{kBfdDefaultDetectMultiplier});
}

// ---- pim-ipv6 view ----
bool pim_view_needed(const PimGlobalConfig& p) {
  return !(p == PimGlobalConfig{});
}

void print_pim(const PimGlobalConfig& p, Lines& l) {
  l.top("pim-ipv6");
  const Ipv6Prefix all_groups = StaticRpConfig{}.groups;  // ff00::/8, the default range
  for (const StaticRpConfig& rp : p.static_rps)
    l.body("static-rp " + rp.address.to_string() +
           (rp.groups == all_groups ? "" : " " + rp.groups.to_string()));
  if (!p.embedded_rp) l.body("undo embedded-rp");
  if (p.spt_switch_infinity) l.body("spt-switch-threshold infinity");
}

// ---- interface view, one function per feature ----
void print_vrrp6_group(const Vrrp6GroupConfig& g, Lines& l) {
  const std::string v = "vrrp6 vrid " + num(g.vrid) + " ";
  if (g.admin)
    l.body("admin-vrrp6 vrid " + num(g.vrid) + (g.ignore_if_down ? " ignore-if-down" : ""));
  for (const VirtualIp& ip : g.virtual_ips)
    l.body(v + "virtual-ip " + ip.address.to_string() + (ip.link_local ? " link-local" : ""));
  l.body_unless_default(v + "priority", unsigned{g.priority}, unsigned{kVrrpDefaultPriority});
  l.body_unless_default(v + "timer advertise", unsigned{g.advertise_cs},
                        unsigned{kVrrpDefaultAdvertiseCs});
  l.body_unless_default(v + "preempt-mode timer delay", unsigned{g.preempt_delay_s}, 0u);
  for (const VrrpBfdTrack& t : g.bfd_tracks) {
    const bool valued = t.mode == BfdTrackMode::reduced || t.mode == BfdTrackMode::increased;
    l.body(v + "track bfd-session " + num(t.session) + " " + bfd_track_mode_name(t.mode) +
           (valued ? " " + num(t.value) : ""));
  }
  if (g.track_admin)
    l.body(v + "track admin-vrrp6 interface " + g.track_admin->interface.name + " vrid " +
           num(g.track_admin->vrid) + (g.track_admin->unflowdown ? " unflowdown" : ""));
}

void print_pim_interface(const InterfaceConfig& i, Lines& l) {
  const PimInterfaceConfig d;
  if (i.pim_sm) l.body("pim ipv6 sm");
  l.body_unless_default("pim ipv6 timer hello", i.pim.hello_interval_s, d.hello_interval_s);
  if (i.pim.hello_holdtime_s)
    l.body("pim ipv6 hello-option holdtime " + num(*i.pim.hello_holdtime_s));
  l.body_unless_default("pim ipv6 hello-option dr-priority", i.pim.dr_priority, d.dr_priority);
  l.body_unless_default("pim ipv6 timer join-prune", i.pim.join_prune_interval_s,
                        d.join_prune_interval_s);
}

void print_mld_interface(const InterfaceConfig& i, Lines& l) {
  const MldInterfaceConfig d;
  const MldInterfaceConfig& m = i.mld;
  if (i.mld_enable) l.body("mld enable");
  l.body_unless_default("mld version", unsigned{m.version}, unsigned{d.version});
  l.body_unless_default("mld timer query-interval", m.query_interval_s, d.query_interval_s);
  l.body_unless_default("mld robust-count", unsigned{m.robust_count}, unsigned{d.robust_count});
  l.body_unless_default("mld max-response-time", m.max_response_time_s, d.max_response_time_s);
  l.body_unless_default("mld lastlistener-queryinterval", m.last_listener_query_interval_s,
                        d.last_listener_query_interval_s);
  if (m.last_listener_query_count)
    l.body("mld lastlistener-querycount " + num(*m.last_listener_query_count));
  l.body_unless_default("mld access-limit", m.access_limit, d.access_limit);
  if (m.group_policy) l.body("mld group-policy " + num(m.group_policy->number));
  if (m.prompt_leave)
    l.body(m.prompt_leave_policy
               ? "mld prompt-leave group-policy " + num(m.prompt_leave_policy->number)
               : "mld prompt-leave");
  if (!m.require_router_alert) l.body("undo mld require-router-alert");
  for (const MldStaticGroupConfig& g : m.static_groups)
    l.body("mld static-group " + g.group.to_string() +
           (g.source ? " source " + g.source->to_string() : ""));
}

// ---- acl ipv6 number view (before the views that name it) ----
void print_acl6(const Acl6Config& a, Lines& l) {
  l.top("acl ipv6 number " + num(a.number));
  for (const AclRuleConfig& r : a.rules)
    l.body("rule " + num(r.id) + (r.permit ? " permit" : " deny") + " source " +
           r.source.to_string());
}

// ---- mld view: the SSM range and SSM mapping ----
bool mld_view_needed(const MldViewConfig& m) {
  return m != MldViewConfig{};
}

void print_mld_view(const MldViewConfig& m, Lines& l) {
  l.top("mld");
  if (m.ssm_policy) l.body("ssm-policy " + num(m.ssm_policy->number));
  if (m.ssm_mapping_enable) l.body("ssm-mapping enable");
  for (const SsmMappingConfig& s : m.ssm_mappings)
    l.body("ssm-mapping " + s.groups.to_string() + " " + s.source.to_string());
}

void print_multicast_track(const MulticastTrack& t, Lines& l) {
  if (t.kind == MulticastTrack::Kind::vrrp6)
    l.body("multicast ipv6 track vrrp6 vrid " + num(t.vrid));
  else
    l.body("multicast ipv6 track admin-vrrp6 interface " + t.interface->name + " vrid " +
           num(t.vrid));
}

void print_interface(const InterfaceConfig& i, Lines& l) {
  l.top("interface " + i.name);
  if (!i.device.empty()) l.body("device " + i.device);
  for (const Ipv6Prefix& p : i.addresses) l.body("ipv6 address " + p.to_string());
  if (i.auto_link_local) l.body("ipv6 address auto link-local");
  if (i.multicast_upstream) l.body("multicast ipv6 upstream");
  print_pim_interface(i, l);
  print_mld_interface(i, l);
  for (const auto& [vrid, g] : i.vrrp6) print_vrrp6_group(g, l);
  if (i.multicast_track) print_multicast_track(*i.multicast_track, l);
  if (i.pim_ignore_dr_state) l.body("pim ipv6 ignore dr-state");
  if (i.pim_ignore_assert_state) l.body("pim ipv6 ignore assert-state");
  if (i.rbp) l.body("remote-backup-profile " + i.rbp->name);
}

// A view block: the view's lines, `quit`, then a separator.
template <typename Body>
void block(Lines& l, Body&& body) {
  body();
  l.top("quit");
  l.separator();
}

}  // namespace

std::vector<std::string> print_config_lines(const Config& c) {
  std::vector<std::string> out;
  Lines l{out};
  l.separator();
  print_system_head(c, l);
  l.separator();
  for (const auto& [number, a] : c.acls) block(l, [&] { print_acl6(a, l); });
  if (mld_view_needed(c.mld_view)) block(l, [&] { print_mld_view(c.mld_view, l); });
  if (c.bfd_enable) block(l, [&] { l.top("bfd"); });
  for (const auto& [name, s] : c.bfd_sessions) block(l, [&] { print_bfd_session(s, l); });
  for (const auto& [name, r] : c.rbs) block(l, [&] { print_rbs(r, l); });
  for (const auto& [name, p] : c.rbp) block(l, [&] { print_rbp(p, l); });
  if (pim_view_needed(c.pim)) block(l, [&] { print_pim(c.pim, l); });
  for (const auto& [name, i] : c.interfaces) block(l, [&] { print_interface(i, l); });
  print_system_tail(c, l);
  l.separator();
  l.top("return");
  return out;
}

std::string print_config(const Config& c) {
  std::string text;
  for (const std::string& line : print_config_lines(c)) text += line + "\n";
  return text;
}

}  // namespace tandem::config
