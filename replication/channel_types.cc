#include "replication/channel_types.h"

namespace tandem::replication {

const char* role_name(Role r) {
  return r == Role::master ? "master" : "backup";
}

const char* channel_event_name(ChannelEvent::Kind k) {
  switch (k) {
    case ChannelEvent::Kind::connected: return "connected";
    case ChannelEvent::Kind::peer_hello_ok: return "peer_hello_ok";
    case ChannelEvent::Kind::snapshot_complete: return "snapshot_complete";
    case ChannelEvent::Kind::delta_applied: return "delta_applied";
    case ChannelEvent::Kind::closed: return "closed";
  }
  return "?";
}

}  // namespace tandem::replication
