// The multicast FIB: an rte_hash keyed by (S,G) with lock-free readers
// (RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF), written only by the control core. Values point
// at immutable, interned EgressSet objects (one per distinct port mask, shared by every
// entry with that mask, so a million groups with a handful of fan-outs keep their egress
// data in a few cache lines). Removed key slots and unreferenced EgressSets are retired with
// an rte_rcu_qsbr token and freed once every worker has reported a quiescent state.
//
// Gates, upstream flags and per-port source MACs are arrays of atomics read with relaxed
// loads once per burst: a flip is a single store, visible to the next burst.
#pragma once

#include <rte_hash.h>
#include <rte_rcu_qsbr.h>

#include <array>
#include <atomic>
#include <cstring>
#include <deque>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "dataplane/fib_writer.h"

namespace tandem::dataplane {

struct EgressSet {
  PortMask ports = 0;
};

// 32-byte hash key; source all-zero = (*,G).
struct FibKey {
  uint8_t source[16];
  uint8_t group[16];
};
static_assert(sizeof(FibKey) == 32);

inline void make_key(FibKey& k, const uint8_t* source_or_null, const uint8_t* group) {
  if (source_or_null != nullptr) {
    std::memcpy(k.source, source_or_null, 16);
  } else {
    std::memset(k.source, 0, 16);
  }
  std::memcpy(k.group, group, 16);
}

inline uint64_t pack_mac(const wire::MacAddress& m) {
  uint64_t v = 0;
  std::memcpy(&v, m.bytes.data(), 6);
  return v;
}

class Fib final : public FibWriter {
 public:
  // `readers` = number of worker threads that report quiescent states (ids 0..readers-1).
  static std::unique_ptr<Fib> create(const std::string& name, uint32_t capacity, unsigned readers,
                                     std::string* error);
  ~Fib() override;

  // ---- FibWriter (control core) ----
  bool upsert(const wire::Ipv6Address& source_or_any, const wire::Ipv6Address& group,
              PortMask egress) override;
  bool remove(const wire::Ipv6Address& source_or_any, const wire::Ipv6Address& group) override;
  void clear() override;
  void set_gate(PortIndex port, bool open) override;
  void set_upstream(PortIndex port, bool upstream) override;
  void set_src_mac(PortIndex port, const wire::MacAddress& mac) override;
  size_t reclaim() override;
  size_t size() const override;
  size_t capacity() const override { return capacity_; }
  bool gate(PortIndex port) const override;
  bool upstream(PortIndex port) const override;
  wire::MacAddress src_mac(PortIndex port) const override;

  // ---- readers (workers) ----
  const rte_hash* hash() const { return hash_; }
  rte_rcu_qsbr* rcu() const { return rcu_; }
  PortMask open_gates() const { return gates_.load(std::memory_order_relaxed); }
  PortMask upstream_ports() const { return upstream_.load(std::memory_order_relaxed); }
  // MAC in the low 48 bits, byte order as on the wire (memcpy 6 bytes out).
  uint64_t src_mac_word(PortIndex port) const {
    return src_macs_[port].load(std::memory_order_relaxed);
  }

  // Objects waiting for a grace period (tests).
  size_t retired() const { return retired_.size(); }

 private:
  Fib() = default;
  const EgressSet* acquire_set(PortMask ports);
  void release_set(const EgressSet* set, uint64_t token);

  struct Interned {
    std::unique_ptr<EgressSet> set;
    size_t refs = 0;
  };
  struct Retired {
    uint64_t token = 0;
    int32_t key_position = -1;       // slot to hand back to rte_hash, or -1
    std::unique_ptr<EgressSet> set;  // object to delete, or null
  };

  rte_hash* hash_ = nullptr;
  rte_rcu_qsbr* rcu_ = nullptr;
  size_t capacity_ = 0;
  std::unordered_map<PortMask, Interned> sets_;
  std::deque<Retired> retired_;

  alignas(64) std::atomic<PortMask> gates_{~PortMask{0}};
  std::atomic<PortMask> upstream_{0};
  std::array<std::atomic<uint64_t>, kMaxPorts> src_macs_{};
};

}  // namespace tandem::dataplane
