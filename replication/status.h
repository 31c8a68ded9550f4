// What `display remote-backup-service [NAME] verbose`, its --json form and the metrics show,
// gathered in one struct so text, JSON and Prometheus come from the same snapshot.
#pragma once

#include <cstdint>
#include <string>

#include "replication/connector.h"
#include "replication/rbs_channel.h"

namespace tandem::replication {

struct ServiceStatus {
  std::string name;
  std::string tcp_state;  // "connected" | "connecting" | "listening" | "down"
  std::string peer_ip, source_ip;
  uint16_t tcp_port = 0;
  std::string role;  // "master" if this router is Master of any bound profile, else "backup"
  bool track_bfd = false;
  int64_t last_up_ms_ago = -1;  // -1: never up
  std::string digest;           // 16 hex chars over the local table (digest.h)
  uint64_t lag = 0;             // last_seq_sent - last_seq_acked
  ChannelStatus channel;
  ConnectorCounters connector;
};

// "configured" / "none": whether an authentication-key is set (never the key itself).
const char* authentication_text(const ChannelStatus& c);

// One element of DESIGN.md §6 "services": name, tcp_state, peer_ip, source_ip, tcp_port, role,
// last_seq_sent, last_seq_acked, digest, plus verbose extras (lag, snapshots, refusals by
// reason, ...). Compact JSON object text.
std::string service_status_json(const ServiceStatus& s);
// Text lines in the field names of reference/commands.md (Service-Name, TCP-State, ...).
std::string service_status_text(const ServiceStatus& s, bool verbose);

}  // namespace tandem::replication
