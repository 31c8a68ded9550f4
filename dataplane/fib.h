// The multicast FIB: two hash tables with lock-free readers, written only by the control core.
//
//   star table: key G (16 bytes)     → RouteWord: (*,G) ports, RPF interface and notify
//               flag, flagged when (S,G) entries exist (GroupTable: the lookup every
//               forwarded packet makes, one cache line)
//   sg table:   key (S,G) (32 bytes) → EgressSet of (S,G) (ports and RPF interface)
//               (rte_hash with RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF)
//
// A worker looks G up first (any-source multicast, the common case, costs one lookup), and
// only when the (*,G) route says source-specific entries exist does it look (S,G) up. The
// writer keeps a marker (*,G) route (no kRouteStarPresent) for a group that has (S,G)
// entries but no (*,G), so the flag is always reachable. Keys point straight into the
// packet: the IPv6 source and destination are adjacent, exactly the (S,G) key layout.
//
// (S,G) values point at immutable, interned EgressSet objects (one per distinct content,
// RPF interface included, shared by every entry with that content); the writer interns the star
// table's sets the same way for its own bookkeeping, while workers read the route word stored in
// the star slot itself. Removed key slots and unreferenced EgressSets are retired with an
// rte_rcu_qsbr token and freed once every worker has reported a quiescent state. Gates, upstream
// and RPF-notify flags and per-port source MACs are atomics read with relaxed loads once per burst:
// a flip is a single store, visible to the next burst.
#pragma once

#include <rte_hash.h>
#include <rte_rcu_qsbr.h>

#include <array>
#include <atomic>
#include <cstring>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "dataplane/fib_writer.h"
#include "dataplane/group_table.h"

namespace tandem::dataplane {

struct EgressSet {
  PortMask ports = 0;
  PortIndex iif = kNoIif;     // RPF interface (FibRoute::iif)
  bool notify = false;        // star table only: FibRoute::notify_sources
  bool star_present = false;  // star table only: false = marker for (S,G) entries
  bool has_sources = false;   // star table only: (S,G) entries exist for this group
  RouteWord route = 0;        // route_of(*this): what an (S,G) hit gives the workers
};

// The word for a set (what workers read, see RouteWord in types.h): the star table stores
// it; an (S,G) hit reads EgressSet::route and adds kRouteStarPresent.
inline RouteWord route_of(const EgressSet& s) {
  return (s.ports & kRoutePorts) | route_iif_bits(s.iif) | (s.notify ? kRouteNotify : 0) |
         (s.star_present ? kRouteStarPresent : 0) | (s.has_sources ? kRouteHasSources : 0);
}

// (S,G) key: the IPv6 header's source then destination, as they sit in the packet.
struct SgKey {
  uint8_t source[16];
  uint8_t group[16];
};
static_assert(sizeof(SgKey) == 32);
inline constexpr uint32_t kGroupKeyLen = 16;

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
  // About how many bytes of EAL memory create() needs for `capacity` (both tables).
  static size_t memory_bytes(uint32_t capacity);
  ~Fib() override;

  // ---- FibWriter (control core) ----
  using FibWriter::upsert;
  // iif must be below kMaxPorts or kNoIif (the FIB does not know how many ports exist);
  // notify_sources is ignored on (S,G) entries.
  bool upsert(const wire::Ipv6Address& source_or_any, const wire::Ipv6Address& group,
              const FibRoute& route) override;
  bool remove(const wire::Ipv6Address& source_or_any, const wire::Ipv6Address& group) override;
  void clear() override;
  void set_gate(PortIndex port, bool open) override;
  void set_upstream(PortIndex port, bool upstream) override;
  void set_rpf_notify(PortIndex port, bool notify) override;
  void set_src_mac(PortIndex port, const wire::MacAddress& mac) override;
  size_t reclaim() override;
  size_t size() const override { return n_star_ + n_sg_; }
  size_t capacity() const override { return capacity_; }
  bool gate(PortIndex port) const override;
  bool upstream(PortIndex port) const override;
  wire::MacAddress src_mac(PortIndex port) const override;
  bool rpf_notify(PortIndex port) const;
  // The entry as stored, or nothing (tests, diagnostics).
  std::optional<FibRoute> route(const wire::Ipv6Address& source_or_any,
                                const wire::Ipv6Address& group) const;

  // ---- readers (workers) ----
  const GroupTable& star_table() const { return *star_; }
  const rte_hash* sg_table() const { return sg_; }
  rte_rcu_qsbr* rcu() const { return rcu_; }
  PortMask open_gates() const { return gates_.load(std::memory_order_relaxed); }
  PortMask upstream_ports() const { return upstream_.load(std::memory_order_relaxed); }
  PortMask rpf_notify_ports() const { return rpf_notify_.load(std::memory_order_relaxed); }
  // MAC in the low 48 bits, byte order as on the wire (memcpy 6 bytes out).
  uint64_t src_mac_word(PortIndex port) const {
    return src_macs_[port].load(std::memory_order_relaxed);
  }

  // Objects waiting for a grace period (tests).
  size_t retired() const { return retired_.size(); }

 private:
  Fib() = default;
  // An EgressSet's identity: everything in it but the derived route word.
  struct SetKey {
    PortMask ports = 0;
    PortIndex iif = kNoIif;
    bool notify = false, star_present = false, has_sources = false;
    bool operator==(const SetKey&) const = default;
  };
  static SetKey key_of(const EgressSet& s) {
    return SetKey{s.ports, s.iif, s.notify, s.star_present, s.has_sources};
  }
  struct SetKeyHash {
    size_t operator()(const SetKey& k) const {
      EgressSet s{k.ports, k.iif, k.notify, k.star_present, k.has_sources};
      return std::hash<uint64_t>()(route_of(s));
    }
  };
  struct Interned {
    std::unique_ptr<EgressSet> set;
    size_t refs = 0;
  };
  struct Retired {
    uint64_t token = 0;
    rte_hash* table = nullptr;  // with key_position: slot to hand back
    int32_t key_position = -1;
    uint32_t group_entry = GroupTable::kNoEntry;  // star table entry to hand back
    std::unique_ptr<EgressSet> set;               // object to delete, or null
  };

  const EgressSet* acquire_set(const SetKey& k);
  void release_set(const EgressSet* set, uint64_t token);
  // Publishes `value` with `add(set)` in place of `old`; releases the replaced object.
  template <class Add>
  bool replace(const EgressSet* old, const SetKey& value, Add&& add);
  bool publish(rte_hash* table, const void* key, const SetKey& value);
  bool unpublish(rte_hash* table, const void* key);
  const EgressSet* find(const rte_hash* table, const void* key) const;
  bool publish_star(const wire::Ipv6Address& group, const SetKey& value);
  bool unpublish_star(const wire::Ipv6Address& group);
  const EgressSet* find_star(const wire::Ipv6Address& group) const {
    return star_->value(group.bytes.data());
  }
  // Rewrites G's star object after its (*,G) or (S,G) population changed: `star` is the
  // (*,G) entry (null: none), `has_sources` whether (S,G) entries exist.
  bool update_star(const wire::Ipv6Address& group, const FibRoute* star, bool has_sources);

  std::unique_ptr<GroupTable> star_;
  rte_hash* sg_ = nullptr;
  rte_rcu_qsbr* rcu_ = nullptr;
  size_t capacity_ = 0;
  size_t n_star_ = 0;  // (*,G) entries the control core installed (markers not counted)
  size_t n_sg_ = 0;
  std::unordered_map<wire::Ipv6Address, uint32_t, wire::Ipv6AddressHash> sources_per_group_;
  std::unordered_map<SetKey, Interned, SetKeyHash> sets_;
  std::deque<Retired> retired_;

  alignas(64) std::atomic<PortMask> gates_{~PortMask{0}};
  std::atomic<PortMask> upstream_{0};
  std::atomic<PortMask> rpf_notify_{0};
  std::array<std::atomic<uint64_t>, kMaxPorts> src_macs_{};
};

}  // namespace tandem::dataplane
