// Linux "cooked" captures (`tcpdump -i any`, dumpcap on the any device) carry a pseudo
// header instead of the Ethernet header: LINKTYPE_LINUX_SLL (16 bytes) or LINKTYPE_LINUX_SLL2
// (20 bytes), https://www.tcpdump.org/linktypes/LINKTYPE_LINUX_SLL.html and ..._SLL2.html.
// The decoder reads Ethernet frames, so each record is rewritten as one: the pseudo header's
// protocol becomes the EtherType, its link-layer address the source MAC, and the destination
// MAC is rebuilt where the packet determines it (IPv6 multicast: RFC 2464 §7; broadcast).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "control/wire/pcap_file.h"

namespace tandem::wire {

// The Ethernet frame for one record of a cooked capture of `linktype` (SLL or SLL2). A record
// shorter than its pseudo header gives an empty frame, which the decoder drops as truncated.
std::vector<uint8_t> cooked_to_ethernet(uint32_t linktype, std::span<const uint8_t> record);

// Leaves an Ethernet capture as it is and rewrites every record of an SLL or SLL2 capture as
// an Ethernet frame (linktype becomes Ethernet). Any other link type: false and `error` says
// which.
bool convert_to_ethernet(PcapFile& file, std::string& error);

}  // namespace tandem::wire
