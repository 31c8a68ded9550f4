#include "tests/dataplane/vdev_lab.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <stdexcept>

#include "control/wire/frame.h"
#include "control/wire/pcap_file.h"

namespace tandem::dataplane::test {

Lab::Lab(size_t ports, std::string lcores) : ports_(ports), lcores_(std::move(lcores)) {
  char tmpl[] = "/tmp/tandem-dp-test-XXXXXX";
  if (mkdtemp(tmpl) == nullptr) throw std::runtime_error("mkdtemp failed");
  dir_ = tmpl;
  for (PortIndex p = 0; p < ports_; ++p) set_input(p, {});
}

Lab::~Lab() {
  std::error_code ec;
  if (std::getenv("TANDEM_KEEP_LAB") == nullptr) std::filesystem::remove_all(dir_, ec);
}

std::string Lab::in_path(PortIndex p) const {
  return dir_ + "/in" + std::to_string(p) + ".pcap";
}
std::string Lab::out_path(PortIndex p) const {
  return dir_ + "/out" + std::to_string(p) + ".pcap";
}

void Lab::set_input(PortIndex p, const std::vector<Bytes>& frames) {
  wire::PcapFile f;
  uint64_t ts = 1'000'000'000;
  for (const Bytes& b : frames) {
    wire::PcapRecord r;
    r.ts_ns = ts;
    ts += 1000;
    r.orig_len = static_cast<uint32_t>(b.size());
    r.data = b;
    f.records.push_back(std::move(r));
  }
  std::string err;
  if (!wire::write_pcap(in_path(p), f, err)) throw std::runtime_error(err);
}

DataplaneConfig Lab::config(uint64_t upstream_mask) const {
  DataplaneConfig c;
  for (PortIndex p = 0; p < ports_; ++p) {
    PortConfig pc;
    pc.device =
        "net_pcap" + std::to_string(p) + ",rx_pcap=" + in_path(p) + ",tx_pcap=" + out_path(p);
    pc.upstream = ((upstream_mask >> p) & 1) != 0;
    c.ports.push_back(pc);
  }
  c.program_name = "test_dataplane";
  c.eal_args = {"-l",
                lcores_,
                "--no-huge",
                "--no-shconf",
                "-m",
                "512",
                "--no-telemetry",
                "--file-prefix",
                "tandem-dp-test-" + std::to_string(getpid()),
                "--log-level",
                "*:warning"};
  c.rx_descriptors = 256;
  c.tx_descriptors = 256;
  c.fib_capacity = 100'000;
  return c;
}

std::vector<Bytes> Lab::output(PortIndex p) const {
  std::string err;
  auto f = wire::read_pcap(out_path(p), err);
  if (!f) throw std::runtime_error(out_path(p) + ": " + err);
  std::vector<Bytes> out;
  for (auto& r : f->records) out.push_back(r.data);
  return out;
}

void drain(Dataplane& dp, unsigned idle_polls) {
  unsigned idle = 0;
  while (idle < idle_polls) idle = dp.poll_once() == 0 ? idle + 1 : 0;
}

Bytes data_frame(const DataSpec& s) {
  wire::L2L3Spec l;
  l.src_mac = s.src_mac;
  l.src = s.source;
  l.dst = s.group;
  l.hop_limit = s.hop_limit;
  if (s.vlan) l.vlan_tci = 100;
  Bytes payload(s.payload, s.fill);
  return wire::build_udp_frame(l, 40000, 5001, payload);
}

Bytes expected_replica(DataSpec in, const wire::MacAddress& mac) {
  in.src_mac = mac;
  in.hop_limit = static_cast<uint8_t>(in.hop_limit - 1);
  in.vlan = false;
  return data_frame(in);
}

}  // namespace tandem::dataplane::test
