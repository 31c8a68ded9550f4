// The report frames the MLD benchmarks feed (mld_bench, digest_bench): N groups spread over
// K interfaces, interface i (1-based) getting the groups g with g % K == i - 1, as MLDv2
// reports of kRecordsPerFrame records. Built before any measurement.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace tandem::perf {

inline constexpr size_t kRecordsPerFrame = 70;  // the most a 1500-byte MTU carries

struct ReportFrame {
  uint32_t ifindex;
  std::vector<uint8_t> bytes;
};

// (*,G) joins, IS_EX({}), of ff05::db:0:g; with `sources` > 0, IS_IN records naming that many
// sources each (2001:db8::s:g, at most 256) instead.
std::vector<ReportFrame> build_report_frames(uint32_t groups, uint32_t interfaces,
                                             uint32_t sources = 0);

}  // namespace tandem::perf
