// The storm's frames: MLDv2 reports (RFC 3810 §5.2) from one link-local host, each with a
// single CHANGE_TO_EXCLUDE_MODE {} record (a join) to a group of its own, so every report the
// router admits makes exactly one new group and the group table can be checked against the
// policer's admitted count. Built once through control/wire's builders; the i-th report is
// that template with the group's low 32 bits set to i and the checksum updated (RFC 1624),
// a few nanoseconds per frame instead of a rebuild.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "control/wire/address.h"

namespace tandem::perf {

class StormReports {
 public:
  // `base_group` must have zero low 32 bits (ff0e::5:0:0 by default in storm_gen).
  StormReports(const wire::MacAddress& src_mac, const wire::Ipv6Address& src_ll,
               const wire::Ipv6Address& base_group);

  size_t frame_size() const { return template_.size(); }
  // Writes report `index` (frame_size() bytes) to `out`.
  void write(uint32_t index, uint8_t* out) const;
  // Group address of report `index`.
  wire::Ipv6Address group(uint32_t index) const;

 private:
  std::vector<uint8_t> template_;
  wire::Ipv6Address base_group_;
  size_t group_low_offset_ = 0;  // the group's bytes 12..15 in the frame
  size_t checksum_offset_ = 0;   // the ICMPv6 checksum field in the frame
};

}  // namespace tandem::perf
