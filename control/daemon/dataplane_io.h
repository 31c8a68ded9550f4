// PacketIo over the DPDK data plane: ifindex N is port N-1 (dataplane::IfIndex).
#pragma once

#include "control/daemon/core/packet_io.h"
#include "dataplane/dataplane.h"

namespace tandem::daemon {

class DataplaneIo : public PacketIo {
 public:
  explicit DataplaneIo(dataplane::Dataplane& dp) : dp_(dp) {}
  bool send(uint32_t ifindex, std::span<const uint8_t> frame) override {
    const dataplane::IfIndex i(ifindex);
    if (i.is_none() || ifindex > dp_.port_count()) return false;
    return dp_.inject(i.port(), frame);
  }
  dataplane::FibWriter& fib() override { return dp_.fib(); }
  void set_virtual_mac(uint32_t ifindex, const wire::MacAddress& mac, bool add) override {
    const dataplane::IfIndex i(ifindex);
    if (i.is_none() || ifindex > dp_.port_count()) return;
    dp_.set_extra_mac(i.port(), mac, add);
  }

 private:
  dataplane::Dataplane& dp_;
};

}  // namespace tandem::daemon
