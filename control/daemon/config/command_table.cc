#include "control/daemon/config/command_table.h"

#include <algorithm>
#include <cctype>

#include "control/acl/acl6.h"
#include "replication/auth_key.h"

namespace tandem::config {

const char* view_name(View v) {
  switch (v) {
    case View::system: return "system";
    case View::rbs: return "remote-backup-service";
    case View::rbp: return "remote-backup-profile";
    case View::bfd: return "bfd";
    case View::bfd_session: return "bfd-session";
    case View::interface: return "interface";
    case View::pim: return "pim-ipv6";
    case View::mld: return "mld";
    case View::acl6: return "acl6";
    case View::any: return "any";
  }
  return "?";
}

namespace {

// ---- views ----

void h_noop(ParseContext&, const Match&) {}

void h_quit(ParseContext& c, const Match&) {
  c.view = View::system;
  c.object.clear();
}

void h_rbs(ParseContext& c, const Match& m) {
  std::string name = m.text("name");
  auto [it, added] = c.config.rbs.try_emplace(name);
  if (added) {
    it->second.name = name;
    it->second.pos = c.pos(m.col("name"));
  }
  c.view = View::rbs;
  c.object = name;
}

void h_rbp(ParseContext& c, const Match& m) {
  std::string name = m.text("name");
  auto [it, added] = c.config.rbp.try_emplace(name);
  if (added) {
    it->second.name = name;
    it->second.pos = c.pos(m.col("name"));
  }
  c.view = View::rbp;
  c.object = name;
}

void h_bfd_enable(ParseContext& c, const Match&) {
  c.config.bfd_enable = true;
  c.view = View::bfd;
  c.object.clear();
}

void h_bfd_session(ParseContext& c, const Match& m) {
  std::string name = m.text("name");
  BfdSessionConfig s;
  s.name = name;
  s.pos = c.pos(m.col("name"));
  s.peer_ipv6 = m.get("peer")->ipv6;
  s.vpn_instance = m.text("vpn");
  if (!s.vpn_instance.empty() && s.vpn_instance != kPublicVpnInstance) {
    c.error(m.col("vpn"), "vpn-instance " + s.vpn_instance +
                              ": tandem has one routing table (no VRFs yet); only the public "
                              "instance `" +
                              std::string(kPublicVpnInstance) + "` is accepted");
    // The session view is still entered, so its body does not become follow-on errors.
  }
  if (const Value* v = m.get("source")) s.source_ipv6 = v->ipv6;
  s.interface = NameRef{m.text("interface"), c.pos(m.col("interface"))};
  auto it = c.config.bfd_sessions.find(name);
  if (it != c.config.bfd_sessions.end()) {
    const BfdSessionConfig& old = it->second;
    if (old.peer_ipv6 != s.peer_ipv6 || old.vpn_instance != s.vpn_instance ||
        old.source_ipv6 != s.source_ipv6 || old.interface.name != s.interface.name) {
      c.error(m.col("name"), "BFD session " + name + " is already bound to other parameters");
      return;
    }
  } else {
    c.config.bfd_sessions.emplace(name, s);
  }
  c.view = View::bfd_session;
  c.object = name;
}

void h_bfd_session_enter(ParseContext& c, const Match& m) {
  std::string name = m.text("name");
  if (!c.config.bfd_sessions.count(name)) {
    c.error(m.col("name"), "BFD session " + name +
                               " does not exist (create it with `bfd NAME bind peer-ipv6 ...`)");
    return;
  }
  c.view = View::bfd_session;
  c.object = name;
}

void h_interface(ParseContext& c, const Match& m) {
  std::string name = m.text("name");
  auto [it, added] = c.config.interfaces.try_emplace(name);
  if (added) {
    it->second.name = name;
    it->second.pos = c.pos(m.col("name"));
  }
  c.view = View::interface;
  c.object = name;
}

void h_mld_view(ParseContext& c, const Match&) {
  c.view = View::mld;
  c.object.clear();
}

void h_acl6(ParseContext& c, const Match& m) {
  const auto number = static_cast<uint32_t>(m.integer("number"));
  auto [it, added] = c.config.acls.try_emplace(number);
  if (added) {
    it->second.number = number;
    it->second.pos = c.pos(m.col("number"));
  }
  c.view = View::acl6;
  c.object = std::to_string(number);
}

// ---- acl6 view ----

void h_acl_rule(ParseContext& c, const Match& m) {
  Acl6Config& acl = c.config.acls.at(static_cast<uint32_t>(std::stoul(c.object)));
  const Value* src = m.get("source");
  AclRuleConfig r;
  r.permit = m.has_keyword("permit");
  r.source = Ipv6Prefix{src->ipv6, src->prefix_length};
  r.pos = c.pos(src->col);
  if (const Value* given = m.get("id")) {
    r.id = static_cast<uint32_t>(given->integer);
  } else {
    const auto id = acl::next_rule_id(
        acl.rules.empty() ? std::nullopt : std::optional<uint32_t>(acl.rules.back().id));
    if (!id) {
      c.error(c.command_col, "no rule ID left above " + std::to_string(acl.rules.back().id) +
                                 ": give the rule an ID");
      return;
    }
    r.id = *id;
  }
  auto it = std::lower_bound(acl.rules.begin(), acl.rules.end(), r.id,
                             [](const AclRuleConfig& x, uint32_t id) { return x.id < id; });
  if (it != acl.rules.end() && it->id == r.id) {
    *it = r;  // the vendor replaces a rule given again with its ID
  } else {
    acl.rules.insert(it, r);
  }
}

// ---- mld view ----

void h_ssm_policy(ParseContext& c, const Match& m) {
  c.config.mld_view.ssm_policy =
      AclRef{static_cast<uint32_t>(m.integer("acl")), c.pos(m.col("acl"))};
}
void h_ssm_mapping_enable(ParseContext& c, const Match&) {
  c.config.mld_view.ssm_mapping_enable = true;
}
void h_ssm_mapping(ParseContext& c, const Match& m) {
  const Value* g = m.get("groups");
  const Value* s = m.get("source");
  if (!g->ipv6.is_multicast()) {
    c.error(g->col, "'" + g->text + "' is not a multicast prefix");
    return;
  }
  if (s->ipv6.is_multicast() || s->ipv6.is_unspecified()) {
    c.error(s->col, "'" + s->text + "' is not a unicast source address");
    return;
  }
  SsmMappingConfig map{Ipv6Prefix{g->ipv6, g->prefix_length}, s->ipv6, c.pos(g->col)};
  auto& list = c.config.mld_view.ssm_mappings;
  if (std::find(list.begin(), list.end(), map) == list.end()) list.push_back(map);
}

// ---- system view ----

void h_routing_enable(ParseContext& c, const Match&) {
  c.config.multicast_routing_enable = true;
}

void h_metrics_listen(ParseContext& c, const Match& m) {
  MetricsListen l{m.text("address"), static_cast<uint16_t>(m.integer("port"))};
  if (std::find(c.config.metrics.begin(), c.config.metrics.end(), l) == c.config.metrics.end())
    c.config.metrics.push_back(l);
}

void h_mld_global_groups(ParseContext& c, const Match& m) {
  c.config.mld.global_group_limit = static_cast<uint32_t>(m.integer("count"));
}

void h_mld_global_sources(ParseContext& c, const Match& m) {
  c.config.mld.global_source_limit = static_cast<uint32_t>(m.integer("count"));
}

void h_idle_sleep(ParseContext& c, const Match& m) {
  c.config.dataplane.idle_sleep_us = static_cast<uint32_t>(m.integer("us"));
}

// A prefix whose address has bits set beyond its length is refused, not normalised: the
// extra bits are more often a typo for another prefix than a request for this one. `sep` is
// how the file writes address and length (" " for route-static, "/" for a group range).
bool canonical_prefix(ParseContext& c, int col, const std::string& what, const Ipv6Prefix& p,
                      const char* sep) {
  const wire::Ipv6Address n = p.network();
  if (n == p.address) return true;
  auto show = [&](const wire::Ipv6Address& a) {
    return a.to_string() + sep + std::to_string(p.length);
  };
  c.error(col, what + " " + show(p.address) +
                   " has bits set beyond the prefix length (refused, not normalised: write " +
                   show(n) + ")");
  return false;
}

bool is_loopback(const wire::Ipv6Address& a) {
  return a == wire::Ipv6Address::must_parse("::1");
}

void h_route_static(ParseContext& c, const Match& m) {
  StaticRouteConfig r;
  const Value* prefix = m.get("prefix");
  r.prefix = Ipv6Prefix{prefix->ipv6, static_cast<uint8_t>(m.integer("length"))};
  r.pos = c.pos(prefix->col);
  if (m.get("interface")) r.interface = NameRef{m.text("interface"), c.pos(m.col("interface"))};
  bool ok = canonical_prefix(c, prefix->col, "ipv6 route-static", r.prefix, " ");
  if (ok && r.prefix.length >= 8 && r.prefix.address.is_multicast()) {
    c.error(prefix->col, "ipv6 route-static " + r.prefix.to_string() +
                             " is a multicast prefix: static routes lead to unicast "
                             "destinations (sources and RPs)");
    ok = false;
  }
  if (const Value* nh = m.get("nexthop")) {
    r.nexthop = nh->ipv6;
    r.nexthop_pos = c.pos(nh->col);
    if (nh->ipv6.is_multicast() || nh->ipv6.is_unspecified() || is_loopback(nh->ipv6)) {
      c.error(nh->col, "nexthop " + nh->text + " is not a unicast address");
      ok = false;
    } else if (nh->ipv6.is_link_local_unicast() && !r.interface) {
      c.error(nh->col, "link-local nexthop " + nh->text +
                           " needs its interface: ipv6 route-static PREFIX LEN INTERFACE " +
                           nh->text);
      ok = false;
    }
  }
  if (!ok) return;
  auto& list = c.config.static_routes;
  for (const StaticRouteConfig& old : list) {
    if (old == r) {
      c.error(prefix->col, "this ipv6 route-static is already configured (line " +
                               std::to_string(old.pos.line) + ")");
      return;
    }
  }
  list.push_back(r);
}

void h_pim_view(ParseContext& c, const Match&) {
  c.view = View::pim;
  c.object.clear();
}

// ---- PIM view ----

// Why a static-rp group range can have no RP (the end of the message), or null.
const char* unroutable_group_range(const Ipv6Prefix& g) {
  if (g.length < 8 || !g.address.is_multicast())
    return " is not a multicast range (inside ff00::/8)";
  // The scope nibble is bits 12-15: the range holds only scopes 0-2 when the bits of that
  // nibble it leaves free cannot reach 3.
  const int free_scope_bits = g.length >= 16 ? 0 : std::min(4, 16 - g.length);
  if ((g.address.multicast_scope() | ((1 << free_scope_bits) - 1)) <= 2)
    return " holds only interface- and link-local scope groups (scope 0-2), which are never "
           "routed and have no RP";
  const auto& b = g.address.bytes;
  if (g.length >= 32 && (b[1] & 0xf0) == 0x30 && b[2] == 0 && b[3] == 0)
    return " is inside the SSM range ff3x::/32: SSM groups have no RP (RFC 4607)";
  return nullptr;
}

void h_static_rp(ParseContext& c, const Match& m) {
  StaticRpConfig rp;
  const Value* a = m.get("address");
  rp.address = a->ipv6;
  rp.pos = c.pos(a->col);
  if (a->ipv6.is_multicast() || a->ipv6.is_unspecified() || is_loopback(a->ipv6) ||
      a->ipv6.is_link_local_unicast()) {
    c.error(a->col, "static-rp " + a->text + " is not a global unicast address");
    return;
  }
  if (const Value* g = m.get("groups")) {
    rp.groups = Ipv6Prefix{g->ipv6, g->prefix_length};
    if (!canonical_prefix(c, g->col, "static-rp group range", rp.groups, "/")) return;
    if (const char* why = unroutable_group_range(rp.groups)) {
      c.error(g->col, "static-rp group range " + g->text + why);
      return;
    }
  }
  auto& list = c.config.pim.static_rps;
  if (std::find(list.begin(), list.end(), rp) != list.end()) {
    c.error(a->col, "static-rp " + rp.address.to_string() + " " + rp.groups.to_string() +
                        " is already configured");
    return;
  }
  list.push_back(rp);
}
void h_embedded_rp(ParseContext& c, const Match&) {
  c.config.pim.embedded_rp = true;
}
void h_undo_embedded_rp(ParseContext& c, const Match&) {
  c.config.pim.embedded_rp = false;
}
void h_spt_threshold(ParseContext& c, const Match& m) {
  if (m.has_keyword("infinity")) {
    c.config.pim.spt_switch_infinity = true;
    return;
  }
  if (m.integer("kbps") != 0) {
    c.error(m.col("kbps"), "spt-switch-threshold " + m.text("kbps") +
                               ": tandem switches to the SPT on the first packet (0) or never "
                               "(infinity); a traffic-rate threshold is not supported");
    return;
  }
  c.config.pim.spt_switch_infinity = false;
}
void h_undo_spt_threshold(ParseContext& c, const Match&) {
  c.config.pim.spt_switch_infinity = false;
}

// A command for a role tandem never takes: the error is the spec's meaning, with the
// command's keywords.
void h_refused(ParseContext& c, const Match& m) {
  std::string words;
  for (const auto& k : m.keywords) words += (words.empty() ? "" : " ") + k;
  std::string why(std::string_view(c.spec->meaning).substr(kRefusedMeaning.size()));
  c.error(c.command_col, why + " (" + words + " refused)");
}

// ---- RBS view ----

RbsConfig& rbs(ParseContext& c) {
  return c.config.rbs.at(c.object);
}

void h_rbs_peer(ParseContext& c, const Match& m) {
  RbsConfig& r = rbs(c);
  r.peer_ipv6 = m.get("peer")->ipv6;
  r.source_ipv6 = m.get("source")->ipv6;
  r.port = static_cast<uint16_t>(m.integer("port"));
  if (*r.peer_ipv6 == *r.source_ipv6) c.error(m.col("source"), "source-ipv6 equals peer-ipv6");
  if (r.peer_ipv6->is_multicast() || r.peer_ipv6->is_unspecified())
    c.error(m.col("peer"), "peer-ipv6 must be a unicast address");
  if (r.source_ipv6->is_multicast() || r.source_ipv6->is_unspecified())
    c.error(m.col("source"), "source-ipv6 must be a unicast address");
}
void h_rbs_track(ParseContext& c, const Match& m) {
  rbs(c).track_bfd_session = static_cast<uint32_t>(m.integer("session"));
  rbs(c).track_pos = c.pos(m.col("session"));
}
void h_rbs_shutdown(ParseContext& c, const Match&) {
  rbs(c).shutdown = true;
}
void h_rbs_auth_key(ParseContext& c, const Match& m) {
  const std::string key = m.text("key");
  const std::string problem = replication::authentication_key_problem(key);
  if (!problem.empty()) {
    c.error(m.col("key"), problem);
    return;
  }
  rbs(c).authentication_key = key;
}
void h_rbs_undo_auth_key(ParseContext& c, const Match&) {
  rbs(c).authentication_key.clear();
}
void h_rbs_undo_shutdown(ParseContext& c, const Match&) {
  rbs(c).shutdown = false;
}

// ---- RBP view ----

RbpConfig& rbp(ParseContext& c) {
  return c.config.rbp.at(c.object);
}

void h_rbp_backup_id(ParseContext& c, const Match& m) {
  RbpConfig& r = rbp(c);
  r.backup_id = static_cast<uint16_t>(m.integer("id"));
  r.backup_id_pos = c.pos(m.col("id"));
  r.service = NameRef{m.text("service"), c.pos(m.col("service"))};
}
void h_rbp_peer_backup(ParseContext& c, const Match& m) {
  std::string mode = m.text("mode");
  for (auto& ch : mode) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  if (mode != "hot") {
    c.error(m.col("mode"), "peer-backup " + mode +
                               ": only `peer-backup hot` is implemented (entries replicated as "
                               "they change)");
    return;
  }
  rbp(c).peer_backup_hot = true;
}
void h_rbp_vrrp(ParseContext& c, const Match& m) {
  RbpConfig& r = rbp(c);
  r.vrrp6_id = static_cast<uint8_t>(m.integer("vrid"));
  r.vrrp6_pos = c.pos(m.col("vrid"));
  r.vrrp6_interface = NameRef{m.text("interface"), c.pos(m.col("interface"))};
}

// ---- BFD session view ----

BfdSessionConfig& bfd(ParseContext& c) {
  return c.config.bfd_sessions.at(c.object);
}

void h_discr_local(ParseContext& c, const Match& m) {
  bfd(c).discriminator_local = static_cast<uint32_t>(m.integer("value"));
  bfd(c).discriminator_local_pos = c.pos(m.col("value"));
}
void h_discr_remote(ParseContext& c, const Match& m) {
  bfd(c).discriminator_remote = static_cast<uint32_t>(m.integer("value"));
}
void h_min_tx(ParseContext& c, const Match& m) {
  bfd(c).min_tx_interval_ms = static_cast<uint32_t>(m.integer("ms"));
}
void h_min_rx(ParseContext& c, const Match& m) {
  bfd(c).min_rx_interval_ms = static_cast<uint32_t>(m.integer("ms"));
}
void h_detect_mult(ParseContext& c, const Match& m) {
  bfd(c).detect_multiplier = static_cast<uint8_t>(m.integer("n"));
}

// ---- interface view ----

void h_device(ParseContext& c, const Match& m) {
  InterfaceConfig& i = c.interface();
  if (!i.device.empty() && i.device != m.text("device")) {
    c.error(m.col("device"), "interface " + i.name + " already has device " + i.device);
    return;
  }
  i.device = m.text("device");
  i.device_pos = c.pos(m.col("device"));
}
void h_ipv6_address(ParseContext& c, const Match& m) {
  const Value* v = m.get("prefix");
  Ipv6Prefix p{v->ipv6, v->prefix_length};
  if (p.address.is_multicast() || p.address.is_unspecified()) {
    c.error(v->col, "'" + v->text + "' is not a unicast address");
    return;
  }
  auto& list = c.interface().addresses;
  if (std::find(list.begin(), list.end(), p) == list.end()) list.push_back(p);
}
void h_auto_ll(ParseContext& c, const Match&) {
  c.interface().auto_link_local = true;
}
void h_upstream(ParseContext& c, const Match&) {
  c.interface().multicast_upstream = true;
}
void h_pim_sm(ParseContext& c, const Match&) {
  c.interface().pim_sm = true;
}
void h_mld_enable(ParseContext& c, const Match& m) {
  c.interface().mld_enable = true;
  c.interface().mld_enable_pos = c.pos(c.command_col);
  (void)m;
}
void h_mld_version(ParseContext& c, const Match& m) {
  c.interface().mld.version = static_cast<uint8_t>(m.integer("version"));
}
void h_mld_qi(ParseContext& c, const Match& m) {
  c.interface().mld.query_interval_s = static_cast<uint32_t>(m.integer("seconds"));
}
void h_mld_robust(ParseContext& c, const Match& m) {
  c.interface().mld.robust_count = static_cast<uint8_t>(m.integer("count"));
}
void h_mld_max_resp(ParseContext& c, const Match& m) {
  c.interface().mld.max_response_time_s = static_cast<uint32_t>(m.integer("seconds"));
}
void h_mld_llqi(ParseContext& c, const Match& m) {
  c.interface().mld.last_listener_query_interval_s = static_cast<uint32_t>(m.integer("seconds"));
}
void h_mld_llqc(ParseContext& c, const Match& m) {
  c.interface().mld.last_listener_query_count = static_cast<uint8_t>(m.integer("count"));
}
void h_mld_access_limit(ParseContext& c, const Match& m) {
  c.interface().mld.access_limit = static_cast<uint32_t>(m.integer("limit"));
}
void h_mld_static_group(ParseContext& c, const Match& m) {
  const Value* g = m.get("group");
  if (!g->ipv6.is_multicast() || g->ipv6.is_link_scope_multicast()) {
    c.error(g->col, "'" + g->text + "' is not a routable multicast group (scope above link)");
    return;
  }
  MldStaticGroupConfig sg{g->ipv6, std::nullopt, c.pos(g->col)};
  if (const Value* s = m.get("source")) {
    if (s->ipv6.is_multicast() || s->ipv6.is_unspecified()) {
      c.error(s->col, "'" + s->text + "' is not a unicast source address");
      return;
    }
    sg.source = s->ipv6;
  }
  auto& list = c.interface().mld.static_groups;
  if (std::find(list.begin(), list.end(), sg) == list.end()) list.push_back(sg);
}
void h_mld_group_policy(ParseContext& c, const Match& m) {
  c.interface().mld.group_policy =
      AclRef{static_cast<uint32_t>(m.integer("acl")), c.pos(m.col("acl"))};
}
void h_mld_prompt_leave(ParseContext& c, const Match& m) {
  c.interface().mld.prompt_leave = true;
  if (m.get("acl")) {
    c.interface().mld.prompt_leave_policy =
        AclRef{static_cast<uint32_t>(m.integer("acl")), c.pos(m.col("acl"))};
  } else {
    c.interface().mld.prompt_leave_policy.reset();
  }
}
void h_mld_require_ra(ParseContext& c, const Match&) {
  c.interface().mld.require_router_alert = true;
}
void h_mld_undo_require_ra(ParseContext& c, const Match&) {
  c.interface().mld.require_router_alert = false;
}

Vrrp6GroupConfig& group(ParseContext& c, const Match& m, const char* key = "vrid") {
  uint8_t vrid = static_cast<uint8_t>(m.integer(key));
  auto [it, added] = c.interface().vrrp6.try_emplace(vrid);
  if (added) {
    it->second.vrid = vrid;
    it->second.pos = c.pos(m.col(key));
  }
  return it->second;
}

void h_vrrp_vip(ParseContext& c, const Match& m) {
  Vrrp6GroupConfig& g = group(c, m);
  const Value* v = m.get("address");
  bool ll = m.has_keyword("link-local");
  if (v->ipv6.is_multicast() || v->ipv6.is_unspecified()) {
    c.error(v->col, "virtual-ip '" + v->text + "' is not a unicast address");
    return;
  }
  if (ll && !v->ipv6.is_link_local_unicast()) {
    c.error(v->col, "virtual-ip '" + v->text + "' marked link-local is not in fe80::/10");
    return;
  }
  if (!ll && v->ipv6.is_link_local_unicast()) {
    c.error(v->col, "link-local virtual-ip '" + v->text + "' needs the `link-local` keyword");
    return;
  }
  for (const auto& vip : g.virtual_ips) {
    if (vip.address == v->ipv6) {
      c.error(v->col,
              "virtual-ip " + v->text + " already configured in VRID " + std::to_string(g.vrid));
      return;
    }
    if (ll && vip.link_local) {
      c.error(v->col, "VRID " + std::to_string(g.vrid) + " already has a link-local virtual-ip");
      return;
    }
  }
  g.virtual_ips.push_back(VirtualIp{v->ipv6, ll, c.pos(v->col)});
}
void h_vrrp_priority(ParseContext& c, const Match& m) {
  group(c, m).priority = static_cast<uint8_t>(m.integer("priority"));
}
void h_vrrp_advertise(ParseContext& c, const Match& m) {
  group(c, m).advertise_cs = static_cast<uint16_t>(m.integer("centiseconds"));
}
void h_vrrp_preempt(ParseContext& c, const Match& m) {
  group(c, m).preempt_delay_s = static_cast<uint16_t>(m.integer("seconds"));
}
void h_vrrp_track_bfd(ParseContext& c, const Match& m) {
  Vrrp6GroupConfig& g = group(c, m);
  VrrpBfdTrack t;
  t.session = static_cast<uint32_t>(m.integer("session"));
  t.pos = c.pos(m.col("session"));
  if (m.has_keyword("increased")) {
    t.mode = BfdTrackMode::increased;
    t.value = static_cast<uint8_t>(m.integer("value"));
  } else if (m.has_keyword("reduced")) {
    t.mode = BfdTrackMode::reduced;
    t.value = static_cast<uint8_t>(m.integer("value"));
  } else if (m.has_keyword("peer")) {
    t.mode = BfdTrackMode::peer;
    t.value = 0;
  } else if (m.has_keyword("link")) {
    t.mode = BfdTrackMode::link;
    t.value = 0;
  }
  for (auto& old : g.bfd_tracks) {
    if (old.session == t.session) {  // re-entering a track replaces it, as on the device
      old = t;
      return;
    }
  }
  g.bfd_tracks.push_back(t);
}
void h_vrrp_track_admin(ParseContext& c, const Match& m) {
  Vrrp6GroupConfig& g = group(c, m, "vrid");
  AdminVrrpTrack t;
  t.interface = NameRef{m.text("interface"), c.pos(m.col("interface"))};
  t.vrid = static_cast<uint8_t>(m.integer("admin_vrid"));
  t.unflowdown = m.has_keyword("unflowdown");
  if (t.interface.name == c.object && t.vrid == g.vrid) {
    c.error(m.col("admin_vrid"), "VRID " + std::to_string(g.vrid) + " cannot track itself");
    return;
  }
  g.track_admin = t;
}
void h_admin_vrrp(ParseContext& c, const Match& m) {
  Vrrp6GroupConfig& g = group(c, m);
  g.admin = true;
  g.ignore_if_down = m.has_keyword("ignore-if-down");
}
void set_mcast_track(ParseContext& c, const Match& m, MulticastTrack t) {
  InterfaceConfig& i = c.interface();
  if (i.multicast_track && !(*i.multicast_track == t)) {
    c.error(c.command_col,
            "interface " + i.name +
                " already has a multicast track binding (one kind of VRRP6 binding per "
                "interface)");
    (void)m;
    return;
  }
  i.multicast_track = t;
}
void h_mcast_track_vrrp(ParseContext& c, const Match& m) {
  MulticastTrack t;
  t.kind = MulticastTrack::Kind::vrrp6;
  t.vrid = static_cast<uint8_t>(m.integer("vrid"));
  t.pos = c.pos(m.col("vrid"));
  set_mcast_track(c, m, t);
}
void h_mcast_track_admin(ParseContext& c, const Match& m) {
  MulticastTrack t;
  t.kind = MulticastTrack::Kind::admin_vrrp6;
  t.interface = NameRef{m.text("interface"), c.pos(m.col("interface"))};
  t.vrid = static_cast<uint8_t>(m.integer("vrid"));
  t.pos = c.pos(m.col("vrid"));
  set_mcast_track(c, m, t);
}
// `pim ipv6 timer|hello-option ...`: the first such line is where the cross-check that
// asks for `pim ipv6 sm` points.
PimInterfaceConfig& pim_knob(ParseContext& c) {
  PimInterfaceConfig& p = c.interface().pim;
  if (p.pos.line == 0) p.pos = c.pos(c.command_col);
  return p;
}
void h_pim_hello(ParseContext& c, const Match& m) {
  pim_knob(c).hello_interval_s = static_cast<uint32_t>(m.integer("seconds"));
}
void h_pim_holdtime(ParseContext& c, const Match& m) {
  pim_knob(c).hello_holdtime_s = static_cast<uint16_t>(m.integer("seconds"));
}
void h_pim_dr_priority(ParseContext& c, const Match& m) {
  pim_knob(c).dr_priority = static_cast<uint32_t>(m.integer("priority"));
}
void h_pim_join_prune(ParseContext& c, const Match& m) {
  pim_knob(c).join_prune_interval_s = static_cast<uint32_t>(m.integer("seconds"));
}
void h_ignore_dr(ParseContext& c, const Match&) {
  c.interface().pim_ignore_dr_state = true;
}
void h_ignore_assert(ParseContext& c, const Match&) {
  c.interface().pim_ignore_assert_state = true;
}
void h_if_rbp(ParseContext& c, const Match& m) {
  InterfaceConfig& i = c.interface();
  NameRef ref{m.text("name"), c.pos(m.col("name"))};
  if (i.rbp && i.rbp->name != ref.name) {
    c.error(m.col("name"), "interface " + i.name + " is already bound to remote-backup-profile " +
                               i.rbp->name + " (one per interface)");
    return;
  }
  i.rbp = ref;
}

const std::vector<CommandSpec> kSpecs = {
    // ---- any view ----
    {View::any, "commit", "accepted; a file is one transaction committed as a whole", h_noop},
    {View::any, "quit", "leave the current view (no-op in the system view)", h_quit},
    {View::any, "return", "go back to the system view", h_quit},
    {View::system, "system-view", "accepted; the file is already in the system view", h_noop},

    // ---- system view ----
    {View::system, "remote-backup-service <name:str:1-32>", "create the RBS and enter its view",
     h_rbs},
    {View::system, "remote-backup-profile <name:str:1-128>", "create the RBP and enter its view",
     h_rbp},
    {View::system, "bfd", "enable BFD globally (enters the bfd view)", h_bfd_enable},
    {View::system,
     "bfd <name:str:1-15> bind peer-ipv6 <peer:ipv6> [vpn-instance <vpn:str:1-31>] "
     "[source-ipv6 <source:ipv6>] track-interface interface <interface:ifname>",
     "static BFD for IPv6 session; enters the session view", h_bfd_session},
    {View::system, "bfd <name:str:1-15>", "enter an existing BFD session's view",
     h_bfd_session_enter},
    {View::system, "multicast ipv6 routing-enable", "enable IPv6 multicast routing",
     h_routing_enable},
    {View::system, "interface <name:ifname>", "enter an interface's view", h_interface},
    {View::system, "metrics listen <address:ipaddr> <port:int:1-65535>",
     "serve Prometheus metrics on ADDR PORT (GET /metrics); repeatable", h_metrics_listen},
    {View::system, "dataplane idle-sleep-us <us:int:0-100000>",
     "sleep this long after a run of empty polls; 0 = busy poll (default)", h_idle_sleep},
    {View::system, "mld global limit groups <count:int:1-16000000>",
     "at most this many group entries on all interfaces together (default 1000000)",
     h_mld_global_groups},
    {View::system, "mld global limit sources <count:int:1-64000000>",
     "at most this many source entries in all groups together (default 4000000)",
     h_mld_global_sources},
    {View::system,
     "ipv6 route-static <prefix:ipv6> <length:int:0-128> {<nexthop:ipv6>|<interface:ifname> "
     "[<nexthop:ipv6>]}",
     "static unicast route (PIM's RPF toward RPs and sources); a global nexthop alone must lie "
     "in an interface's prefix, a link-local one needs the interface",
     h_route_static},
    {View::system, "pim-ipv6", "enter the PIM view (router-wide PIM-SM settings)", h_pim_view},
    {View::system, "mld", "enter the MLD view (SSM range and SSM mapping)", h_mld_view},
    {View::system, "acl ipv6 number <number:int:2000-2999>",
     "create a basic IPv6 ACL (names address sets for MLD policies) and enter its view", h_acl6},

    // ---- acl6 view ----
    {View::acl6, "rule <id:int:0-4294967294> {permit|deny} source <source:prefix6>",
     "permit or deny addresses in the prefix; rules apply in ID order, first match wins, no "
     "match denies",
     h_acl_rule},
    {View::acl6, "rule {permit|deny} source <source:prefix6>",
     "the same with the next free ID (a multiple of 5 above the highest)", h_acl_rule},

    // ---- mld view ----
    {View::mld, "ssm-policy <acl:int:2000-2999>",
     "the SSM range is the groups this ACL permits (default ff3x::/32)", h_ssm_policy},
    {View::mld, "ssm-mapping enable",
     "MLDv1 reports and EXCLUDE({}) joins of mapped SSM groups join the mapped sources",
     h_ssm_mapping_enable},
    {View::mld, "ssm-mapping <groups:prefix6> <source:ipv6>",
     "map the SSM groups in the prefix to a source (several lines: several sources)",
     h_ssm_mapping},

    // ---- PIM view ----
    {View::pim, "static-rp <address:ipv6> [<groups:prefix6>]",
     "the RP of a group range (default ff00::/8); repeatable; longest range wins, then the "
     "highest RP address",
     h_static_rp},
    {View::pim, "embedded-rp", "take the RP from ff7x::/12 group addresses (RFC 3956; default)",
     h_embedded_rp},
    {View::pim, "undo embedded-rp", "ff7x::/12 groups use static-rp like any other group",
     h_undo_embedded_rp},
    {View::pim, "spt-switch-threshold {<kbps:int:0-4294967295>|infinity}",
     "0: join the source tree on the first packet (default); infinity: stay on the RP tree",
     h_spt_threshold},
    {View::pim, "undo spt-switch-threshold", "back to 0: the source tree on the first packet",
     h_undo_spt_threshold},
    {View::pim, "c-bsr [<args:rest>]",
     "refused: tandem is a PIM-SM last-hop router: it is never a BSR", h_refused},
    {View::pim, "c-rp [<args:rest>]",
     "refused: tandem is a PIM-SM last-hop router: it is never an RP", h_refused},
    {View::pim, "anycast-rp [<args:rest>]",
     "refused: tandem is a PIM-SM last-hop router: it is never an RP", h_refused},
    {View::pim, "register-policy [<args:rest>]",
     "refused: tandem is a PIM-SM last-hop router: it is never an RP, so it receives no "
     "Register",
     h_refused},
    {View::pim, "crp-policy [<args:rest>]",
     "refused: tandem is a PIM-SM last-hop router: it is never a BSR, so it receives no "
     "C-RP-Adv",
     h_refused},
    {View::pim, "bsr-policy [<args:rest>]",
     "refused: tandem is a PIM-SM last-hop router: it learns RPs from static-rp and "
     "embedded-rp only, never from a BSR",
     h_refused},
    {View::pim, "bsr-boundary [<args:rest>]",
     "refused: tandem is a PIM-SM last-hop router: it is never a BSR and has no BSR domain",
     h_refused},
    {View::pim, "source-policy [<args:rest>]",
     "refused: tandem is a PIM-SM last-hop router: it filters no multicast data by source",
     h_refused},

    // ---- RBS view ----
    {View::rbs, "peer-ipv6 <peer:ipv6> source-ipv6 <source:ipv6> port <port:int:1024-55535>",
     "TCP parameters of the RBS; the port is the same on both devices", h_rbs_peer},
    {View::rbs, "track bfd-session <session:int:1-16384>",
     "BFD session (by local discriminator) whose Down drops the RBS connection", h_rbs_track},
    {View::rbs, "shutdown", "disable the RBS", h_rbs_shutdown},
    {View::rbs, "undo shutdown", "enable the RBS again", h_rbs_undo_shutdown},
    {View::rbs, "authentication-key <key:word>",
     "(tandem addition) shared key both devices must prove before replicating (HMAC-SHA256 "
     "over fresh nonces); 8-64 printable characters, no spaces",
     h_rbs_auth_key},
    {View::rbs, "undo authentication-key", "replicate without peer authentication (default)",
     h_rbs_undo_auth_key},

    // ---- RBP view ----
    {View::rbp, "backup-id <id:int:1-4095> remote-backup-service <service:str:1-32>",
     "backup ID (equal on both devices, unique per RBP) and the RBS that carries it",
     h_rbp_backup_id},
    {View::rbp, "peer-backup <mode:word>",
     "hot backup: entries built as messages arrive (default); `hot` is the only mode",
     h_rbp_peer_backup},
    {View::rbp, "vrrp6-id <vrid:int:1-255> interface <interface:ifname>",
     "the RBP's role follows this VRRP6 group", h_rbp_vrrp},

    // ---- BFD session view ----
    {View::bfd_session, "discriminator local <value:int:1-16384>", "local discriminator",
     h_discr_local},
    {View::bfd_session, "discriminator remote <value:int:1-4294967295>",
     "remote discriminator (the peer's local one)", h_discr_remote},
    {View::bfd_session, "min-tx-interval <ms:int:3-20000>", "desired min TX, ms (default 10)",
     h_min_tx},
    {View::bfd_session, "min-rx-interval <ms:int:3-20000>", "required min RX, ms (default 10)",
     h_min_rx},
    {View::bfd_session, "detect-multiplier <n:int:3-50>", "detect multiplier (default 3)",
     h_detect_mult},

    // ---- interface view ----
    {View::interface, "device <device:word>",
     "DPDK device of the interface: PCI address (-a) or vdev string (--vdev)", h_device},
    {View::interface, "ipv6 enable", "accepted; IPv6 is always on", h_noop},
    {View::interface, "ipv6 address auto link-local",
     "derive the link-local address from the port MAC (EUI-64)", h_auto_ll},
    {View::interface, "ipv6 address <prefix:prefix6>", "add a global address", h_ipv6_address},
    {View::interface, "multicast ipv6 upstream",
     "static upstream for a flooded LAN: accept multicast data from any source on this "
     "interface without PIM joins",
     h_upstream},
    {View::interface, "pim ipv6 sm",
     "run PIM-SM on the interface: Hellos, DR election, Joins toward RPs and sources (needed by "
     "mld enable and the other pim ipv6 commands)",
     h_pim_sm},
    {View::interface, "pim ipv6 timer hello <seconds:int:1-18000>",
     "PIM Hello interval, s (default 30)", h_pim_hello},
    {View::interface, "pim ipv6 hello-option holdtime <seconds:int:1-65535>",
     "neighbor holdtime sent in Hellos, s (default 3.5 x the Hello interval; 65535 = never "
     "expires); above the Hello interval",
     h_pim_holdtime},
    {View::interface, "pim ipv6 hello-option dr-priority <priority:int:0-4294967295>",
     "DR priority sent in Hellos (default 1; the highest is DR)", h_pim_dr_priority},
    {View::interface, "pim ipv6 timer join-prune <seconds:int:1-18000>",
     "periodic Join/Prune interval, s (default 60; holdtime 3.5 x it)", h_pim_join_prune},
    {View::interface, "pim ipv6 bsr-boundary [<args:rest>]",
     "refused: tandem is a PIM-SM last-hop router: it is never a BSR and has no BSR domain",
     h_refused},
    {View::interface, "mld enable", "run the MLD router on the interface", h_mld_enable},
    {View::interface, "mld version <version:int:1-2>", "MLD version (default 2)", h_mld_version},
    {View::interface, "mld timer query-interval <seconds:int:1-18000>",
     "query interval, s (default 125)", h_mld_qi},
    {View::interface, "mld robust-count <count:int:2-5>", "robustness variable (default 2)",
     h_mld_robust},
    {View::interface, "mld max-response-time <seconds:int:1-125>",
     "query response interval, s (default 10)", h_mld_max_resp},
    {View::interface, "mld lastlistener-queryinterval <seconds:int:1-25>",
     "last listener query interval, s (default 1)", h_mld_llqi},
    {View::interface, "mld lastlistener-querycount <count:int:1-255>",
     "last listener query count (default: the robust count)", h_mld_llqc},
    {View::interface, "mld access-limit <limit:int:1-16384>",
     "at most this many group entries on the interface", h_mld_access_limit},
    {View::interface, "mld static-group <group:ipv6> [source <source:ipv6>]",
     "forward the group (or one source of it) without a listener; never aged, not replicated",
     h_mld_static_group},
    {View::interface, "mld group-policy <acl:int:2000-2999>",
     "ignore reports for groups the ACL does not permit", h_mld_group_policy},
    {View::interface, "mld prompt-leave [group-policy <acl:int:2000-2999>]",
     "a Done / TO_IN({}) removes the group at once (for the groups the ACL permits)",
     h_mld_prompt_leave},
    {View::interface, "mld require-router-alert",
     "ignore MLD messages without the hop-by-hop Router Alert (default)", h_mld_require_ra},
    {View::interface, "undo mld require-router-alert",
     "accept MLD messages without the Router Alert", h_mld_undo_require_ra},
    {View::interface, "vrrp6 vrid <vrid:int:1-255> virtual-ip <address:ipv6> [link-local]",
     "VRRP6 group and a virtual address; the first one is link-local", h_vrrp_vip},
    {View::interface, "vrrp6 vrid <vrid:int:1-255> priority <priority:int:1-254>",
     "configured priority (default 100)", h_vrrp_priority},
    {View::interface, "vrrp6 vrid <vrid:int:1-255> timer advertise <centiseconds:int:100-4095>",
     "advertisement interval, cs (default 100)", h_vrrp_advertise},
    {View::interface, "vrrp6 vrid <vrid:int:1-255> preempt-mode timer delay <seconds:int:0-3600>",
     "preemption delay, s (default 0)", h_vrrp_preempt},
    {View::interface,
     "vrrp6 vrid <vrid:int:1-255> track bfd-session <session:int:1-16384> "
     "[{increased <value:int:1-255>|reduced <value:int:1-255>|peer|link}]",
     "on BFD Down: priority +/- V (reduced 10 by default), or peer: Master at once, link: "
     "Initialize",
     h_vrrp_track_bfd},
    {View::interface,
     "vrrp6 vrid <vrid:int:1-255> track admin-vrrp6 interface <interface:ifname> vrid "
     "<admin_vrid:int:1-255> [unflowdown]",
     "service group following an mVRRP6: flowdown (no service on the interface while the mVRRP6 is "
     "not Master) unless unflowdown (only the multicast gate follows)",
     h_vrrp_track_admin},
    {View::interface, "admin-vrrp6 vrid <vrid:int:1-255> [ignore-if-down]",
     "make the group an mVRRP6", h_admin_vrrp},
    {View::interface, "multicast ipv6 track vrrp6 vrid <vrid:int:1-255>",
     "forwarding gate follows this interface's VRRP6 group", h_mcast_track_vrrp},
    {View::interface,
     "multicast ipv6 track admin-vrrp6 interface <interface:ifname> vrid <vrid:int:1-255>",
     "forwarding gate follows an mVRRP6 group", h_mcast_track_admin},
    {View::interface, "pim ipv6 ignore dr-state",
     "forward to the interface's MLD listeners whether or not tandem is the PIM DR on it (the "
     "VRRP6 gate decides)",
     h_ignore_dr},
    {View::interface, "pim ipv6 ignore assert-state",
     "keep forwarding on the interface after a lost PIM Assert (the VRRP6 gate decides)",
     h_ignore_assert},
    {View::interface, "remote-backup-profile <name:str:1-128>",
     "bind the RBP to the interface (one per interface)", h_if_rbp},
};

}  // namespace

const char* bfd_track_mode_name(BfdTrackMode m) {
  switch (m) {
    case BfdTrackMode::reduced: return "reduced";
    case BfdTrackMode::increased: return "increased";
    case BfdTrackMode::peer: return "peer";
    case BfdTrackMode::link: return "link";
  }
  return "?";
}

bool is_refusal(const CommandSpec& s) {
  return std::string_view(s.meaning).substr(0, kRefusedMeaning.size()) == kRefusedMeaning;
}

const std::vector<CommandSpec>& command_specs() {
  return kSpecs;
}

const std::vector<CompiledCommand>& compiled_commands() {
  static const std::vector<CompiledCommand> compiled = [] {
    std::vector<CompiledCommand> out;
    for (const auto& s : kSpecs) out.push_back(CompiledCommand{&s, compile_pattern(s.syntax)});
    return out;
  }();
  return compiled;
}

}  // namespace tandem::config
