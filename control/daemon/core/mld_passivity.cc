#include "control/daemon/core/mld_passivity.h"

namespace tandem::daemon {

void MldPassivity::set(uint32_t ifindex, PassiveCause cause, bool on, TimePoint now) {
  uint8_t& bits = causes_[ifindex];
  const auto bit = static_cast<uint8_t>(cause);
  bits = on ? static_cast<uint8_t>(bits | bit) : static_cast<uint8_t>(bits & ~bit);
  mld_.set_passive(ifindex, bits != 0, now);
}

bool MldPassivity::held(uint32_t ifindex, PassiveCause cause) const {
  auto it = causes_.find(ifindex);
  return it != causes_.end() && (it->second & static_cast<uint8_t>(cause)) != 0;
}

}  // namespace tandem::daemon
