#include "perf/mld/report_frames.h"

#include "control/wire/frame.h"

namespace tandem::perf {

std::vector<ReportFrame> build_report_frames(uint32_t groups, uint32_t interfaces,
                                             uint32_t sources) {
  std::vector<ReportFrame> frames;
  const wire::MacAddress mac{{0x02, 0, 0, 0, 1, 1}};
  const wire::Ipv6Address host = wire::Ipv6Address::must_parse("fe80::101");
  for (uint32_t itf = 0; itf < interfaces; ++itf) {
    std::vector<wire::MldRecordSpec> recs;
    for (uint32_t g = itf; g < groups; g += interfaces) {
      wire::Ipv6Address a = wire::Ipv6Address::must_parse("ff05::");
      a.bytes[10] = 0xdb;
      for (int i = 0; i < 4; ++i) a.bytes[15 - i] = static_cast<uint8_t>(g >> (8 * i));
      wire::MldRecordSpec rec{wire::MldRecordType::is_ex, a, {}};
      if (sources != 0) rec.type = wire::MldRecordType::is_in;
      for (uint32_t s = 0; s < sources; ++s) {
        wire::Ipv6Address src = wire::Ipv6Address::must_parse("2001:db8::");
        src.bytes[11] = static_cast<uint8_t>(s);
        for (int i = 0; i < 4; ++i) src.bytes[15 - i] = static_cast<uint8_t>(g >> (8 * i));
        rec.sources.push_back(src);
      }
      recs.push_back(std::move(rec));
      if (recs.size() == kRecordsPerFrame || g + interfaces >= groups) {
        frames.push_back({itf + 1, wire::build_mld_v2_report_frame(mac, host, recs)});
        recs.clear();
      }
    }
  }
  return frames;
}

}  // namespace tandem::perf
