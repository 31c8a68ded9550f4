// Text the peer sent (an Error frame's text) made safe for a log line: at most
// kPeerTextMaxBytes, every byte outside printable ASCII written as \xNN (so no terminal escape,
// newline or invalid UTF-8 from the peer reaches the log), a cut marked with "...".
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace tandem::replication {

inline constexpr size_t kPeerTextMaxBytes = 256;

std::string escaped_peer_text(std::string_view text, size_t max_bytes = kPeerTextMaxBytes);

}  // namespace tandem::replication
