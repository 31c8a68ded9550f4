// The data plane as the daemon sees it: start EAL and the ports from a config, run worker
// lcores (or poll from the control loop in one-lcore mode), hand punted control frames to the
// control core, send the control core's frames, and expose the FIB writer and counters.
// Everything that touches DPDK lives behind this class (DESIGN.md §2, §3).
//
// Threading: every method is for the control core (the EAL main lcore) only. Workers talk
// to it through lock-free structures: the FIB (RCU), per-worker punt queues (SPSC) and
// per-lcore counters (plain fields).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "control/common/log.h"
#include "control/wire/address.h"
#include "control/wire/headers.h"
#include "dataplane/eal.h"  // build_eal_args()
#include "dataplane/fib_writer.h"
#include "dataplane/types.h"

namespace tandem::dataplane {

struct PortConfig {
  // DPDK device: a PCI address ("0000:01:00.0", EAL -a) or a vdev ("net_pcap0,rx_pcap=a.pcap",
  // EAL --vdev).
  std::string device;
  // `multicast ipv6 upstream`: multicast data is accepted here (RPF, DESIGN.md §4).
  bool upstream = false;
};

// Per-port, per-class punt token bucket (packets per second, burst in packets), in
// PuntClass order: mld, vrrp, bfd, nd, pim, data. The robustness work tunes these; 0 rate =
// unlimited.
//
// The data class is multicast data, for PIM only to notice a source or a frame on the wrong
// interface (RFC 7761 §4.2.1 SPT switch, §4.6 Assert, §4.2.2 SPT bit): one frame per (S,G)
// is enough, and while PIM installs the (S,G) entry that stops the copies the rest of a
// source's traffic is wasted work for the control core. So 100 pps with a burst of 10 per
// port, against 2,000 and 256 for control messages. PIM messages (hellos, join/prunes,
// asserts, registers at an RP) get the control classes' budget.
struct PuntPolicerConfig {
  std::array<uint32_t, kPuntClassCount> rate_pps{2000, 2000, 2000, 2000, 2000, 100};
  std::array<uint32_t, kPuntClassCount> burst{256, 256, 256, 256, 256, 10};
  // Fair share inside a class: frames from one source address (hashed into
  // kPuntSourceBuckets buckets per port and class) conform to this first, so one flooding
  // host takes at most this much of its class and the other hosts' reports still get in.
  // MLD, ND and data (0 = off): VRRP, BFD and PIM come from a few routers (PIM from the
  // neighbours and, at an RP, the DRs that register). For data a source is a multicast
  // sender: one sending fast takes at most a fifth of the class, so a new source's first
  // frames still get through. A frame refused here counts as punt_policed like the class's.
  std::array<uint32_t, kPuntClassCount> per_source_rate_pps{200, 0, 0, 200, 0, 20};
  std::array<uint32_t, kPuntClassCount> per_source_burst{32, 0, 0, 32, 0, 2};
};

struct DataplaneConfig {
  std::vector<PortConfig> ports;      // index = PortIndex
  std::vector<std::string> eal_args;  // user EAL args (tandemd ... -- EAL ARGS)
  std::string program_name = "tandemd";
  uint32_t idle_sleep_us = 0;         // `dataplane idle-sleep-us N`; 0 = busy poll
  uint32_t fib_capacity = 1'000'000;  // (S,G) + (*,G) entries
  uint32_t punt_queue_size = 1024;    // per worker; overflow is counted (punt_ring_full)
  uint16_t rx_descriptors = 1024;
  uint16_t tx_descriptors = 1024;
  uint32_t extra_mbufs = 0;            // added to the computed pool size (e.g. pcap rings)
  uint32_t clone_threshold_bytes = 0;  // 0 = kCloneThresholdBytes (replicate.h)
  PuntPolicerConfig policer;
  LogSink log = null_log_sink();
};

struct InitResult {
  bool ok = false;
  std::string error;  // "port 1 (net_pcap0,...): rte_eth_dev_configure: -22"
};

// A punted frame, valid only during the callback of poll_punts(). Workers punt every MLD
// message (ICMPv6 130/131/132/143), VRRP (protocol 112), BFD (UDP port 3784), every NS/NA
// (135/136) whatever its target and every PIM message (next header 103) whatever its
// destination: the control core decides which are for it. PuntClass::data frames are
// multicast data for PIM (types.h): a copy of a frame forwarded on a (*,G) entry with
// notify_sources, or a frame that failed RPF on a port with set_rpf_notify; PIM tells the
// two apart by the port against the entry's RPF interface.
struct PuntedFrame {
  PortIndex port = 0;
  PuntClass cls = PuntClass::mld;
  unsigned lcore = 0;
  std::span<const uint8_t> bytes;  // the whole Ethernet frame as received
  wire::FrameHint hint;            // the worker's walk of `bytes` (wire::parse_classified)
};

struct LinkEvent {
  PortIndex port = 0;
  LinkStatus status;
};

struct CountersSnapshot {
  std::vector<unsigned> lcores;                      // lcore id of each row of per_lcore
  std::vector<std::vector<PortCounters>> per_lcore;  // [row][port]
  std::vector<PortCounters> per_port;                // sum over lcores (+ control inject counts)
  PortCounters total;                                // sum over everything
};

class DataplaneImpl;

class Dataplane {
 public:
  Dataplane();
  ~Dataplane();  // stops workers, ports, and cleans up EAL
  Dataplane(const Dataplane&) = delete;
  Dataplane& operator=(const Dataplane&) = delete;

  // Starts EAL (once per process: DPDK cannot re-init) and brings every port up.
  InitResult init(const DataplaneConfig& config);

  // Launches one worker per non-main lcore. With a single lcore nothing is launched and the
  // control loop must call poll_once() every iteration (one-lcore mode).
  void start();
  bool one_lcore_mode() const;
  // One-lcore mode: one worker iteration on the calling (main) lcore. Returns frames received.
  unsigned poll_once();
  // Stops workers (waits for them), then stops and closes ports. Idempotent.
  void stop();

  // Punted control frames from every worker, at most `max`; mbufs are freed after `fn`.
  size_t poll_punts(size_t max, const std::function<void(const PuntedFrame&)>& fn);

  // Sends one frame on the control core's own TX queue of `port`. False if it was dropped.
  bool inject(PortIndex port, std::span<const uint8_t> frame);

  // The only writer of the FIB, gates, upstream flags and source MACs (after a successful
  // init; all gates start open, upstream flags come from PortConfig, source MACs are the
  // port MACs).
  FibWriter& fib();

  // Link state as last polled, and the changes since the previous call (polls
  // rte_eth_link_get_nowait; rate-limited internally to every 10 ms).
  LinkStatus link_status(PortIndex port) const;
  std::vector<LinkEvent> poll_link_events();

  CountersSnapshot counters() const;
  void reset_counters();  // `reset ... statistics`: remembers a baseline, never writes workers'

  void set_idle_sleep_us(uint32_t us);
  size_t port_count() const;
  wire::MacAddress port_mac(PortIndex port) const;
  // Accept (add) or stop accepting (remove) unicast frames to a second MAC on the port: the
  // VRRP6 virtual MAC while its group is Master (RFC 5798 §7.3). A PMD without a MAC filter
  // table (net_af_packet, net_null, ...) is put in promiscuous mode instead, once.
  bool set_extra_mac(PortIndex port, const wire::MacAddress& mac, bool add);
  uint16_t dpdk_port_id(PortIndex port) const;
  unsigned worker_count() const;

 private:
  std::unique_ptr<DataplaneImpl> impl_;
};

}  // namespace tandem::dataplane
