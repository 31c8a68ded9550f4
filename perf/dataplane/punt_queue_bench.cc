// Punt queue micro-benchmark: boost::lockfree::spsc_queue<rte_mbuf*> vs an SP/SC rte_ring,
// the two candidates for the worker → control core punt path (dataplane/punt.h).
// Producer on a worker lcore, consumer on the main lcore; bursts of 1 (the worker punts
// frame by frame) and of 32; plus both ends on one thread (no cache-line ping-pong: the
// floor). Prints cycles per item and Mitems/s, one JSON line per case.
#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_ring.h>
#include <unistd.h>

#include <atomic>
#include <boost/lockfree/spsc_queue.hpp>
#include <cstdio>
#include <string>
#include <vector>

namespace {

constexpr unsigned kCapacity = 1024;
constexpr uint64_t kItems = 20'000'000;

using Spsc = boost::lockfree::spsc_queue<rte_mbuf*>;

struct SpscOps {
  Spsc q{kCapacity};
  unsigned push(rte_mbuf** v, unsigned n) { return static_cast<unsigned>(q.push(v, n)); }
  unsigned pop(rte_mbuf** v, unsigned n) { return static_cast<unsigned>(q.pop(v, n)); }
};

struct RingOps {
  rte_ring* r =
      rte_ring_create("punt_bench", kCapacity, SOCKET_ID_ANY, RING_F_SP_ENQ | RING_F_SC_DEQ);
  ~RingOps() { rte_ring_free(r); }
  unsigned push(rte_mbuf** v, unsigned n) {
    return rte_ring_sp_enqueue_burst(r, reinterpret_cast<void**>(v), n, nullptr);
  }
  unsigned pop(rte_mbuf** v, unsigned n) {
    return rte_ring_sc_dequeue_burst(r, reinterpret_cast<void**>(v), n, nullptr);
  }
};

template <class Ops>
struct Job {
  Ops* ops;
  unsigned burst;
  std::atomic<bool> go{false};
};

template <class Ops>
int producer(void* arg) {
  auto& j = *static_cast<Job<Ops>*>(arg);
  rte_mbuf* items[32];
  for (unsigned i = 0; i < 32; ++i) items[i] = reinterpret_cast<rte_mbuf*>(uintptr_t{i + 1});
  while (!j.go.load(std::memory_order_acquire)) {
  }
  uint64_t sent = 0;
  while (sent < kItems) sent += j.ops->push(items, j.burst);
  return 0;
}

template <class Ops>
double cross_core(unsigned burst) {
  Ops ops;
  Job<Ops> job{&ops, burst};
  unsigned worker = rte_get_next_lcore(rte_lcore_id(), 1, 0);
  rte_eal_remote_launch(producer<Ops>, &job, worker);
  rte_mbuf* out[32];
  uint64_t got = 0, sum = 0;
  uint64_t t0 = rte_rdtsc();
  job.go.store(true, std::memory_order_release);
  while (got < kItems) {
    unsigned n = ops.pop(out, 32);
    for (unsigned i = 0; i < n; ++i) sum += reinterpret_cast<uintptr_t>(out[i]);
    got += n;
  }
  uint64_t t1 = rte_rdtsc();
  rte_eal_wait_lcore(worker);
  if (sum == 0) std::puts("impossible");
  return static_cast<double>(t1 - t0) / static_cast<double>(kItems);
}

template <class Ops>
double same_thread(unsigned burst) {
  Ops ops;
  rte_mbuf* items[32];
  rte_mbuf* out[32];
  for (unsigned i = 0; i < 32; ++i) items[i] = reinterpret_cast<rte_mbuf*>(uintptr_t{i + 1});
  uint64_t sum = 0;
  uint64_t t0 = rte_rdtsc();
  for (uint64_t done = 0; done < kItems; done += burst) {
    ops.push(items, burst);
    unsigned n = ops.pop(out, burst);
    sum += reinterpret_cast<uintptr_t>(out[n - 1]);
  }
  uint64_t t1 = rte_rdtsc();
  if (sum == 0) std::puts("impossible");
  return static_cast<double>(t1 - t0) / static_cast<double>(kItems);
}

void report(const char* queue, const char* mode, unsigned burst, double cycles) {
  double hz = static_cast<double>(rte_get_tsc_hz());
  std::printf(
      "{\"bench\":\"punt_queue\",\"queue\":\"%s\",\"mode\":\"%s\",\"burst\":%u,"
      "\"cycles_per_item\":%.2f,\"mitems_per_s\":%.1f}\n",
      queue, mode, burst, cycles, hz / cycles / 1e6);
}

}  // namespace

int main(int argc, char** argv) {
  std::string prefix = "--file-prefix=tandem-dp-puntq-" + std::to_string(getpid());
  std::vector<std::string> args{argv[0],          "-l",   "0-1",         "--no-huge",
                                "--no-shconf",    "-m",   "128",         "--no-pci",
                                "--no-telemetry", prefix, "--log-level", "*:error"};
  for (int i = 1; i < argc; ++i) args.push_back(argv[i]);
  std::vector<char*> av;
  for (auto& a : args) av.push_back(a.data());
  if (rte_eal_init(static_cast<int>(av.size()), av.data()) < 0) {
    std::fprintf(stderr, "punt_queue_bench: rte_eal_init failed\n");
    return 1;
  }
  const int rounds = 3;  // interleaved; the control core shares 2 vCPUs with everyone
  for (int r = 0; r < rounds; ++r) {
    for (unsigned burst : {1u, 32u}) {
      report("boost_spsc", "same_thread", burst, same_thread<SpscOps>(burst));
      report("rte_ring_spsc", "same_thread", burst, same_thread<RingOps>(burst));
      if (rte_lcore_count() >= 2) {
        report("boost_spsc", "cross_core", burst, cross_core<SpscOps>(burst));
        report("rte_ring_spsc", "cross_core", burst, cross_core<RingOps>(burst));
      }
    }
  }
  rte_eal_cleanup();
  return 0;
}
