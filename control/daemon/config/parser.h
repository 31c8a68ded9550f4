// Reads a whole config file as one transaction: every line is matched against the command
// table (command_table.h), then the cross-checks (validate.h) run on the result, so a name
// may be used before the view that declares it. All errors are collected; a result with
// errors must not be applied.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "control/daemon/config/errors.h"
#include "control/daemon/config/model.h"

namespace tandem::config {

struct ParseResult {
  Config config;
  std::vector<ConfigError> errors;  // sorted by line, then column
  bool ok() const { return errors.empty(); }
};

ParseResult parse_config(std::string_view text, const std::string& file_name);
// Line syntax and per-line checks only, without the whole-file cross-checks.
ParseResult parse_lines(std::string_view text, const std::string& file_name);
// Reads `path`; an unreadable file is one error at line 0.
ParseResult load_config_file(const std::string& path);

}  // namespace tandem::config
