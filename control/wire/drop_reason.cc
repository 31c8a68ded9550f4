#include "control/wire/drop_reason.h"

#include <array>

namespace tandem::wire {

namespace {
constexpr std::array<std::string_view, kDropReasonCount> kNames = {
#define TANDEM_DROP_NAME(sym, text) #sym,
    TANDEM_FOREACH_DROP_REASON(TANDEM_DROP_NAME)
#undef TANDEM_DROP_NAME
};
constexpr std::array<std::string_view, kDropReasonCount> kTexts = {
#define TANDEM_DROP_TEXT(sym, text) text,
    TANDEM_FOREACH_DROP_REASON(TANDEM_DROP_TEXT)
#undef TANDEM_DROP_TEXT
};
}  // namespace

std::string_view drop_reason_name(DropReason r) {
  auto i = static_cast<size_t>(r);
  return i < kNames.size() ? kNames[i] : "unknown";
}

std::string_view drop_reason_text(DropReason r) {
  auto i = static_cast<size_t>(r);
  return i < kTexts.size() ? kTexts[i] : "unknown";
}

std::optional<DropReason> drop_reason_from_name(std::string_view name) {
  for (size_t i = 0; i < kNames.size(); ++i)
    if (kNames[i] == name) return static_cast<DropReason>(i);
  return std::nullopt;
}

}  // namespace tandem::wire
