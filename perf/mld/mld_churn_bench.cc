// mld_churn_bench: memory of the MLD router engine under a join/leave storm of random groups
// with the global limits active (issue #9: "memory stays flat").
//
// 1. Calibration: bytes per (*,G) entry and per source entry, on a router of its own.
// 2. Storm: N random MLDv2 reports (default 10,000,000), one record each, from random hosts on
//    K interfaces (default 64), through parse_frame + MldRouter::on_frame in simulated time
//    (`--step-us` per report, timers run at their deadlines, so leaves and MALI expire):
//      40 %  (*,G) join, TO_EX({}) or IS_EX({}), of a new random group (2^40 group space)
//      20 %  INCLUDE join, IS_IN or ALLOW with 1-4 random sources, to a new random group or
//            to a recently joined one (so source lists of existing groups grow)
//      40 %  leave, TO_IN({}), of a recently joined group
//    Live heap, RSS and the engine's own estimate are taken before, at 1M, 5M and N reports.
// 3. Expiry: the clock runs MALI and more on, every group times out; figures again, then once
//    more after malloc_trim(0) (glibc keeps freed memory in its arenas; trimming only at this
//    measurement point shows how much of the RSS is the allocator's, not the engine's).
// Memory is flat when the heap at N reports stays within 10 % of the heap at 5M (the limits
// bound it) and the heap after expiry is back within 1 MiB of the baseline. The last line is
// one JSON object.
#include <malloc.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "control/mld/router.h"
#include "control/wire/frame.h"
#include "perf/mld/memory_probe.h"

namespace {

using namespace tandem;
using namespace std::chrono_literals;
using wire::MldRecordType;

struct Options {
  uint64_t reports = 10000000;
  uint32_t interfaces = 64;
  mld::GlobalLimits limits;  // the engine's defaults unless given
  uint32_t step_us = 10;
  uint64_t seed = 1;
};

struct Point {
  const char* name;
  uint64_t reports = 0;
  size_t groups = 0, sources = 0;
  int64_t heap = 0, rss = 0;
  size_t engine = 0;
};

const wire::MacAddress kMac{{0x02, 0, 0, 0, 1, 1}};

wire::Ipv6Address group_from(uint64_t n) {
  wire::Ipv6Address a = wire::Ipv6Address::must_parse("ff05::");
  for (int i = 0; i < 5; ++i) a.bytes[15 - i] = static_cast<uint8_t>(n >> (8 * i));
  return a;
}

wire::Ipv6Address source_from(uint64_t n) {
  wire::Ipv6Address a = wire::Ipv6Address::must_parse("2001:db8::");
  for (int i = 0; i < 4; ++i) a.bytes[15 - i] = static_cast<uint8_t>(n >> (8 * i));
  return a;
}

wire::Ipv6Address host_from(uint64_t n) {
  wire::Ipv6Address a = wire::Ipv6Address::must_parse("fe80::");
  a.bytes[14] = static_cast<uint8_t>(n >> 8);
  a.bytes[15] = static_cast<uint8_t>(n | 1);
  return a;
}

// Gives a vector's storage back (`v = {}` keeps the capacity: it assigns an empty list).
template <typename T>
void release(std::vector<T>& v) {
  std::vector<T>().swap(v);
}

// One report with one record, built, parsed and handed to the router as the daemon would.
void feed(mld::MldRouter& router, uint32_t ifindex, const wire::Ipv6Address& host,
          const wire::MldRecordSpec& rec, TimePoint now) {
  const std::vector<uint8_t> bytes = wire::build_mld_v2_report_frame(kMac, host, {rec});
  router.on_frame(wire::parse_frame(bytes), ifindex, now);
}

void add_interfaces(mld::MldRouter& router, uint32_t count, TimePoint now) {
  for (uint32_t itf = 1; itf <= count; ++itf) {
    router.add_interface(itf, "ge" + std::to_string(itf), mld::InterfaceConfig{},
                         wire::Ipv6Address::must_parse("fe80::1"), now);
  }
  (void)router.take_queries();
}

// Heap bytes per (*,G) entry and per source entry: N EXCLUDE({}) groups, then N INCLUDE groups
// with 8 sources each on a fresh router; the second figure minus the first, per source.
std::pair<double, double> calibrate(uint32_t n) {
  std::array<double, 2> per_group{};
  for (int pass = 0; pass < 2; ++pass) {
    const int64_t before = perf::live_heap_bytes();
    mld::MldRouter router;
    router.set_global_limits(mld::GlobalLimits{n, 8 * n});
    add_interfaces(router, 1, TimePoint{});
    std::vector<mld::Event> events;
    for (uint32_t g = 0; g < n; ++g) {
      wire::MldRecordSpec rec{
          pass == 0 ? MldRecordType::is_ex : MldRecordType::allow, group_from(g), {}};
      if (pass == 1) {
        for (uint64_t s = 0; s < 8; ++s) rec.sources.push_back(source_from(g * 8 + s));
      }
      feed(router, 1, host_from(1), rec, TimePoint{});
      router.take_events(events);
    }
    release(events);
    per_group[pass] = static_cast<double>(perf::live_heap_bytes() - before) / n;
  }
  return {per_group[0], (per_group[1] - per_group[0]) / 8};
}

Point measure(const char* name, uint64_t reports, const mld::MldRouter& router) {
  return Point{name,
               reports,
               router.group_count(),
               router.source_count(),
               perf::live_heap_bytes(),
               perf::rss_bytes(),
               router.memory_bytes()};
}

void print_point(const Point& p, const Point& base) {
  std::printf("%-24s %10llu %9zu %9zu %11.1f %11.1f %11.1f %11.1f\n", p.name,
              static_cast<unsigned long long>(p.reports), p.groups, p.sources,
              static_cast<double>(p.heap) / 1048576.0, static_cast<double>(p.rss) / 1048576.0,
              static_cast<double>(p.heap - base.heap) / 1048576.0,
              static_cast<double>(p.engine) / 1048576.0);
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    const char* k = argv[i];
    const uint64_t v = std::strtoull(argv[i + 1], nullptr, 10);
    if (std::strcmp(k, "--reports") == 0) o.reports = v;
    if (std::strcmp(k, "--interfaces") == 0) o.interfaces = static_cast<uint32_t>(v);
    if (std::strcmp(k, "--groups-limit") == 0) o.limits.groups = static_cast<uint32_t>(v);
    if (std::strcmp(k, "--sources-limit") == 0) o.limits.sources = static_cast<uint32_t>(v);
    if (std::strcmp(k, "--step-us") == 0) o.step_us = static_cast<uint32_t>(v);
    if (std::strcmp(k, "--seed") == 0) o.seed = v;
  }
  if (o.reports == 0 || o.interfaces == 0 || !o.limits.validate().empty()) {
    std::fprintf(stderr,
                 "usage: mld_churn_bench [--reports N] [--interfaces K] [--groups-limit G] "
                 "[--sources-limit S] [--step-us U] [--seed X]\n");
    return 2;
  }

  const auto [bytes_per_group, bytes_per_source] =
      calibrate(std::min<uint32_t>(100000, o.limits.groups));
  malloc_trim(0);  // the calibration's freed arenas are not the storm's baseline

  mld::MldRouter router;
  router.set_global_limits(o.limits);
  TimePoint now{};
  add_interfaces(router, o.interfaces, now);

  // Everything the bench itself keeps is allocated before the baseline.
  constexpr size_t kRecent = 1 << 16;
  struct Joined {
    uint32_t ifindex;
    wire::Ipv6Address group;
  };
  std::vector<Joined> recent(kRecent, Joined{1, group_from(0)});
  size_t recent_next = 0;
  std::vector<mld::Event> events;
  std::vector<mld::OutgoingQuery> queries;
  events.reserve(4096);
  queries.reserve(4096);
  std::mt19937_64 rng(o.seed);
  wire::MldRecordSpec rec;
  rec.sources.reserve(4);

  std::vector<Point> points;
  points.push_back(measure("baseline", 0, router));
  const Duration step = std::chrono::microseconds(o.step_us);
  uint64_t joins = 0, include_joins = 0, leaves = 0, timer_runs = 0;
  auto run_timers = [&] {
    while (router.next_deadline() <= now) {
      router.on_timer(now);
      router.take_events(events);
      router.take_queries(queries);
      ++timer_runs;
    }
  };

  const double cpu0 = perf::thread_cpu_seconds();
  const auto wall0 = std::chrono::steady_clock::now();
  for (uint64_t n = 1; n <= o.reports; ++n) {
    now += step;
    run_timers();
    const uint64_t r = rng();
    const uint32_t pick = static_cast<uint32_t>(r % 100);
    uint32_t ifindex = static_cast<uint32_t>((r >> 8) % o.interfaces) + 1;
    const wire::Ipv6Address host = host_from(r >> 32);
    rec.sources.clear();
    if (pick < 40) {
      rec.type = (r >> 40) & 1 ? MldRecordType::to_ex : MldRecordType::is_ex;
      rec.group = group_from(rng());
      recent[recent_next++ % kRecent] = Joined{ifindex, rec.group};
      ++joins;
    } else if (pick < 60) {
      rec.type = (r >> 40) & 1 ? MldRecordType::allow : MldRecordType::is_in;
      if ((r >> 41) & 1) {
        const Joined& j = recent[(r >> 42) % kRecent];
        ifindex = j.ifindex;
        rec.group = j.group;
      } else {
        rec.group = group_from(rng());
        recent[recent_next++ % kRecent] = Joined{ifindex, rec.group};
      }
      const uint64_t s = rng();
      for (uint64_t k = 0; k <= (s & 3); ++k) rec.sources.push_back(source_from(s >> (8 + k * 8)));
      ++include_joins;
    } else {
      const Joined& j = recent[(r >> 42) % kRecent];
      ifindex = j.ifindex;
      rec.type = MldRecordType::to_in;
      rec.group = j.group;
      ++leaves;
    }
    feed(router, ifindex, host, rec, now);
    router.take_events(events);
    router.take_queries(queries);
    if (n == 1000000 || n == 5000000) {
      points.push_back(measure(n == 1000000 ? "after 1M reports" : "after 5M reports", n, router));
    }
  }
  const double storm_cpu = perf::thread_cpu_seconds() - cpu0;
  const double storm_wall =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count();
  points.push_back(measure("after all reports", o.reports, router));
  const size_t peak_groups = router.group_count();

  // Expiry: one-second steps up to MALI (260 s) plus margin after the last report.
  for (int s = 0; s < 300; ++s) {
    now += 1s;
    run_timers();
  }
  // The output buffers go back too (the engine swaps its own with the caller's): what is left
  // on the heap is then the engine's.
  release(events);
  release(queries);
  router.take_events(events);
  router.take_queries(queries);
  release(events);
  release(queries);
  points.push_back(measure("all expired", o.reports, router));
  malloc_trim(0);
  points.push_back(measure("all expired, trimmed", o.reports, router));

  const mld::Counters& c = router.counters();
  const Point& base = points.front();
  const Point& at5m = points.size() > 4 ? points[2] : points[1];
  const Point& at_end = points[points.size() - 3];
  const Point& expired = points[points.size() - 2];
  const Point& trimmed = points.back();
  std::printf(
      "mld_churn_bench: %llu reports over %u interfaces, step %u us (%.0f s simulated), "
      "limits %u groups / %u sources\n",
      static_cast<unsigned long long>(o.reports), o.interfaces, o.step_us,
      std::chrono::duration<double>(step * static_cast<double>(o.reports)).count(), o.limits.groups,
      o.limits.sources);
  std::printf(
      "calibration: %.1f heap bytes per (*,G), %.1f per source entry; at the limits: "
      "%.1f MiB\n",
      bytes_per_group, bytes_per_source,
      (bytes_per_group * o.limits.groups + bytes_per_source * o.limits.sources) / 1048576.0);
  std::printf(
      "mix: %llu (*,G) joins, %llu INCLUDE joins, %llu leaves; %llu timer runs; storm "
      "%.1f s CPU, %.1f s wall (%.0f reports per CPU-s)\n",
      static_cast<unsigned long long>(joins), static_cast<unsigned long long>(include_joins),
      static_cast<unsigned long long>(leaves), static_cast<unsigned long long>(timer_runs),
      storm_cpu, storm_wall, static_cast<double>(o.reports) / storm_cpu);
  std::printf(
      "refused: global_group_limit %llu, global_source_limit %llu, source_limit %llu; "
      "groups created %llu, deleted %llu\n",
      static_cast<unsigned long long>(c.ignored_count(mld::IgnoreReason::global_group_limit)),
      static_cast<unsigned long long>(c.ignored_count(mld::IgnoreReason::global_source_limit)),
      static_cast<unsigned long long>(c.ignored_count(mld::IgnoreReason::source_limit)),
      static_cast<unsigned long long>(c.groups_created),
      static_cast<unsigned long long>(c.groups_deleted));
  std::printf("%-24s %10s %9s %9s %11s %11s %11s %11s\n", "", "reports", "groups", "sources",
              "heap MiB", "RSS MiB", "heap-base", "engine MiB");
  for (const auto& p : points) print_point(p, base);

  const bool bounded = peak_groups <= o.limits.groups && at_end.sources <= o.limits.sources;
  const bool flat = at_end.heap <= at5m.heap + at5m.heap / 10 + (1 << 20) &&
                    expired.heap <= base.heap + (1 << 20);
  const bool state_ok = bounded && expired.groups == 0 && expired.sources == 0;
  auto mib = [](int64_t b) { return static_cast<double>(b) / 1048576.0; };
  std::printf(
      "{\"bench\":\"mld_churn\",\"reports\":%llu,\"interfaces\":%u,\"group_limit\":%u,"
      "\"source_limit\":%u,\"bytes_per_group\":%.1f,\"bytes_per_source\":%.1f,"
      "\"heap_mib\":{\"baseline\":%.1f,\"at_1m\":%.1f,\"at_5m\":%.1f,\"at_end\":%.1f,"
      "\"expired\":%.1f},\"rss_mib\":{\"baseline\":%.1f,\"at_1m\":%.1f,\"at_5m\":%.1f,"
      "\"at_end\":%.1f,\"expired\":%.1f,\"expired_trimmed\":%.1f},\"groups_at_end\":%zu,"
      "\"sources_at_end\":%zu,\"refused_groups\":%llu,\"refused_sources\":%llu,"
      "\"reports_per_cpu_s\":%.0f,\"flat\":%s,\"state_ok\":%s}\n",
      static_cast<unsigned long long>(o.reports), o.interfaces, o.limits.groups, o.limits.sources,
      bytes_per_group, bytes_per_source, mib(base.heap), mib(points[1].heap), mib(at5m.heap),
      mib(at_end.heap), mib(expired.heap), mib(base.rss), mib(points[1].rss), mib(at5m.rss),
      mib(at_end.rss), mib(expired.rss), mib(trimmed.rss), at_end.groups, at_end.sources,
      static_cast<unsigned long long>(c.ignored_count(mld::IgnoreReason::global_group_limit)),
      static_cast<unsigned long long>(c.ignored_count(mld::IgnoreReason::global_source_limit)),
      static_cast<double>(o.reports) / storm_cpu, flat ? "true" : "false",
      state_ok ? "true" : "false");
  return state_ok && flat ? 0 : 1;
}
