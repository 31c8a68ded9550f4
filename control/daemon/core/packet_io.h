// What the control core needs from the data plane, as an interface so the whole control path
// (punt → engines → frames out, MLD → FIB) runs in tests without DPDK. tandemd implements it
// over dataplane::Dataplane (dataplane_io.h).
#pragma once

#include <cstdint>
#include <span>

#include "control/wire/address.h"
#include "dataplane/fib_writer.h"

namespace tandem::daemon {

class PacketIo {
 public:
  virtual ~PacketIo() = default;
  // Sends a whole Ethernet frame on the control core's TX queue of `ifindex`'s port.
  virtual bool send(uint32_t ifindex, std::span<const uint8_t> frame) = 0;
  virtual dataplane::FibWriter& fib() = 0;
  // The port of `ifindex` starts (add) or stops accepting frames to a VRRP6 virtual MAC.
  virtual void set_virtual_mac(uint32_t ifindex, const wire::MacAddress& mac, bool add) = 0;
};

}  // namespace tandem::daemon
