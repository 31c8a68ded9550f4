// What the MLD router tells the rest of tandem, and the record shape the replication layer
// copies between master and backup.
//
// Forwarding view (DESIGN.md §4): an interface wants (S,G) when it has (if,G,S) or it has
// (if,G,any) and (if,G,S) is not blocked. listener_* and source_* events carry exactly the
// changes of that view, in make-before-break order (adds before removes).
#pragma once

#include <cstdint>
#include <vector>

#include "control/common/time.h"
#include "control/wire/address.h"
#include "control/wire/mld.h"

namespace tandem::mld {

using wire::Ipv6Address;

enum class FilterMode : uint8_t { include, exclude };
enum class CompatMode : uint8_t { v2, v1 };  // per group, RFC 3810 §8.3.2
// Learned from hosts, from the RBS peer, or set by `mld static-group` (never aged, never
// replicated: each router has its own configuration).
enum class Origin : uint8_t { local, backup, static_config };

const char* filter_mode_name(FilterMode m);  // "include" / "exclude"
const char* compat_mode_name(CompatMode m);  // "v2" / "v1"
const char* origin_name(Origin o);           // "local" / "backup" / "static"

enum class EventKind : uint8_t {
  listener_added,    // (if, G, S) or (if, G, any) now has listeners
  listener_removed,  // ... no longer
  source_blocked,    // EXCLUDE mode: S is in the exclude list, do not forward S on `if`
  source_unblocked,  // ... no longer
  record_changed,    // replicated state of (if, G) changed (mode, sources, or timers refreshed)
  record_removed,    // (if, G) deleted
};
const char* event_kind_name(EventKind k);

// An event names what changed, not the new state, and both consumers read the state back
// from the router on purpose:
// - FIB sync (daemon/core/fib_sync.h) needs G on every interface to compute G's entries
//   (dataplane::resolve_group), while an event is about one interface. The daemon collects
//   the groups touched in one drain and rebuilds each once from find_group(), so a report of
//   many sources or a burst on many interfaces costs one rebuild per group, not per event.
// - The RBS change feed (replication/change_feed.h) marks the (if, G) key and reads the
//   record when it sends, so a record that changes many times between two sends (every
//   refresh sends record_changed) leaves once, with its state and remaining times as of the
//   send; a copy taken with the event would be stale by then and would cost an allocation
//   per refresh (a million groups refreshed each query interval).
struct Event {
  EventKind kind = EventKind::listener_added;
  uint32_t ifindex = 0;
  Ipv6Address group;
  Ipv6Address source;  // :: = any source, (*,G); unused for record_* events
  Origin origin = Origin::local;

  bool is_any_source() const { return source.is_unspecified(); }
  bool operator==(const Event&) const = default;
};

// A query the daemon must send: build it with wire::build_mld_query_frame(mac, link_local,
// spec) and transmit it on `ifindex`. `dst` is ff02::1 for a general query, else the group
// (RFC 3810 §5.1.15); build_mld_query_frame derives it from spec.group the same way.
struct OutgoingQuery {
  uint32_t ifindex = 0;
  Ipv6Address dst;
  wire::MldQuerySpec spec;
};

// One source of a record. `remaining` = 0 marks a source in the EXCLUDE-mode exclude list
// (timer not running, RFC 3810 §7.2.3); in INCLUDE mode every source has remaining > 0.
struct SourceRecord {
  Ipv6Address source;
  Duration remaining{};
  bool operator==(const SourceRecord&) const = default;
};

// One (interface, group) record with times relative to the `now` it was taken at: the unit
// of export (snapshot, change feed) and of apply on the backup.
struct GroupRecordView {
  uint32_t ifindex = 0;
  Ipv6Address group;
  FilterMode filter_mode = FilterMode::include;
  Duration filter_remaining{};  // EXCLUDE mode: filter timer; INCLUDE: 0
  std::vector<SourceRecord> sources;
  CompatMode compat = CompatMode::v2;
  Duration compat_remaining{};  // Older Version Host Present timer, 0 when not running
  Origin origin = Origin::local;
  // Display only (not needed to apply):
  Duration uptime{};
  Duration expires{};  // time until the record disappears if nothing refreshes it
  Ipv6Address last_reporter;
};

}  // namespace tandem::mld
