// make_pim_pcap OUT.pcap: writes every PIM message tandem builds (tests/wire/pim_samples.h),
// then a few that a router must refuse or pass over, to one capture, so tshark_compare.py can
// hold `tandemctl decode` against tshark on frames of our own making, beside the real PIMv6
// captures of tests/fixtures/pim. Meson runs it as a custom target; the capture lands in the
// build directory, never in the source tree.
#include <cstdio>
#include <string>

#include "control/wire/pcap_file.h"
#include "tests/wire/pim_samples.h"

namespace tandem::testing {
namespace {

// The first sample Hello with one receive rule broken, and a Bootstrap (`other`).
std::vector<std::vector<uint8_t>> refused_frames() {
  using namespace wire;
  const auto hello = build_pim_body(pim_samples().front().message);
  L2L3Spec l;
  l.src_mac = kPimSampleMac;
  l.src = kPimSampleLl;
  l.dst = addr::all_pim_routers();
  l.hop_limit = 1;
  std::vector<std::vector<uint8_t>> out;
  L2L3Spec routed = l;
  routed.hop_limit = 64;  // pim_hop_limit_not_one
  out.push_back(build_pim_frame(routed, hello));
  L2L3Spec global = l;
  global.src = pim_addr("2001:db8::a");  // pim_source_not_link_local
  out.push_back(build_pim_frame(global, hello));
  auto bad_sum = build_pim_frame(l, hello);
  bad_sum.back() ^= 0xff;  // pim_bad_checksum
  out.push_back(bad_sum);
  PimMessage bootstrap;
  bootstrap.type = PimType::bootstrap;
  out.push_back(build_pim_frame(global, build_pim_body(bootstrap)));
  return out;
}

}  // namespace
}  // namespace tandem::testing

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: make_pim_pcap OUT.pcap\n");
    return 2;
  }
  tandem::wire::PcapFile file;
  uint64_t second = 1;
  for (auto& frame : tandem::testing::pim_sample_frames())
    file.records.push_back({second++ * 1000000000ull, 0, std::move(frame)});
  for (auto& frame : tandem::testing::refused_frames())
    file.records.push_back({second++ * 1000000000ull, 0, std::move(frame)});
  std::string error;
  if (!tandem::wire::write_pcap(argv[1], file, error)) {
    std::fprintf(stderr, "make_pim_pcap: %s: %s\n", argv[1], error.c_str());
    return 1;
  }
  return 0;
}
