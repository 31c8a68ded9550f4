// Text (field names of reference/commands.md) and JSON (snake_case of the same names,
// DESIGN.md §6) for every display, each from its snapshot struct.
#pragma once

#include <string>

#include "control/daemon/cli/snapshot.h"

namespace tandem::cli {

// "00:04:19" (HH:MM:SS), "2d03h" past a day, "--" for a negative time.
std::string format_duration_ms(int64_t ms);

std::string render_text(const RbsSnapshot& s, bool verbose);
std::string render_json(const RbsSnapshot& s, bool verbose);
std::string render_text(const RbpSnapshot& s);
std::string render_json(const RbpSnapshot& s);
std::string render_text(const Vrrp6Snapshot& s, bool brief);
std::string render_json(const Vrrp6Snapshot& s);
std::string render_text(const BfdSnapshot& s, bool verbose);
std::string render_json(const BfdSnapshot& s, bool verbose);
std::string render_text(const MldGroupSnapshot& s, bool verbose);
std::string render_json(const MldGroupSnapshot& s);
std::string render_text(const MldInterfaceSnapshot& s);
std::string render_json(const MldInterfaceSnapshot& s);
std::string render_text(const ForwardingSnapshot& s);
std::string render_json(const ForwardingSnapshot& s);

}  // namespace tandem::cli
