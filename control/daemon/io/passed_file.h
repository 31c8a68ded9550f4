// Reading a file a client passed as a descriptor (tandemctl commit): the client opened it
// with its own rights, so the daemon reads exactly what the caller could read.
#pragma once

#include <optional>
#include <string>

namespace tandem::daemon {

// A config is a few hundred kilobytes at most; more is refused rather than read into memory.
inline constexpr size_t kMaxPassedFileBytes = 16 * 1024 * 1024;

// The whole content of `fd` from its start, if it is a regular file of at most
// kMaxPassedFileBytes; otherwise nullopt with `error` set. Blocking reads of a regular file,
// like any config load on the control loop. Does not close `fd`.
std::optional<std::string> read_passed_file(int fd, std::string& error);

}  // namespace tandem::daemon
