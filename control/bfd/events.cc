#include "control/bfd/events.h"

namespace tandem::bfd {

namespace {
#define TANDEM_BFD_NAME(sym, text) #sym,
#define TANDEM_BFD_TEXT(sym, text) text,
constexpr const char* kReasonNames[] = {TANDEM_BFD_FOREACH_REASON(TANDEM_BFD_NAME)};
constexpr const char* kReasonTexts[] = {TANDEM_BFD_FOREACH_REASON(TANDEM_BFD_TEXT)};
constexpr const char* kRxDropNames[] = {TANDEM_BFD_FOREACH_RX_DROP(TANDEM_BFD_NAME)};
constexpr const char* kRxDropTexts[] = {TANDEM_BFD_FOREACH_RX_DROP(TANDEM_BFD_TEXT)};
#undef TANDEM_BFD_NAME
#undef TANDEM_BFD_TEXT

template <size_t N>
const char* pick(const char* const (&table)[N], size_t i) {
  return i < N ? table[i] : "?";
}
}  // namespace

const char* reason_name(Reason r) {
  return pick(kReasonNames, static_cast<size_t>(r));
}
const char* reason_text(Reason r) {
  return pick(kReasonTexts, static_cast<size_t>(r));
}
const char* rx_drop_name(RxDrop d) {
  return pick(kRxDropNames, static_cast<size_t>(d));
}
const char* rx_drop_text(RxDrop d) {
  return pick(kRxDropTexts, static_cast<size_t>(d));
}

}  // namespace tandem::bfd
