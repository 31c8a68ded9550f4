#include "control/mld/counters.h"

namespace tandem::mld {
namespace {

struct Entry {
  std::string_view name;
  std::string_view text;
};

constexpr Entry kTable[] = {
#define TANDEM_MLD_IGNORE_ENTRY(sym, text) {#sym, text},
    TANDEM_FOREACH_MLD_IGNORE(TANDEM_MLD_IGNORE_ENTRY)
#undef TANDEM_MLD_IGNORE_ENTRY
};
static_assert(std::size(kTable) == kIgnoreReasonCount);

}  // namespace

std::string_view ignore_reason_name(IgnoreReason r) {
  const auto i = static_cast<size_t>(r);
  return i < kIgnoreReasonCount ? kTable[i].name : std::string_view("invalid");
}

std::string_view ignore_reason_text(IgnoreReason r) {
  const auto i = static_cast<size_t>(r);
  return i < kIgnoreReasonCount ? kTable[i].text : std::string_view("invalid reason");
}

std::optional<IgnoreReason> ignore_reason_from_name(std::string_view name) {
  for (size_t i = 0; i < kIgnoreReasonCount; ++i) {
    if (kTable[i].name == name) return static_cast<IgnoreReason>(i);
  }
  return std::nullopt;
}

}  // namespace tandem::mld
