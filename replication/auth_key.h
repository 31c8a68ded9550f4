// Rules for `authentication-key KEY` in the remote-backup-service view (a tandem addition).
// Header-only so the config parser checks a key without linking the crypto in auth.cc.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace tandem::replication {

// 8..64 printable ASCII characters, no whitespace (the config line splits on it), not
// starting with '#' (that starts a comment).
inline constexpr size_t kAuthKeyMinChars = 8;
inline constexpr size_t kAuthKeyMaxChars = 64;

// Empty string when `key` is acceptable, else why not. The message never repeats the key.
inline std::string authentication_key_problem(std::string_view key) {
  if (key.size() < kAuthKeyMinChars || key.size() > kAuthKeyMaxChars) {
    return "authentication-key must be " + std::to_string(kAuthKeyMinChars) + " to " +
           std::to_string(kAuthKeyMaxChars) + " characters, this one has " +
           std::to_string(key.size());
  }
  for (char ch : key) {
    const auto u = static_cast<unsigned char>(ch);
    if (u < 0x21 || u > 0x7e) return "authentication-key must be printable ASCII without spaces";
  }
  if (key.front() == '#') return "authentication-key must not start with '#'";
  return {};
}

}  // namespace tandem::replication
