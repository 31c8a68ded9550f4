#include "replication/digest.h"

#include <cstdio>

namespace tandem::replication {

// FNV-1a over the fields, finished with a 64-bit avalanche so the per-record values spread
// over the whole range before they are summed.
RecordHasher::RecordHasher(uint16_t backup_id, std::string_view interface) {
  const uint8_t id[2] = {static_cast<uint8_t>(backup_id >> 8), static_cast<uint8_t>(backup_id)};
  bytes(id, 2);
  const auto len = static_cast<uint16_t>(interface.size());
  const uint8_t n[2] = {static_cast<uint8_t>(len >> 8), static_cast<uint8_t>(len)};
  bytes(n, 2);
  bytes(interface.data(), interface.size());
}

void RecordHasher::bytes(const void* p, size_t n) {
  const auto* b = static_cast<const uint8_t*>(p);
  for (size_t i = 0; i < n; ++i) {
    h_ ^= b[i];
    h_ *= 0x100000001b3ULL;
  }
}

void RecordHasher::state(const wire::Ipv6Address& group, FilterMode mode, CompatMode compat) {
  bytes(group.bytes.data(), 16);
  const uint8_t modes[2] = {static_cast<uint8_t>(mode), static_cast<uint8_t>(compat)};
  bytes(modes, 2);
}

void RecordHasher::source(const wire::Ipv6Address& address, bool blocked) {
  bytes(address.bytes.data(), 16);
  const uint8_t b = blocked ? 1 : 0;
  bytes(&b, 1);
}

uint64_t RecordHasher::finish() const {
  uint64_t z = h_;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

uint64_t record_digest(const GroupRecord& r) {
  RecordHasher h(r.key.backup_id, r.key.interface);
  h.state(r.key.group, r.mode, r.compat);
  // Sources are kept sorted by address (group_store.h), so hashing in order is canonical.
  for (const auto& s : r.sources)
    h.source(s.address, r.mode == FilterMode::exclude && s.remaining_ms == 0);
  return h.finish();
}

uint64_t table_digest(const GroupStore& store, TimePoint now) {
  uint64_t sum = 0;
  store.for_each(now, [&](const GroupRecord& r) { sum += record_digest(r); });
  return sum;
}

std::string digest_hex(uint64_t digest) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(digest));
  return buf;
}

}  // namespace tandem::replication
