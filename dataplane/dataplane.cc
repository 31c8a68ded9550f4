#include "dataplane/dataplane.h"

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_pdump.h>

#include <algorithm>
#include <atomic>

#include "dataplane/counters.h"
#include "dataplane/eal.h"
#include "dataplane/fib.h"
#include "dataplane/ports.h"
#include "dataplane/punt.h"
#include "dataplane/worker.h"

namespace tandem::dataplane {

namespace {
// The largest per-lcore cache (RTE_MEMPOOL_CACHE_MAX_SIZE): with 16 egress ports a burst
// keeps ~500 replicas in TX buffers; once that exceeds the cache flush threshold (1.5 x
// cache) allocations cycle FIFO through the whole pool and every mbuf is cold
// (perf/dataplane/README.md, "Figures behind the code": mempool cache).
constexpr unsigned kMempoolCache = RTE_MEMPOOL_CACHE_MAX_SIZE;
constexpr uint16_t kHeaderMbufDataRoom = RTE_PKTMBUF_HEADROOM + 64;
constexpr uint64_t kLinkPollIntervalMs = 10;

std::string vdev_or_pci_name(const std::string& device) {
  std::string name = device.substr(0, device.find(','));
  if (is_pci_address(name) && name.size() == 7) name = "0000:" + name;
  return name;
}

PortCounters minus(const PortCounters& a, const PortCounters& b) {
  PortCounters r = a;
  r.rx -= b.rx;
  r.tx -= b.tx;
  r.forwarded -= b.forwarded;
  r.copies -= b.copies;
  r.clones -= b.clones;
  r.punted -= b.punted;
  for (size_t i = 0; i < kPuntClassCount; ++i) {
    r.punted_by_class[i] -= b.punted_by_class[i];
    r.policed_by_class[i] -= b.policed_by_class[i];
  }
  for (size_t i = 0; i < r.drops.size(); ++i) r.drops[i] -= b.drops[i];
  return r;
}
}  // namespace

class DataplaneImpl {
 public:
  ~DataplaneImpl() { shutdown(); }

  InitResult init(const DataplaneConfig& cfg);
  void start();
  unsigned poll_once();
  void stop();
  void shutdown();
  size_t poll_punts(size_t max, const std::function<void(const PuntedFrame&)>& fn);
  bool inject(PortIndex port, std::span<const uint8_t> frame);
  std::vector<LinkEvent> poll_link_events();
  CountersSnapshot raw_counters() const;

  struct Port {
    std::string device;
    uint16_t dpdk_port = 0;
    uint16_t control_tx_queue = kNoQueue;
    wire::MacAddress mac;
    LinkStatus link;
  };

  DataplaneConfig cfg_;
  bool eal_up_ = false;
  bool shared_config_ = true;
  bool started_ = false;
  bool stopped_ = false;
  bool one_lcore_ = false;
  bool pdump_ = false;
  std::vector<Port> ports_;
  std::vector<std::unique_ptr<WorkerConf>> workers_;
  std::vector<std::unique_ptr<LcoreCounters>> counters_;  // one per worker
  std::unique_ptr<LcoreCounters> control_counters_;       // inject (own thread)
  std::vector<std::unique_ptr<PuntQueue>> punts_;
  std::unique_ptr<Fib> fib_;
  rte_mempool* pool_ = nullptr;
  rte_mempool* header_pool_ = nullptr;
  rte_mempool* clone_pool_ = nullptr;
  std::atomic<bool> quit_{false};
  std::atomic<uint32_t> idle_sleep_us_{0};
  uint64_t next_link_poll_ = 0;
  size_t punt_rr_ = 0;
  std::vector<uint8_t> scratch_;
  std::vector<PortIndex> port_of_dpdk_ = std::vector<PortIndex>(RTE_MAX_ETHPORTS, 0);
  CountersSnapshot baseline_;
  bool has_baseline_ = false;

  void log(LogLevel l, const std::string& line) const { cfg_.log(l, "dataplane", line); }

 private:
  InitResult fail(std::string e) {
    log(LogLevel::error, e);
    return InitResult{false, std::move(e)};
  }
  rte_mempool* make_pool(const char* name, unsigned n, uint16_t data_room, std::string* err);
};

rte_mempool* DataplaneImpl::make_pool(const char* name, unsigned n, uint16_t data_room,
                                      std::string* err) {
  rte_mempool* p = rte_pktmbuf_pool_create(name, n, kMempoolCache, 0, data_room,
                                           static_cast<int>(rte_socket_id()));
  if (p == nullptr) {
    double mib = static_cast<double>(n) * (data_room + sizeof(rte_mbuf)) / (1024.0 * 1024.0);
    *err = format_string(
        "cannot create mbuf pool %s of %u mbufs (about %.0f MiB): %s; give EAL more memory "
        "(-m MB or --socket-mem) or use fewer ports, lcores or descriptors",
        name, n, mib, rte_strerror(rte_errno));
  }
  return p;
}

InitResult DataplaneImpl::init(const DataplaneConfig& cfg) {
  cfg_ = cfg;
  if (cfg.ports.empty()) return fail("no device configured");
  if (cfg.ports.size() > kMaxPorts) return fail(format_string("more than %u devices", kMaxPorts));
  idle_sleep_us_.store(cfg.idle_sleep_us);

  std::vector<std::string> devices;
  for (const PortConfig& p : cfg.ports) devices.push_back(p.device);
  EalStart eal = start_eal(build_eal_args(cfg.program_name, devices, cfg.eal_args));
  if (!eal.ok) return fail(eal.error);
  eal_up_ = true;
  shared_config_ = eal.shared_config;

  // Lcores: the main one is the control core; each other one is a worker. With only the
  // main lcore, it is worker 0 as well (one-lcore mode, DESIGN.md §3).
  std::vector<unsigned> worker_lcores;
  unsigned lc;
  RTE_LCORE_FOREACH_WORKER(lc) {
    worker_lcores.push_back(lc);
  }
  one_lcore_ = worker_lcores.empty();
  if (one_lcore_) worker_lcores.push_back(rte_get_main_lcore());
  const auto nw = static_cast<uint16_t>(worker_lcores.size());
  const auto np = static_cast<unsigned>(cfg.ports.size());

  // Ports: resolve names to DPDK port ids.
  for (PortIndex i = 0; i < np; ++i) {
    Port port;
    port.device = cfg.ports[i].device;
    std::string name = vdev_or_pci_name(port.device);
    if (rte_eth_dev_get_port_by_name(name.c_str(), &port.dpdk_port) != 0) {
      return fail(format_string("port %u (%s): no DPDK port named %s after probing", i,
                                port.device.c_str(), name.c_str()));
    }
    port_of_dpdk_[port.dpdk_port] = i;
    ports_.push_back(port);
  }

  // Mempools: every RX descriptor may hold an mbuf, every TX descriptor may too, each lcore's
  // cache and TX buffers hold some, and every punt queue slot may hold one.
  const unsigned lcores = nw + 1u;
  unsigned n_pkt = np * (nw * cfg.rx_descriptors + (nw + 1u) * cfg.tx_descriptors) +
                   lcores * (kMempoolCache + kBurst * (np + 1)) + nw * cfg.punt_queue_size +
                   cfg.extra_mbufs;
  unsigned n_hdr = np * (nw + 1u) * cfg.tx_descriptors + lcores * (kMempoolCache + kBurst * np);
  n_pkt = std::max(n_pkt, 8191u);
  n_hdr = std::max(n_hdr, 4095u);
  std::string err;
  pool_ = make_pool("tandem_pkt", n_pkt, RTE_MBUF_DEFAULT_BUF_SIZE, &err);
  if (pool_ == nullptr) return fail(err);
  header_pool_ = make_pool("tandem_hdr", n_hdr, kHeaderMbufDataRoom, &err);
  if (header_pool_ == nullptr) return fail(err);
  clone_pool_ = make_pool("tandem_clone", n_hdr, 0, &err);
  if (clone_pool_ == nullptr) return fail(err);

  fib_ = Fib::create("tandem_fib", cfg.fib_capacity, nw, &err);
  if (!fib_) return fail("FIB: " + err);

  // Queues: one RX per worker, one TX per worker plus one for the control core.
  std::vector<PortSetup> setups;
  for (PortIndex i = 0; i < np; ++i) {
    PortRequest req;
    req.dpdk_port = ports_[i].dpdk_port;
    req.name = format_string("port %u (%s)", i, ports_[i].device.c_str());
    req.rx_queues = nw;
    req.tx_queues = static_cast<uint16_t>(nw + 1);
    req.rx_descriptors = cfg.rx_descriptors;
    req.tx_descriptors = cfg.tx_descriptors;
    req.pool = pool_;
    PortSetup s = setup_port(req, cfg.log);
    if (!s.ok) return fail(s.error);
    ports_[i].mac = s.mac;
    if (s.tx_queues > nw) {
      ports_[i].control_tx_queue = nw;
    } else if (one_lcore_ && s.tx_queues >= 1) {
      // The control core is worker 0's thread: sharing its queue needs no lock.
      ports_[i].control_tx_queue = 0;
    } else {
      log(LogLevel::warning, req.name + ": no TX queue left for the control core; inject off");
    }
    setups.push_back(s);
    fib_->set_src_mac(i, s.mac);
    fib_->set_upstream(i, cfg.ports[i].upstream);
    fib_->set_gate(i, true);
  }

  const uint64_t hz = rte_get_tsc_hz();
  for (uint16_t w = 0; w < nw; ++w) {
    auto c = std::make_unique<LcoreCounters>();
    auto q = std::make_unique<PuntQueue>(cfg.punt_queue_size);
    auto conf = std::make_unique<WorkerConf>();
    conf->lcore_id = worker_lcores[w];
    conf->rcu_thread_id = w;
    conf->n_ports = static_cast<uint16_t>(np);
    for (PortIndex i = 0; i < np; ++i) {
      conf->dpdk_port[i] = ports_[i].dpdk_port;
      conf->tx_queue[i] = w < setups[i].tx_queues ? w : kNoQueue;
      if (w < setups[i].rx_queues) {
        conf->rx[conf->n_rx++] = RxQueueRef{ports_[i].dpdk_port, i, w};
      }
      for (size_t k = 0; k < kPuntClassCount; ++k) {
        // The per-port budget is shared by the workers that may receive that port's frames.
        uint32_t rate = cfg.policer.rate_pps[k];
        uint32_t per_worker = rate == 0 ? 0 : std::max<uint32_t>(1, (rate + nw - 1) / nw);
        conf->policer[i][k].configure(hz, per_worker, cfg.policer.burst[k]);
        // Per source: not divided among workers (RSS keeps a source on one queue).
        for (TokenBucket& b : conf->source_policer[i][k]) {
          b.configure(hz, cfg.policer.per_source_rate_pps[k], cfg.policer.per_source_burst[k]);
        }
      }
    }
    if (conf->n_rx == 0) {
      log(LogLevel::notice, format_string("lcore %u: no RX queue, nothing to do", conf->lcore_id));
    }
    conf->fib = fib_.get();
    conf->punt = q.get();
    conf->pool = pool_;
    conf->header_pool = header_pool_;
    conf->clone_pool = clone_pool_;
    conf->copy_room = rte_pktmbuf_data_room_size(pool_) - RTE_PKTMBUF_HEADROOM;
    conf->copy_data_offset = sizeof(rte_mbuf) + rte_pktmbuf_priv_size(pool_) + RTE_PKTMBUF_HEADROOM;
    conf->counters = c.get();
    conf->clone_threshold =
        cfg.clone_threshold_bytes == 0 ? kCloneThresholdBytes : cfg.clone_threshold_bytes;
    conf->drain_tsc = (hz + 1'000'000 - 1) / 1'000'000 * kDrainIntervalUs;
    conf->idle_sleep_us = &idle_sleep_us_;
    conf->quit = &quit_;
    rte_rcu_qsbr_thread_register(fib_->rcu(), w);
    workers_.push_back(std::move(conf));
    counters_.push_back(std::move(c));
    punts_.push_back(std::move(q));
  }
  control_counters_ = std::make_unique<LcoreCounters>();

  // dpdk-pdump attaches as a secondary process, which needs the shared config files.
  if (eal.shared_config) {
    pdump_ = rte_pdump_init() == 0;
    if (!pdump_) {
      log(LogLevel::warning, format_string("rte_pdump_init: %s", rte_strerror(rte_errno)));
    }
  } else {
    log(LogLevel::info,
        "packet capture (dpdk-pdump) off: EAL runs with --no-shconf or --in-memory");
  }
  for (Port& p : ports_) {
    rte_eth_link l{};
    if (rte_eth_link_get_nowait(p.dpdk_port, &l) == 0) {
      p.link = LinkStatus{l.link_status == RTE_ETH_LINK_UP, l.link_speed,
                          l.link_duplex == RTE_ETH_LINK_FULL_DUPLEX};
    }
  }
  log(LogLevel::info, format_string("%u port(s), %u worker(s)%s, pool %u mbufs", np, nw,
                                    one_lcore_ ? " (one-lcore mode)" : "", n_pkt));
  return InitResult{true, {}};
}

void DataplaneImpl::start() {
  if (started_ || !eal_up_ || workers_.empty()) return;
  started_ = true;
  if (one_lcore_) return;
  for (auto& w : workers_) rte_eal_remote_launch(worker_main, w.get(), w->lcore_id);
}

unsigned DataplaneImpl::poll_once() {
  if (!one_lcore_ || workers_.empty() || stopped_) return 0;
  WorkerConf& w = *workers_[0];
  // Online only while forwarding: between calls the same thread writes the FIB and must
  // not wait for itself.
  rte_rcu_qsbr_thread_online(fib_->rcu(), w.rcu_thread_id);
  unsigned n = worker_iteration(w);
  rte_rcu_qsbr_thread_offline(fib_->rcu(), w.rcu_thread_id);
  return n;
}

void DataplaneImpl::stop() {
  if (!eal_up_ || stopped_) return;
  stopped_ = true;
  quit_.store(true);
  if (started_ && !one_lcore_) rte_eal_mp_wait_lcore();
  if (one_lcore_ && !workers_.empty()) worker_flush(*workers_[0]);
  for (auto& q : punts_) {
    q->consume_all([](rte_mbuf* m) { rte_pktmbuf_free(m); });
  }
  for (const Port& p : ports_) stop_port(p.dpdk_port);
}

void DataplaneImpl::shutdown() {
  if (!eal_up_) return;
  stop();
  if (pdump_) rte_pdump_uninit();
  fib_.reset();
  if (pool_ != nullptr) rte_mempool_free(pool_);
  if (header_pool_ != nullptr) rte_mempool_free(header_pool_);
  if (clone_pool_ != nullptr) rte_mempool_free(clone_pool_);
  pool_ = header_pool_ = clone_pool_ = nullptr;
  stop_eal(shared_config_);
  eal_up_ = false;
}

size_t DataplaneImpl::poll_punts(size_t max, const std::function<void(const PuntedFrame&)>& fn) {
  size_t done = 0;
  size_t empty_rounds = 0;
  // Round robin over workers so one busy worker cannot hide the others' frames.
  while (done < max && !punts_.empty() && empty_rounds < punts_.size()) {
    size_t w = punt_rr_++ % punts_.size();
    rte_mbuf* m = nullptr;
    if (!punts_[w]->pop(m)) {
      ++empty_rounds;
      continue;
    }
    empty_rounds = 0;
    PuntedFrame f;
    f.port = port_of_dpdk_[m->port];
    const PuntTag tag = punt_tag_of(m);
    f.cls = tag.cls;
    f.hint = tag.hint();
    f.lcore = workers_[w]->lcore_id;
    if (m->nb_segs == 1) {
      f.bytes = std::span<const uint8_t>(rte_pktmbuf_mtod(m, const uint8_t*), m->data_len);
    } else {
      scratch_.resize(m->pkt_len);
      const void* p = rte_pktmbuf_read(m, 0, m->pkt_len, scratch_.data());
      f.bytes = std::span<const uint8_t>(static_cast<const uint8_t*>(p), m->pkt_len);
    }
    fn(f);
    rte_pktmbuf_free(m);
    ++done;
  }
  return done;
}

bool DataplaneImpl::inject(PortIndex port, std::span<const uint8_t> frame) {
  if (port >= ports_.size() || stopped_) return false;
  LcoreCounters& c = one_lcore_ ? *counters_[0] : *control_counters_;
  const Port& p = ports_[port];
  rte_mbuf* m = rte_pktmbuf_alloc(pool_);
  if (m == nullptr) {
    c.drop(port, wire::DropReason::mbuf_alloc_failed);
    return false;
  }
  char* d = frame.size() > UINT16_MAX ? nullptr
                                      : rte_pktmbuf_append(m, static_cast<uint16_t>(frame.size()));
  if (d == nullptr || p.control_tx_queue == kNoQueue) {
    rte_pktmbuf_free(m);
    c.drop(port, wire::DropReason::tx_full);
    return false;
  }
  std::memcpy(d, frame.data(), frame.size());
  if (rte_eth_tx_burst(p.dpdk_port, p.control_tx_queue, &m, 1) != 1) {
    rte_pktmbuf_free(m);
    c.drop(port, wire::DropReason::tx_full);
    return false;
  }
  ++c.port[port].tx;
  return true;
}

std::vector<LinkEvent> DataplaneImpl::poll_link_events() {
  std::vector<LinkEvent> events;
  const uint64_t now = rte_get_tsc_cycles();
  if (now < next_link_poll_) return events;
  next_link_poll_ = now + rte_get_tsc_hz() / 1000 * kLinkPollIntervalMs;
  for (PortIndex i = 0; i < ports_.size(); ++i) {
    rte_eth_link l{};
    if (rte_eth_link_get_nowait(ports_[i].dpdk_port, &l) != 0) continue;
    LinkStatus s{l.link_status == RTE_ETH_LINK_UP, l.link_speed,
                 l.link_duplex == RTE_ETH_LINK_FULL_DUPLEX};
    if (s != ports_[i].link) {
      ports_[i].link = s;
      events.push_back(LinkEvent{i, s});
      log(LogLevel::notice, format_string("port %u (%s): link %s", i, ports_[i].device.c_str(),
                                          s.up ? "up" : "down"));
    }
  }
  return events;
}

CountersSnapshot DataplaneImpl::raw_counters() const {
  CountersSnapshot s;
  const size_t np = ports_.size();
  s.per_port.resize(np);
  auto add_row = [&](unsigned lcore, const LcoreCounters& lc) {
    std::vector<PortCounters> row(np);
    for (size_t p = 0; p < np; ++p) {
      row[p] = read_counters(lc.port[p]);
      s.per_port[p] += row[p];
      s.total += row[p];
    }
    s.lcores.push_back(lcore);
    s.per_lcore.push_back(std::move(row));
  };
  for (size_t w = 0; w < workers_.size(); ++w) add_row(workers_[w]->lcore_id, *counters_[w]);
  if (!one_lcore_ && control_counters_) add_row(rte_get_main_lcore(), *control_counters_);
  return s;
}

// ---- facade ----

Dataplane::Dataplane() : impl_(std::make_unique<DataplaneImpl>()) {}
Dataplane::~Dataplane() = default;
InitResult Dataplane::init(const DataplaneConfig& config) {
  return impl_->init(config);
}
void Dataplane::start() {
  impl_->start();
}
bool Dataplane::one_lcore_mode() const {
  return impl_->one_lcore_;
}
unsigned Dataplane::poll_once() {
  return impl_->poll_once();
}
void Dataplane::stop() {
  impl_->stop();
}
size_t Dataplane::poll_punts(size_t max, const std::function<void(const PuntedFrame&)>& fn) {
  return impl_->poll_punts(max, fn);
}
bool Dataplane::inject(PortIndex port, std::span<const uint8_t> frame) {
  return impl_->inject(port, frame);
}
FibWriter& Dataplane::fib() {
  return *impl_->fib_;
}
LinkStatus Dataplane::link_status(PortIndex port) const {
  return port < impl_->ports_.size() ? impl_->ports_[port].link : LinkStatus{};
}
std::vector<LinkEvent> Dataplane::poll_link_events() {
  return impl_->poll_link_events();
}

CountersSnapshot Dataplane::counters() const {
  CountersSnapshot s = impl_->raw_counters();
  if (!impl_->has_baseline_) return s;
  const CountersSnapshot& b = impl_->baseline_;
  for (size_t r = 0; r < s.per_lcore.size() && r < b.per_lcore.size(); ++r) {
    for (size_t p = 0; p < s.per_lcore[r].size(); ++p) {
      s.per_lcore[r][p] = minus(s.per_lcore[r][p], b.per_lcore[r][p]);
    }
  }
  for (size_t p = 0; p < s.per_port.size(); ++p)
    s.per_port[p] = minus(s.per_port[p], b.per_port[p]);
  s.total = minus(s.total, b.total);
  return s;
}
void Dataplane::reset_counters() {
  impl_->baseline_ = impl_->raw_counters();
  impl_->has_baseline_ = true;
}
void Dataplane::set_idle_sleep_us(uint32_t us) {
  impl_->idle_sleep_us_.store(us);
}
size_t Dataplane::port_count() const {
  return impl_->ports_.size();
}
wire::MacAddress Dataplane::port_mac(PortIndex port) const {
  return port < impl_->ports_.size() ? impl_->ports_[port].mac : wire::MacAddress{};
}
bool Dataplane::set_extra_mac(PortIndex port, const wire::MacAddress& mac, bool add) {
  if (port >= impl_->ports_.size()) return false;
  const uint16_t id = impl_->ports_[port].dpdk_port;
  rte_ether_addr a;
  std::copy(mac.bytes.begin(), mac.bytes.end(), a.addr_bytes);
  int rc = add ? rte_eth_dev_mac_addr_add(id, &a, 0) : rte_eth_dev_mac_addr_remove(id, &a);
  if (rc == 0) return true;
  if (rc == -ENOTSUP && add) {
    // No filter table to program: receive everything rather than miss frames to the VIP.
    if (rte_eth_promiscuous_get(id) == 1) return true;
    rc = rte_eth_promiscuous_enable(id);
    impl_->log(LogLevel::notice,
               format_string("port %u: no MAC filter for %s, promiscuous mode %s", port,
                             mac.to_string().c_str(), rc == 0 ? "on" : "refused"));
    return rc == 0 || rc == -ENOTSUP;
  }
  return rc == -ENOTSUP;  // removing from a port that never had a filter
}

uint16_t Dataplane::dpdk_port_id(PortIndex port) const {
  return port < impl_->ports_.size() ? impl_->ports_[port].dpdk_port : 0;
}
unsigned Dataplane::worker_count() const {
  return static_cast<unsigned>(impl_->workers_.size());
}

}  // namespace tandem::dataplane
