// Text (field names of reference/commands.md) and JSON (snake_case of the same names,
// DESIGN.md §6) for every display, each from its snapshot struct.
#pragma once

#include <string>

#include "control/daemon/cli/json.h"
#include "control/daemon/cli/snapshot.h"

namespace tandem::cli {

// "00:04:19" (HH:MM:SS), "2d03h" past a day, "--" for a negative time.
std::string format_duration_ms(int64_t ms);
void append_duration_ms(std::string& out, int64_t ms);

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
std::string render_text(const PimNeighborSnapshot& s);
std::string render_json(const PimNeighborSnapshot& s);
std::string render_text(const PimInterfaceSnapshot& s, bool verbose);
std::string render_json(const PimInterfaceSnapshot& s, bool verbose);
std::string render_text(const PimRoutingSnapshot& s);
std::string render_json(const PimRoutingSnapshot& s);
std::string render_text(const PimRpSnapshot& s);
std::string render_json(const PimRpSnapshot& s);
// render_drops.cc
std::string render_text(const DropSnapshot& s);
std::string render_json(const DropSnapshot& s);

// The displays that grow with the group and forwarding tables, in pieces: header, one row at
// a time, footer (a chunked producer writes them over several event-loop turns; the
// whole-snapshot functions above are made of the same pieces, so both print the same bytes).
// Text rows: `current_if` carries the interface of the previous row (" ge0:" lines).
void append_mld_group_header_text(std::string& out);
void append_text(std::string& out, const MldGroupRow& g, bool verbose, std::string& current_if);
void append_mld_group_footer_text(std::string& out, size_t total, const std::string& digest);
void begin_mld_group_json(JsonWriter& w);
void write_json(JsonWriter& w, const MldGroupRow& g);
void end_mld_group_json(JsonWriter& w, const std::string& digest);

void append_forwarding_header_text(std::string& out, size_t total, uint64_t generation);
// `number` counts rows from 1 (the "0001(S, G)" line).
void append_text(std::string& out, const ForwardingRow& e, size_t number);
void begin_forwarding_json(JsonWriter& w, uint64_t generation);
void write_json(JsonWriter& w, const ForwardingRow& e);
void end_forwarding_json(JsonWriter& w);

}  // namespace tandem::cli
