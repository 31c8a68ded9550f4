// Counters of the control core itself: frames it could not use or could not send, by reason
// and by interface (the `core` layer of `display drop statistics` and
// tandem_core_drops_total). The engines count their own drops; these are the core's.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <string_view>

namespace tandem::daemon {

// name, what it means (the display's and the metric's reason label is the name).
#define TANDEM_CORE_DROPS(_)                                                           \
  _(unknown_interface, "punted frame from a port that has no configured interface")    \
  _(unhandled_kind, "frame of a kind the control core does not process (data, other)") \
  _(tx_failed, "frame the control core built and the port's TX queue refused")         \
  _(bfd_no_neighbor, "BFD packet not sent: the peer's MAC is not resolved yet (RFC 4861)")

enum class CoreDrop : uint8_t {
#define TANDEM_CORE_DROP_ENUM(name, text) name,
  TANDEM_CORE_DROPS(TANDEM_CORE_DROP_ENUM)
#undef TANDEM_CORE_DROP_ENUM
};
inline constexpr size_t kCoreDropCount = 0
#define TANDEM_CORE_DROP_COUNT(name, text) +1
    TANDEM_CORE_DROPS(TANDEM_CORE_DROP_COUNT)
#undef TANDEM_CORE_DROP_COUNT
    ;

inline std::string_view core_drop_name(CoreDrop d) {
  switch (d) {
#define TANDEM_CORE_DROP_NAME(name, text) \
  case CoreDrop::name: return #name;
    TANDEM_CORE_DROPS(TANDEM_CORE_DROP_NAME)
#undef TANDEM_CORE_DROP_NAME
  }
  return "unknown";
}

struct CoreCounters {
  uint64_t frames = 0;
  uint64_t pim_data = 0;  // data packets sampled for PIM (SPT switch, SPT bit, Assert)
  uint64_t reloads = 0, reload_failures = 0;
  // Never reset: the drop display keeps its own baselines and the metrics stay monotonic.
  std::map<uint32_t, std::array<uint64_t, kCoreDropCount>> drops_by_ifindex;

  void drop(uint32_t ifindex, CoreDrop d) { ++drops_by_ifindex[ifindex][static_cast<size_t>(d)]; }
  // Summed over interfaces (tests and logs).
  uint64_t dropped(CoreDrop d) const {
    uint64_t n = 0;
    for (const auto& [ifindex, counts] : drops_by_ifindex) n += counts[static_cast<size_t>(d)];
    return n;
  }
};

}  // namespace tandem::daemon
