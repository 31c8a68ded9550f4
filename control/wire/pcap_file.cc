#include "control/wire/pcap_file.h"

#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>

namespace tandem::wire {

namespace {
constexpr uint32_t kMagicMicro = 0xa1b2c3d4;
constexpr uint32_t kMagicNano = 0xa1b23c4d;
constexpr size_t kGlobalHeaderLen = 24;
constexpr size_t kRecordHeaderLen = 16;
constexpr uint32_t kMaxRecordLen = 1u << 20;  // refuse absurd record lengths

uint32_t load32(const uint8_t* p, bool swap) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return swap ? __builtin_bswap32(v) : v;
}
}  // namespace

std::optional<PcapFile> parse_pcap(const uint8_t* data, size_t len, std::string& error) {
  if (len < kGlobalHeaderLen) {
    error = "file shorter than the 24-byte pcap header";
    return std::nullopt;
  }
  uint32_t magic;
  std::memcpy(&magic, data, 4);
  bool swap = false, nano = false;
  if (magic == kMagicMicro) {
  } else if (magic == kMagicNano) {
    nano = true;
  } else if (magic == __builtin_bswap32(kMagicMicro)) {
    swap = true;
  } else if (magic == __builtin_bswap32(kMagicNano)) {
    swap = nano = true;
  } else {
    error = "not a classic pcap file (bad magic; pcapng is not supported)";
    return std::nullopt;
  }
  PcapFile f;
  f.snaplen = load32(data + 16, swap);
  f.linktype = load32(data + 20, swap) & 0x0fffffff;
  size_t off = kGlobalHeaderLen;
  while (off < len) {
    if (len - off < kRecordHeaderLen) {
      error = "truncated record header at offset " + std::to_string(off);
      return std::nullopt;
    }
    uint32_t sec = load32(data + off, swap);
    uint32_t frac = load32(data + off + 4, swap);
    uint32_t incl = load32(data + off + 8, swap);
    uint32_t orig = load32(data + off + 12, swap);
    off += kRecordHeaderLen;
    if (incl > kMaxRecordLen || incl > len - off) {
      error = "truncated or oversized record at offset " + std::to_string(off - kRecordHeaderLen);
      return std::nullopt;
    }
    PcapRecord r;
    r.ts_ns = uint64_t{sec} * 1000000000ULL + (nano ? frac : uint64_t{frac} * 1000);
    r.orig_len = orig;
    r.data.assign(data + off, data + off + incl);
    f.records.push_back(std::move(r));
    off += incl;
  }
  return f;
}

std::optional<PcapFile> read_pcap(const std::string& path, std::string& error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = "cannot open " + path;
    return std::nullopt;
  }
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                             std::istreambuf_iterator<char>());
  return parse_pcap(bytes.data(), bytes.size(), error);
}

bool write_pcap(const std::string& path, const PcapFile& file, std::string& error) {
  std::FILE* fp = std::fopen(path.c_str(), "wb");
  if (!fp) {
    error = "cannot create " + path;
    return false;
  }
  auto put32 = [&](uint32_t v) { std::fwrite(&v, 4, 1, fp); };
  auto put16 = [&](uint16_t v) { std::fwrite(&v, 2, 1, fp); };
  put32(kMagicMicro);
  put16(2);
  put16(4);
  put32(0);
  put32(0);
  put32(file.snaplen);
  put32(file.linktype);
  for (const auto& r : file.records) {
    put32(static_cast<uint32_t>(r.ts_ns / 1000000000ULL));
    put32(static_cast<uint32_t>((r.ts_ns % 1000000000ULL) / 1000));
    put32(static_cast<uint32_t>(r.data.size()));
    put32(r.orig_len ? r.orig_len : static_cast<uint32_t>(r.data.size()));
    std::fwrite(r.data.data(), 1, r.data.size(), fp);
  }
  bool ok = std::fflush(fp) == 0;
  std::fclose(fp);
  if (!ok) error = "write failed: " + path;
  return ok;
}

}  // namespace tandem::wire
