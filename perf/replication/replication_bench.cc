// RBS benchmark on loopback TCP (::ffff:127.0.0.1 ⇄ ::ffff:127.0.0.2), one thread driving
// both endpoints the way the daemon's event loop would:
//   1. delta latency Master → Backup: one changed record, from the feed push until the Backup
//      has applied it (p50 / p99; goal p99 ≤ 1 ms);
//   2. full snapshot of N groups (default 1,000,000): from `batch-backup now` until the Backup
//      has applied it (goal ≤ 2 s), and bytes on the wire per group;
//   3. sustained deltas/s under random churn.
// Baseline printed beside: the same loopback socket pair echoing a 100-byte message
// (the floor any delta latency sits on).
// Last line: one JSON object {"bench":"replication",...}.
#include <poll.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

#include "control/common/rng.h"
#include "replication/digest.h"
#include "replication/memory_group_store.h"
#include "replication/rbs_endpoint.h"

using namespace tandem;
using namespace tandem::replication;

namespace {

constexpr uint16_t kBackupId = 10;
const wire::Ipv6Address kA = wire::Ipv6Address::must_parse("::ffff:127.0.0.1");
const wire::Ipv6Address kB = wire::Ipv6Address::must_parse("::ffff:127.0.0.2");

struct Node {
  MemoryGroupStore store;
  std::unique_ptr<RbsEndpoint> ep;
  Node(const wire::Ipv6Address& self, const wire::Ipv6Address& peer, uint16_t port,
       uint64_t epoch) {
    EndpointConfig cfg;
    cfg.local = self;
    cfg.peer = peer;
    cfg.port = port;
    cfg.channel.node_id = self.bytes[15];
    cfg.channel.epoch = epoch;
    cfg.channel.backup_ids = {kBackupId};
    cfg.channel.heartbeat_interval = milliseconds(1000);
    cfg.connector.backoff_min = milliseconds(10);
    LogSink sink = null_log_sink();
    if (std::getenv("TANDEM_BENCH_LOG")) {
      sink = [](LogLevel, std::string_view, std::string_view line) {
        const double t = std::chrono::duration<double>(Clock::now().time_since_epoch()).count();
        std::fprintf(stderr, "%.3f %.*s\n", t, static_cast<int>(line.size()), line.data());
      };
    }
    ep = std::make_unique<RbsEndpoint>(cfg, store, sink);
  }
  RbsChannel& ch() { return ep->channel(); }
};

void loop_once(Node& a, Node& b, int max_wait_ms) {
  std::vector<pollfd> fds;
  std::vector<Node*> owner;
  for (Node* n : {&a, &b}) {
    for (const auto& p : n->ep->poll_fds()) {
      fds.push_back({p.fd, static_cast<short>(POLLIN | (p.want_write ? POLLOUT : 0)), 0});
      owner.push_back(n);
    }
  }
  TimePoint now = Clock::now();
  const TimePoint d = std::min(a.ep->next_deadline(), b.ep->next_deadline());
  int64_t wait = d <= now ? 0 : std::chrono::ceil<milliseconds>(d - now).count();
  ::poll(fds.data(), fds.size(), static_cast<int>(std::min<int64_t>(wait, max_wait_ms)));
  now = Clock::now();
  for (size_t i = 0; i < fds.size(); ++i) {
    if (fds[i].revents == 0) continue;
    owner[i]->ep->on_fd_ready(fds[i].fd, fds[i].revents & (POLLIN | POLLHUP | POLLERR),
                              fds[i].revents & (POLLOUT | POLLERR | POLLHUP), now);
  }
  a.ep->on_timer(Clock::now());
  b.ep->on_timer(Clock::now());
}

template <typename F>
bool run_until(Node& a, Node& b, F done, Duration limit) {
  const TimePoint end = Clock::now() + limit;
  while (!done()) {
    if (Clock::now() > end) return false;
    loop_once(a, b, 1);
  }
  return true;
}

wire::Ipv6Address group_addr(uint32_t i) {
  wire::Ipv6Address g = wire::Ipv6Address::must_parse("ff05::");
  g.bytes[12] = static_cast<uint8_t>(i >> 24);
  g.bytes[13] = static_cast<uint8_t>(i >> 16);
  g.bytes[14] = static_cast<uint8_t>(i >> 8);
  g.bytes[15] = static_cast<uint8_t>(i);
  return g;
}

// A typical table: mostly (*,G) joins (EXCLUDE {}), some INCLUDE with one or two sources.
GroupRecord make_record(Rng& rng, uint32_t i) {
  GroupRecord r;
  r.key = {kBackupId, "ge" + std::to_string(i % 4), group_addr(i)};
  r.last_reporter = wire::Ipv6Address::must_parse("fe80::1:0");
  r.last_reporter.bytes[14] = static_cast<uint8_t>(i >> 8);
  r.last_reporter.bytes[15] = static_cast<uint8_t>(i);
  if (rng.uniform(0, 3) == 0) {
    r.mode = FilterMode::include;
    const int n = static_cast<int>(rng.uniform(1, 2));
    for (int s = 0; s < n; ++s) {
      wire::Ipv6Address src = wire::Ipv6Address::must_parse("2001:db8:100::");
      src.bytes[15] = static_cast<uint8_t>(s + 1);
      r.sources.push_back({src, static_cast<int64_t>(rng.uniform(100'000, 260'000))});
    }
  } else {
    r.mode = FilterMode::exclude;
    r.filter_timer_ms = static_cast<int64_t>(rng.uniform(100'000, 260'000));
  }
  return r;
}

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[static_cast<size_t>(p * static_cast<double>(v.size() - 1))];
}

// Baseline: round trip of 100 bytes over the same kind of loopback socket pair, halved.
std::vector<double> socket_baseline_us(uint16_t port, int rounds) {
  std::vector<double> out;
  std::string err;
  auto l = TcpListener::listen(kB, port, &err);
  if (!l) return out;
  auto c = TcpSocket::dial(kA, kB, l->port(), &err);
  if (!c) return out;
  std::optional<TcpListener::Accepted> s;
  for (int i = 0; i < 1000 && !s; ++i) {
    pollfd p{l->fd(), POLLIN, 0};
    ::poll(&p, 1, 10);
    s = l->accept();
  }
  if (!s) return out;
  pollfd pc{c->fd(), POLLOUT, 0};
  ::poll(&pc, 1, 100);
  c->finish_connect();
  uint8_t buf[100] = {};
  for (int i = 0; i < rounds; ++i) {
    const auto t0 = Clock::now();
    size_t n = 0;
    c->write(buf, &n);
    size_t got = 0;
    while (got < sizeof buf) {
      pollfd p{s->socket.fd(), POLLIN, 0};
      ::poll(&p, 1, 100);
      if (s->socket.read({buf + got, sizeof buf - got}, &n) == TcpSocket::IoStatus::ok) got += n;
    }
    out.push_back(std::chrono::duration<double, std::micro>(Clock::now() - t0).count());
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  size_t groups = 1'000'000;
  int latency_samples = 2000;
  double churn_seconds = 3.0;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--groups" && i + 1 < argc) groups = std::strtoull(argv[++i], nullptr, 10);
    if (a == "--samples" && i + 1 < argc) latency_samples = std::atoi(argv[++i]);
    if (a == "--churn-seconds" && i + 1 < argc) churn_seconds = std::atof(argv[++i]);
  }
  std::random_device rd;
  uint16_t port = 0;
  std::unique_ptr<Node> a, b;
  for (int attempt = 0; attempt < 20; ++attempt) {
    port = static_cast<uint16_t>(20000 + rd() % 30000);
    a = std::make_unique<Node>(kA, kB, port, 0xa1);
    b = std::make_unique<Node>(kB, kA, port, 0xb2);
    if (a->ep->start() && b->ep->start()) break;
  }
  a->ch().set_role(kBackupId, Role::master, Clock::now());
  if (!run_until(
          *a, *b, [&] { return b->ch().snapshot_complete() && a->ch().snapshot_complete(); },
          seconds(10))) {
    std::fprintf(stderr, "replication_bench: endpoints did not connect\n");
    return 1;
  }
  Rng rng(1);

  // 0. Baseline.
  const auto base = socket_baseline_us(static_cast<uint16_t>(port + 1), latency_samples);
  const double base_p50 = percentile(base, 0.5), base_p99 = percentile(base, 0.99);
  std::printf("baseline loopback 100 B one-way        p50 %7.1f us  p99 %7.1f us\n", base_p50,
              base_p99);

  // Calibration on the same machine in the same run: the snapshot is bound by memory
  // latency (hash inserts on the Backup), so a plain 1M-entry hash insert says how loaded or
  // fast this machine is right now.
  double calib_s = 0;
  {
    std::unordered_map<uint64_t, uint32_t> m;
    m.reserve(groups);
    const auto t0 = Clock::now();
    for (uint64_t i = 0; i < groups; ++i) m.try_emplace(i * 0x9e3779b97f4a7c15ULL, i);
    calib_s = std::chrono::duration<double>(Clock::now() - t0).count();
  }
  std::printf("baseline %zu std::unordered_map<u64> inserts: %.3f s\n", groups, calib_s);

  // 1. Delta latency: one change at a time, measured until applied on the Backup.
  for (uint32_t i = 0; i < 10'000; ++i) a->store.upsert(make_record(rng, i), Clock::now());
  a->ch().batch_backup_now(Clock::now());
  run_until(
      *a, *b, [&] { return a->ch().status().last_seq_acked == a->ch().status().last_seq_sent; },
      seconds(10));
  std::vector<double> lat;
  for (int i = 0; i < latency_samples; ++i) {
    const uint32_t k = static_cast<uint32_t>(rng.uniform(0, 9'999));
    const auto t0 = Clock::now();
    GroupRecord r = make_record(rng, k);
    a->store.upsert(r, t0);
    a->ch().feed().upsert(r);
    const uint64_t target = a->ch().status().last_seq_sent + 1;
    a->ep->on_timer(t0);  // the daemon's loop turns the feed into a Delta right away
    if (!run_until(
            *a, *b, [&] { return b->ch().status().last_seq_applied >= target; }, seconds(5))) {
      std::fprintf(stderr, "delta %d not applied\n", i);
      return 1;
    }
    lat.push_back(std::chrono::duration<double, std::micro>(Clock::now() - t0).count());
  }
  const double lat_p50 = percentile(lat, 0.5), lat_p99 = percentile(lat, 0.99);
  std::printf(
      "delta latency master->backup (applied) p50 %7.1f us  p99 %7.1f us  (goal p99 <= 1000 us)\n",
      lat_p50, lat_p99);

  // 2. Full snapshot of `groups` records.
  a->store.clear();
  for (uint32_t i = 0; i < groups; ++i) {
    a->store.upsert(make_record(rng, i), Clock::now());
    if (i % 65536 == 0) loop_once(*a, *b, 0);  // keep heartbeats flowing, as the daemon would
  }
  run_until(
      *a, *b, [] { return false; }, milliseconds(50));
  const uint64_t bytes0 = a->ch().status().counters.bytes_sent;
  const uint64_t snaps0 = b->ch().status().counters.snapshots_received;
  const auto s0 = Clock::now();
  if (std::getenv("TANDEM_BENCH_LOG")) {
    std::fprintf(stderr, "%.3f snapshot start\n",
                 std::chrono::duration<double>(s0.time_since_epoch()).count());
  }
  a->ch().batch_backup_now(s0);
  const auto s_built = Clock::now();
  if (!run_until(
          *a, *b, [&] { return b->ch().status().counters.snapshots_received > snaps0; },
          seconds(60))) {
    std::fprintf(stderr, "snapshot not applied\n");
    return 1;
  }
  const double snap_s = std::chrono::duration<double>(Clock::now() - s0).count();
  const double build_s = std::chrono::duration<double>(s_built - s0).count();
  run_until(
      *a, *b, [&] { return a->ch().status().output_bytes == 0; }, seconds(5));
  const uint64_t snap_bytes = a->ch().status().counters.bytes_sent - bytes0;
  const double bytes_per_group = static_cast<double>(snap_bytes) / static_cast<double>(groups);
  const bool snap_equal =
      a->store.digest() == b->store.digest() && a->store.size() == b->store.size();
  std::printf(
      "snapshot %zu groups: %.3f s (encode %.3f s), %.1f MB, %.1f B/group, digests %s "
      "(goal <= 2 s)\n",
      groups, snap_s, build_s, static_cast<double>(snap_bytes) / 1e6, bytes_per_group,
      snap_equal ? "equal" : "DIFFER");

  // 3. Sustained churn: batches of changes, as many as the link absorbs.
  const uint64_t applied0 = b->ch().status().counters.records_applied;
  const auto c0 = Clock::now();
  const auto c_end =
      c0 + std::chrono::duration_cast<Duration>(std::chrono::duration<double>(churn_seconds));
  uint64_t offered = 0;
  while (Clock::now() < c_end) {
    const auto now = Clock::now();
    offered += 500;
    for (int i = 0; i < 500; ++i) {
      GroupRecord r = make_record(rng, static_cast<uint32_t>(rng.uniform(0, groups - 1)));
      a->store.upsert(r, now);
      a->ch().feed().upsert(r);
    }
    loop_once(*a, *b, 0);
  }
  run_until(
      *a, *b,
      [&] {
        const auto s = a->ch().status();
        return a->ch().feed().empty() && s.output_bytes == 0 && s.last_seq_acked == s.last_seq_sent;
      },
      seconds(30));
  const double churn_s = std::chrono::duration<double>(Clock::now() - c0).count();
  const uint64_t applied = b->ch().status().counters.records_applied - applied0;
  const double deltas_per_s = static_cast<double>(applied) / churn_s;
  const bool final_equal = a->store.digest() == b->store.digest();
  std::printf(
      "sustained: %llu changes offered, %llu records applied (latest state per key) "
      "in %.2f s = %.0f records/s, digests %s\n",
      static_cast<unsigned long long>(offered), static_cast<unsigned long long>(applied), churn_s,
      deltas_per_s, final_equal ? "equal" : "DIFFER");

  std::printf(
      "{\"bench\":\"replication\",\"delta_latency_p50_us\":%.1f,\"delta_latency_p99_us\":%.1f,"
      "\"baseline_socket_p50_us\":%.1f,\"baseline_socket_p99_us\":%.1f,\"snapshot_groups\":%zu,"
      "\"snapshot_s\":%.3f,\"snapshot_bytes_per_group\":%.1f,\"sustained_records_per_s\":%.0f,"
      "\"baseline_hash_insert_s\":%.3f,\"digests_equal\":%s}\n",
      lat_p50, lat_p99, base_p50, base_p99, groups, snap_s, bytes_per_group, deltas_per_s, calib_s,
      snap_equal && final_equal ? "true" : "false");
  return snap_equal && final_equal ? 0 : 1;
}
