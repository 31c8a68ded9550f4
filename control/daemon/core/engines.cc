#include "control/daemon/core/engines.h"

namespace tandem::daemon {

Engines::Engines(LogSink log, uint64_t seed)
    : mld(log), vrrp(log), pim(log, seed ^ 0x70696d), bfd(seed, log), track(vrrp, log) {
  responder.set_virtual_predicate([this](uint32_t ifindex, const wire::Ipv6Address& target) {
    return vrrp.should_answer_ns(ifindex, target);
  });
}

}  // namespace tandem::daemon
