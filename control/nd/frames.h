// Whole Ethernet frames for the ND engine's outputs (hop limit 255, RFC 4861 §7.1).
#pragma once

#include <cstdint>
#include <vector>

#include "control/nd/neighbor_cache.h"
#include "control/nd/responder.h"

namespace tandem::nd {

std::vector<uint8_t> na_frame(const NaSpec& na);
// Carries our Source Link-Layer Address option (§4.3; never from ::, we do not do DAD here).
std::vector<uint8_t> ns_frame(const NsSpec& ns);

}  // namespace tandem::nd
