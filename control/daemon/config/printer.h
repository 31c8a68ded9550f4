// The configuration model printed back in the input syntax, VRP style (`display
// current-configuration`): one block per view, lines of a view indented by one space, `#`
// between blocks, `quit` closing each view (an interface view would otherwise read a
// following `remote-backup-profile NAME` as its own binding) and `return` at the end.
// Printing then parsing gives the same model, except the RBS authentication key: a secret is
// never displayed, so its line is left out.
#pragma once

#include <string>
#include <vector>

#include "control/daemon/config/model.h"

namespace tandem::config {

// One string per line, without newlines.
std::vector<std::string> print_config_lines(const Config& config);
// The same lines joined, each ended by "\n".
std::string print_config(const Config& config);

}  // namespace tandem::config
