// `tandemctl decode FILE.pcap`: one JSON object a line per frame (DESIGN.md §6 contract),
// so any capture can be compared field by field with `tshark -V`.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <span>
#include <string>

#include "control/wire/frame.h"

namespace tandem::wire {

// One line (no newline) for frame number `n` (1-based).
std::string frame_to_json(uint64_t n, const Frame& f);

// Decodes every frame of a capture (pcap or pcapng; Ethernet or Linux cooked, see
// linux_cooked.h) to `out`; errors go to `err`. Returns a process exit code: 0 on success, 1
// when the file cannot be read or has another link type.
int decode_pcap_file(const std::string& path, std::ostream& out, std::ostream& err);

}  // namespace tandem::wire
