// Punt path from a worker to the control core: one bounded single-producer/single-consumer
// queue per worker (never blocks: a full queue is a counted drop) and a per-(lcore, port,
// class) token bucket in front of it, so a flood of one class on one port cannot starve the
// others. The worker pushes once per RX burst, not per frame.
//
// Queue choice, from perf/dataplane/punt_queue_bench.cc (numbers in perf/dataplane/README.md):
// with producer and consumer on different cores and single-item pushes (a punt flood) the
// boost::lockfree::spsc_queue moved an item in ~170-400 cycles against ~490-1700 for an SP/SC
// rte_ring; in bursts of 32 the two were within noise (~26-42 cycles), and only with both
// ends on one thread (no sharing, not our case) was rte_ring cheaper. We keep the SPSC queue.
#pragma once

#include <rte_mbuf.h>

#include <bit>
#include <boost/lockfree/spsc_queue.hpp>
#include <cstdint>
#include <cstring>

#include "dataplane/classify.h"
#include "dataplane/types.h"

namespace tandem::dataplane {

using PuntQueue = boost::lockfree::spsc_queue<rte_mbuf*>;

// The worker stores its classification (PuntTag, classify.h: the class and where the IPv6
// and upper-layer headers start) in the mbuf's hash field, whose RSS hash is not needed once
// a frame is punted. The worker counts the punt by that class; the control core reads the
// tag (Dataplane::poll_punts → PuntedFrame::hint) and parses from the offsets with
// wire::parse_classified, so the header chain is walked once per frame. What the worker does
// not check (checksums, hop limits, source rules, message bodies) the control core does.
static_assert(sizeof(PuntTag) == sizeof(uint64_t) && sizeof(rte_mbuf::hash) == sizeof(uint64_t));
inline void set_punt_tag(rte_mbuf* m, const PuntTag& t) {
  const auto raw = std::bit_cast<uint64_t>(t);
  std::memcpy(&m->hash, &raw, sizeof raw);
}
inline PuntTag punt_tag_of(const rte_mbuf* m) {
  uint64_t raw;
  std::memcpy(&raw, &m->hash, sizeof raw);
  return std::bit_cast<PuntTag>(raw);
}
inline PuntClass punt_class_of(const rte_mbuf* m) {
  return punt_tag_of(m).cls;
}

// GCRA form of a token bucket in TSC cycles: a frame conforms when `now` is not earlier than
// the theoretical arrival time minus the burst tolerance. Integer-only, two fields.
struct TokenBucket {
  uint64_t cycles_per_packet = 0;  // 0 = unlimited
  uint64_t tolerance = 0;          // burst * cycles_per_packet
  uint64_t tat = 0;                // theoretical arrival time

  void configure(uint64_t tsc_hz, uint32_t rate_pps, uint32_t burst) {
    cycles_per_packet = rate_pps == 0 ? 0 : tsc_hz / rate_pps;
    tolerance = cycles_per_packet * (burst == 0 ? 1 : burst);
    tat = 0;
  }
  bool conform(uint64_t now) {
    if (cycles_per_packet == 0) return true;
    uint64_t t = tat > now ? tat : now;
    if (t - now > tolerance - cycles_per_packet) return false;
    tat = t + cycles_per_packet;
    return true;
  }
};

// The bucket of a punted frame's IPv6 source address: its interface identifier (the low 64
// bits, what differs between hosts on one link) folded by a multiplicative hash.
inline unsigned punt_source_bucket(const uint8_t* source) {
  uint64_t iid;
  std::memcpy(&iid, source + 8, 8);
  return static_cast<unsigned>((iid * 0x9e3779b97f4a7c15ull) >> 59) % kPuntSourceBuckets;
}

}  // namespace tandem::dataplane
