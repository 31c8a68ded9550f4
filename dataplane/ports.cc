#include "dataplane/ports.h"

#include <rte_ethdev.h>

#include <algorithm>

namespace tandem::dataplane {

namespace {
PortSetup fail(const PortRequest& req, const char* call, int rc) {
  PortSetup s;
  s.error = format_string("%s: %s: %s", req.name.c_str(), call, rte_strerror(-rc));
  return s;
}
}  // namespace

PortSetup setup_port(const PortRequest& req, const LogSink& log) {
  const uint16_t port = req.dpdk_port;
  rte_eth_dev_info info{};
  int rc = rte_eth_dev_info_get(port, &info);
  if (rc != 0) return fail(req, "rte_eth_dev_info_get", rc);

  PortSetup s;
  s.rx_queues = std::min<uint16_t>(req.rx_queues, info.max_rx_queues);
  s.tx_queues = std::min<uint16_t>(req.tx_queues, info.max_tx_queues);
  if (s.rx_queues != req.rx_queues || s.tx_queues != req.tx_queues) {
    log(LogLevel::notice, "dataplane",
        format_string("%s: driver %s allows %u RX / %u TX queues; asked %u / %u, using %u / %u",
                      req.name.c_str(), info.driver_name, info.max_rx_queues, info.max_tx_queues,
                      req.rx_queues, req.tx_queues, s.rx_queues, s.tx_queues));
  }
  if (s.rx_queues == 0 && s.tx_queues == 0) {
    s.error = req.name + ": driver offers no RX or TX queue";
    return s;
  }

  rte_eth_conf conf{};
  conf.rxmode.mq_mode = RTE_ETH_MQ_RX_NONE;
  if (s.rx_queues > 1) {
    // Spread flows over the workers' queues; the IPv6 hash keeps one (S,G) on one worker
    // so its frames stay in order.
    uint64_t want = RTE_ETH_RSS_IPV6 | RTE_ETH_RSS_NONFRAG_IPV6_UDP;
    uint64_t have = want & info.flow_type_rss_offloads;
    if (have != 0) {
      conf.rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
      conf.rx_adv_conf.rss_conf.rss_hf = have;
    }
    if (have != want) {
      log(LogLevel::notice, "dataplane",
          format_string("%s: RSS hash functions 0x%llx of 0x%llx supported%s", req.name.c_str(),
                        static_cast<unsigned long long>(have),
                        static_cast<unsigned long long>(want),
                        have == 0 ? "; RX queues beyond the first may stay idle" : ""));
    }
  }
  // Clones go out as two-segment frames.
  if (info.tx_offload_capa & RTE_ETH_TX_OFFLOAD_MULTI_SEGS) {
    conf.txmode.offloads |= RTE_ETH_TX_OFFLOAD_MULTI_SEGS;
  }

  rc = rte_eth_dev_configure(port, s.rx_queues, s.tx_queues, &conf);
  if (rc != 0) return fail(req, "rte_eth_dev_configure", rc);
  uint16_t nb_rxd = req.rx_descriptors;
  uint16_t nb_txd = req.tx_descriptors;
  rc = rte_eth_dev_adjust_nb_rx_tx_desc(port, &nb_rxd, &nb_txd);
  if (rc != 0) return fail(req, "rte_eth_dev_adjust_nb_rx_tx_desc", rc);
  if (nb_rxd != req.rx_descriptors || nb_txd != req.tx_descriptors) {
    log(LogLevel::notice, "dataplane",
        format_string("%s: descriptors adjusted to %u RX / %u TX", req.name.c_str(), nb_rxd,
                      nb_txd));
  }
  const int socket = rte_eth_dev_socket_id(port);
  const unsigned sock = socket < 0 ? 0 : static_cast<unsigned>(socket);
  for (uint16_t q = 0; q < s.rx_queues; ++q) {
    rte_eth_rxconf rxq = info.default_rxconf;
    rc = rte_eth_rx_queue_setup(port, q, nb_rxd, sock, &rxq, req.pool);
    if (rc != 0) return fail(req, "rte_eth_rx_queue_setup", rc);
  }
  for (uint16_t q = 0; q < s.tx_queues; ++q) {
    rte_eth_txconf txq = info.default_txconf;
    txq.offloads = conf.txmode.offloads;
    rc = rte_eth_tx_queue_setup(port, q, nb_txd, sock, &txq);
    if (rc != 0) return fail(req, "rte_eth_tx_queue_setup", rc);
  }
  rte_ether_addr mac{};
  if (rte_eth_macaddr_get(port, &mac) == 0) s.mac = wire::MacAddress::from_bytes(mac.addr_bytes);

  rc = rte_eth_dev_start(port);
  if (rc != 0) return fail(req, "rte_eth_dev_start", rc);
  // MLD and data arrive on multicast MACs we cannot enumerate in advance (RFC 2464 §7).
  rc = rte_eth_allmulticast_enable(port);
  if (rc != 0 && rc != -ENOTSUP) {
    log(LogLevel::warning, "dataplane",
        format_string("%s: all-multicast: %s", req.name.c_str(), rte_strerror(-rc)));
  }
  s.ok = true;
  return s;
}

void stop_port(uint16_t dpdk_port) {
  rte_eth_dev_stop(dpdk_port);
  rte_eth_dev_close(dpdk_port);
}

}  // namespace tandem::dataplane
