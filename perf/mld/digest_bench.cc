// digest_bench: the RBS digest and record count of the daemon's group store (MldGroupStore)
// at 1,000,000 groups, read the old way (a walk of every record: replication::table_digest,
// and a counting for_each, which is what MldGroupStore::size() did) and the new way (the
// running sums the engine keeps, control/mld/fingerprint.h); and what keeping those sums
// costs per group report.
//
// Two routers take the same MLDv2 report frames (70 IS_EX({}) records each, or IS_IN with
// `--sources S` sources each) for N groups over K interfaces: "upkeep" has every interface
// bound to an RBP, so each record change updates the sum; "baseline" has none bound, so the
// engine skips it. Ingest (new groups) once each, then refresh rounds alternating between the
// two (best round of each counts, the shared machine's noise only ever slows a round down).
// Per-record overhead = 1/rate(upkeep) - 1/rate(baseline), in CPU time of the bench thread.
// The last line is one JSON object.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "control/daemon/config/parser.h"
#include "control/daemon/core/interfaces.h"
#include "control/daemon/core/mld_group_store.h"
#include "control/mld/router.h"
#include "control/wire/frame.h"
#include "perf/mld/memory_probe.h"
#include "perf/mld/report_frames.h"
#include "replication/digest.h"

namespace {

using namespace tandem;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

config::Config interfaces_config(uint32_t interfaces) {
  std::string text;
  for (uint32_t i = 0; i < interfaces; ++i)
    text +=
        "interface ge" + std::to_string(i) + "\n device net_null" + std::to_string(i) + "\nquit\n";
  auto parsed = config::parse_config(text, "bench.cfg");
  if (!parsed.ok()) {
    std::fprintf(stderr, "%s", config::format_errors(parsed.errors).c_str());
    std::exit(2);
  }
  return parsed.config;
}

// One router with its store; `bound` decides whether the store's interfaces are bound.
struct Router {
  Router(const daemon::InterfaceMap& interfaces, uint32_t count, uint32_t groups, bool bound)
      : store(mld, interfaces) {
    mld.set_global_limits(mld::GlobalLimits{std::max(groups, mld::kDefaultGlobalGroupLimit),
                                            mld::kMaxGlobalSourceLimit});
    std::map<std::string, uint16_t> bindings;
    for (uint32_t i = 0; i < count; ++i) {
      const std::string name = "ge" + std::to_string(i);
      mld.add_interface(i + 1, name, mld::InterfaceConfig{},
                        wire::Ipv6Address::must_parse("fe80::1"), TimePoint{});
      if (bound) bindings[name] = static_cast<uint16_t>(10 + i % 4);
    }
    store.set_bindings(std::move(bindings));
    (void)mld.take_queries();
  }
  mld::MldRouter mld;
  daemon::MldGroupStore store;
  std::vector<mld::Event> events;

  // CPU seconds of the bench thread to feed every frame once at `now`.
  double feed(const std::vector<perf::ReportFrame>& frames, TimePoint now) {
    const double cpu0 = perf::thread_cpu_seconds();
    for (const auto& f : frames) {
      mld.on_frame(wire::parse_frame(f.bytes), f.ifindex, now);
      mld.take_events(events);  // the FIB writer / replication drain these
    }
    return perf::thread_cpu_seconds() - cpu0;
  }
};

}  // namespace

int main(int argc, char** argv) {
  uint32_t groups = 1000000, interfaces = 64, sources = 0, rounds = 3;
  for (int i = 1; i + 1 < argc; i += 2) {
    const auto v = static_cast<uint32_t>(std::atoi(argv[i + 1]));
    if (std::strcmp(argv[i], "--groups") == 0) groups = v;
    if (std::strcmp(argv[i], "--interfaces") == 0) interfaces = v;
    if (std::strcmp(argv[i], "--sources") == 0) sources = v;
    if (std::strcmp(argv[i], "--rounds") == 0) rounds = v;
  }
  if (groups == 0 || interfaces == 0 || rounds == 0 || sources > 256) {
    std::fprintf(stderr,
                 "usage: digest_bench [--groups N] [--interfaces K] [--sources S<=256] "
                 "[--rounds R]\n");
    return 2;
  }
  const std::vector<perf::ReportFrame> frames =
      perf::build_report_frames(groups, interfaces, sources);
  daemon::InterfaceMap map;
  std::vector<wire::MacAddress> macs(interfaces, wire::MacAddress{{0x02, 0, 0, 0, 0, 1}});
  map.build(interfaces_config(interfaces), macs);

  // Report processing with and without the upkeep. Ingest: every record creates a group.
  TimePoint now = TimePoint{} + 1s;
  Router upkeep(map, interfaces, groups, true), baseline(map, interfaces, groups, false);
  const double ingest_baseline = baseline.feed(frames, now);
  const double ingest_upkeep = upkeep.feed(frames, now);
  // Refresh: every record refreshes an existing group (the steady state: once per QI).
  double refresh_baseline = 1e9, refresh_upkeep = 1e9;
  for (uint32_t r = 0; r < rounds; ++r) {
    now += 10s;
    refresh_baseline = std::min(refresh_baseline, baseline.feed(frames, now));
    refresh_upkeep = std::min(refresh_upkeep, upkeep.feed(frames, now));
  }

  // The query: before, two walks of the table (digest, then the count); after, two reads.
  const daemon::MldGroupStore& store = upkeep.store;
  double walk_best = 1e9;
  uint64_t walked_digest = 0;
  size_t walked_count = 0;
  for (int r = 0; r < 3; ++r) {
    const auto t0 = Clock::now();
    walked_digest = replication::table_digest(store, now);
    walked_count = 0;
    store.for_each(now, [&](const replication::GroupRecord&) { ++walked_count; });
    walk_best = std::min(walk_best, seconds_since(t0));
  }
  const bool equal =
      store.digest() == walked_digest && store.size() == walked_count && walked_count == groups;
  constexpr int kReads = 1000000;
  volatile uint64_t sink = 0;
  const auto t0 = Clock::now();
  for (int r = 0; r < kReads; ++r) {
    // Through the interface the RBS status uses; the volatile pointer forces a real call.
    const replication::GroupStore* volatile s = &store;
    sink = sink + s->digest() + s->size();
  }
  const double read_s = seconds_since(t0) / kReads;
  // Unbinding the interfaces (a config change) takes their records out of the sum once.
  const auto b0 = Clock::now();
  upkeep.store.set_bindings({});
  const double unbind_s = seconds_since(b0);
  const bool ok = equal && upkeep.store.size() == 0 && upkeep.store.digest() == 0;

  const double n = static_cast<double>(groups);
  auto per_s = [&](double s) { return n / s; };
  auto ns_per = [&](double s) { return s / n * 1e9; };
  const std::string kind =
      sources == 0 ? "IS_EX({})" : "IS_IN(" + std::to_string(sources) + " sources)";
  std::printf("digest_bench: %u groups over %u interfaces, %s records, %zu frames of <= %zu\n",
              groups, interfaces, kind.c_str(), frames.size(), perf::kRecordsPerFrame);
  std::printf("%-34s %16s %16s\n", "digest + count query", "before (walk)", "after (O(1))");
  std::printf("%-34s %13.1f ms %13.1f ns   (%.0fx)\n", "", walk_best * 1e3, read_s * 1e9,
              walk_best / read_s);
  std::printf("%-34s %16s %16s %16s\n", "records/s per CPU-s", "baseline", "with upkeep",
              "added ns/record");
  std::printf("%-34s %16.0f %16.0f %16.1f\n", "ingest (new groups)", per_s(ingest_baseline),
              per_s(ingest_upkeep), ns_per(ingest_upkeep) - ns_per(ingest_baseline));
  std::printf("%-34s %16.0f %16.0f %16.1f   (best of %u rounds)\n", "refresh (existing groups)",
              per_s(refresh_baseline), per_s(refresh_upkeep),
              ns_per(refresh_upkeep) - ns_per(refresh_baseline), rounds);
  std::printf("unbinding all %u interfaces (a config change): %.1f ms\n", interfaces,
              unbind_s * 1e3);
  std::printf(
      "{\"bench\":\"digest\",\"groups\":%u,\"interfaces\":%u,\"sources\":%u,"
      "\"query_walk_ms\":%.2f,\"query_o1_ns\":%.1f,"
      "\"ingest_records_per_cpu_s\":{\"baseline\":%.0f,\"upkeep\":%.0f},"
      "\"refresh_records_per_cpu_s\":{\"baseline\":%.0f,\"upkeep\":%.0f},"
      "\"added_ns_per_record\":{\"ingest\":%.1f,\"refresh\":%.1f},\"unbind_ms\":%.1f,"
      "\"state_ok\":%s}\n",
      groups, interfaces, sources, walk_best * 1e3, read_s * 1e9, per_s(ingest_baseline),
      per_s(ingest_upkeep), per_s(refresh_baseline), per_s(refresh_upkeep),
      ns_per(ingest_upkeep) - ns_per(ingest_baseline),
      ns_per(refresh_upkeep) - ns_per(refresh_baseline), unbind_s * 1e3, ok ? "true" : "false");
  return ok ? 0 : 1;
}
