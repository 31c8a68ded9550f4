// A strict JSON syntax check (RFC 8259) for the decode output: `tandemctl decode` promises
// one JSON object a line, so whatever bytes a capture holds, the line must parse.
#pragma once

#include <string_view>

namespace tandem::fuzz {

// True when `text` is exactly one JSON object (no trailing bytes, no raw control characters
// in strings, nesting at most `max_depth`).
bool is_json_object(std::string_view text, int max_depth = 64);

}  // namespace tandem::fuzz
