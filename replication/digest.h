// Order-independent digest of a replicated table: the sum (mod 2^64) of a 64-bit hash per
// record over key, filter mode, compatibility mode and the source set (with, in EXCLUDE
// mode, which sources are blocked), excluding every time, the origin and the last reporter.
// Two routers with equal tables print the same 16 hex digits, whatever their insertion
// order and however far apart their clocks are.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "replication/group_store.h"

namespace tandem::replication {

// record_digest() fed field by field, for stores that hold records in their own shape and
// keep the sum as records change (GroupStore::digest): the key prefix (backup-id, interface)
// is hashed once and the hasher copied per record. Feed state() once, then every source in
// address order, then finish().
class RecordHasher {
 public:
  RecordHasher(uint16_t backup_id, std::string_view interface);
  void state(const wire::Ipv6Address& group, FilterMode mode, CompatMode compat);
  // `blocked`: EXCLUDE mode and the source's timer is not running (remaining 0).
  void source(const wire::Ipv6Address& address, bool blocked);
  uint64_t finish() const;

 private:
  void bytes(const void* p, size_t n);
  uint64_t h_ = 0xcbf29ce484222325ULL;  // FNV-1a offset basis
};

uint64_t record_digest(const GroupRecord& record);
// The full walk: the reference that GroupStore::digest() must equal at any time.
uint64_t table_digest(const GroupStore& store, TimePoint now);
std::string digest_hex(uint64_t digest);  // 16 lower-case hex chars

}  // namespace tandem::replication
