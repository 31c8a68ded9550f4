// The config model turned into each engine's own config struct: the only place where the
// VRP keywords meet the engines' RFC-named fields (units convert here, once).
#pragma once

#include <string>
#include <vector>

#include "control/bfd/config.h"
#include "control/daemon/config/model.h"
#include "control/daemon/core/interfaces.h"
#include "control/mld/config.h"
#include "control/mld/policy.h"
#include "control/pim/config.h"
#include "control/vrrp6/config.h"

namespace tandem::daemon {

mld::InterfaceConfig to_mld_config(const config::MldInterfaceConfig& c);
mld::GlobalLimits to_mld_limits(const config::MldGlobalConfig& c);
// ACLs and the `mld` view (ssm-policy, ssm-mapping).
mld::Policy to_mld_policy(const config::Config& c);

vrrp6::InstanceConfig to_vrrp_config(const config::InterfaceConfig& itf,
                                     const config::Vrrp6GroupConfig& g,
                                     const InterfaceMap& interfaces);

// The BFD session's local address: source-ipv6 if given, else our link-local for a
// link-local peer, else the interface's first global address (or the link-local).
bfd::SessionConfig to_bfd_config(const config::BfdSessionConfig& s, const InterfaceMap& interfaces);

// PIM: every interface (its addresses are connected prefixes for RPF; those with `pim ipv6
// sm` run PIM), and the pim-ipv6 view with the static routes. Times convert here.
std::vector<pim::InterfaceConfig> to_pim_interfaces(const config::Config& cfg,
                                                    const InterfaceMap& interfaces);
pim::GlobalConfig to_pim_global(const config::Config& cfg, const InterfaceMap& interfaces);

}  // namespace tandem::daemon
