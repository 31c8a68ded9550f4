#include "control/daemon/config/validate_pairing.h"

#include <utility>

namespace tandem::config {

namespace {

// A VRRP6 group named by interface and VRID.
struct GroupKey {
  std::string interface;
  uint8_t vrid = 0;
  bool operator==(const GroupKey&) const = default;
  std::string to_string() const { return "VRID " + std::to_string(vrid) + " on " + interface; }
};

// The group whose election decides `k`'s state: the mVRRP6 a service group tracks with
// `vrrp6 vrid N track admin-vrrp6 interface IF vrid M` (it takes that state, flowdown), else
// the group itself. Missing groups resolve to themselves; validate.cc reports them.
GroupKey electing_group(const Config& cfg, const GroupKey& k) {
  const InterfaceConfig* i = cfg.find_interface(k.interface);
  if (!i) return k;
  auto it = i->vrrp6.find(k.vrid);
  if (it == i->vrrp6.end() || !it->second.track_admin) return k;
  return GroupKey{it->second.track_admin->interface.name, it->second.track_admin->vrid};
}

// The group a `multicast ipv6 track` binding on `i` names.
GroupKey bound_group(const InterfaceConfig& i, const MulticastTrack& t) {
  if (t.kind == MulticastTrack::Kind::admin_vrrp6) return GroupKey{t.interface->name, t.vrid};
  return GroupKey{i.name, t.vrid};
}

}  // namespace

void validate_pairing(const Config& cfg, const std::string& file,
                      std::vector<ConfigError>& errors) {
  auto error = [&](const SourcePos& p, std::string msg) {
    errors.push_back(ConfigError{file, p.line, p.col, std::move(msg)});
  };
  for (const auto& [name, i] : cfg.interfaces) {
    if (!i.rbp) continue;
    if (!i.multicast_track) {
      error(i.rbp->pos, "interface " + name + " binds remote-backup-profile " + i.rbp->name +
                            " but has no `multicast ipv6 track vrrp6 vrid N` or `multicast ipv6 "
                            "track admin-vrrp6 interface IF vrid N` binding: the backup would "
                            "forward too");
      continue;
    }
    auto p = cfg.rbp.find(i.rbp->name);
    if (p == cfg.rbp.end() || !p->second.vrrp6_id || !p->second.vrrp6_interface) continue;
    const GroupKey profile{p->second.vrrp6_interface->name, *p->second.vrrp6_id};
    const GroupKey bound = bound_group(i, *i.multicast_track);
    // Both sides may name a service group or the mVRRP6 it follows: what must agree is the
    // group that actually elects.
    const GroupKey profile_root = electing_group(cfg, profile);
    const GroupKey bound_root = electing_group(cfg, bound);
    if (profile_root == bound_root) continue;
    error(i.multicast_track->pos,
          "the multicast track binding of " + name + " follows " + bound_root.to_string() +
              ", but its remote-backup-profile " + i.rbp->name + " follows " +
              profile_root.to_string() + " (vrrp6-id " + std::to_string(profile.vrid) +
              " interface " + profile.interface +
              "): both must follow the same VRRP6 election, directly or through a service "
              "group that tracks the mVRRP6");
  }
}

}  // namespace tandem::config
