// Loads a capture of tests/fixtures (tests/fixtures/fixture_path.h) and parses every frame
// with wire::parse_frame.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "control/wire/frame.h"
#include "control/wire/pcap_file.h"
#include "tests/fixtures/fixture_path.h"

namespace tandem::testing {

struct FixtureFrames {
  wire::PcapFile file;
  std::vector<wire::Frame> frames;  // frames[i] points into file.records[i].data
};

inline FixtureFrames load_fixture(const std::string& name) {
  FixtureFrames out;
  std::string error;
  auto f = wire::read_pcap(fixture_path(name), error);
  EXPECT_TRUE(f.has_value()) << name << ": " << error;
  if (!f) return out;
  out.file = std::move(*f);
  for (const auto& r : out.file.records) out.frames.push_back(wire::parse_frame(r.data));
  return out;
}

inline wire::Ipv6Address A(const char* s) {
  return wire::Ipv6Address::must_parse(s);
}

}  // namespace tandem::testing
