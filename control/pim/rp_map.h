// Group → RP (RFC 7761 §4.7): static RPs by group range, and embedded RP (RFC 3956) for
// ff7x::/12 groups, whose address carries the RP's. SSM groups (RFC 4607) have no RP.
#pragma once

#include <optional>
#include <vector>

#include "control/pim/config.h"

namespace tandem::pim {

enum class RpSource : uint8_t { static_rp, embedded };
const char* rp_source_name(RpSource s);  // "static", "embedded"

struct RpMapping {
  Ipv6Address rp;
  Prefix groups;
  RpSource source = RpSource::static_rp;
  bool operator==(const RpMapping&) const = default;
};

// The RP an embedded-RP group names (RFC 3956 §3): ff7s:0RPL:<64-bit prefix>:<group id>,
// RP = the first plen bits of the prefix, zeros, then RIID in the last 4 bits. Empty when
// the group is not ff7x::/12 or its fields are invalid (plen 0 or above 64, §3 and §5).
std::optional<Ipv6Address> embedded_rp(const Ipv6Address& group);

class RpMap {
 public:
  void configure(const std::vector<StaticRp>& rps, bool embedded);
  // Embedded RP first (a group that names its RP uses it), then the static RP with the
  // longest matching group range, the highest RP address on a tie (§4.7.1's hash applies to
  // BSR sets, not static configuration). Empty for SSM groups and unmapped ones.
  std::optional<RpMapping> rp_for(const Ipv6Address& group) const;
  const std::vector<StaticRp>& static_rps() const { return static_; }
  bool embedded() const { return embedded_; }

 private:
  std::vector<StaticRp> static_;
  bool embedded_ = true;
};

}  // namespace tandem::pim
