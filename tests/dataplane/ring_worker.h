// One worker (WorkerConf, worker.h) on ports made of rte_rings, driven one burst at a time
// from the test's own thread: a burst goes onto one port's RX ring exactly as given, one
// worker_iteration() takes it in one rte_eth_rx_burst, the TX buffers are flushed, and what
// each port's TX ring and the punt queue got is handed back. Unlike the net_pcap lab
// (vdev_lab.h), the test chooses every burst's size and content, the clone threshold, and
// each frame's headroom. EAL runs without hugepages, PCI or shared files; one per process.
#pragma once

#include <rte_mbuf.h>
#include <rte_mempool.h>
#include <rte_ring.h>

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "dataplane/fib.h"
#include "dataplane/worker.h"

namespace tandem::dataplane::test {

using Bytes = std::vector<uint8_t>;

struct RxFrame {
  Bytes bytes;
  uint16_t headroom = RTE_PKTMBUF_HEADROOM;  // where the frame starts in its buffer
};

struct BurstOutput {
  std::vector<std::vector<Bytes>> sent;             // per port, in the order the port sent them
  std::vector<std::pair<PuntClass, Bytes>> punted;  // in queue order
};

class RingWorker {
 public:
  // Starts EAL under `file_prefix` and `ports` ring ports; null (and *error) on failure.
  static std::unique_ptr<RingWorker> create(PortIndex ports, const std::string& file_prefix,
                                            std::string* error);
  ~RingWorker();
  RingWorker(const RingWorker&) = delete;
  RingWorker& operator=(const RingWorker&) = delete;

  Fib& fib() { return *fib_; }
  WorkerConf& conf() { return *conf_; }
  const LcoreCounters& counters() const { return counters_; }

  // One burst (at most kBurst frames) received on port `in`, through one worker iteration.
  BurstOutput run_burst(PortIndex in, const std::vector<RxFrame>& frames);
  // True when every pool holds as many free mbufs as before the first burst: no replica,
  // punt or dropped frame was leaked or freed twice.
  bool pools_whole() const;

 private:
  RingWorker() = default;
  bool start(PortIndex ports, const std::string& file_prefix, std::string* error);

  bool eal_up_ = false;
  std::vector<rte_ring*> rx_rings_, tx_rings_;
  std::vector<uint16_t> dpdk_ports_;
  rte_mempool* pool_ = nullptr;
  rte_mempool* header_pool_ = nullptr;
  rte_mempool* clone_pool_ = nullptr;
  unsigned pool_free_ = 0, header_free_ = 0, clone_free_ = 0;
  std::unique_ptr<Fib> fib_;
  std::unique_ptr<PuntQueue> punt_;
  LcoreCounters counters_;
  std::unique_ptr<WorkerConf> conf_;
};

}  // namespace tandem::dataplane::test
