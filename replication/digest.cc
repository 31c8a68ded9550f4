#include "replication/digest.h"

#include <cstdio>

namespace tandem::replication {
namespace {

// FNV-1a over the fields, finished with a 64-bit avalanche so the per-record values spread
// over the whole range before they are summed.
struct Hasher {
  uint64_t h = 0xcbf29ce484222325ULL;
  void bytes(const void* p, size_t n) {
    const auto* b = static_cast<const uint8_t*>(p);
    for (size_t i = 0; i < n; ++i) {
      h ^= b[i];
      h *= 0x100000001b3ULL;
    }
  }
  void u8(uint8_t v) { bytes(&v, 1); }
  void u16(uint16_t v) {
    uint8_t b[2] = {static_cast<uint8_t>(v >> 8), static_cast<uint8_t>(v)};
    bytes(b, 2);
  }
  uint64_t finish() const {
    uint64_t z = h;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
};

}  // namespace

uint64_t record_digest(const GroupRecord& r) {
  Hasher h;
  h.u16(r.key.backup_id);
  h.u16(static_cast<uint16_t>(r.key.interface.size()));
  h.bytes(r.key.interface.data(), r.key.interface.size());
  h.bytes(r.key.group.bytes.data(), 16);
  h.u8(static_cast<uint8_t>(r.mode));
  h.u8(static_cast<uint8_t>(r.compat));
  // Sources are kept sorted by address (group_store.h), so hashing in order is canonical.
  for (const auto& s : r.sources) {
    h.bytes(s.address.bytes.data(), 16);
    h.u8(r.mode == FilterMode::exclude && s.remaining_ms == 0 ? 1 : 0);
  }
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
