#include "control/pim/config.h"

namespace tandem::pim {

bool Prefix::contains(const Ipv6Address& a) const {
  const unsigned full = length / 8;
  for (unsigned i = 0; i < full && i < 16; ++i)
    if (a.bytes[i] != address.bytes[i]) return false;
  const unsigned rest = length % 8;
  if (rest == 0 || full >= 16) return true;
  const auto mask = static_cast<uint8_t>(0xff << (8 - rest));
  return (a.bytes[full] & mask) == (address.bytes[full] & mask);
}

uint16_t InterfaceConfig::hello_holdtime() const {
  if (hello_holdtime_s) return *hello_holdtime_s;
  const auto s = std::chrono::duration_cast<seconds>(holdtime_for(hello_period)).count();
  return static_cast<uint16_t>(s > 0xfffe ? 0xfffe : s);
}

bool is_ssm_group(const Ipv6Address& g) {
  return g.bytes[0] == 0xff && (g.bytes[1] >> 4) == 0x3 && g.bytes[2] == 0 && g.bytes[3] == 0;
}

}  // namespace tandem::pim
