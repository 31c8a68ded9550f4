#include "replication/reasons.h"

namespace tandem::replication {

const char* close_reason_name(CloseReason r) {
  switch (r) {
#define TANDEM_X(sym, text) \
  case CloseReason::sym: return #sym;
    TANDEM_RBS_CLOSE_REASONS(TANDEM_X)
#undef TANDEM_X
  }
  return "?";
}

const char* close_reason_text(CloseReason r) {
  switch (r) {
#define TANDEM_X(sym, text) \
  case CloseReason::sym: return text;
    TANDEM_RBS_CLOSE_REASONS(TANDEM_X)
#undef TANDEM_X
  }
  return "?";
}

}  // namespace tandem::replication
