// The control core's path for a punted frame must reach what the full parse reaches: the
// worker's classify() and walk, carried as a dataplane::PuntTag, then wire::parse_classified.
#pragma once

#include <gtest/gtest.h>

#include <span>
#include <string>

#include "control/wire/decode_json.h"
#include "control/wire/frame.h"
#include "dataplane/classify.h"

namespace tandem::testing {

// Returns the worker's verdict, so a caller can count what it covered.
inline dataplane::Verdict expect_classified_agrees(std::span<const uint8_t> bytes,
                                                   const std::string& what) {
  wire::HeaderWalk hw;
  const dataplane::Classified k =
      dataplane::classify(bytes.data(), static_cast<uint32_t>(bytes.size()), hw);
  const wire::Frame full = wire::parse_frame(bytes);
  if (k.verdict == dataplane::Verdict::punt) {
    const wire::Frame fast =
        wire::parse_classified(bytes, dataplane::PuntTag::control(k.cls, hw).hint());
    // Every field decode prints: kind, drop reason, addresses, the message.
    EXPECT_EQ(wire::frame_to_json(1, fast), wire::frame_to_json(1, full)) << what;
    // Not in the JSON, and the MLD router's require-router-alert check reads it.
    EXPECT_EQ(wire::has_mld_router_alert(fast), wire::has_mld_router_alert(full)) << what;
  } else if (k.verdict == dataplane::Verdict::data) {
    // A data sample: the worker forwards it, the control core reads its addresses only.
    const wire::Frame fast =
        wire::parse_classified(bytes, dataplane::PuntTag::data(hw.l3_offset).hint());
    EXPECT_EQ(fast.kind, wire::PacketKind::mcast_data) << what;
    EXPECT_EQ(fast.src, full.src) << what;
    EXPECT_EQ(fast.dst, full.dst) << what;
    EXPECT_EQ(fast.hop_limit, full.hop_limit) << what;
  }
  return k.verdict;
}

}  // namespace tandem::testing
