#include "control/pim/events.h"

namespace tandem::pim {

const char* rx_drop_name(RxDrop d) {
  switch (d) {
#define TANDEM_PIM_RXDROP_NAME(sym, text) \
  case RxDrop::sym: return #sym;
    TANDEM_PIM_FOREACH_RX_DROP(TANDEM_PIM_RXDROP_NAME)
#undef TANDEM_PIM_RXDROP_NAME
  }
  return "unknown";
}

const char* rx_drop_text(RxDrop d) {
  switch (d) {
#define TANDEM_PIM_RXDROP_TEXT(sym, text) \
  case RxDrop::sym: return text;
    TANDEM_PIM_FOREACH_RX_DROP(TANDEM_PIM_RXDROP_TEXT)
#undef TANDEM_PIM_RXDROP_TEXT
  }
  return "unknown";
}

}  // namespace tandem::pim
