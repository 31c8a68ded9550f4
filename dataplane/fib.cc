#include "dataplane/fib.h"

#include <rte_errno.h>
#include <rte_hash_crc.h>
#include <rte_lcore.h>
#include <rte_malloc.h>

#include <algorithm>

#include "control/common/log.h"

namespace tandem::dataplane {

namespace {
// Slots deleted but not yet handed back (waiting for a grace period) still occupy the key
// store, so each table gets this much room beyond the advertised capacity.
uint32_t headroom(uint32_t capacity) {
  return std::max<uint32_t>(1024, capacity / 16);
}

// rte_hash's allocations for `entries` keys of `key_len` bytes (DPDK 22.11
// rte_cuckoo_hash.c, no lcore cache, no extendable buckets): 64-byte buckets of 8 slots for
// the entries rounded up to a power of two, one key slot per entry plus the dummy slot 0
// (key and a pointer, 16-byte aligned), and the free-slot ring of 32-bit indexes.
size_t hash_memory_bytes(uint32_t entries, uint32_t key_len) {
  const size_t slots = size_t{entries} + 1;
  const size_t key_entry = (sizeof(void*) + key_len + 15) / 16 * 16;
  return size_t{rte_align32pow2(entries)} / 8 * 64 + slots * key_entry +
         size_t{rte_align32pow2(static_cast<uint32_t>(slots))} * sizeof(uint32_t);
}

rte_hash* make_table(const std::string& name, uint32_t entries, uint32_t key_len) {
  rte_hash_parameters params{};
  params.name = name.c_str();
  params.entries = entries;
  params.key_len = key_len;
  params.hash_func = rte_hash_crc;
  params.hash_func_init_val = 0;
  params.socket_id = static_cast<int>(rte_socket_id());
  // Lock-free readers, a single writer (the control core), slots freed by us after RCU.
  params.extra_flag = RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF | RTE_HASH_EXTRA_FLAGS_NO_FREE_ON_DEL;
  return rte_hash_create(&params);
}

SgKey sg_key(const wire::Ipv6Address& s, const wire::Ipv6Address& g) {
  SgKey k;
  std::memcpy(k.source, s.bytes.data(), 16);
  std::memcpy(k.group, g.bytes.data(), 16);
  return k;
}
}  // namespace

std::unique_ptr<Fib> Fib::create(const std::string& name, uint32_t capacity, unsigned readers,
                                 std::string* error) {
  std::unique_ptr<Fib> fib(new Fib());
  fib->capacity_ = capacity;
  const uint32_t entries = capacity + headroom(capacity);
  fib->star_ = GroupTable::create(entries);
  fib->sg_ = fib->star_ == nullptr ? nullptr : make_table(name + "_sg", entries, sizeof(SgKey));
  if (fib->sg_ == nullptr) {
    // rte_zmalloc leaves rte_errno alone: only rte_hash_create's failure has a reason there.
    const char* why = fib->star_ == nullptr ? "out of memory" : rte_strerror(rte_errno);
    *error = format_string(
        "FIB tables for %u entries need about %zu MiB of EAL memory: %s; give EAL more memory "
        "(-m MB, --socket-mem, more hugepages)",
        entries, (memory_bytes(capacity) + (1u << 20) - 1) >> 20, why);
    return nullptr;
  }
  unsigned threads = readers == 0 ? 1 : readers;
  size_t sz = rte_rcu_qsbr_get_memsize(threads);
  fib->rcu_ = static_cast<rte_rcu_qsbr*>(
      rte_zmalloc_socket((name + "_rcu").c_str(), sz, RTE_CACHE_LINE_SIZE, SOCKET_ID_ANY));
  if (fib->rcu_ == nullptr || rte_rcu_qsbr_init(fib->rcu_, threads) != 0) {
    *error = format_string("rte_rcu_qsbr for %u readers: out of memory", threads);
    return nullptr;
  }
  return fib;
}

size_t Fib::memory_bytes(uint32_t capacity) {
  const uint32_t entries = capacity + headroom(capacity);
  return GroupTable::memory_bytes(entries) + hash_memory_bytes(entries, sizeof(SgKey));
}

Fib::~Fib() {
  if (sg_ != nullptr) rte_hash_free(sg_);
  if (rcu_ != nullptr) rte_free(rcu_);
}

const EgressSet* Fib::acquire_set(const SetKey& k) {
  Interned& in = sets_[k];
  if (!in.set) {
    in.set = std::make_unique<EgressSet>(
        EgressSet{k.ports, k.iif, k.notify, k.star_present, k.has_sources});
    in.set->route = route_of(*in.set);
  }
  ++in.refs;
  return in.set.get();
}

void Fib::release_set(const EgressSet* set, uint64_t token) {
  auto it = sets_.find(key_of(*set));
  if (it == sets_.end() || it->second.set.get() != set) return;
  if (--it->second.refs != 0) return;
  // Workers may still hold the pointer from a lookup in their current burst.
  retired_.push_back(Retired{token, nullptr, -1, GroupTable::kNoEntry, std::move(it->second.set)});
  sets_.erase(it);
}

const EgressSet* Fib::find(const rte_hash* table, const void* key) const {
  void* data = nullptr;
  if (rte_hash_lookup_data(table, key, &data) < 0) return nullptr;
  return static_cast<const EgressSet*>(data);
}

template <class Add>
bool Fib::replace(const EgressSet* old, const SetKey& value, Add&& add) {
  const EgressSet* set = acquire_set(value);
  if (set == old) {
    release_set(set, rte_rcu_qsbr_start(rcu_));  // refcount back; nothing retires
    return true;
  }
  // The object is complete before the table publishes its pointer (store-release in both
  // tables' add): a reader sees the old or the new set, never a partial one.
  bool ok = add(set);
  if (!ok && !retired_.empty()) {
    // Slots are held by deletions still in their grace period: wait for the workers (they
    // report every loop iteration, or are offline while idle) and retry once.
    rte_rcu_qsbr_check(rcu_, rte_rcu_qsbr_start(rcu_), true);
    reclaim();
    ok = add(set);
  }
  uint64_t token = rte_rcu_qsbr_start(rcu_);
  if (!ok) {
    release_set(set, token);
    return false;
  }
  if (old != nullptr) release_set(old, token);
  return true;
}

bool Fib::publish(rte_hash* table, const void* key, const SetKey& value) {
  return replace(find(table, key), value, [&](const EgressSet* set) {
    return rte_hash_add_key_data(table, key, const_cast<EgressSet*>(set)) == 0;
  });
}

bool Fib::publish_star(const wire::Ipv6Address& group, const SetKey& value) {
  return replace(find_star(group), value, [&](const EgressSet* set) {
    return star_->set(group.bytes.data(), set, route_of(*set));
  });
}

bool Fib::unpublish_star(const wire::Ipv6Address& group) {
  const EgressSet* old = find_star(group);
  if (old == nullptr) return false;
  uint32_t entry = star_->remove(group.bytes.data());
  uint64_t token = rte_rcu_qsbr_start(rcu_);
  retired_.push_back(Retired{token, nullptr, -1, entry, nullptr});
  release_set(old, token);
  return true;
}

bool Fib::unpublish(rte_hash* table, const void* key) {
  const EgressSet* old = find(table, key);
  if (old == nullptr) return false;
  int32_t pos = rte_hash_del_key(table, key);
  if (pos < 0) return false;
  uint64_t token = rte_rcu_qsbr_start(rcu_);
  retired_.push_back(Retired{token, table, pos, GroupTable::kNoEntry, nullptr});
  release_set(old, token);
  return true;
}

bool Fib::update_star(const wire::Ipv6Address& group, const FibRoute* star, bool has_sources) {
  if (star == nullptr && !has_sources) return unpublish_star(group);
  // A marker (no (*,G) entry) has no ports, no RPF interface and no notify flag.
  const FibRoute r = star != nullptr ? *star : FibRoute{};
  return publish_star(group,
                      SetKey{r.egress, r.iif, r.notify_sources, star != nullptr, has_sources});
}

namespace {
// The (*,G) entry a star object holds, or null for a marker (or no object).
std::optional<FibRoute> star_route(const EgressSet* s) {
  if (s == nullptr || !s->star_present) return std::nullopt;
  return FibRoute{s->ports, s->iif, s->notify};
}
}  // namespace

bool Fib::upsert(const wire::Ipv6Address& source_or_any, const wire::Ipv6Address& group,
                 const FibRoute& route) {
  const PortMask egress = route.egress;
  if ((egress & ~kRoutePorts) != 0) return false;  // no such port (kMaxPorts)
  if (route.iif >= kMaxPorts && route.iif != kNoIif) return false;
  // Only groups a router forwards (RFC 4291 §2.7): the workers' one-port run relies on it
  // and does not check a frame's destination scope itself (worker.cc, plain_run).
  if (!group.is_multicast() || group.is_link_scope_multicast()) return false;
  bool ok = true;
  if (source_or_any.is_unspecified()) {
    const EgressSet* cur = find_star(group);
    bool present = cur != nullptr && cur->star_present;
    if (!present && size() >= capacity_) {
      reclaim();
      return false;
    }
    bool has_sources = cur != nullptr && cur->has_sources;
    ok = update_star(group, &route, has_sources);
    if (ok && !present) ++n_star_;
  } else {
    SgKey key = sg_key(source_or_any, group);
    bool present = find(sg_, &key) != nullptr;
    if (!present && size() >= capacity_) {
      reclaim();
      return false;
    }
    // The (S,G) entry first, then the flag that makes workers look for it.
    ok = publish(sg_, &key, SetKey{egress, route.iif, false, false, false});
    if (ok && !present) {
      ++n_sg_;
      if (++sources_per_group_[group] == 1) {
        const std::optional<FibRoute> star = star_route(find_star(group));
        ok = update_star(group, star ? &*star : nullptr, true);
      }
    }
  }
  reclaim();
  return ok;
}

bool Fib::remove(const wire::Ipv6Address& source_or_any, const wire::Ipv6Address& group) {
  bool ok = false;
  if (source_or_any.is_unspecified()) {
    const EgressSet* cur = find_star(group);
    if (cur != nullptr && cur->star_present) {
      ok = update_star(group, nullptr, cur->has_sources);
      if (ok) --n_star_;
    }
  } else {
    SgKey key = sg_key(source_or_any, group);
    if (find(sg_, &key) != nullptr) {
      auto it = sources_per_group_.find(group);
      if (it != sources_per_group_.end() && --it->second == 0) {
        sources_per_group_.erase(it);
        const std::optional<FibRoute> star = star_route(find_star(group));
        update_star(group, star ? &*star : nullptr, false);
      }
      ok = unpublish(sg_, &key);
      if (ok) --n_sg_;
    }
  }
  reclaim();
  return ok;
}

void Fib::clear() {
  std::vector<SgKey> sg;
  std::vector<wire::Ipv6Address> groups;
  const void* k = nullptr;
  void* d = nullptr;
  uint32_t it = 0;
  while (rte_hash_iterate(sg_, &k, &d, &it) >= 0) sg.push_back(*static_cast<const SgKey*>(k));
  star_->for_each([&](const uint8_t* key, const EgressSet*) {
    groups.push_back(wire::Ipv6Address::from_bytes(key));
  });
  for (const SgKey& key : sg) {
    remove(wire::Ipv6Address::from_bytes(key.source), wire::Ipv6Address::from_bytes(key.group));
  }
  for (const wire::Ipv6Address& g : groups) remove(wire::Ipv6Address{}, g);
}

size_t Fib::reclaim() {
  while (!retired_.empty()) {
    Retired& r = retired_.front();
    if (rte_rcu_qsbr_check(rcu_, r.token, false) != 1) break;
    if (r.key_position >= 0) rte_hash_free_key_with_position(r.table, r.key_position);
    if (r.group_entry != GroupTable::kNoEntry) star_->release_entry(r.group_entry);
    retired_.pop_front();  // deletes the EgressSet, if any
  }
  return retired_.size();
}

namespace {
// One port's bit in a mask the workers read once per burst: a single atomic store.
void set_port_flag(std::atomic<PortMask>& mask, PortIndex port, bool on) {
  if (port >= kMaxPorts) return;
  if (on) {
    mask.fetch_or(port_bit(port), std::memory_order_release);
  } else {
    mask.fetch_and(~port_bit(port), std::memory_order_release);
  }
}
}  // namespace

void Fib::set_gate(PortIndex port, bool open) {
  set_port_flag(gates_, port, open);
}
void Fib::set_upstream(PortIndex port, bool up) {
  set_port_flag(upstream_, port, up);
}
void Fib::set_rpf_notify(PortIndex port, bool notify) {
  set_port_flag(rpf_notify_, port, notify);
}

void Fib::set_src_mac(PortIndex port, const wire::MacAddress& mac) {
  if (port >= kMaxPorts) return;
  src_macs_[port].store(pack_mac(mac), std::memory_order_release);
}

bool Fib::gate(PortIndex port) const {
  return port < kMaxPorts && (open_gates() & port_bit(port)) != 0;
}
bool Fib::upstream(PortIndex port) const {
  return port < kMaxPorts && (upstream_ports() & port_bit(port)) != 0;
}
bool Fib::rpf_notify(PortIndex port) const {
  return port < kMaxPorts && (rpf_notify_ports() & port_bit(port)) != 0;
}

std::optional<FibRoute> Fib::route(const wire::Ipv6Address& source_or_any,
                                   const wire::Ipv6Address& group) const {
  if (source_or_any.is_unspecified()) return star_route(find_star(group));
  SgKey key = sg_key(source_or_any, group);
  const EgressSet* s = find(sg_, &key);
  if (s == nullptr) return std::nullopt;
  return FibRoute{s->ports, s->iif, false};
}

wire::MacAddress Fib::src_mac(PortIndex port) const {
  wire::MacAddress m;
  if (port >= kMaxPorts) return m;
  uint64_t v = src_mac_word(port);
  std::memcpy(m.bytes.data(), &v, 6);
  return m;
}

}  // namespace tandem::dataplane
