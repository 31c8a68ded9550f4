// fuzz_pcap: arbitrary bytes as a whole classic pcap file (what `tandemctl decode` reads),
// then every record through the frame parser and the decode line. Checks that a file that
// parses is accounted for byte by byte (24-byte header + 16 bytes and the data per record,
// nothing skipped, nothing read twice), that a failure always says why, and that every
// record decodes to one JSON object.
#include <string>

#include "control/wire/decode_json.h"
#include "control/wire/frame.h"
#include "control/wire/pcap_file.h"
#include "fuzz/fuzz_check.h"
#include "fuzz/json_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace tandem::wire;
  std::string error;
  const auto file = parse_pcap(data, size, error);
  if (!file) {
    FUZZ_CHECK(!error.empty(), "a refused file names its reason");
    return 0;
  }
  size_t accounted = 24;
  uint64_t n = 0;
  for (const PcapRecord& r : file->records) {
    accounted += 16 + r.data.size();
    const Frame f = parse_frame(r.data);
    const std::string line = frame_to_json(++n, f);
    FUZZ_CHECK(tandem::fuzz::is_json_object(line), "decode line is one JSON object");
  }
  FUZZ_CHECK(accounted == size, "every byte of the file belongs to the header or a record");
  return 0;
}
