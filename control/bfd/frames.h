// The Ethernet frame for one BFD control packet (RFC 5881 §4, §5: UDP to 3784 from the
// session's fixed port, hop limit 255). The destination MAC comes from nd::NeighborCache;
// without one the packet is not sent (never to a broadcast MAC).
#pragma once

#include <cstdint>
#include <vector>

#include "control/bfd/events.h"
#include "control/wire/frame.h"

namespace tandem::bfd {

inline std::vector<uint8_t> packet_frame(const TxPacket& p, const wire::MacAddress& src_mac,
                                         const wire::MacAddress& dst_mac) {
  return wire::build_bfd_frame(src_mac, dst_mac, p.src, p.dst, p.src_port, p.control);
}

}  // namespace tandem::bfd
