// Keeps the data plane's FIB equal to what the MLD state asks for: after MLD events touch a
// group G, the entries of G are recomputed from every interface's filter state
// (dataplane::resolve_group) and only the difference is written (make before break: upserts
// first, then removals).
#pragma once

#include <map>
#include <set>
#include <vector>

#include "control/daemon/core/interfaces.h"
#include "control/mld/router.h"
#include "dataplane/fib_resolve.h"
#include "dataplane/fib_writer.h"

namespace tandem::daemon {

class FibSync {
 public:
  explicit FibSync(dataplane::FibWriter& fib) : fib_(fib) {}

  void refresh_group(const mld::MldRouter& mld, const wire::Ipv6Address& group, TimePoint now);
  void refresh_all(const mld::MldRouter& mld, TimePoint now);
  void clear();

  const std::map<wire::Ipv6Address, std::vector<dataplane::ResolvedEntry>>& installed() const {
    return installed_;
  }
  uint64_t generation() const { return generation_; }
  uint64_t write_failures() const { return write_failures_; }

 private:
  dataplane::FibWriter& fib_;
  std::map<wire::Ipv6Address, std::vector<dataplane::ResolvedEntry>> installed_;
  uint64_t generation_ = 0;
  uint64_t write_failures_ = 0;
};

}  // namespace tandem::daemon
