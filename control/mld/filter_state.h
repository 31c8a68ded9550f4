// RFC 3810 §7.4 as code: how one report record changes a group record's filter mode and
// source list (§7.4.1 current-state, §7.4.2 filter-mode and source-list changes), and the
// forwarding view (§7.2.3) whose changes become listener/source events. Pure functions over
// a GroupRecord; the engine decides whether the "Send Q(...)" actions are carried out.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "control/common/time.h"
#include "control/mld/events.h"
#include "control/mld/group_table.h"
#include "control/wire/mld.h"

namespace tandem::mld {

struct FilterContext {
  TimePoint now;
  Duration mali{};  // Multicast Address Listening Interval in force on the interface
  // Source entries the record may still add under the router-wide source limit. Only new
  // entries count: a limit refuses new state and never drops or stops existing state.
  size_t source_budget = SIZE_MAX;
};

// The table's "Send Q(G)" and "Send Q(G,X)" actions.
struct FilterActions {
  bool send_group_query = false;
  std::vector<Ipv6Address> source_query;   // sorted, may be empty
  uint32_t sources_over_limit = 0;         // sources not added: kMaxSourcesPerGroup reached
  uint32_t sources_over_global_limit = 0;  // sources not added: source_budget used up

  void clear() {
    send_group_query = false;
    source_query.clear();
    sources_over_limit = 0;
    sources_over_global_limit = 0;
  }
};

// Applies one record of type `type` with source set `b` (sorted, no duplicates) to `r`
// following the row of §7.4.1/§7.4.2 for r's current filter mode. A record that does not
// exist yet is INCLUDE({}) (§7.2.1); the caller deletes `r` if it ends INCLUDE with no
// sources.
void apply_report_record(GroupRecord& r, wire::MldRecordType type, std::span<const Ipv6Address> b,
                         const FilterContext& ctx, FilterActions& out);

// Whether a record of this type can turn a non-existent (INCLUDE({})) group into one with
// state; lets the engine avoid creating records that would be deleted at once.
bool creates_state(wire::MldRecordType type, size_t source_count);

// §7.2.3 forwarding suggestion: INCLUDE → forward the listed sources; EXCLUDE → forward
// everything (*,G) except the exclude list (sources whose timer is not running).
struct ForwardingView {
  bool any = false;
  std::vector<Ipv6Address> forwarded;  // INCLUDE-mode sources, sorted
  std::vector<Ipv6Address> blocked;    // EXCLUDE-mode exclude list, sorted

  void clear() {
    any = false;
    forwarded.clear();
    blocked.clear();
  }
  void capture(const GroupRecord& r);
};

// Events that turn `before` into `after`, additions before removals (make-before-break):
// newly blocked sources first, then new listeners, unblocks while (*,G) stays, removed
// listeners, and unblocks left over once (*,G) is gone.
void diff_forwarding(const ForwardingView& before, const ForwardingView& after, uint32_t ifindex,
                     const Ipv6Address& group, Origin origin, std::vector<Event>& out);

}  // namespace tandem::mld
