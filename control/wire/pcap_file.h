// Capture files through libpcap: reads classic pcap (both byte orders, µs and ns stamps) and
// pcapng (what tshark and dumpcap write by default), writes classic pcap. Used by `tandemctl
// decode`, the fixture tests and the data-plane pcap tests.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace tandem::wire {

// LINKTYPE_* values (https://www.tcpdump.org/linktypes.html); for these three libpcap's DLT_*
// numbers are the same.
inline constexpr uint32_t kLinktypeEthernet = 1;
inline constexpr uint32_t kLinktypeLinuxSll = 113;   // `tcpdump -i any` before libpcap 1.10
inline constexpr uint32_t kLinktypeLinuxSll2 = 276;  // `tcpdump -i any` since libpcap 1.10

struct PcapRecord {
  uint64_t ts_ns = 0;  // since the epoch
  uint32_t orig_len = 0;
  std::vector<uint8_t> data;
};

struct PcapFile {
  uint32_t linktype = kLinktypeEthernet;
  uint32_t snaplen = 262144;
  std::vector<PcapRecord> records;
};

// Reads the whole file. On failure returns nullopt and sets `error` to a one-line reason.
std::optional<PcapFile> read_pcap(const std::string& path, std::string& error);
// Parses an in-memory image (fuzzers, tests).
std::optional<PcapFile> parse_pcap(const uint8_t* data, size_t len, std::string& error);

// Writes a microsecond classic pcap in the host's byte order.
bool write_pcap(const std::string& path, const PcapFile& file, std::string& error);

}  // namespace tandem::wire
