#include "control/daemon/config/diff.h"

#include <algorithm>

namespace tandem::config {

namespace {

template <typename Map>
NameChanges diff_maps(const Map& a, const Map& b) {
  NameChanges c;
  for (const auto& [name, v] : a) {
    auto it = b.find(name);
    if (it == b.end())
      c.removed.push_back(name);
    else if (!(it->second == v))
      c.changed.push_back(name);
  }
  for (const auto& [name, v] : b)
    if (!a.count(name)) c.added.push_back(name);
  return c;
}

// The order of static-rp and route-static lines means nothing (tie rules do not use it).
template <typename T>
bool same_elements(const std::vector<T>& a, const std::vector<T>& b) {
  return a.size() == b.size() && std::is_permutation(a.begin(), a.end(), b.begin());
}

std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
  return s;
}

void describe_names(std::vector<std::string>& out, const char* what, const NameChanges& c) {
  if (!c.added.empty()) out.push_back(std::string(what) + " added: " + join(c.added));
  if (!c.removed.empty()) out.push_back(std::string(what) + " removed: " + join(c.removed));
  if (!c.changed.empty()) out.push_back(std::string(what) + " changed: " + join(c.changed));
}

std::string vrids(const std::vector<uint8_t>& v) {
  std::string s;
  for (auto x : v) s += (s.empty() ? "" : ", ") + std::to_string(x);
  return s;
}

}  // namespace

bool ConfigDiff::empty() const {
  return !multicast_routing && !bfd_global && rbs.empty() && rbp.empty() && bfd_sessions.empty() &&
         interfaces.empty() && !metrics && !dataplane && !mld_global && !mld_policy && !pim &&
         !static_routes && restart_required.empty();
}

std::vector<std::string> ConfigDiff::describe() const {
  std::vector<std::string> out;
  if (multicast_routing) out.push_back("multicast ipv6 routing-enable changed");
  if (bfd_global) out.push_back("bfd (global) changed");
  describe_names(out, "remote-backup-service", rbs);
  describe_names(out, "remote-backup-profile", rbp);
  describe_names(out, "bfd session", bfd_sessions);
  for (const auto& i : interfaces) {
    std::string parts;
    auto add = [&](bool b, const char* what) {
      if (b) parts += (parts.empty() ? "" : ", ") + std::string(what);
    };
    add(i.addresses, "addresses");
    add(i.upstream, "upstream");
    add(i.mld, "mld");
    add(i.gate, "multicast track");
    add(i.pim, "pim");
    add(i.rbp, "remote-backup-profile");
    if (!i.vrrp_added.empty())
      parts += (parts.empty() ? "" : ", ") + ("vrrp6 added " + vrids(i.vrrp_added));
    if (!i.vrrp_removed.empty())
      parts += (parts.empty() ? "" : ", ") + ("vrrp6 removed " + vrids(i.vrrp_removed));
    if (!i.vrrp_changed.empty())
      parts += (parts.empty() ? "" : ", ") + ("vrrp6 changed " + vrids(i.vrrp_changed));
    out.push_back("interface " + i.name + " changed: " + parts);
  }
  if (metrics) out.push_back("metrics listen changed");
  if (dataplane) out.push_back("dataplane settings changed");
  if (mld_global) out.push_back("mld global limit changed");
  if (mld_policy) out.push_back("acl ipv6 / mld view changed");
  if (pim) out.push_back("pim-ipv6 changed");
  if (static_routes) out.push_back("ipv6 route-static changed");
  for (const auto& r : restart_required) out.push_back("needs a restart: " + r);
  return out;
}

ConfigDiff diff_configs(const Config& a, const Config& b) {
  ConfigDiff d;
  d.multicast_routing = a.multicast_routing_enable != b.multicast_routing_enable;
  d.bfd_global = a.bfd_enable != b.bfd_enable;
  d.rbs = diff_maps(a.rbs, b.rbs);
  d.rbp = diff_maps(a.rbp, b.rbp);
  d.bfd_sessions = diff_maps(a.bfd_sessions, b.bfd_sessions);
  d.metrics = a.metrics != b.metrics;
  d.dataplane = !(a.dataplane == b.dataplane);
  d.mld_global = !(a.mld == b.mld);
  d.mld_policy = a.acls != b.acls || !(a.mld_view == b.mld_view);
  d.pim = !same_elements(a.pim.static_rps, b.pim.static_rps) ||
          a.pim.embedded_rp != b.pim.embedded_rp ||
          a.pim.spt_switch_infinity != b.pim.spt_switch_infinity;
  d.static_routes = !same_elements(a.static_routes, b.static_routes);

  for (const auto& [name, ia] : a.interfaces) {
    auto it = b.interfaces.find(name);
    if (it == b.interfaces.end()) {
      d.restart_required.push_back("interface " + name + " removed");
      continue;
    }
    const InterfaceConfig& ib = it->second;
    if (ia == ib) continue;
    if (ia.device != ib.device)
      d.restart_required.push_back("interface " + name + " device " + ia.device + " -> " +
                                   ib.device);
    InterfaceChange c;
    c.name = name;
    c.addresses = ia.addresses != ib.addresses || ia.auto_link_local != ib.auto_link_local;
    c.upstream = ia.multicast_upstream != ib.multicast_upstream;
    c.mld = ia.pim_sm != ib.pim_sm || ia.mld_enable != ib.mld_enable || !(ia.mld == ib.mld);
    c.gate = ia.multicast_track != ib.multicast_track ||
             ia.pim_ignore_dr_state != ib.pim_ignore_dr_state ||
             ia.pim_ignore_assert_state != ib.pim_ignore_assert_state;
    c.pim = ia.pim_sm != ib.pim_sm || !(ia.pim == ib.pim) ||
            ia.pim_ignore_dr_state != ib.pim_ignore_dr_state ||
            ia.pim_ignore_assert_state != ib.pim_ignore_assert_state;
    c.rbp = ia.rbp != ib.rbp;
    for (const auto& [vrid, g] : ia.vrrp6) {
      auto git = ib.vrrp6.find(vrid);
      if (git == ib.vrrp6.end())
        c.vrrp_removed.push_back(vrid);
      else if (!(git->second == g))
        c.vrrp_changed.push_back(vrid);
    }
    for (const auto& [vrid, g] : ib.vrrp6)
      if (!ia.vrrp6.count(vrid)) c.vrrp_added.push_back(vrid);
    if (c.addresses || c.upstream || c.mld || c.gate || c.pim || c.rbp || !c.vrrp_added.empty() ||
        !c.vrrp_removed.empty() || !c.vrrp_changed.empty())
      d.interfaces.push_back(std::move(c));
  }
  for (const auto& [name, ib] : b.interfaces)
    if (!a.interfaces.count(name)) d.restart_required.push_back("interface " + name + " added");
  return d;
}

}  // namespace tandem::config
