// What changed between two configs, so a reload applies only the difference: a BFD session
// that did not change keeps running, a VRRP6 group whose priority changed is updated in
// place, and so on. Changes that need new DPDK ports (an interface or device added, removed
// or changed) cannot be applied live and are listed in `restart_required`.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "control/daemon/config/model.h"

namespace tandem::config {

struct NameChanges {
  std::vector<std::string> added, removed, changed;
  bool empty() const { return added.empty() && removed.empty() && changed.empty(); }
};

struct InterfaceChange {
  std::string name;
  bool addresses = false;  // ipv6 address lines, auto link-local
  bool upstream = false;   // multicast ipv6 upstream
  bool mld = false;        // pim ipv6 sm (MLD runs only with it), mld enable, mld knobs
  bool gate = false;       // multicast ipv6 track ..., pim ignore ...
  // The interface's PIM-SM settings: pim ipv6 sm, pim ipv6 timer hello|join-prune,
  // hello-option holdtime|dr-priority, pim ipv6 ignore dr-state|assert-state. Applied to the
  // PIM engine in place (no restart). PIM also reads `addresses` (connected prefixes for
  // RPF, the Hello Address List): a change there is flagged by `addresses`, not here.
  bool pim = false;
  bool rbp = false;  // remote-backup-profile binding
  std::vector<uint8_t> vrrp_added, vrrp_removed, vrrp_changed;
};

struct ConfigDiff {
  bool multicast_routing = false;
  bool bfd_global = false;
  NameChanges rbs, rbp, bfd_sessions;
  std::vector<InterfaceChange> interfaces;  // interfaces present in both with changes
  bool metrics = false;
  bool dataplane = false;
  bool mld_global = false;  // mld global limit groups|sources
  // `acl ipv6 number` views or the `mld` view (ssm-policy, ssm-mapping): the MLD engine's
  // policy is replaced in place, and records it now forbids are removed (no restart).
  bool mld_policy = false;
  // The `pim-ipv6` view: static-rp lines, embedded-rp, spt-switch-threshold. Applied to the
  // PIM engine in place (RP mapping and SPT policy re-evaluated; no restart).
  bool pim = false;
  // The `ipv6 route-static` lines: PIM's RPF table is rebuilt from them and the
  // interfaces' prefixes (no restart).
  bool static_routes = false;
  std::vector<std::string> restart_required;  // reasons, one per change

  bool empty() const;
  // One line per change, for the reload log and `tandemctl commit`.
  std::vector<std::string> describe() const;
};

ConfigDiff diff_configs(const Config& before, const Config& after);

}  // namespace tandem::config
