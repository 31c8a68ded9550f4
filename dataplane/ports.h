// Port bring-up (l3fwd_poll_resource_setup's habits): a static default config trimmed to
// what rte_eth_dev_info_get reports, with a log line for every trim; RSS where the PMD has
// it; all-multicast on; failures name the port and the call.
#pragma once

#include <rte_mempool.h>

#include <cstdint>
#include <string>

#include "control/common/log.h"
#include "control/wire/address.h"

namespace tandem::dataplane {

struct PortRequest {
  uint16_t dpdk_port = 0;
  std::string name;        // for messages: "port 1 (net_pcap0,...)"
  uint16_t rx_queues = 1;  // one per worker
  uint16_t tx_queues = 2;  // one per worker + one for the control core
  uint16_t rx_descriptors = 1024;
  uint16_t tx_descriptors = 1024;
  rte_mempool* pool = nullptr;
};

struct PortSetup {
  bool ok = false;
  std::string error;
  uint16_t rx_queues = 0;  // granted (may be fewer than asked)
  uint16_t tx_queues = 0;
  wire::MacAddress mac;
};

PortSetup setup_port(const PortRequest& req, const LogSink& log);
void stop_port(uint16_t dpdk_port);

}  // namespace tandem::dataplane
