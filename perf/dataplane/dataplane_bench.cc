// Stand-alone data plane for perf/dataplane.sh: one net_pcap ingress (infinite_rx), N
// net_null egress ports, a FIB of G (*,G) entries filled from the command line, one worker
// lcore; prints one JSON line of figures. Also writes the ingress pcap (--write-pcap) so the
// script needs nothing but this binary and dpdk-testpmd.
//
//   dataplane_bench --write-pcap F --groups G --frame-size S [--max-frames M]
//   dataplane_bench --pcap F --egress N --groups G [--seconds T] [--warmup T]
//                   [--clone-threshold B] [--lcores 0-1] [--mem MB] [--rpf-iif]
//
// --rpf-iif: the ingress port is not a static upstream; every entry names it as its RPF
// interface instead (PIM-SM's way, fib_writer.h), so RPF is judged per entry.
#include <rte_cycles.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "control/wire/frame.h"
#include "control/wire/pcap_file.h"
#include "dataplane/dataplane.h"

namespace {

using tandem::dataplane::CountersSnapshot;
using tandem::dataplane::Dataplane;
using tandem::dataplane::DataplaneConfig;
using tandem::dataplane::PortConfig;
using tandem::dataplane::PortMask;
using tandem::wire::Ipv6Address;

struct Options {
  std::string write_pcap, pcap, lcores = "0-1";
  unsigned egress = 1, groups = 1000, frame_size = 66, max_frames = 65536, mem_mb = 1536;
  unsigned clone_threshold = 0;
  bool huge = false;  // hugepages (mounted hugetlbfs with enough free pages) instead of --no-huge
  bool rpf_iif = false;  // entries carry the ingress as RPF interface; the port is not upstream
  double seconds = 2.0, warmup = 0.5;
};

Ipv6Address group_address(unsigned i) {
  Ipv6Address g = Ipv6Address::must_parse("ff05::");
  g.bytes[12] = static_cast<uint8_t>(i >> 24);
  g.bytes[13] = static_cast<uint8_t>(i >> 16);
  g.bytes[14] = static_cast<uint8_t>(i >> 8);
  g.bytes[15] = static_cast<uint8_t>(i);
  return g;
}

int write_pcap(const Options& o) {
  // Always max_frames frames (net_pcap keeps them all in mbufs, and the same count keeps the
  // PMD's own working set equal across table sizes), spread evenly over the groups so a
  // large table is touched across its whole range and a small one cycled through.
  const unsigned frames = o.max_frames;
  const unsigned stride = o.groups > frames ? o.groups / frames : 1;
  const size_t overhead = 14 + 40 + 8;
  size_t payload = o.frame_size > overhead ? o.frame_size - overhead : 0;
  tandem::wire::PcapFile f;
  for (unsigned i = 0; i < frames; ++i) {
    tandem::wire::L2L3Spec l;
    l.src_mac = *tandem::wire::MacAddress::parse("02:00:00:00:00:01");
    l.src = Ipv6Address::must_parse("2001:db8:100::10");
    l.dst = group_address(static_cast<unsigned>((uint64_t{i} * stride) % o.groups));
    l.hop_limit = 64;
    std::vector<uint8_t> body(payload, static_cast<uint8_t>(i));
    tandem::wire::PcapRecord r;
    r.data = tandem::wire::build_udp_frame(l, 40000, 5001, body);
    r.orig_len = static_cast<uint32_t>(r.data.size());
    r.ts_ns = 1'000'000'000ull + i * 1000ull;
    f.records.push_back(std::move(r));
  }
  std::string err;
  if (!tandem::wire::write_pcap(o.write_pcap, f, err)) {
    std::fprintf(stderr, "dataplane_bench: %s\n", err.c_str());
    return 1;
  }
  return 0;
}

int run(const Options& o) {
  DataplaneConfig cfg;
  cfg.program_name = "dataplane_bench";
  PortConfig in;
  in.device = "net_pcap0,rx_pcap=" + o.pcap + ",infinite_rx=1";
  in.upstream = !o.rpf_iif;
  cfg.ports.push_back(in);
  for (unsigned i = 1; i <= o.egress; ++i) {
    cfg.ports.push_back(PortConfig{"net_null" + std::to_string(i) + ",no-rx=1", false});
  }
  // --in-memory with hugepages: no hugepage files are left behind (--no-shconf keeps them).
  cfg.eal_args = {"-l",
                  o.lcores,
                  o.huge ? "--in-memory" : "--no-shconf",
                  "-m",
                  std::to_string(o.mem_mb),
                  "--no-telemetry",
                  "--file-prefix",
                  "tandem-dp-bench-" + std::to_string(getpid()),
                  "--log-level",
                  "*:error"};
  if (!o.huge) cfg.eal_args.push_back("--no-huge");
  cfg.fib_capacity = o.groups + 16;
  cfg.extra_mbufs = o.max_frames + 4096;  // net_pcap's infinite_rx ring
  cfg.clone_threshold_bytes = o.clone_threshold;
  cfg.log = [](tandem::LogLevel l, std::string_view, std::string_view line) {
    if (l >= tandem::LogLevel::warning) {
      std::fprintf(stderr, "%.*s\n", static_cast<int>(line.size()), line.data());
    }
  };
  Dataplane dp;
  auto r = dp.init(cfg);
  if (!r.ok) {
    std::fprintf(stderr, "dataplane_bench: %s\n", r.error.c_str());
    return 1;
  }
  PortMask egress = 0;
  for (unsigned i = 1; i <= o.egress; ++i) egress |= tandem::dataplane::port_bit(i);
  for (unsigned g = 0; g < o.groups; ++g) {
    const tandem::dataplane::FibRoute route{
        egress, o.rpf_iif ? tandem::dataplane::PortIndex{0} : tandem::dataplane::kNoIif};
    if (!dp.fib().upsert(Ipv6Address{}, group_address(g), route)) {
      std::fprintf(stderr, "dataplane_bench: FIB full at %u\n", g);
      return 1;
    }
  }
  dp.start();
  if (dp.one_lcore_mode()) {
    std::fprintf(stderr, "dataplane_bench: needs two lcores (-l 0-1)\n");
    return 1;
  }
  std::this_thread::sleep_for(std::chrono::duration<double>(o.warmup));
  CountersSnapshot a = dp.counters();
  uint64_t t0 = rte_rdtsc();
  // Besides the whole interval, the cheapest 2 ms window: on a shared machine the worker is
  // descheduled now and then, which only ever adds cycles, so the best window estimates the
  // undisturbed cost (a development aid; the reported figures are whole-interval ones).
  const uint64_t hz = rte_get_tsc_hz();
  const uint64_t window = hz / 500, end = t0 + static_cast<uint64_t>(o.seconds * hz);
  uint64_t w_t = t0, w_rx = a.per_port[0].rx;
  double best_cpp = 0;
  for (uint64_t now = t0; now < end; now = rte_rdtsc()) {
    std::this_thread::sleep_for(std::chrono::microseconds(500));
    uint64_t t = rte_rdtsc();
    if (t - w_t < window) continue;
    uint64_t rx_now = dp.counters().per_port[0].rx;
    if (rx_now > w_rx) {
      double cpp = static_cast<double>(t - w_t) / static_cast<double>(rx_now - w_rx);
      if (best_cpp == 0 || cpp < best_cpp) best_cpp = cpp;
    }
    w_t = t;
    w_rx = rx_now;
  }
  CountersSnapshot b = dp.counters();
  uint64_t t1 = rte_rdtsc();
  dp.stop();

  double secs = static_cast<double>(t1 - t0) / static_cast<double>(rte_get_tsc_hz());
  double rx = static_cast<double>(b.per_port[0].rx - a.per_port[0].rx);
  double copies = static_cast<double>(b.total.copies - a.total.copies);
  double tx = static_cast<double>(b.total.tx - a.total.tx);
  uint64_t drops = 0;
  for (size_t i = 1; i < b.total.drops.size(); ++i) drops += b.total.drops[i] - a.total.drops[i];
  // One worker lcore busy-polls for the whole interval: its cycles are all spent on `rx`.
  double cpp = rx > 0 ? static_cast<double>(t1 - t0) / rx : 0;
  std::printf(
      "{\"egress\":%u,\"groups\":%u,\"frame\":%u,\"clone_threshold\":%u,\"rx_mpps\":%.4f,"
      "\"copies_mpps\":%.4f,\"tx_mpps\":%.4f,\"cycles_per_packet\":%.1f,"
      "\"best_window_cycles_per_packet\":%.1f,\"drops\":%llu,"
      "\"tsc_hz\":%llu,\"rpf_iif\":%d}\n",
      o.egress, o.groups, o.frame_size, o.clone_threshold, rx / secs / 1e6, copies / secs / 1e6,
      tx / secs / 1e6, cpp, best_cpp, static_cast<unsigned long long>(drops),
      static_cast<unsigned long long>(rte_get_tsc_hz()), o.rpf_iif ? 1 : 0);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "dataplane_bench: %s needs a value\n", a.c_str());
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--write-pcap")
      o.write_pcap = next();
    else if (a == "--pcap")
      o.pcap = next();
    else if (a == "--egress")
      o.egress = static_cast<unsigned>(std::stoul(next()));
    else if (a == "--groups")
      o.groups = static_cast<unsigned>(std::stoul(next()));
    else if (a == "--frame-size")
      o.frame_size = static_cast<unsigned>(std::stoul(next()));
    else if (a == "--max-frames")
      o.max_frames = static_cast<unsigned>(std::stoul(next()));
    else if (a == "--clone-threshold")
      o.clone_threshold = static_cast<unsigned>(std::stoul(next()));
    else if (a == "--seconds")
      o.seconds = std::stod(next());
    else if (a == "--warmup")
      o.warmup = std::stod(next());
    else if (a == "--huge")
      o.huge = true;
    else if (a == "--rpf-iif")
      o.rpf_iif = true;
    else if (a == "--lcores")
      o.lcores = next();
    else if (a == "--mem")
      o.mem_mb = static_cast<unsigned>(std::stoul(next()));
    else {
      std::fprintf(stderr, "dataplane_bench: unknown option %s\n", a.c_str());
      return 2;
    }
  }
  if (o.groups == 0 || o.egress == 0 || o.egress >= tandem::dataplane::kMaxPorts) {
    std::fprintf(stderr, "dataplane_bench: need --groups >= 1 and 1 <= --egress <= %u\n",
                 tandem::dataplane::kMaxPorts - 1u);
    return 2;
  }
  if (!o.write_pcap.empty()) return write_pcap(o);
  if (o.pcap.empty()) {
    std::fprintf(stderr, "dataplane_bench: --pcap or --write-pcap required\n");
    return 2;
  }
  return run(o);
}
