// A config error points at the token that caused it: FILE:LINE:COL: message.
#pragma once

#include <string>
#include <vector>

namespace tandem::config {

struct ConfigError {
  std::string file;
  int line = 0;
  int col = 0;
  std::string message;

  std::string to_string() const {
    return file + ":" + std::to_string(line) + ":" + std::to_string(col) + ": " + message;
  }
};

// Errors sorted by position, one per line of text.
std::string format_errors(std::vector<ConfigError> errors);

}  // namespace tandem::config
