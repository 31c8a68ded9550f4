// Keeps the data plane's FIB equal to what the MLD state and PIM ask for: after MLD events or
// PIM changes touch a group G, the entries of G are recomputed from every interface's filter
// state (dataplane::resolve_group), PIM adds what it knows per entry (RPF interface, source
// notifications, source-tree entries of its SPT switch, interfaces that lost an Assert), and
// only the difference is written (make before break: upserts first, then removals).
#pragma once

#include <map>
#include <set>
#include <vector>

#include "control/daemon/core/interfaces.h"
#include "control/mld/router.h"
#include "control/pim/router.h"
#include "dataplane/fib_resolve.h"
#include "dataplane/fib_writer.h"

namespace tandem::daemon {

// One FIB entry as installed.
struct InstalledEntry {
  wire::Ipv6Address source;  // :: = (*,G)
  dataplane::FibRoute route;
  bool operator==(const InstalledEntry&) const = default;
};

// What MLD wants for G on each interface (local and replicated state alike): EXCLUDE with
// the blocked sources, or INCLUDE with the wanted ones (RFC 3810 §7.2.1).
std::vector<dataplane::InterfaceFilter> mld_filters(const mld::MldRouter& mld,
                                                    const wire::Ipv6Address& group, TimePoint now);

class FibSync {
 public:
  explicit FibSync(dataplane::FibWriter& fib) : fib_(fib) {}

  // PIM's view of each entry (null: static upstream mode only, entries have no RPF port).
  void set_pim(const pim::PimRouter* pim) { pim_ = pim; }

  void refresh_group(const mld::MldRouter& mld, const wire::Ipv6Address& group, TimePoint now);
  void refresh_all(const mld::MldRouter& mld, TimePoint now);
  void clear();

  const std::map<wire::Ipv6Address, std::vector<InstalledEntry>>& installed() const {
    return installed_;
  }
  uint64_t generation() const { return generation_; }
  uint64_t write_failures() const { return write_failures_; }

 private:
  std::vector<InstalledEntry> want_for(const mld::MldRouter& mld, const wire::Ipv6Address& group,
                                       TimePoint now) const;

  dataplane::FibWriter& fib_;
  const pim::PimRouter* pim_ = nullptr;
  std::map<wire::Ipv6Address, std::vector<InstalledEntry>> installed_;
  uint64_t generation_ = 0;
  uint64_t write_failures_ = 0;
};

}  // namespace tandem::daemon
