#include "tests/dataplane/ring_worker.h"

#include <rte_errno.h>
#include <rte_eth_ring.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>

#include <cstring>

#include "dataplane/eal.h"
#include "dataplane/ports.h"

namespace tandem::dataplane::test {

namespace {

constexpr unsigned kPoolMbufs = 8191;
constexpr unsigned kPoolCache = 256;
// A burst puts at most kBurst frames on a port's RX ring and takes at most kBurst replicas
// from its TX ring.
constexpr unsigned kRingSize = 256;

rte_mempool* make_pool(const char* name, uint16_t data_room) {
  return rte_pktmbuf_pool_create(name, kPoolMbufs, kPoolCache, 0, data_room,
                                 static_cast<int>(rte_socket_id()));
}

Bytes bytes_of(const rte_mbuf* m) {
  Bytes b(m->pkt_len);
  const void* p = rte_pktmbuf_read(m, 0, m->pkt_len, b.data());
  if (p != b.data()) std::memcpy(b.data(), p, m->pkt_len);
  return b;
}

}  // namespace

std::unique_ptr<RingWorker> RingWorker::create(PortIndex ports, const std::string& file_prefix,
                                               std::string* error) {
  std::unique_ptr<RingWorker> w(new RingWorker());
  if (!w->start(ports, file_prefix, error)) return nullptr;
  return w;
}

bool RingWorker::start(PortIndex ports, const std::string& file_prefix, std::string* error) {
  const EalStart eal = start_eal(
      build_eal_args("test_forward_reference", {},
                     {"-l", "0", "--no-huge", "--no-shconf", "-m", "256", "--no-telemetry",
                      "--file-prefix", file_prefix, "--log-level", "*:warning"}));
  if (!eal.ok) {
    *error = eal.error;
    return false;
  }
  eal_up_ = true;
  pool_ = make_pool("rw_pkt", RTE_MBUF_DEFAULT_BUF_SIZE);
  header_pool_ = make_pool("rw_hdr", RTE_PKTMBUF_HEADROOM + 64);
  clone_pool_ = make_pool("rw_clone", 0);
  if (pool_ == nullptr || header_pool_ == nullptr || clone_pool_ == nullptr) {
    *error = "mempool: " + std::string(rte_strerror(rte_errno));
    return false;
  }
  fib_ = Fib::create("rw_fib", 4096, 1, error);
  if (!fib_) return false;
  punt_ = std::make_unique<PuntQueue>(1024);
  conf_ = std::make_unique<WorkerConf>();
  WorkerConf& c = *conf_;
  const unsigned socket = rte_socket_id();
  for (PortIndex p = 0; p < ports; ++p) {
    const std::string n = std::to_string(p);
    rte_ring* rx =
        rte_ring_create(("rw_rx" + n).c_str(), kRingSize, socket, RING_F_SP_ENQ | RING_F_SC_DEQ);
    rte_ring* tx =
        rte_ring_create(("rw_tx" + n).c_str(), kRingSize, socket, RING_F_SP_ENQ | RING_F_SC_DEQ);
    if (rx == nullptr || tx == nullptr) {
      *error = "rte_ring_create: " + std::string(rte_strerror(rte_errno));
      return false;
    }
    rx_rings_.push_back(rx);
    tx_rings_.push_back(tx);
    const int id = rte_eth_from_rings(("rw_port" + n).c_str(), &rx, 1, &tx, 1, socket);
    if (id < 0) {
      *error = "rte_eth_from_rings: " + std::string(rte_strerror(rte_errno));
      return false;
    }
    PortRequest req;
    req.dpdk_port = static_cast<uint16_t>(id);
    req.name = "ring port " + n;
    req.rx_queues = 1;
    req.tx_queues = 1;
    req.rx_descriptors = kRingSize;
    req.tx_descriptors = kRingSize;
    req.pool = pool_;
    const PortSetup s = setup_port(req, null_log_sink());
    if (!s.ok) {
      *error = s.error;
      return false;
    }
    dpdk_ports_.push_back(req.dpdk_port);
    c.rx[c.n_rx++] = RxQueueRef{req.dpdk_port, p, 0};
    c.dpdk_port[p] = req.dpdk_port;
    c.tx_queue[p] = 0;
    fib_->set_gate(p, true);
  }
  // Policers stay at their defaults: unlimited, as the reference assumes.
  c.n_ports = ports;
  c.fib = fib_.get();
  c.punt = punt_.get();
  c.pool = pool_;
  c.header_pool = header_pool_;
  c.clone_pool = clone_pool_;
  c.copy_room = rte_pktmbuf_data_room_size(pool_) - RTE_PKTMBUF_HEADROOM;
  c.copy_data_offset = sizeof(rte_mbuf) + rte_pktmbuf_priv_size(pool_) + RTE_PKTMBUF_HEADROOM;
  c.counters = &counters_;
  // TX buffers are flushed after every burst by the test, never by time: the same bursts
  // give the same result however slowly the machine runs.
  c.drain_tsc = UINT64_MAX;
  rte_rcu_qsbr_thread_register(fib_->rcu(), 0);
  pool_free_ = rte_mempool_avail_count(pool_);
  header_free_ = rte_mempool_avail_count(header_pool_);
  clone_free_ = rte_mempool_avail_count(clone_pool_);
  return true;
}

RingWorker::~RingWorker() {
  if (!eal_up_) return;
  for (uint16_t id : dpdk_ports_) stop_port(id);
  fib_.reset();
  for (rte_ring* r : rx_rings_) rte_ring_free(r);
  for (rte_ring* r : tx_rings_) rte_ring_free(r);
  if (pool_ != nullptr) rte_mempool_free(pool_);
  if (header_pool_ != nullptr) rte_mempool_free(header_pool_);
  if (clone_pool_ != nullptr) rte_mempool_free(clone_pool_);
  stop_eal(false);
}

BurstOutput RingWorker::run_burst(PortIndex in, const std::vector<RxFrame>& frames) {
  rte_mbuf* burst[kBurst];
  unsigned n = 0;
  for (const RxFrame& f : frames) {
    // A frame the pool cannot hold is not received: the test's rx counter shows it.
    rte_mbuf* m = n < kBurst ? rte_pktmbuf_alloc(pool_) : nullptr;
    if (m == nullptr || f.headroom + f.bytes.size() > m->buf_len) {
      rte_pktmbuf_free(m);
      continue;
    }
    m->data_off = f.headroom;
    const auto len = static_cast<uint16_t>(f.bytes.size());
    std::memcpy(rte_pktmbuf_append(m, len), f.bytes.data(), len);
    m->port = dpdk_ports_[in];
    burst[n++] = m;
  }
  rte_ring_enqueue_bulk(rx_rings_[in], reinterpret_cast<void**>(burst), n, nullptr);
  rte_rcu_qsbr* rcu = fib_->rcu();
  // Online only while forwarding: between bursts this thread writes the FIB and must not
  // wait for itself.
  rte_rcu_qsbr_thread_online(rcu, 0);
  worker_iteration(*conf_);
  worker_flush(*conf_);
  rte_rcu_qsbr_thread_offline(rcu, 0);
  fib_->reclaim();

  BurstOutput out;
  out.sent.resize(tx_rings_.size());
  for (size_t p = 0; p < tx_rings_.size(); ++p) {
    void* m = nullptr;
    while (rte_ring_dequeue(tx_rings_[p], &m) == 0) {
      out.sent[p].push_back(bytes_of(static_cast<rte_mbuf*>(m)));
      rte_pktmbuf_free(static_cast<rte_mbuf*>(m));
    }
  }
  punt_->consume_all([&](rte_mbuf* m) {
    out.punted.emplace_back(punt_class_of(m), bytes_of(m));
    rte_pktmbuf_free(m);
  });
  return out;
}

bool RingWorker::pools_whole() const {
  return rte_mempool_avail_count(pool_) == pool_free_ &&
         rte_mempool_avail_count(header_pool_) == header_free_ &&
         rte_mempool_avail_count(clone_pool_) == clone_free_;
}

}  // namespace tandem::dataplane::test
