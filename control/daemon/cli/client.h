// tandemctl's side of the CLI socket: one blocking request with a timeout.
#pragma once

#include <optional>
#include <string>

#include "control/daemon/cli/protocol.h"

namespace tandem::cli {

// Sends `req` to the daemon at `socket_path`. On failure returns nullopt with `error` set,
// e.g. "cannot connect to /run/tandem/tandemd.sock: No such file or directory
// (is tandemd running?)". A `req.file_fd` (commit) goes along with the request's first bytes.
std::optional<WireResponse> send_request(const std::string& socket_path, const WireRequest& req,
                                         int timeout_ms, std::string& error);

}  // namespace tandem::cli
