// The replicated record and the two interfaces replication uses to reach the group state,
// so replication never depends on control/mld: the daemon writes the adapter.
//
//  - GroupStore: the local table. On the Master side it is read (snapshots; the latest state
//    of a changed key when a Delta is built). On the Backup side records from the peer are
//    written into it with origin = backup and their REMAINING times, so they age out exactly
//    as on the Master (RFC 3810 §7.2 timers keep running locally).
//  - ChangeFeed (change_feed.h): the daemon pushes the key of every record the MLD engine
//    creates, refreshes (a report restarting a timer counts), changes or deletes.
#pragma once

#include <compare>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "control/common/time.h"
#include "control/wire/address.h"

namespace tandem::replication {

// RFC 3810 §7.2 filter mode of a multicast address record.
enum class FilterMode : uint8_t { include, exclude };
// RFC 3810 §8.3 compatibility mode (v1 while Older Version Host Present runs).
enum class CompatMode : uint8_t { mldv2, mldv1 };
// Learned from hosts on our own link (local) or from the peer over the RBS (backup).
enum class Origin : uint8_t { local, backup };

const char* filter_mode_name(FilterMode m);  // "include" / "exclude"
const char* compat_mode_name(CompatMode m);  // "v2" / "v1"
const char* origin_name(Origin o);           // "local" / "backup"

// One source with its RFC 3810 §7.2 source timer, as a remaining duration.
// EXCLUDE mode: remaining_ms > 0 → Requested List, == 0 → Exclude List (RFC 3810 §7.2.1).
struct SourceTimer {
  wire::Ipv6Address address;
  int64_t remaining_ms = 0;
  bool operator==(const SourceTimer&) const = default;
};

// Identity of a record: RBP backup-id (1..4095), interface name, multicast address.
struct GroupKey {
  uint16_t backup_id = 0;
  std::string interface;
  wire::Ipv6Address group;
  auto operator<=>(const GroupKey&) const = default;
  bool operator==(const GroupKey&) const = default;
};

struct GroupKeyHash {
  size_t operator()(const GroupKey& k) const noexcept;
};

// Full state of one multicast address record, times as remaining milliseconds at the `now`
// given alongside it.
struct GroupRecord {
  GroupKey key;
  FilterMode mode = FilterMode::include;
  std::vector<SourceTimer> sources;  // sorted by address, no duplicates
  int64_t filter_timer_ms = 0;       // RFC 3810 §7.2 filter timer; 0 in INCLUDE mode
  CompatMode compat = CompatMode::mldv2;
  int64_t older_host_present_ms = 0;  // RFC 3810 §8.3 / §9.13; 0 when not running
  Origin origin = Origin::local;
  wire::Ipv6Address last_reporter;  // display only, not part of the digest
};

// Equal on everything the digest covers (key, mode, compat, source set and which EXCLUDE
// sources are blocked), i.e. ignoring times, origin and last reporter.
bool same_state(const GroupRecord& a, const GroupRecord& b);

class GroupStore {
 public:
  virtual ~GroupStore() = default;
  // Insert or replace the record; its times are remaining durations measured at `now`.
  virtual void upsert(const GroupRecord& record, TimePoint now) = 0;
  // Delete the record if present.
  virtual void remove(const GroupKey& key, TimePoint now) = 0;
  // Current state with times as remaining at `now`; nullopt if absent.
  virtual std::optional<GroupRecord> find(const GroupKey& key, TimePoint now) const = 0;
  // Every record, times as remaining at `now`, any order.
  virtual void for_each(TimePoint now, const std::function<void(const GroupRecord&)>& fn) const = 0;
  // Both read in O(1), kept up to date as records change: status displays and metrics
  // scrapes ask for them while the table may hold a million records. digest() equals
  // table_digest(*this, now) (digest.h) at any `now`.
  virtual size_t size() const = 0;
  virtual uint64_t digest() const = 0;
  // Hint before a snapshot of `records` records is applied (lets a hash table grow once).
  virtual void reserve(size_t records) { (void)records; }
};

}  // namespace tandem::replication
