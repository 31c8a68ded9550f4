// Running sum of a caller-defined 64-bit fingerprint over the group records of chosen
// interfaces, and how many records it covers, so an order-independent digest of the table
// (the RBS digest, DESIGN.md §5) and its size read in O(1): walking a million records takes
// ~60 ms, longer than BFD's detection time, and a metrics scrape or a display asks for both.
//
// The engine calls update() at the end of every change of a record (finish_record_change) and
// remove() when it deletes one (delete_record): every report, query, timer expiry and peer
// record goes through those two funnels. Each record caches its fingerprint, so a change costs
// one fingerprint and the old value is never recomputed (8 bytes per record for half the
// hashing). The function comes from the caller because the engine does not know what names a
// record to its users: the daemon hashes the RBP backup-id and interface name in.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <unordered_map>

#include "control/mld/group_table.h"

namespace tandem::mld {

// Must depend only on what a change reaches through the funnels: group, filter mode,
// compatibility mode (compat()), and the sources with whether their timers run.
using RecordFingerprint = std::function<uint64_t(const GroupRecord&)>;

class FingerprintSum {
 public:
  // How records of `ifindex` are fingerprinted (an empty `fn` stops covering them). Kept
  // across removal and re-adding of the interface. Returns the stored function, or nullptr;
  // the pointer stays valid until the next configure() of the same ifindex.
  const RecordFingerprint* configure(uint32_t ifindex, RecordFingerprint fn);
  const RecordFingerprint* find(uint32_t ifindex) const;

  // `r` was created or changed: its fingerprint under `fn` replaces its cached one in the sum.
  // With `fn` == nullptr (interface not covered) the record leaves the sum.
  void update(GroupRecord& r, const RecordFingerprint* fn) {
    if (fn == nullptr) return remove(r);
    const uint64_t fp = (*fn)(r);
    if (r.fingerprinted) {
      sum_ -= r.fingerprint;
    } else {
      r.fingerprinted = true;
      ++records_;
    }
    r.fingerprint = fp;
    sum_ += fp;
  }
  // `r` is about to be deleted (or its interface stops being covered).
  void remove(GroupRecord& r) {
    if (!r.fingerprinted) return;
    sum_ -= r.fingerprint;
    --records_;
    r.fingerprinted = false;
    r.fingerprint = 0;
  }

  uint64_t sum() const { return sum_; }  // mod 2^64
  size_t records() const { return records_; }

 private:
  std::unordered_map<uint32_t, RecordFingerprint> fns_;  // node-based: stable pointers
  uint64_t sum_ = 0;
  size_t records_ = 0;
};

}  // namespace tandem::mld
