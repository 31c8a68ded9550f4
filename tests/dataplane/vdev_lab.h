// A tiny lab for vdev tests: one temporary directory, one net_pcap port per interface
// (rx_pcap = frames we write, tx_pcap = what the data plane sent), EAL flags that never
// touch hugepages, PCI devices or shared files. One Lab (and one EAL) per process.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "control/wire/address.h"
#include "dataplane/dataplane.h"

namespace tandem::dataplane::test {

using Bytes = std::vector<uint8_t>;

class Lab {
 public:
  // `lcores` is EAL's -l list: "0" = one-lcore mode, "0-1" = control core + one worker.
  Lab(size_t ports, std::string lcores = "0");
  ~Lab();

  // Frames port `p` will receive; call before init().
  void set_input(PortIndex p, const std::vector<Bytes>& frames);
  // Config for all ports (port 0 upstream unless told otherwise).
  DataplaneConfig config(uint64_t upstream_mask = 1) const;
  // Frames written to port `p`'s tx_pcap; valid after Dataplane::stop() closed the ports.
  std::vector<Bytes> output(PortIndex p) const;

  const std::string& dir() const { return dir_; }

 private:
  std::string in_path(PortIndex p) const;
  std::string out_path(PortIndex p) const;
  size_t ports_;
  std::string lcores_;
  std::string dir_;
};

// One-lcore mode: poll until `idle_polls` consecutive polls receive nothing.
void drain(Dataplane& dp, unsigned idle_polls = 500);

// IPv6/UDP multicast data frame, built with the wire builders; `dst_mac` zero derives
// 33:33:xx from the group (RFC 2464 §7).
struct DataSpec {
  wire::MacAddress src_mac = *wire::MacAddress::parse("02:00:00:00:00:aa");
  wire::Ipv6Address source = wire::Ipv6Address::must_parse("2001:db8:1::10");
  wire::Ipv6Address group = wire::Ipv6Address::must_parse("ff05::db8:1");
  uint8_t hop_limit = 64;
  size_t payload = 64;
  uint8_t fill = 0x5a;
  bool vlan = false;
};
Bytes data_frame(const DataSpec& s);
// The frame the router must send for `in` on an interface with source MAC `mac`.
Bytes expected_replica(DataSpec in, const wire::MacAddress& mac);

}  // namespace tandem::dataplane::test
