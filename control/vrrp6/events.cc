#include "control/vrrp6/events.h"

#include "control/common/name_table.h"
#include "control/vrrp6/config.h"

namespace tandem::vrrp6 {

const char* state_name(State s) {
  switch (s) {
    case State::initialize: return "Initialize";
    case State::backup: return "Backup";
    case State::master: return "Master";
  }
  return "?";
}

namespace {
#define TANDEM_VRRP6_NAME(sym, text) #sym,
#define TANDEM_VRRP6_TEXT(sym, text) text,
constexpr const char* kReasonNames[] = {TANDEM_VRRP6_FOREACH_REASON(TANDEM_VRRP6_NAME)};
constexpr const char* kReasonTexts[] = {TANDEM_VRRP6_FOREACH_REASON(TANDEM_VRRP6_TEXT)};
constexpr const char* kRxDropNames[] = {TANDEM_VRRP6_FOREACH_RX_DROP(TANDEM_VRRP6_NAME)};
constexpr const char* kRxDropTexts[] = {TANDEM_VRRP6_FOREACH_RX_DROP(TANDEM_VRRP6_TEXT)};
#undef TANDEM_VRRP6_NAME
#undef TANDEM_VRRP6_TEXT
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

const char* config_type_name(ConfigType t) {
  switch (t) {
    case ConfigType::normal: return "normal-vrrp";
    case ConfigType::admin: return "admin-vrrp";
    case ConfigType::member: return "member-vrrp";
  }
  return "?";
}

const char* bfd_track_mode_name(BfdTrackMode m) {
  switch (m) {
    case BfdTrackMode::reduced: return "reduced";
    case BfdTrackMode::increased: return "increased";
    case BfdTrackMode::peer: return "peer";
    case BfdTrackMode::link: return "link";
  }
  return "?";
}

}  // namespace tandem::vrrp6
