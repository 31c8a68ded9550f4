#include "control/wire/pcap_file.h"

#include <pcap/pcap.h>

#include <cstdio>
#include <memory>

namespace tandem::wire {

namespace {

struct PcapCloser {
  void operator()(pcap_t* p) const { pcap_close(p); }
};
using PcapHandle = std::unique_ptr<pcap_t, PcapCloser>;

// Every record of an open savefile; libpcap has already checked the header and converts
// each record's stamp to nanoseconds (PCAP_TSTAMP_PRECISION_NANO), whatever the file holds.
std::optional<PcapFile> read_all(pcap_t* p, std::string& error) {
  PcapFile f;
  f.linktype = static_cast<uint32_t>(pcap_datalink(p));
  f.snaplen = static_cast<uint32_t>(pcap_snapshot(p));
  pcap_pkthdr* hdr = nullptr;
  const u_char* bytes = nullptr;
  for (;;) {
    int rc = pcap_next_ex(p, &hdr, &bytes);
    if (rc == PCAP_ERROR_BREAK) return f;  // end of file
    if (rc != 1) {
      error = pcap_geterr(p);
      if (error.empty()) error = "unreadable record";
      return std::nullopt;
    }
    PcapRecord r;
    r.ts_ns = static_cast<uint64_t>(hdr->ts.tv_sec) * 1000000000ULL +
              static_cast<uint64_t>(hdr->ts.tv_usec);  // nanoseconds at this precision
    r.orig_len = hdr->len;
    r.data.assign(bytes, bytes + hdr->caplen);
    f.records.push_back(std::move(r));
  }
}

}  // namespace

std::optional<PcapFile> parse_pcap(const uint8_t* data, size_t len, std::string& error) {
  // fmemopen refuses a zero-length buffer; libpcap would refuse the file anyway.
  if (len == 0) {
    error = "empty file";
    return std::nullopt;
  }
  std::FILE* fp = fmemopen(const_cast<uint8_t*>(data), len, "rb");
  if (!fp) {
    error = "fmemopen failed";
    return std::nullopt;
  }
  char errbuf[PCAP_ERRBUF_SIZE] = {};
  // On success the pcap_t owns fp (pcap_close closes it); on failure libpcap leaves it open.
  PcapHandle p(pcap_fopen_offline_with_tstamp_precision(fp, PCAP_TSTAMP_PRECISION_NANO, errbuf));
  if (!p) {
    std::fclose(fp);
    error = errbuf[0] ? errbuf : "not a capture file";
    return std::nullopt;
  }
  return read_all(p.get(), error);
}

std::optional<PcapFile> read_pcap(const std::string& path, std::string& error) {
  char errbuf[PCAP_ERRBUF_SIZE] = {};
  PcapHandle p(
      pcap_open_offline_with_tstamp_precision(path.c_str(), PCAP_TSTAMP_PRECISION_NANO, errbuf));
  if (!p) {
    error = errbuf[0] ? errbuf : "cannot open " + path;
    return std::nullopt;
  }
  return read_all(p.get(), error);
}

bool write_pcap(const std::string& path, const PcapFile& file, std::string& error) {
  PcapHandle p(pcap_open_dead_with_tstamp_precision(static_cast<int>(file.linktype),
                                                    static_cast<int>(file.snaplen),
                                                    PCAP_TSTAMP_PRECISION_MICRO));
  if (!p) {
    error = "pcap_open_dead failed";
    return false;
  }
  pcap_dumper_t* d = pcap_dump_open(p.get(), path.c_str());
  if (!d) {
    error = pcap_geterr(p.get());
    return false;
  }
  for (const auto& r : file.records) {
    pcap_pkthdr hdr{};
    hdr.ts.tv_sec = static_cast<time_t>(r.ts_ns / 1000000000ULL);
    hdr.ts.tv_usec = static_cast<suseconds_t>((r.ts_ns % 1000000000ULL) / 1000);
    hdr.caplen = static_cast<bpf_u_int32>(r.data.size());
    hdr.len = r.orig_len ? r.orig_len : hdr.caplen;
    pcap_dump(reinterpret_cast<u_char*>(d), &hdr, r.data.data());
  }
  bool ok = pcap_dump_flush(d) == 0;
  pcap_dump_close(d);
  if (!ok) error = "write failed: " + path;
  return ok;
}

}  // namespace tandem::wire
