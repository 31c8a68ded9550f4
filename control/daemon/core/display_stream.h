// Display rows from engine state, shared by the whole snapshots (display_snapshots.cc) and
// the chunked producers of the displays that grow with the tables (display_stream.cc):
// `display mld group` and `display multicast ipv6 forwarding-table` are produced over many
// event-loop turns, each turn doing a bounded step, so BFD/VRRP6/MLD timers run in between.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "control/daemon/cli/protocol.h"
#include "control/daemon/cli/snapshot.h"
#include "control/daemon/config/model.h"
#include "control/daemon/core/fib_sync.h"
#include "control/daemon/core/interfaces.h"
#include "control/daemon/core/mld_group_store.h"
#include "control/mld/events.h"
#include "dataplane/fib_resolve.h"
#include "dataplane/fib_writer.h"

namespace tandem::daemon {

// Bounds of one step of a display producer: rows rendered (or forwarding-table groups
// counted), group-table slots walked, and bytes appended (a step stops after the row that
// crosses it).
struct DisplayChunk {
  size_t rows = 1024;
  size_t walk_slots = 2048;
  size_t bytes = 64 * 1024;
};

void fill_mld_group_row(const mld::GroupRecordView& v, const std::string& ifname,
                        cli::MldGroupRow& r);
void fill_forwarding_row(const wire::Ipv6Address& group, const InstalledEntry& e,
                         const std::vector<std::string>& upstream, const InterfaceMap& interfaces,
                         const dataplane::FibWriter& fib, cli::ForwardingRow& row);

// The two displays as producers: each call of the returned function appends one piece and
// returns false after the last. `clock` gives the time each piece's rows are read at. What a
// listing shows when the tables change meanwhile: docs/status.md "Large displays".
cli::MoreOutput mld_group_stream(mld::MldRouter& mld, const InterfaceMap& interfaces,
                                 const MldGroupStore& store, const std::string& interface,
                                 bool json, bool verbose, std::function<TimePoint()> clock,
                                 DisplayChunk chunk = {});
cli::MoreOutput forwarding_stream(const FibSync& fib_sync, const InterfaceMap& interfaces,
                                  const dataplane::FibWriter& fib, const config::Config& config,
                                  bool json, DisplayChunk chunk = {});

}  // namespace tandem::daemon
