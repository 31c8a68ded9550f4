#include "control/daemon/config/validate.h"

#include <algorithm>
#include <map>
#include <set>

#include "control/daemon/config/validate_pairing.h"

namespace tandem::config {

const InterfaceConfig* Config::find_interface(const std::string& name) const {
  auto it = interfaces.find(name);
  return it == interfaces.end() ? nullptr : &it->second;
}

const BfdSessionConfig* Config::find_bfd_by_local_discriminator(uint32_t d) const {
  for (const auto& [name, s] : bfd_sessions)
    if (s.discriminator_local == d) return &s;
  return nullptr;
}

namespace {

struct Checker {
  const Config& cfg;
  const std::string& file;
  std::vector<ConfigError>& errors;

  void error(const SourcePos& p, std::string msg) {
    errors.push_back(ConfigError{file, p.line, p.col, std::move(msg)});
  }

  const Vrrp6GroupConfig* group(const std::string& ifname, uint8_t vrid) const {
    const InterfaceConfig* i = cfg.find_interface(ifname);
    if (!i) return nullptr;
    auto it = i->vrrp6.find(vrid);
    return it == i->vrrp6.end() ? nullptr : &it->second;
  }

  // tandem refuses a reference to an ACL that is not written (the vendor would permit every
  // group until it is): a typo must not silently open a policy (docs/mld-controls.md).
  void acl_exists(const std::optional<AclRef>& ref, const std::string& who) {
    if (ref && !cfg.acls.count(ref->number))
      error(ref->pos, who + " names acl ipv6 number " + std::to_string(ref->number) +
                          ", which is not configured");
  }

  void mld_policies(const InterfaceConfig& i) {
    acl_exists(i.mld.group_policy, "mld group-policy on " + i.name);
    acl_exists(i.mld.prompt_leave_policy, "mld prompt-leave group-policy on " + i.name);
    if (!i.mld_enable) {
      for (const auto& sg : i.mld.static_groups)
        error(sg.pos, "`mld static-group` on " + i.name + " needs `mld enable` on it");
    }
  }

  void mld_view() { acl_exists(cfg.mld_view.ssm_policy, "ssm-policy"); }

  void bfd_session_exists(uint32_t id, const SourcePos& p, const std::string& who) {
    if (!cfg.find_bfd_by_local_discriminator(id))
      error(p, who + " tracks bfd-session " + std::to_string(id) +
                   ", but no BFD session has `discriminator local " + std::to_string(id) + "`");
  }

  void rbs() {
    for (const auto& [name, r] : cfg.rbs) {
      if (!r.peer_ipv6)
        error(r.pos,
              "remote-backup-service " + name + " has no `peer-ipv6 X source-ipv6 Y port P` line");
      if (r.track_bfd_session)
        bfd_session_exists(*r.track_bfd_session, r.track_pos, "remote-backup-service " + name);
    }
  }

  void rbp() {
    std::map<uint16_t, std::string> ids;
    for (const auto& [name, p] : cfg.rbp) {
      if (!p.backup_id) {
        error(p.pos, "remote-backup-profile " + name +
                         " has no `backup-id ID remote-backup-service S` line");
      } else {
        auto [it, added] = ids.emplace(*p.backup_id, name);
        if (!added)
          error(p.backup_id_pos, "backup-id " + std::to_string(*p.backup_id) +
                                     " is already used by remote-backup-profile " + it->second);
      }
      if (p.service && !cfg.rbs.count(p.service->name))
        error(p.service->pos, "remote-backup-service " + p.service->name + " does not exist");
      if (p.vrrp6_interface) {
        const InterfaceConfig* i = cfg.find_interface(p.vrrp6_interface->name);
        if (!i)
          error(p.vrrp6_interface->pos, "interface " + p.vrrp6_interface->name + " does not exist");
        else if (!group(i->name, *p.vrrp6_id))
          error(p.vrrp6_pos,
                "interface " + i->name + " has no VRRP6 group " + std::to_string(*p.vrrp6_id));
      } else {
        error(p.pos, "remote-backup-profile " + name +
                         " has no `vrrp6-id VRID interface IF` line (its role follows it)");
      }
    }
  }

  void bfd() {
    std::map<uint32_t, std::string> locals;
    for (const auto& [name, s] : cfg.bfd_sessions) {
      if (!cfg.bfd_enable) error(s.pos, "BFD session " + name + " needs `bfd` (global) first");
      if (!cfg.find_interface(s.interface.name))
        error(s.interface.pos, "interface " + s.interface.name + " does not exist");
      if (!s.discriminator_local)
        error(s.pos, "BFD session " + name + " has no `discriminator local N`");
      else {
        auto [it, added] = locals.emplace(*s.discriminator_local, name);
        if (!added)
          error(s.discriminator_local_pos, "discriminator local " +
                                               std::to_string(*s.discriminator_local) +
                                               " is already used by BFD session " + it->second);
      }
      // `discriminator remote` may be omitted: the session learns the peer's (RFC 5880
      // §6.8.6), which a peer with a random discriminator (FRR bfdd) needs.
      if (s.peer_ipv6.is_multicast() || s.peer_ipv6.is_unspecified())
        error(s.pos, "BFD session " + name + ": peer-ipv6 must be a unicast address");
    }
  }

  void interfaces() {
    std::map<std::string, std::string> devices;
    for (const auto& [name, i] : cfg.interfaces) {
      if (i.device.empty())
        error(i.pos, "interface " + name + " has no `device DPDK-DEVICE` line");
      else {
        auto [it, added] = devices.emplace(i.device, name);
        if (!added)
          error(i.device_pos, "device " + i.device + " is already used by interface " + it->second);
      }
      if (i.mld_enable) {
        if (!i.pim_sm)
          error(i.mld_enable_pos, "`mld enable` on " + name + " needs `pim ipv6 sm` on it");
        if (!cfg.multicast_routing_enable)
          error(i.mld_enable_pos,
                "`mld enable` on " + name + " needs `multicast ipv6 routing-enable`");
      }
      if (i.pim.pos.line && !i.pim_sm)
        error(i.pim.pos,
              "`pim ipv6 timer`/`hello-option` on " + name + " need `pim ipv6 sm` on it");
      if (i.pim.hello_holdtime_s && *i.pim.hello_holdtime_s <= i.pim.hello_interval_s)
        error(i.pos, "interface " + name + ": pim ipv6 hello-option holdtime " +
                         std::to_string(*i.pim.hello_holdtime_s) +
                         " must be greater than the Hello interval " +
                         std::to_string(i.pim.hello_interval_s) +
                         " (neighbors would expire between Hellos)");
      if (i.mld.max_response_time_s >= i.mld.query_interval_s)
        error(i.pos, "interface " + name +
                         ": mld max-response-time must be less than the query interval "
                         "(RFC 3810 9.3)");
      mld_policies(i);
      for (const auto& [vrid, g] : i.vrrp6) vrrp_group(i, g);
      if (i.multicast_track) mcast_track(i, *i.multicast_track);
      if (i.rbp && !cfg.rbp.count(i.rbp->name))
        error(i.rbp->pos, "remote-backup-profile " + i.rbp->name + " does not exist");
    }
  }

  // The interface that owns `a` (an `ipv6 address` or a VRRP6 virtual-ip), or null; only
  // `on` when given.
  const InterfaceConfig* owner_of(const wire::Ipv6Address& a,
                                  const std::string* on = nullptr) const {
    for (const auto& [name, i] : cfg.interfaces) {
      if (on && name != *on) continue;
      for (const auto& p : i.addresses)
        if (p.address == a) return &i;
      for (const auto& [vrid, g] : i.vrrp6)
        for (const auto& v : g.virtual_ips)
          if (v.address == a) return &i;
    }
    return nullptr;
  }

  void pim() {
    for (const StaticRpConfig& rp : cfg.pim.static_rps)
      if (const InterfaceConfig* i = owner_of(rp.address))
        error(rp.pos, "static-rp " + rp.address.to_string() + " is an address of interface " +
                          i->name + ": tandem is never an RP");
  }

  void static_routes() {
    for (const StaticRouteConfig& r : cfg.static_routes) {
      if (r.interface && !cfg.find_interface(r.interface->name)) {
        // A mistyped next hop that is not an address is read as an interface name.
        const bool looks_like_address = r.interface->name.find(':') != std::string::npos;
        error(r.interface->pos,
              "interface " + r.interface->name + " does not exist" +
                  (looks_like_address ? " (nor is it a valid IPv6 address)" : ""));
      }
      if (!r.nexthop) continue;
      const std::string nh = r.nexthop->to_string();
      // A link-local address is ours only on its own link: the route's interface (which a
      // link-local next hop always names).
      const bool link_local = r.nexthop->is_link_local_unicast();
      if (const InterfaceConfig* owner =
              owner_of(*r.nexthop, link_local ? &r.interface->name : nullptr)) {
        error(r.nexthop_pos,
              "nexthop " + nh + " is an address of interface " + owner->name + " (this router)");
        continue;
      }
      if (r.interface) continue;  // on that interface's link, whatever its prefixes
      bool connected = false;
      for (const auto& [name, i] : cfg.interfaces)
        for (const auto& p : i.addresses) connected |= p.contains(*r.nexthop);
      if (!connected)
        error(r.nexthop_pos, "nexthop " + nh +
                                 " is in no interface's prefix (`ipv6 address X/LEN`): name the "
                                 "interface or fix the address");
    }
  }

  void vrrp_group(const InterfaceConfig& i, const Vrrp6GroupConfig& g) {
    const std::string who = "VRID " + std::to_string(g.vrid) + " on " + i.name;
    // A service group that follows an mVRRP6 needs no addresses of its own to advertise,
    // but still owns the virtual addresses it answers for.
    if (g.virtual_ips.empty() && !g.admin && !g.track_admin)
      error(g.pos, who + " has no virtual-ip");
    if (!g.virtual_ips.empty() && !g.virtual_ips.front().link_local)
      error(g.virtual_ips.front().pos,
            who + ": the first virtual-ip must be link-local (RFC 5798 7.1)");
    for (const auto& t : g.bfd_tracks) bfd_session_exists(t.session, t.pos, who);
    if (g.track_admin) {
      if (g.admin) error(g.pos, who + " is an mVRRP6 and cannot track another mVRRP6");
      const Vrrp6GroupConfig* a = group(g.track_admin->interface.name, g.track_admin->vrid);
      if (!cfg.find_interface(g.track_admin->interface.name))
        error(g.track_admin->interface.pos,
              "interface " + g.track_admin->interface.name + " does not exist");
      else if (!a)
        error(g.track_admin->interface.pos, "interface " + g.track_admin->interface.name +
                                                " has no VRRP6 group " +
                                                std::to_string(g.track_admin->vrid));
      else if (!a->admin)
        error(g.track_admin->interface.pos, "VRID " + std::to_string(g.track_admin->vrid) + " on " +
                                                g.track_admin->interface.name +
                                                " is not an mVRRP6 (`admin-vrrp6 vrid N`)");
    }
  }

  void mcast_track(const InterfaceConfig& i, const MulticastTrack& t) {
    if (t.kind == MulticastTrack::Kind::vrrp6) {
      auto it = i.vrrp6.find(t.vrid);
      if (it == i.vrrp6.end())
        error(t.pos, "interface " + i.name + " has no VRRP6 group " + std::to_string(t.vrid));
      return;
    }
    const std::string& ifname = t.interface->name;
    const Vrrp6GroupConfig* a = group(ifname, t.vrid);
    if (!cfg.find_interface(ifname))
      error(t.interface->pos, "interface " + ifname + " does not exist");
    else if (!a)
      error(t.pos, "interface " + ifname + " has no VRRP6 group " + std::to_string(t.vrid));
    else if (!a->admin)
      error(t.pos, "VRID " + std::to_string(t.vrid) + " on " + ifname +
                       " is not an mVRRP6 (`admin-vrrp6 vrid N`)");
  }
};

}  // namespace

void validate(const Config& config, const std::string& file, std::vector<ConfigError>& errors) {
  Checker c{config, file, errors};
  c.rbs();
  c.rbp();
  c.bfd();
  c.interfaces();
  c.pim();
  c.mld_view();
  c.static_routes();
  validate_pairing(config, file, errors);
}

}  // namespace tandem::config
