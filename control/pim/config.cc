#include "control/pim/config.h"

namespace tandem::pim {

uint16_t InterfaceConfig::hello_holdtime() const {
  if (hello_holdtime_s) return *hello_holdtime_s;
  const auto s = std::chrono::duration_cast<seconds>(holdtime_for(hello_period)).count();
  return static_cast<uint16_t>(s > 0xfffe ? 0xfffe : s);
}

bool is_ssm_group(const Ipv6Address& g) {
  return g.bytes[0] == 0xff && (g.bytes[1] >> 4) == 0x3 && g.bytes[2] == 0 && g.bytes[3] == 0;
}

}  // namespace tandem::pim
