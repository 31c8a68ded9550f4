// Drops of one layer as plain values: a row per port, interface or service, a count per
// reason. The control core builds one table per layer (core/drop_counters.h), the metrics
// exporter turns each into one `reason`-labelled family and `display drop statistics` prints
// them, so the three always show the same reasons in the same order.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace tandem::daemon {

// The layers, in the order the tables come (DropTable::layer).
namespace drop_layer {
inline constexpr char kDataplane[] = "dataplane";
inline constexpr char kControl[] = "control";
inline constexpr char kMld[] = "mld";
inline constexpr char kVrrp6[] = "vrrp6";
inline constexpr char kBfd[] = "bfd";
inline constexpr char kPim[] = "pim";
inline constexpr char kNd[] = "nd";
inline constexpr char kRbs[] = "rbs";
inline constexpr char kCore[] = "core";
inline constexpr const char* kAll[] = {kDataplane, kControl, kMld, kVrrp6, kBfd,
                                       kPim,       kNd,      kRbs, kCore};
}  // namespace drop_layer

struct DropRow {
  std::string name;              // port, interface or service name
  std::vector<uint64_t> counts;  // one per DropTable::reasons, same order
};

struct DropTable {
  std::string layer;  // dataplane | control | mld | vrrp6 | bfd | pim | nd | rbs | core
  std::string key;    // what a row is, and its metrics label: port | interface | service
  // Every reason of the layer's enum, from the enum's own name table (never a second list),
  // without its "none" sentinel where it has one.
  std::vector<std::string> reasons;
  std::vector<DropRow> rows;  // sorted by name
};

}  // namespace tandem::daemon
