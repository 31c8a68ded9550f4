// Cross-checks over a whole parsed file: references resolve, required companions exist,
// uniqueness holds. Runs after the last line so declaration order does not matter.
#pragma once

#include <string>
#include <vector>

#include "control/daemon/config/errors.h"
#include "control/daemon/config/model.h"

namespace tandem::config {

void validate(const Config& config, const std::string& file, std::vector<ConfigError>& errors);

}  // namespace tandem::config
