#include "control/bfd/events.h"

#include "control/common/name_table.h"

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
}  // namespace

const char* reason_name(Reason r) {
  return name_at(kReasonNames, static_cast<size_t>(r));
}
const char* reason_text(Reason r) {
  return name_at(kReasonTexts, static_cast<size_t>(r));
}
const char* rx_drop_name(RxDrop d) {
  return name_at(kRxDropNames, static_cast<size_t>(d));
}
const char* rx_drop_text(RxDrop d) {
  return name_at(kRxDropTexts, static_cast<size_t>(d));
}

}  // namespace tandem::bfd
