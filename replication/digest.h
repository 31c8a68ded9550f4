// Order-independent digest of a replicated table: the sum (mod 2^64) of a 64-bit hash per
// record over key, filter mode, compatibility mode and the source set (with, in EXCLUDE
// mode, which sources are blocked), excluding every time, the origin and the last reporter.
// Two routers with equal tables print the same 16 hex digits, whatever their insertion
// order and however far apart their clocks are.
#pragma once

#include <cstdint>
#include <string>

#include "replication/group_store.h"

namespace tandem::replication {

uint64_t record_digest(const GroupRecord& record);
uint64_t table_digest(const GroupStore& store, TimePoint now);
std::string digest_hex(uint64_t digest);  // 16 lower-case hex chars

}  // namespace tandem::replication
