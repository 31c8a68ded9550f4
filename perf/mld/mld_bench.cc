// mld_bench: MLDv2 report ingest into the MLD router engine on one core.
//
// Builds real report frames (wire::build_mld_v2_report_frame, 70 records each, the most a
// 1500-byte MTU carries) for N groups spread over K interfaces, then times
//   parse   parse_frame over every frame (the baseline: work the router cannot avoid)
//   ingest  parse_frame + MldRouter::on_frame creating N (*,G) records
//   refresh the same frames again: every record refreshes an existing group
//   expire  on_timer at MALI: every group times out
// and reports records/s and bytes per (*,G) entry, counted by a counting operator new
// (live heap bytes) and by RSS.  Figures side by side; the last line is one JSON object.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "control/mld/router.h"
#include "control/wire/frame.h"
#include "perf/mld/memory_probe.h"
#include "perf/mld/report_frames.h"

namespace {

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

int main(int argc, char** argv) {
  using namespace tandem;
  using namespace std::chrono_literals;
  uint32_t groups = 1000000;
  uint32_t interfaces = 64;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--groups") == 0)
      groups = static_cast<uint32_t>(std::atoi(argv[i + 1]));
    if (std::strcmp(argv[i], "--interfaces") == 0)
      interfaces = static_cast<uint32_t>(std::atoi(argv[i + 1]));
  }
  if (groups == 0 || interfaces == 0) {
    std::fprintf(stderr, "usage: mld_bench [--groups N] [--interfaces K]\n");
    return 2;
  }
  const std::vector<perf::ReportFrame> frames = perf::build_report_frames(groups, interfaces);

  // Baseline: parsing alone.
  size_t parsed_records = 0;
  auto t0 = std::chrono::steady_clock::now();
  for (const auto& f : frames) {
    const wire::Frame fr = wire::parse_frame(f.bytes);
    parsed_records += fr.mld.report.num_records;
  }
  const double parse_s = seconds_since(t0);

  const int64_t live_before = perf::live_heap_bytes();
  const int64_t rss_before = perf::rss_bytes();
  mld::MldRouter router;
  // This bench measures ingest, not refusals: the group limit is raised to fit the run.
  router.set_global_limits(mld::GlobalLimits{std::max(groups, mld::kDefaultGlobalGroupLimit),
                                             mld::kDefaultGlobalSourceLimit});
  TimePoint now{};
  for (uint32_t itf = 1; itf <= interfaces; ++itf) {
    mld::InterfaceConfig cfg;  // defaults: MALI 260 s; no access limit
    router.add_interface(itf, "ge" + std::to_string(itf), cfg,
                         wire::Ipv6Address::must_parse("fe80::1"), now);
  }
  (void)router.take_queries();

  size_t events = 0;
  std::vector<mld::Event> event_buffer;
  double cpu_s = 0;
  auto ingest = [&] {
    const auto start = std::chrono::steady_clock::now();
    const double cpu0 = perf::thread_cpu_seconds();
    for (const auto& f : frames) {
      router.on_frame(wire::parse_frame(f.bytes), f.ifindex, now);
      router.take_events(event_buffer);  // the FIB writer / replication drain these
      events += event_buffer.size();
    }
    cpu_s = perf::thread_cpu_seconds() - cpu0;
    return seconds_since(start);
  };
  now += 1s;
  const double ingest_s = ingest();
  const double ingest_cpu_s = cpu_s;
  const int64_t live_after = perf::live_heap_bytes();
  const int64_t rss_after = perf::rss_bytes();
  const size_t table = router.group_count();
  const size_t engine_bytes = router.memory_bytes();

  now += 60s;
  const double refresh_s = ingest();
  const double refresh_cpu_s = cpu_s;

  now += 260s;  // MALI after the refresh
  t0 = std::chrono::steady_clock::now();
  const double expire_cpu0 = perf::thread_cpu_seconds();
  router.on_timer(now);
  const size_t expired_events = router.take_events().size();
  const double expire_s = seconds_since(t0);
  const double expire_cpu_s = perf::thread_cpu_seconds() - expire_cpu0;
  const size_t left = router.group_count();

  const double n = static_cast<double>(groups);
  const double parse_rate = static_cast<double>(parsed_records) / parse_s;
  const double ingest_rate = n / ingest_s;
  const double refresh_rate = n / refresh_s;
  const double expire_rate = n / expire_s;
  const double alloc_per_group = static_cast<double>(live_after - live_before) / n;
  const double rss_per_group = static_cast<double>(rss_after - rss_before) / n;
  const double engine_per_group = static_cast<double>(engine_bytes) / n;

  std::printf("mld_bench: %u groups over %u interfaces, %zu frames of <= %zu records\n", groups,
              interfaces, frames.size(), perf::kRecordsPerFrame);
  const double ingest_cpu_rate = n / ingest_cpu_s;
  const double refresh_cpu_rate = n / refresh_cpu_s;
  const double expire_cpu_rate = n / expire_cpu_s;
  std::printf("%-28s %14s %14s %14s\n", "", "records/s", "per CPU-s", "vs parse-only");
  std::printf("%-28s %14.0f %14s %13.2fx\n", "parse only (baseline)", parse_rate, "", 1.0);
  std::printf("%-28s %14.0f %14.0f %13.2fx\n", "ingest (new groups)", ingest_rate, ingest_cpu_rate,
              ingest_rate / parse_rate);
  std::printf("%-28s %14.0f %14.0f %13.2fx\n", "refresh (existing groups)", refresh_rate,
              refresh_cpu_rate, refresh_rate / parse_rate);
  std::printf("%-28s %14.0f %14.0f\n", "expire at MALI (groups/s)", expire_rate, expire_cpu_rate);
  std::printf("%-28s %14s %14s %14s\n", "bytes per (*,G)", "heap counted", "RSS delta",
              "engine est.");
  std::printf("%-28s %14.1f %14.1f %14.1f   (target <= 256)\n", "", alloc_per_group, rss_per_group,
              engine_per_group);
  std::printf("groups in table after ingest %zu, after expiry %zu; events %zu + %zu\n", table, left,
              events, expired_events);
  const bool ok = table == groups && left == 0;
  std::printf(
      "{\"bench\":\"mld\",\"groups\":%u,\"interfaces\":%u,\"parse_records_per_s\":%.0f,"
      "\"ingest_records_per_s\":%.0f,\"refresh_records_per_s\":%.0f,"
      "\"expire_groups_per_s\":%.0f,\"ingest_records_per_cpu_s\":%.0f,"
      "\"refresh_records_per_cpu_s\":%.0f,\"expire_groups_per_cpu_s\":%.0f,\"bytes_per_group_"
      "heap\":%.1f,"
      "\"bytes_per_group_rss\":%.1f,\"bytes_per_group_engine\":%.1f,"
      "\"goal_records_per_s\":1000000,\"goal_bytes_per_group\":256,\"state_ok\":%s}\n",
      groups, interfaces, parse_rate, ingest_rate, refresh_rate, expire_rate, ingest_cpu_rate,
      refresh_cpu_rate, expire_cpu_rate, alloc_per_group, rss_per_group, engine_per_group,
      ok ? "true" : "false");
  return ok ? 0 : 1;
}
