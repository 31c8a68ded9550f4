#include "replication/group_store.h"

#include <cstring>

namespace tandem::replication {

const char* filter_mode_name(FilterMode m) {
  return m == FilterMode::exclude ? "exclude" : "include";
}
const char* compat_mode_name(CompatMode m) {
  return m == CompatMode::mldv1 ? "v1" : "v2";
}
const char* origin_name(Origin o) {
  return o == Origin::backup ? "backup" : "local";
}

size_t GroupKeyHash::operator()(const GroupKey& k) const noexcept {
  size_t h = wire::Ipv6AddressHash{}(k.group);
  h ^= std::hash<std::string>{}(k.interface) + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
  h ^= static_cast<size_t>(k.backup_id) * 0xff51afd7ed558ccdULL;
  return h;
}

bool same_state(const GroupRecord& a, const GroupRecord& b) {
  if (a.key != b.key || a.mode != b.mode || a.compat != b.compat) return false;
  if (a.sources.size() != b.sources.size()) return false;
  for (size_t i = 0; i < a.sources.size(); ++i) {
    if (a.sources[i].address != b.sources[i].address) return false;
    // Only EXCLUDE mode gives the timer a meaning beyond "present" (blocked when 0).
    if (a.mode == FilterMode::exclude &&
        (a.sources[i].remaining_ms > 0) != (b.sources[i].remaining_ms > 0)) {
      return false;
    }
  }
  return true;
}

}  // namespace tandem::replication
