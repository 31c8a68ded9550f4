// Replication knobs (l3fwd's habit: named constants a benchmark can sweep).
//
// Copy or clone. A replica is either a fresh mbuf holding a copy of the whole frame
// (one allocation, one memcpy of the packet) or, as in DPDK's ipv4_multicast, a fresh
// 14-byte header mbuf chained to an indirect mbuf that references the original payload
// (two allocations, an attach and a reference-count update, no payload copy, and a
// two-segment frame for the NIC to gather). Either way the last egress port reuses the
// original mbuf, and a multi-segment frame is always cloned.
//
// Copying is cheaper for short frames and cloning for long ones; perf/dataplane.sh's sweep
// (DATAPLANE_CLONE_SWEEP=1) puts the crossing near 1,300 B (perf/dataplane/README.md,
// "Figures behind the code": copy or clone).
#pragma once

#include <cstdint>

namespace tandem::dataplane {

// Frames (as received, including L2) up to this length are copied; longer ones are cloned.
inline constexpr uint32_t kCloneThresholdBytes = 1200;
// Copies of IPv6 packets up to this length use whole 16-byte moves; longer ones rte_memcpy.
inline constexpr uint32_t kBlockCopyMaxBytes = 256;
// l3fwd's MAX_PKT_BURST.
inline constexpr uint16_t kBurst = 32;
// TX buffers are flushed when full and at least this often (l3fwd's BURST_TX_DRAIN_US).
inline constexpr uint32_t kDrainIntervalUs = 100;
// At full load the worker reads the TSC for the drain once per this many frames.
inline constexpr uint32_t kFramesPerClockRead = 256;
// Frames ahead whose first cache line is prefetched while the current one is classified.
inline constexpr uint16_t kPrefetchOffset = 3;
// With idle sleep on, a worker sleeps after this many consecutive empty polls.
inline constexpr uint32_t kIdlePollsBeforeSleep = 256;

}  // namespace tandem::dataplane
