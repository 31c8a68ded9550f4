#include "dataplane/fib.h"

#include <rte_errno.h>
#include <rte_hash_crc.h>
#include <rte_lcore.h>
#include <rte_malloc.h>

#include <algorithm>
#include <vector>

#include "control/common/log.h"

namespace tandem::dataplane {

namespace {
// Slots deleted but not yet handed back (waiting for a grace period) still occupy the key
// store, so the table gets this much room beyond the advertised capacity.
uint32_t headroom(uint32_t capacity) {
  return std::max<uint32_t>(1024, capacity / 16);
}
}  // namespace

std::unique_ptr<Fib> Fib::create(const std::string& name, uint32_t capacity, unsigned readers,
                                 std::string* error) {
  std::unique_ptr<Fib> fib(new Fib());
  fib->capacity_ = capacity;

  rte_hash_parameters params{};
  params.name = name.c_str();
  params.entries = capacity + headroom(capacity);
  params.key_len = sizeof(FibKey);
  params.hash_func = rte_hash_crc;
  params.hash_func_init_val = 0;
  params.socket_id = static_cast<int>(rte_socket_id());
  // Lock-free readers, a single writer (the control core), slots freed by us after RCU.
  params.extra_flag = RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF | RTE_HASH_EXTRA_FLAGS_NO_FREE_ON_DEL;
  fib->hash_ = rte_hash_create(&params);
  if (fib->hash_ == nullptr) {
    *error =
        format_string("rte_hash_create(%u entries): %s", params.entries, rte_strerror(rte_errno));
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

Fib::~Fib() {
  if (hash_ != nullptr) rte_hash_free(hash_);
  if (rcu_ != nullptr) rte_free(rcu_);
}

const EgressSet* Fib::acquire_set(PortMask ports) {
  Interned& in = sets_[ports];
  if (!in.set) {
    in.set = std::make_unique<EgressSet>();
    in.set->ports = ports;
  }
  ++in.refs;
  return in.set.get();
}

void Fib::release_set(const EgressSet* set, uint64_t token) {
  auto it = sets_.find(set->ports);
  if (it == sets_.end() || it->second.set.get() != set) return;  // not ours: a bug upstream
  if (--it->second.refs != 0) return;
  // Workers may still hold the pointer from a lookup in their current burst.
  retired_.push_back(Retired{token, -1, std::move(it->second.set)});
  sets_.erase(it);
}

bool Fib::upsert(const wire::Ipv6Address& source_or_any, const wire::Ipv6Address& group,
                 PortMask egress) {
  FibKey key;
  make_key(key, source_or_any.bytes.data(), group.bytes.data());
  void* old = nullptr;
  bool exists = rte_hash_lookup_data(hash_, &key, &old) >= 0;
  if (!exists && size() >= capacity_) {
    reclaim();
    return false;
  }
  if (exists && static_cast<const EgressSet*>(old)->ports == egress) return true;

  const EgressSet* set = acquire_set(egress);
  // The new object is complete before the hash publishes its pointer (store-release inside
  // rte_hash's LF add), so a reader sees either the old or the new set, never a partial one.
  int rc = rte_hash_add_key_data(hash_, &key, const_cast<EgressSet*>(set));
  if (rc == -ENOSPC && !retired_.empty()) {
    // Slots are held by deletions still in their grace period: wait for the workers (they
    // report every loop iteration) and retry once.
    rte_rcu_qsbr_check(rcu_, rte_rcu_qsbr_start(rcu_), true);
    reclaim();
    rc = rte_hash_add_key_data(hash_, &key, const_cast<EgressSet*>(set));
  }
  if (rc != 0) {
    release_set(set, rte_rcu_qsbr_start(rcu_));
    return false;
  }
  if (exists) release_set(static_cast<const EgressSet*>(old), rte_rcu_qsbr_start(rcu_));
  reclaim();
  return true;
}

bool Fib::remove(const wire::Ipv6Address& source_or_any, const wire::Ipv6Address& group) {
  FibKey key;
  make_key(key, source_or_any.bytes.data(), group.bytes.data());
  void* old = nullptr;
  if (rte_hash_lookup_data(hash_, &key, &old) < 0) return false;
  int32_t pos = rte_hash_del_key(hash_, &key);
  if (pos < 0) return false;
  uint64_t token = rte_rcu_qsbr_start(rcu_);
  retired_.push_back(Retired{token, pos, nullptr});
  release_set(static_cast<const EgressSet*>(old), token);
  reclaim();
  return true;
}

void Fib::clear() {
  std::vector<FibKey> keys;
  keys.reserve(size());
  const void* k = nullptr;
  void* d = nullptr;
  uint32_t it = 0;
  while (rte_hash_iterate(hash_, &k, &d, &it) >= 0) keys.push_back(*static_cast<const FibKey*>(k));
  for (const FibKey& key : keys) {
    remove(wire::Ipv6Address::from_bytes(key.source), wire::Ipv6Address::from_bytes(key.group));
  }
}

size_t Fib::reclaim() {
  while (!retired_.empty()) {
    Retired& r = retired_.front();
    if (rte_rcu_qsbr_check(rcu_, r.token, false) != 1) break;
    if (r.key_position >= 0) rte_hash_free_key_with_position(hash_, r.key_position);
    retired_.pop_front();  // deletes the EgressSet, if any
  }
  return retired_.size();
}

size_t Fib::size() const {
  return static_cast<size_t>(rte_hash_count(hash_));
}

void Fib::set_gate(PortIndex port, bool open) {
  if (port >= kMaxPorts) return;
  if (open) {
    gates_.fetch_or(port_bit(port), std::memory_order_release);
  } else {
    gates_.fetch_and(~port_bit(port), std::memory_order_release);
  }
}

void Fib::set_upstream(PortIndex port, bool up) {
  if (port >= kMaxPorts) return;
  if (up) {
    upstream_.fetch_or(port_bit(port), std::memory_order_release);
  } else {
    upstream_.fetch_and(~port_bit(port), std::memory_order_release);
  }
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
wire::MacAddress Fib::src_mac(PortIndex port) const {
  wire::MacAddress m;
  if (port >= kMaxPorts) return m;
  uint64_t v = src_mac_word(port);
  std::memcpy(m.bytes.data(), &v, 6);
  return m;
}

}  // namespace tandem::dataplane
