#include "control/mld/events.h"

namespace tandem::mld {

const char* filter_mode_name(FilterMode m) {
  return m == FilterMode::exclude ? "exclude" : "include";
}

const char* compat_mode_name(CompatMode m) {
  return m == CompatMode::v1 ? "v1" : "v2";
}

const char* origin_name(Origin o) {
  switch (o) {
    case Origin::local: return "local";
    case Origin::backup: return "backup";
    case Origin::static_config: return "static";
  }
  return "local";
}

const char* event_kind_name(EventKind k) {
  switch (k) {
    case EventKind::listener_added: return "listener_added";
    case EventKind::listener_removed: return "listener_removed";
    case EventKind::source_blocked: return "source_blocked";
    case EventKind::source_unblocked: return "source_unblocked";
    case EventKind::record_changed: return "record_changed";
    case EventKind::record_removed: return "record_removed";
  }
  return "invalid";
}

}  // namespace tandem::mld
