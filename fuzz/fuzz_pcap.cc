// fuzz_pcap: arbitrary bytes as a whole capture file (what `tandemctl decode` reads through
// libpcap), then every record through the Linux cooked rewrite, the frame parser and the
// decode line. Checks that a classic pcap that parses is accounted for byte by byte (24-byte
// header + 16 bytes and the data per record, nothing read twice, nothing skipped unless
// a record was longer than the file's snaplen), that a
// failure always says why, and that every record decodes to one JSON object.
#include <cstring>
#include <string>

#include "control/wire/decode_json.h"
#include "control/wire/frame.h"
#include "control/wire/linux_cooked.h"
#include "control/wire/pcap_file.h"
#include "fuzz/fuzz_check.h"
#include "fuzz/json_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace tandem::wire;
  std::string error;
  auto file = parse_pcap(data, size, error);
  if (!file) {
    FUZZ_CHECK(!error.empty(), "a refused file names its reason");
    return 0;
  }
  size_t accounted = 24;
  bool cut_to_snaplen = false;  // libpcap keeps the first snaplen bytes of a longer record
  for (const PcapRecord& r : file->records) {
    accounted += 16 + r.data.size();
    cut_to_snaplen |= r.data.size() == file->snaplen;
  }
  uint32_t magic = 0;
  std::memcpy(&magic, data, sizeof magic);  // parse_pcap refuses files shorter than this
  const bool classic =
      magic == 0xa1b2c3d4 || magic == 0xa1b23c4d || magic == 0xd4c3b2a1 || magic == 0x4d3cb2a1;
  if (classic) {
    FUZZ_CHECK(accounted <= size, "no byte of the file is read twice");
    if (!cut_to_snaplen)
      FUZZ_CHECK(accounted == size, "every byte of the file belongs to the header or a record");
  }
  if (!convert_to_ethernet(*file, error)) {
    FUZZ_CHECK(!error.empty(), "a refused link type names itself");
    return 0;
  }
  uint64_t n = 0;
  for (const PcapRecord& r : file->records) {
    const Frame f = parse_frame(r.data);
    const std::string line = frame_to_json(++n, f);
    FUZZ_CHECK(tandem::fuzz::is_json_object(line), "decode line is one JSON object");
  }
  return 0;
}
