#include "replication/status.h"

#include <cinttypes>

namespace tandem::replication {
namespace {

std::string quoted(const std::string& s) {
  std::string out = "\"";
  for (char ch : s) {
    if (ch == '"' || ch == '\\') out += '\\';
    out += ch;
  }
  return out + "\"";
}

std::string u64(uint64_t v) {
  return std::to_string(v);
}

}  // namespace

const char* authentication_text(const ChannelStatus& c) {
  return c.authentication ? "configured" : "none";
}

std::string service_status_json(const ServiceStatus& s) {
  const auto& c = s.channel.counters;
  std::string j = "{";
  j += "\"name\":" + quoted(s.name);
  j += ",\"tcp_state\":" + quoted(s.tcp_state);
  j += ",\"peer_ip\":" + quoted(s.peer_ip);
  j += ",\"source_ip\":" + quoted(s.source_ip);
  j += ",\"tcp_port\":" + std::to_string(s.tcp_port);
  j += ",\"role\":" + quoted(s.role);
  j += ",\"last_seq_sent\":" + u64(s.channel.last_seq_sent);
  j += ",\"last_seq_acked\":" + u64(s.channel.last_seq_acked);
  j += ",\"digest\":" + quoted(s.digest);
  // Whether a key is configured; the key itself is never shown.
  j += ",\"authentication\":" + quoted(authentication_text(s.channel));
  // Without a key the link works, but its frames carry no MAC: say so.
  j += ",\"authenticated\":" + std::string(s.channel.authenticated ? "true" : "false");
  // Verbose extras.
  j += ",\"track_bfd\":" + std::string(s.track_bfd ? "true" : "false");
  j += ",\"last_up_ms_ago\":" + std::to_string(s.last_up_ms_ago);
  j += ",\"lag\":" + u64(s.lag);
  j += ",\"last_seq_applied\":" + u64(s.channel.last_seq_applied);
  j += ",\"snapshot_complete\":" + std::string(s.channel.snapshot_complete ? "true" : "false");
  j += ",\"pending_keys\":" + u64(s.channel.pending_keys);
  j += ",\"snapshots_sent\":" + u64(c.snapshots_sent);
  j += ",\"snapshots_received\":" + u64(c.snapshots_received);
  j += ",\"snapshots_discarded\":" + u64(c.snapshots_discarded);
  j += ",\"deltas_sent\":" + u64(c.deltas_sent);
  j += ",\"deltas_applied\":" + u64(c.deltas_applied);
  j += ",\"records_sent\":" + u64(c.records_sent);
  j += ",\"records_applied\":" + u64(c.records_applied);
  j += ",\"bytes_sent\":" + u64(c.bytes_sent);
  j += ",\"bytes_received\":" + u64(c.bytes_received);
  j += ",\"seq_gaps\":" + u64(c.seq_gaps);
  j += ",\"backlog_overflows\":" + u64(c.backlog_overflows);
  j += ",\"epoch_changes\":" + u64(c.epoch_changes);
  j += ",\"refused_wrong_peer\":" + u64(s.connector.refused_wrong_peer);
  j += ",\"connect_attempts\":" + u64(s.connector.connect_attempts);
  j += ",\"connect_failures\":" + u64(s.connector.connect_failures);
  j += ",\"refused_rate_limited\":" + u64(s.connector.refused_rate_limited);
  j += ",\"refused_authenticated_live\":" + u64(s.connector.refused_authenticated_live);
  j += ",\"batch_requests_limited\":" + u64(c.batch_requests_limited);
  j += ",\"profiles\":[";
  for (size_t i = 0; i < s.channel.roles.size(); ++i) {
    if (i) j += ",";
    j += "{\"backup_id\":" + std::to_string(s.channel.roles[i].first) +
         ",\"role\":" + quoted(role_name(s.channel.roles[i].second)) + "}";
  }
  j += "],\"peer_master_backup_ids\":[";
  for (size_t i = 0; i < s.channel.peer_master_ids.size(); ++i) {
    j += (i ? "," : "") + std::to_string(s.channel.peer_master_ids[i]);
  }
  j += "],\"closes\":{";
  bool first = true;
  for (size_t i = 0; i < kCloseReasonCount; ++i) {
    if (c.closes[i] == 0) continue;
    if (!first) j += ",";
    first = false;
    j += quoted(close_reason_name(static_cast<CloseReason>(i))) + ":" + u64(c.closes[i]);
  }
  j += "}}";
  return j;
}

std::string service_status_text(const ServiceStatus& s, bool verbose) {
  std::string t;
  auto line = [&](const char* k, const std::string& v) {
    t += format_string("  %-20s: %s\n", k, v.c_str());
  };
  line("Service-Name", s.name);
  line("TCP-State", s.tcp_state == "connected" ? "Connected" : "Listening");
  line("Peer-ip", s.peer_ip);
  line("Source-ip", s.source_ip);
  line("TCP-Port", std::to_string(s.tcp_port));
  line("Track-BFD", s.track_bfd ? "Enabled" : "Disabled");
  line("Last up time",
       s.last_up_ms_ago < 0 ? "-" : std::to_string(s.last_up_ms_ago / 1000) + "s ago");
  line("Batch-backup", s.channel.snapshot_complete ? "Finished" : "Unfinished");
  line("Authentication", s.channel.authentication ? "Configured" : "None");
  line("Channel", !s.channel.link_up        ? "-"
                  : s.channel.authenticated ? "Authenticated"
                                            : "Unauthenticated");
  if (!verbose) return t;
  line("Role", s.role);
  line("Last-seq-sent", u64(s.channel.last_seq_sent));
  line("Last-seq-acked", u64(s.channel.last_seq_acked));
  line("Lag", u64(s.lag));
  line("Last-seq-applied", u64(s.channel.last_seq_applied));
  line("Digest", s.digest);
  const auto& c = s.channel.counters;
  line("Snapshots sent/recv", u64(c.snapshots_sent) + "/" + u64(c.snapshots_received));
  line("Deltas sent/applied", u64(c.deltas_sent) + "/" + u64(c.deltas_applied));
  line("Seq gaps", u64(c.seq_gaps));
  line("Backlog overflows", u64(c.backlog_overflows));
  line("Refused (not peer)", u64(s.connector.refused_wrong_peer));
  line("Refused (rate)", u64(s.connector.refused_rate_limited));
  line("Refused (live auth)", u64(s.connector.refused_authenticated_live));
  line("Batch req. limited", u64(c.batch_requests_limited));
  for (size_t i = 1; i < kCloseReasonCount; ++i) {
    if (c.closes[i] == 0) continue;
    line(format_string("Closed %s", close_reason_name(static_cast<CloseReason>(i))).c_str(),
         u64(c.closes[i]));
  }
  return t;
}

}  // namespace tandem::replication
