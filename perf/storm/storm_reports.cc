#include "perf/storm/storm_reports.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "control/wire/frame.h"

namespace tandem::perf {

namespace {
uint16_t load16(const uint8_t* p) {
  return static_cast<uint16_t>(p[0] << 8 | p[1]);
}
void store16(uint8_t* p, uint16_t v) {
  p[0] = static_cast<uint8_t>(v >> 8);
  p[1] = static_cast<uint8_t>(v);
}
[[noreturn]] void die(const char* what) {
  std::fprintf(stderr, "storm_reports: %s\n", what);
  std::abort();
}
}  // namespace

StormReports::StormReports(const wire::MacAddress& src_mac, const wire::Ipv6Address& src_ll,
                           const wire::Ipv6Address& base_group)
    : base_group_(base_group) {
  if (!std::all_of(base_group.bytes.begin() + 12, base_group.bytes.end(),
                   [](uint8_t b) { return b == 0; })) {
    die("the base group's low 32 bits must be zero");
  }
  wire::MldRecordSpec join;
  join.type = wire::MldRecordType::to_ex;
  join.group = base_group;
  template_ = wire::build_mld_v2_report_frame(src_mac, src_ll, {join});
  // Locate the fields through the parser rather than fixed offsets, so a change in the
  // builder (extension-header padding, say) cannot silently misplace them.
  wire::Frame f = wire::parse_frame(template_);
  if (f.kind != wire::PacketKind::mld_report_v2) die("template does not parse as an MLDv2 report");
  checksum_offset_ = f.walk.upper_offset + 2;
  auto at = std::search(template_.begin() + static_cast<std::ptrdiff_t>(f.walk.upper_offset),
                        template_.end(), base_group.bytes.begin(), base_group.bytes.end());
  if (at == template_.end()) die("group not found in the template");
  group_low_offset_ = static_cast<size_t>(at - template_.begin()) + 12;
}

void StormReports::write(uint32_t index, uint8_t* out) const {
  std::memcpy(out, template_.data(), template_.size());
  uint8_t* g = out + group_low_offset_;
  g[0] = static_cast<uint8_t>(index >> 24);
  g[1] = static_cast<uint8_t>(index >> 16);
  g[2] = static_cast<uint8_t>(index >> 8);
  g[3] = static_cast<uint8_t>(index);
  // RFC 1624 eqn. 3, HC' = ~(~HC + ~m + m'): the template's words here are zero (~m = 0xffff,
  // which is 0 in one's complement), so only the two new words are added.
  uint32_t sum = static_cast<uint16_t>(~load16(out + checksum_offset_));
  sum += static_cast<uint32_t>(index >> 16) + (index & 0xffffu);
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  store16(out + checksum_offset_, static_cast<uint16_t>(~sum));
}

wire::Ipv6Address StormReports::group(uint32_t index) const {
  wire::Ipv6Address g = base_group_;
  g.bytes[12] = static_cast<uint8_t>(index >> 24);
  g.bytes[13] = static_cast<uint8_t>(index >> 16);
  g.bytes[14] = static_cast<uint8_t>(index >> 8);
  g.bytes[15] = static_cast<uint8_t>(index);
  return g;
}

}  // namespace tandem::perf
