// Per-lcore counters: one cache-aligned block per lcore, written with plain increments by
// the lcore that owns it and read (racily, by design) by the control core. Nothing in the
// packet path uses atomics; a reader may see a value one burst old, never a torn one (aligned
// 64-bit stores are single instructions on every target DPDK supports).
#pragma once

#include <array>

#include "dataplane/types.h"

namespace tandem::dataplane {

struct alignas(64) LcoreCounters {
  std::array<PortCounters, kMaxPorts> port{};

  void drop(PortIndex p, wire::DropReason r, uint64_t n = 1) {
    port[p].drops[static_cast<size_t>(r)] += n;
  }
};

// Control-core side: copies one block field by field with relaxed loads (the owner keeps
// writing while we read).
inline PortCounters read_counters(const PortCounters& c) {
  PortCounters out;
  auto ld = [](const uint64_t& v) { return __atomic_load_n(&v, __ATOMIC_RELAXED); };
  out.rx = ld(c.rx);
  out.tx = ld(c.tx);
  out.forwarded = ld(c.forwarded);
  out.copies = ld(c.copies);
  out.clones = ld(c.clones);
  out.punted = ld(c.punted);
  for (size_t i = 0; i < kPuntClassCount; ++i) {
    out.punted_by_class[i] = ld(c.punted_by_class[i]);
    out.policed_by_class[i] = ld(c.policed_by_class[i]);
  }
  for (size_t i = 0; i < out.drops.size(); ++i) out.drops[i] = ld(c.drops[i]);
  return out;
}

}  // namespace tandem::dataplane
