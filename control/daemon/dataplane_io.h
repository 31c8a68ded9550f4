// PacketIo over the DPDK data plane: ifindex N is port N-1 (core/interfaces.h).
#pragma once

#include "control/daemon/core/packet_io.h"
#include "dataplane/dataplane.h"

namespace tandem::daemon {

class DataplaneIo : public PacketIo {
 public:
  explicit DataplaneIo(dataplane::Dataplane& dp) : dp_(dp) {}
  bool send(uint32_t ifindex, std::span<const uint8_t> frame) override {
    if (ifindex == 0 || ifindex > dp_.port_count()) return false;
    return dp_.inject(static_cast<dataplane::PortIndex>(ifindex - 1), frame);
  }
  dataplane::FibWriter& fib() override { return dp_.fib(); }
  void set_virtual_mac(uint32_t ifindex, const wire::MacAddress& mac, bool add) override {
    if (ifindex == 0 || ifindex > dp_.port_count()) return;
    dp_.set_extra_mac(static_cast<dataplane::PortIndex>(ifindex - 1), mac, add);
  }

 private:
  dataplane::Dataplane& dp_;
};

}  // namespace tandem::daemon
