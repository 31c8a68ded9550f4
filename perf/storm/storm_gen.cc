// storm_gen: the MLD report storm for perf/storm.sh and tests/system/test_punt_storm.sh.
//
//   storm_gen EAL-ARGS -- --rate PPS [--tick-us 100] [--preload F.pcap]... [--stats FILE]
//                         [--dut-tx-queues 2] [--on]
//
// Port 0 faces the router under test (a net_memif server: shared-memory rings, so a storm of
// millions of frames per second costs a copy, not a kernel crossing). Port 1, when present (a
// net_af_packet on a veth), is relayed both ways with port 0, so a real BFD peer and real hosts
// share the router's link with the storm: the storm and their frames meet in the same RX
// queue, as on a LAN.
//
// Pacing is by sleeping: every tick (--tick-us, timer slack 1 µs) the loop relays what is
// waiting, then sends the reports due since the storm was switched on (rate × elapsed, minus
// those sent), then sleeps again. So the generator needs little CPU (it shares a core with the
// router's control core and the BFD peer) and the offered rate does not depend on how fast
// the router polls. Falling more than 2 ms behind (the process was descheduled) drops the
// backlog, counted as "behind", rather than bursting it.
//
// Signals: SIGUSR1 storm on, SIGUSR2 storm off, SIGTERM/SIGINT exit. --preload frames (legit
// joins) go out once, before anything else, when port 0's link is up. Every 200 ms --stats
// FILE is replaced by one JSON line of counters.
#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>
#include <sys/prctl.h>
#include <time.h>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "control/wire/frame.h"
#include "control/wire/pcap_file.h"
#include "perf/storm/storm_reports.h"

namespace {

using tandem::perf::StormReports;
using tandem::wire::Ipv6Address;
using tandem::wire::MacAddress;

constexpr uint16_t kDutPort = 0;
constexpr uint16_t kRelayPort = 1;
constexpr uint16_t kBurst = 64;
constexpr unsigned kPoolSize = 16383;
constexpr double kMaxBacklogSeconds = 0.002;

volatile std::sig_atomic_t g_storm_on = 0;
volatile std::sig_atomic_t g_quit = 0;

void on_signal(int sig) {
  if (sig == SIGUSR1) g_storm_on = 1;
  if (sig == SIGUSR2) g_storm_on = 0;
  if (sig == SIGTERM || sig == SIGINT) g_quit = 1;
}

struct Options {
  double rate_pps = 1e6;
  unsigned tick_us = 100;
  unsigned dut_tx_queues = 2;  // the router's TX queues on this link: our RX rings
  std::vector<std::string> preload;
  std::string stats;
  bool start_on = false;
};

struct Counters {
  uint64_t sent = 0;       // storm reports accepted by port 0
  uint64_t ring_full = 0;  // storm reports port 0 refused (its ring full), not offered
  uint64_t behind = 0;     // storm reports skipped after falling behind the schedule
  uint64_t preloaded = 0;
  uint64_t to_dut = 0;      // relayed port 1 -> port 0
  uint64_t to_dut_mld = 0;  // of those, MLD messages (hosts' reports: not the storm's groups)
  uint64_t from_dut = 0;    // relayed port 0 -> port 1 (or dropped without a relay port)
  uint64_t relay_drops = 0;
};

[[noreturn]] void die(const std::string& what) {
  std::fprintf(stderr, "storm_gen: %s\n", what.c_str());
  std::exit(1);
}

Options parse_options(int argc, char** argv) {
  Options o;
  for (int i = 0; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) die(a + " needs a value");
      return argv[++i];
    };
    if (a == "--rate") {
      o.rate_pps = std::strtod(value().c_str(), nullptr);
    } else if (a == "--tick-us") {
      o.tick_us = static_cast<unsigned>(std::strtoul(value().c_str(), nullptr, 10));
    } else if (a == "--dut-tx-queues") {
      o.dut_tx_queues = static_cast<unsigned>(std::strtoul(value().c_str(), nullptr, 10));
    } else if (a == "--preload") {
      o.preload.push_back(value());
    } else if (a == "--stats") {
      o.stats = value();
    } else if (a == "--on") {
      o.start_on = true;
    } else {
      die("unknown option " + a);
    }
  }
  if (o.rate_pps <= 0 || o.tick_us == 0 || o.dut_tx_queues == 0) die("bad --rate/--tick-us");
  return o;
}

void setup_port(uint16_t port, uint16_t rx_queues, rte_mempool* pool) {
  rte_eth_conf conf{};
  int rc = rte_eth_dev_configure(port, rx_queues, 1, &conf);
  if (rc != 0) die("port " + std::to_string(port) + ": configure: " + rte_strerror(-rc));
  for (uint16_t q = 0; q < rx_queues; ++q) {
    rc = rte_eth_rx_queue_setup(port, q, 1024, static_cast<unsigned>(rte_socket_id()), nullptr,
                                pool);
    if (rc != 0) die("port " + std::to_string(port) + ": rx queue: " + rte_strerror(-rc));
  }
  rc = rte_eth_tx_queue_setup(port, 0, 1024, static_cast<unsigned>(rte_socket_id()), nullptr);
  if (rc != 0) die("port " + std::to_string(port) + ": tx queue: " + rte_strerror(-rc));
  rc = rte_eth_dev_start(port);
  if (rc != 0) die("port " + std::to_string(port) + ": start: " + rte_strerror(-rc));
  // The relay must see frames addressed to the router's MAC, not only its own.
  rte_eth_promiscuous_enable(port);
}

bool link_up(uint16_t port) {
  rte_eth_link l{};
  return rte_eth_link_get_nowait(port, &l) == 0 && l.link_status == RTE_ETH_LINK_UP;
}

// Sends all of `pkts` or frees the rest; returns how many went out.
uint16_t send_or_free(uint16_t port, rte_mbuf** pkts, uint16_t n) {
  uint16_t sent = n == 0 ? 0 : rte_eth_tx_burst(port, 0, pkts, n);
  if (sent < n) rte_pktmbuf_free_bulk(pkts + sent, n - sent);
  return sent;
}

bool is_mld(const rte_mbuf* m) {
  auto k = tandem::wire::parse_frame(
               std::span<const uint8_t>(rte_pktmbuf_mtod(m, const uint8_t*), m->data_len))
               .kind;
  return k == tandem::wire::PacketKind::mld_report_v1 ||
         k == tandem::wire::PacketKind::mld_report_v2 || k == tandem::wire::PacketKind::mld_done;
}

// Moves what `from` received on every RX queue to `to` (or frees it when `to` is absent).
// `mld`, when given, counts the MLD messages among them (a few a second: parsing is cheap).
void relay(uint16_t from, uint16_t rx_queues, int to, Counters& c, uint64_t& moved, uint64_t* mld) {
  rte_mbuf* pkts[kBurst];
  for (uint16_t q = 0; q < rx_queues; ++q) {
    uint16_t n;
    while ((n = rte_eth_rx_burst(from, q, pkts, kBurst)) != 0) {
      if (mld != nullptr) {
        for (uint16_t i = 0; i < n; ++i) *mld += is_mld(pkts[i]) ? 1 : 0;
      }
      uint16_t sent = 0;
      if (to < 0) {
        rte_pktmbuf_free_bulk(pkts, n);
      } else {
        sent = send_or_free(static_cast<uint16_t>(to), pkts, n);
      }
      moved += sent;
      c.relay_drops += n - sent;
    }
  }
}

std::vector<std::vector<uint8_t>> load_preload(const std::vector<std::string>& files) {
  std::vector<std::vector<uint8_t>> frames;
  for (const auto& f : files) {
    std::string err;
    auto p = tandem::wire::read_pcap(f, err);
    if (!p) die(f + ": " + err);
    for (auto& r : p->records) frames.push_back(std::move(r.data));
  }
  return frames;
}

// Sends the preload frames in order, waiting while port 0's ring is full.
uint64_t send_preload(const std::vector<std::vector<uint8_t>>& frames, rte_mempool* pool) {
  uint64_t sent = 0;
  for (const auto& f : frames) {
    rte_mbuf* m = rte_pktmbuf_alloc(pool);
    if (m == nullptr) die("mempool empty");
    char* d = rte_pktmbuf_append(m, static_cast<uint16_t>(f.size()));
    if (d == nullptr) die("preload frame too large");
    std::memcpy(d, f.data(), f.size());
    while (rte_eth_tx_burst(kDutPort, 0, &m, 1) == 0) {
      if (g_quit) return sent;
      rte_delay_us_sleep(100);
    }
    ++sent;
  }
  return sent;
}

// Refuses to start when the reports would not parse as MLDv2 joins (the checksum update above
// all): a storm of garbage would only test the classifier's drop path.
void self_check(const StormReports& r) {
  std::vector<uint8_t> buf(r.frame_size());
  for (uint32_t i : {0u, 1u, 0xffffu, 0x10000u, 0x12345678u, 0xfffffffeu, 0xffffffffu}) {
    r.write(i, buf.data());
    tandem::wire::Frame f = tandem::wire::parse_frame(std::span<const uint8_t>(buf));
    const auto& rep = f.mld.report;
    if (f.kind != tandem::wire::PacketKind::mld_report_v2 || rep.num_records != 1 ||
        (*rep.begin()).group != r.group(i)) {
      die("self-check: report " + std::to_string(i) + " does not parse as a join to " +
          r.group(i).to_string() + " (" +
          std::string(tandem::wire::drop_reason_name(f.drop_reason)) + ")");
    }
  }
}

void write_stats(const std::string& path, const Counters& c, bool on, bool up, uint32_t next) {
  if (path.empty()) return;
  const std::pair<const char*, uint64_t> fields[] = {{"sent", c.sent},
                                                     {"ring_full", c.ring_full},
                                                     {"behind", c.behind},
                                                     {"next_index", next},
                                                     {"preloaded", c.preloaded},
                                                     {"to_dut", c.to_dut},
                                                     {"to_dut_mld", c.to_dut_mld},
                                                     {"from_dut", c.from_dut},
                                                     {"relay_drops", c.relay_drops}};
  std::string line =
      std::string("{\"storm\":") + (on ? "true" : "false") + ",\"link\":" + (up ? "true" : "false");
  for (const auto& [name, value] : fields) {
    line += std::string(",\"") + name + "\":" + std::to_string(value);
  }
  line += "}\n";
  std::string tmp = path + ".tmp";
  FILE* f = std::fopen(tmp.c_str(), "w");
  if (f == nullptr) return;
  std::fputs(line.c_str(), f);
  std::fclose(f);
  std::rename(tmp.c_str(), path.c_str());
}

}  // namespace

int main(int argc, char** argv) {
  int used = rte_eal_init(argc, argv);
  if (used < 0) die(std::string("rte_eal_init: ") + rte_strerror(rte_errno));
  Options o = parse_options(argc - used - 1, argv + used + 1);
  const uint16_t nports = rte_eth_dev_count_avail();
  if (nports < 1 || nports > 2) die("needs one port (the router's link) and optionally a relay");
  const bool has_relay = nports == 2;

  StormReports reports(*MacAddress::parse("02:53:54:00:00:01"),
                       Ipv6Address::must_parse("fe80::53:54ff:fe00:1"),
                       Ipv6Address::must_parse("ff0e::5:0:0"));
  self_check(reports);
  auto preload = load_preload(o.preload);

  rte_mempool* pool = rte_pktmbuf_pool_create("storm", kPoolSize, 256, 0, RTE_MBUF_DEFAULT_BUF_SIZE,
                                              static_cast<int>(rte_socket_id()));
  if (pool == nullptr) die(std::string("mempool: ") + rte_strerror(rte_errno));
  setup_port(kDutPort, static_cast<uint16_t>(o.dut_tx_queues), pool);
  if (has_relay) setup_port(kRelayPort, 1, pool);

  std::signal(SIGUSR1, on_signal);
  std::signal(SIGUSR2, on_signal);
  std::signal(SIGTERM, on_signal);
  std::signal(SIGINT, on_signal);
  g_storm_on = o.start_on ? 1 : 0;
  // Ticks of --tick-us, not the default 50 µs of slack on top of each.
  prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);

  const uint64_t hz = rte_get_tsc_hz();
  const timespec tick{0, static_cast<long>(o.tick_us) * 1000};
  Counters c;
  bool preloaded = false, was_on = false, up = false;
  uint64_t on_since = 0, due_sent = 0, last_stats = 0;
  uint32_t next = 0;  // index of the next report (its group)
  rte_mbuf* burst[kBurst];

  while (!g_quit) {
    const uint64_t now = rte_rdtsc();
    up = up || link_up(kDutPort);
    if (up && !preloaded) {
      c.preloaded = send_preload(preload, pool);
      preloaded = true;
    }
    if (has_relay) relay(kRelayPort, 1, kDutPort, c, c.to_dut, &c.to_dut_mld);
    relay(kDutPort, static_cast<uint16_t>(o.dut_tx_queues), has_relay ? kRelayPort : -1, c,
          c.from_dut, nullptr);

    const bool on = g_storm_on != 0 && preloaded;
    if (on && !was_on) {
      on_since = now;
      due_sent = 0;
    }
    was_on = on;
    if (on) {
      double elapsed = static_cast<double>(now - on_since) / static_cast<double>(hz);
      auto due = static_cast<uint64_t>(elapsed * o.rate_pps) - due_sent;
      auto max_backlog = static_cast<uint64_t>(o.rate_pps * kMaxBacklogSeconds) + kBurst;
      if (due > max_backlog) {
        c.behind += due - max_backlog;
        due_sent += due - max_backlog;
        due = max_backlog;
      }
      while (due > 0) {
        auto n = static_cast<uint16_t>(std::min<uint64_t>(due, kBurst));
        if (rte_pktmbuf_alloc_bulk(pool, burst, n) != 0) break;  // mbufs still in flight
        for (uint16_t i = 0; i < n; ++i) {
          auto* d = reinterpret_cast<uint8_t*>(
              rte_pktmbuf_append(burst[i], static_cast<uint16_t>(reports.frame_size())));
          reports.write(next + i, d);
        }
        uint16_t sent = send_or_free(kDutPort, burst, n);
        // Refused reports are skipped, not retried: the ring is full, and retrying would turn
        // the next tick into a burst.
        next += n;
        c.sent += sent;
        c.ring_full += n - sent;
        due_sent += n;
        due -= n;
        if (sent < n) break;
      }
    }
    if (now - last_stats > hz / 5) {
      write_stats(o.stats, c, on, up, next);
      last_stats = now;
    }
    clock_nanosleep(CLOCK_MONOTONIC, 0, &tick, nullptr);
  }
  write_stats(o.stats, c, false, up, next);
  for (uint16_t p = 0; p < nports; ++p) {
    rte_eth_dev_stop(p);
    rte_eth_dev_close(p);
  }
  rte_eal_cleanup();
  return 0;
}
