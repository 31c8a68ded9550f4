#include "control/bfd/config.h"

#include "control/common/log.h"

namespace tandem::bfd {

std::string validate(const SessionConfig& cfg) {
  if (cfg.name.empty() || cfg.name.size() > 64) return "bfd session name must be 1-64 characters";
  if (cfg.local_discriminator < kLocalDiscriminatorMin ||
      cfg.local_discriminator > kLocalDiscriminatorMax) {
    return "discriminator local must be 1-16384";
  }
  if (cfg.remote_discriminator && *cfg.remote_discriminator < kRemoteDiscriminatorMin) {
    return "discriminator remote must be 1-4294967295";
  }
  if (cfg.min_tx < kIntervalMin || cfg.min_tx > kIntervalMax) {
    return "min-tx-interval must be 3-20000 ms";
  }
  if (cfg.min_rx < kIntervalMin || cfg.min_rx > kIntervalMax) {
    return "min-rx-interval must be 3-20000 ms";
  }
  if (cfg.detect_mult < kDetectMultMin || cfg.detect_mult > kDetectMultMax) {
    return "detect-multiplier must be 3-50";
  }
  if (cfg.peer.is_unspecified() || cfg.peer.is_multicast()) {
    return "peer-ipv6 must be a unicast address";
  }
  if (cfg.local.is_unspecified() || cfg.local.is_multicast()) {
    return "source-ipv6 must be a unicast address";
  }
  return {};
}

}  // namespace tandem::bfd
