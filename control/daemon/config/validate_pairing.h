// Cross-checks that tie a remote-backup-profile to the forwarding gate of the interface that
// carries it: the RBP's role and the gate must follow the same VRRP6 election, or the
// master's RBP would replicate entries for an interface the backup forwards on (or neither).
#pragma once

#include <string>
#include <vector>

#include "control/daemon/config/errors.h"
#include "control/daemon/config/model.h"

namespace tandem::config {

void validate_pairing(const Config& config, const std::string& file,
                      std::vector<ConfigError>& errors);

}  // namespace tandem::config
