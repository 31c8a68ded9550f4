// The worker: l3fwd's one fixed loop shape. Per iteration: receive one burst per RX queue and
// hand it to process_burst() (classify, punt, lookup, forward: one function per step, VPP's
// node per step), flush TX buffers older than the drain interval, report a quiescent state
// to the FIB's RCU. The per-lcore config below is built by the control core
// before launch and is the only thing a worker touches besides the FIB.
#pragma once

#include <rte_mbuf.h>
#include <rte_mempool.h>

#include <atomic>
#include <cstdint>

#include "dataplane/counters.h"
#include "dataplane/fib.h"
#include "dataplane/punt.h"
#include "dataplane/replicate.h"
#include "dataplane/types.h"

namespace tandem::dataplane {

inline constexpr uint16_t kNoQueue = 0xffff;

struct RxQueueRef {
  uint16_t dpdk_port = 0;
  PortIndex port = 0;
  uint16_t queue = 0;
};

struct TxBuffer {
  uint16_t count = 0;
  rte_mbuf* pkts[kBurst];
};

struct alignas(64) WorkerConf {
  unsigned lcore_id = 0;
  unsigned rcu_thread_id = 0;
  uint16_t n_rx = 0;
  RxQueueRef rx[kMaxPorts];

  uint16_t n_ports = 0;
  uint16_t dpdk_port[kMaxPorts] = {};
  uint16_t tx_queue[kMaxPorts] = {};  // kNoQueue where the port has none for this lcore
  TxBuffer tx[kMaxPorts];
  TokenBucket policer[kMaxPorts][kPuntClassCount];
  TokenBucket source_policer[kMaxPorts][kPuntClassCount][kPuntSourceBuckets];

  Fib* fib = nullptr;
  PuntQueue* punt = nullptr;
  rte_mempool* pool = nullptr;         // full-size mbufs: copies
  rte_mempool* header_pool = nullptr;  // small mbufs: L2 header of a clone
  rte_mempool* clone_pool = nullptr;   // indirect mbufs
  uint32_t copy_room = 0;              // bytes a fresh `pool` mbuf holds after its headroom
  // Where a `pool` mbuf's data starts at the default headroom, from the mbuf's own address:
  // rte_pktmbuf_init puts every buffer right after its mbuf and private area, so a copy
  // needs no load of buf_addr to know where to write.
  uint32_t copy_data_offset = 0;
  LcoreCounters* counters = nullptr;
  uint32_t clone_threshold = kCloneThresholdBytes;

  uint64_t drain_tsc = 0;
  uint64_t prev_drain = 0;
  uint32_t frames_since_clock = 0;
  uint32_t empty_polls = 0;
  const std::atomic<uint32_t>* idle_sleep_us = nullptr;
  const std::atomic<bool>* quit = nullptr;
};

// One iteration of the loop; returns frames received. Used by the launched worker and by
// one-lcore mode's poll_once().
unsigned worker_iteration(WorkerConf& w);
// Sends whatever the TX buffers hold.
void worker_flush(WorkerConf& w);
// rte_eal_remote_launch entry: loops until *quit.
int worker_main(void* conf);

}  // namespace tandem::dataplane
