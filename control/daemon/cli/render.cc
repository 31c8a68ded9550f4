#include "control/daemon/cli/render.h"

#include <charconv>
#include <cstdio>
#include <string_view>

#include "control/daemon/cli/json.h"

namespace tandem::cli {

namespace {

// "  Name      : value" lines, the vendor's layout.
class Fields {
 public:
  explicit Fields(int width) : width_(width) {}
  Fields& add(const std::string& name, const std::string& value) {
    out_ += "  " + name;
    if (static_cast<int>(name.size()) < width_) out_.append(width_ - name.size(), ' ');
    out_ += ": " + value + "\n";
    return *this;
  }
  Fields& add(const std::string& name, uint64_t v) { return add(name, std::to_string(v)); }
  Fields& raw(const std::string& line) {
    out_ += line + "\n";
    return *this;
  }
  const std::string& str() const { return out_; }

 private:
  int width_;
  std::string out_;
};

std::string dash(const std::string& s) {
  return s.empty() ? "--" : s;
}

std::string capitalized(std::string s) {
  if (!s.empty() && s[0] >= 'a' && s[0] <= 'z') s[0] = static_cast<char>(s[0] - 'a' + 'A');
  return s;
}

std::string join(const std::vector<std::string>& v, const char* sep) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : sep) + x;
  return s;
}

std::string pad(std::string s, size_t w) {
  if (s.size() < w) s.append(w - s.size(), ' ');
  return s + " ";
}

}  // namespace

void append_duration_ms(std::string& out, int64_t ms) {
  if (ms < 0) {
    out += "--";
    return;
  }
  const int64_t s = ms / 1000;
  char buf[32];
  char* p = buf;
  auto two = [&p](int64_t v) {  // %02lld
    if (v < 10) *p++ = '0';
    p = std::to_chars(p, p + 20, v).ptr;
  };
  if (s >= 86400) {  // "2d03h"
    p = std::to_chars(p, buf + sizeof buf, s / 86400).ptr;
    *p++ = 'd';
    two((s % 86400) / 3600);
    *p++ = 'h';
  } else {  // "00:04:19"
    two(s / 3600);
    *p++ = ':';
    two((s % 3600) / 60);
    *p++ = ':';
    two(s % 60);
  }
  out.append(buf, p);
}

std::string format_duration_ms(int64_t ms) {
  std::string out;
  append_duration_ms(out, ms);
  return out;
}

// ---- remote-backup-service ----

// "missing 0, failed 2": counts by reason, `prefix` dropped from the names; "--" if none.
static std::string counts_text(const std::vector<std::pair<std::string, uint64_t>>& counts,
                               std::string_view prefix = {}) {
  std::string out;
  for (const auto& [reason, n] : counts) {
    std::string_view name = reason;
    if (!prefix.empty() && name.substr(0, prefix.size()) == prefix)
      name.remove_prefix(prefix.size());
    out += (out.empty() ? "" : ", ") + std::string(name) + " " + std::to_string(n);
  }
  return dash(out);
}

// "missing 0, failed 2, unexpected 0, refused 0": the auth_* close reasons, prefix dropped.
static std::string auth_failures_text(const RbsRow& r) {
  return counts_text(r.auth_failures, "auth_");
}

std::string render_text(const RbsSnapshot& s, bool verbose) {
  std::string out;
  for (const auto& r : s.services) {
    Fields f(16);
    f.add("Service-Index", r.index)
        .add("Service-Name", r.name)
        .add("TCP-State", capitalized(r.tcp_state))
        .add("Peer-ip", r.peer_ip)
        .add("Source-ip", r.source_ip)
        .add("TCP-Port", r.tcp_port)
        .add("Track-BFD", dash(r.track_bfd))
        .add("Last up time",
             r.last_up_ms_ago < 0 ? "--" : format_duration_ms(r.last_up_ms_ago) + " ago")
        .add("Batch-backup", capitalized(dash(r.batch_backup)))
        .add("Role", capitalized(r.role))
        .add("Authentication", capitalized(r.authentication))
        .add("Channel", r.channel);
    if (verbose) {
      f.add("Last-Seq-Sent", r.last_seq_sent)
          .add("Last-Seq-Acked", r.last_seq_acked)
          .add("Digest", r.digest)
          .add("Snapshots sent", r.snapshots_sent)
          .add("Snapshots recv", r.snapshots_received)
          .add("Deltas sent", r.deltas_sent)
          .add("Deltas recv", r.deltas_received)
          .add("Reconnects", r.reconnects)
          .add("Frames rejected", r.frames_rejected)
          .add("Auth failures", auth_failures_text(r));
    }
    out += (out.empty() ? "" : "\n") + f.str();
  }
  if (s.services.empty()) out = "  No remote-backup-service is configured.\n";
  return out;
}

std::string render_json(const RbsSnapshot& s, bool verbose) {
  JsonWriter w;
  w.begin_object().key("services").begin_array();
  for (const auto& r : s.services) {
    w.begin_object()
        .field("service_index", r.index)
        .field("name", r.name)
        .field("tcp_state", r.tcp_state)
        .field("peer_ip", r.peer_ip)
        .field("source_ip", r.source_ip)
        .field("tcp_port", static_cast<unsigned>(r.tcp_port))
        .field("track_bfd", r.track_bfd)
        .field("last_up_ms_ago", r.last_up_ms_ago)
        .field("batch_backup", r.batch_backup)
        .field("role", r.role)
        .field("last_seq_sent", r.last_seq_sent)
        .field("last_seq_acked", r.last_seq_acked)
        .field("digest", r.digest)
        .field("authentication", r.authentication)
        .field("channel", r.channel);
    if (verbose) {
      w.field("snapshots_sent", r.snapshots_sent)
          .field("snapshots_received", r.snapshots_received)
          .field("deltas_sent", r.deltas_sent)
          .field("deltas_received", r.deltas_received)
          .field("reconnects", r.reconnects)
          .field("frames_rejected", r.frames_rejected);
      w.key("auth_failures").begin_object();
      for (const auto& [reason, n] : r.auth_failures) w.field(reason, n);
      w.end_object();
    }
    w.end_object();
  }
  w.end_array().end_object();
  return w.str() + "\n";
}

// ---- remote-backup-profile ----

std::string render_text(const RbpSnapshot& s) {
  std::string out;
  for (const auto& p : s.profiles) {
    Fields f(22);
    f.add("Profile-Index", p.index)
        .add("Profile-Name", p.name)
        .add("Service", dash(p.service))
        .add("Remote-backup-service", dash(p.service))
        .add("Backup-ID", p.backup_id)
        .add("track protocol", p.track_protocol)
        .add("VRRP-ID", p.vrrp_id)
        .add("VRRP-Interface", dash(p.vrrp_interface))
        .add("State", capitalized(p.state))
        .add("Peer State", capitalized(dash(p.peer_state)))
        .add("Interface list", dash(join(p.interfaces, ", ")))
        .add("Backup mode", p.backup_mode);
    out += (out.empty() ? "" : "\n") + f.str();
  }
  if (s.profiles.empty()) out = "  No remote-backup-profile is configured.\n";
  return out;
}

std::string render_json(const RbpSnapshot& s) {
  JsonWriter w;
  w.begin_object().key("profiles").begin_array();
  for (const auto& p : s.profiles) {
    w.begin_object()
        .field("profile_index", p.index)
        .field("profile_name", p.name)
        .field("remote_backup_service", p.service)
        .field("backup_id", static_cast<unsigned>(p.backup_id))
        .field("track_protocol", p.track_protocol)
        .field("vrrp_id", static_cast<unsigned>(p.vrrp_id))
        .field("vrrp_interface", p.vrrp_interface)
        .field("state", p.state)
        .field("peer_state", p.peer_state)
        .string_array("interface_list", p.interfaces)
        .field("backup_mode", p.backup_mode)
        .end_object();
  }
  w.end_array().end_object();
  return w.str() + "\n";
}

// ---- vrrp6 ----

namespace {
// "YES (advert_we_win fe80::3) for 00:00:03, events 1" or "NO, events 1 (last: ... cleared
// 00:01:00 ago)".
std::string split_brain_text(const Vrrp6Row& g) {
  std::string what = g.split_brain_evidence;
  if (!g.split_brain_other_master.empty()) what += " " + g.split_brain_other_master;
  const std::string events = "events " + std::to_string(g.split_brain_events);
  if (g.split_brain)
    return "YES (" + what + ") for " + format_duration_ms(g.split_brain_raised_ms_ago) + ", " +
           events;
  if (g.split_brain_events == 0) return "NO, " + events;
  return "NO, " + events + " (last: " + what + ", cleared " +
         format_duration_ms(g.split_brain_cleared_ms_ago) + " ago)";
}
}  // namespace

std::string render_text(const Vrrp6Snapshot& s, bool brief) {
  std::string out;
  if (brief) {
    out =
        pad("VRID", 5) + pad("State", 11) + pad("Interface", 22) + pad("Type", 12) + "Virtual IP\n";
    out += std::string(72, '-') + "\n";
    for (const auto& g : s.groups) {
      out += pad(std::to_string(g.vrid), 5) + pad(g.state, 11) + pad(g.interface, 22) +
             pad(g.config_type, 12) + (g.virtual_ips.empty() ? "--" : g.virtual_ips[0]) + "\n";
      for (size_t i = 1; i < g.virtual_ips.size(); ++i)
        out += std::string(54, ' ') + g.virtual_ips[i] + "\n";
    }
    out += std::string(72, '-') + "\nTotal:" + std::to_string(s.groups.size()) + "\n";
    return out;
  }
  for (const auto& g : s.groups) {
    std::string head = "  " + g.interface + " | Virtual Router " + std::to_string(g.vrid) + "\n";
    Fields f(18);
    f.add("State", g.state)
        .add("Virtual IP", dash(join(g.virtual_ips, ", ")))
        .add("Master IP", dash(g.master_ip))
        .add("Local IP", dash(g.local_ip))
        .add("PriorityRun", g.priority_run)
        .add("PriorityConfig", g.priority_config)
        .add("MasterPriority", g.master_priority)
        .add("Preempt", std::string(g.preempt ? "YES" : "NO") +
                            "   Delay Time : " + std::to_string(g.delay_time_s) + " s")
        .add("TimerRun", std::to_string(g.timer_run_cs) + " cs")
        .add("TimerConfig", std::to_string(g.timer_config_cs) + " cs")
        .add("Virtual MAC", g.virtual_mac)
        .add("Config Type", g.config_type);
    if (!g.backup_group.empty()) f.add("Backup group", g.backup_group);
    f.add("Track BFD", dash(join(g.track_bfd, ", ")))
        .add("Create Time",
             g.create_ms_ago < 0 ? "--" : format_duration_ms(g.create_ms_ago) + " ago")
        .add("Last Change Time",
             g.last_change_ms_ago < 0 ? "--" : format_duration_ms(g.last_change_ms_ago) + " ago")
        .add("Last Change Reason", dash(g.last_change_reason))
        .add("Split Brain", split_brain_text(g));
    out += (out.empty() ? "" : "\n") + head + f.str();
  }
  if (s.groups.empty()) out = "  No VRRP6 group is configured.\n";
  return out;
}

std::string render_json(const Vrrp6Snapshot& s) {
  JsonWriter w;
  w.begin_object().key("groups").begin_array();
  for (const auto& g : s.groups) {
    w.begin_object()
        .field("interface", g.interface)
        .field("vrid", static_cast<unsigned>(g.vrid))
        .field("state", g.state)
        .string_array("virtual_ip", g.virtual_ips)
        .field("master_ip", g.master_ip)
        .field("local_ip", g.local_ip)
        .field("priority_run", g.priority_run)
        .field("priority_config", g.priority_config)
        .field("master_priority", g.master_priority)
        .field("preempt", g.preempt)
        .field("delay_time_s", g.delay_time_s)
        .field("timer_run_cs", g.timer_run_cs)
        .field("timer_config_cs", g.timer_config_cs)
        .field("virtual_mac", g.virtual_mac)
        .field("config_type", g.config_type)
        .string_array("track_bfd", g.track_bfd)
        .field("backup_group", g.backup_group)
        .field("create_ms_ago", g.create_ms_ago)
        .field("last_change_ms_ago", g.last_change_ms_ago)
        .field("last_change_reason", g.last_change_reason)
        .field("transitions", g.transitions)
        .field("split_brain", g.split_brain)
        .field("split_brain_events", g.split_brain_events)
        .field("split_brain_evidence", g.split_brain_evidence)
        .field("split_brain_other_master", g.split_brain_other_master)
        .field("split_brain_raised_ms_ago", g.split_brain_raised_ms_ago)
        .field("split_brain_cleared_ms_ago", g.split_brain_cleared_ms_ago)
        .end_object();
  }
  w.end_array().end_object();
  return w.str() + "\n";
}

// ---- bfd ----

std::string render_text(const BfdSnapshot& s, bool verbose) {
  std::string out;
  if (!verbose) {
    out = pad("Local", 6) + pad("Remote", 11) + pad("PeerIpAddr", 40) + pad("State", 10) +
          pad("Type", 7) + "InterfaceName\n";
    out += std::string(90, '-') + "\n";
    for (const auto& b : s.sessions)
      out += pad(std::to_string(b.local), 6) + pad(std::to_string(b.remote), 11) +
             pad(b.peer_ip, 40) + pad(b.state, 10) + pad(b.type, 7) + b.interface + "\n";
    out += std::string(90, '-') + "\n     Total UP/DOWN Session Number : ";
    size_t up = 0;
    for (const auto& b : s.sessions) up += b.state == "Up";
    out += std::to_string(up) + "/" + std::to_string(s.sessions.size() - up) + "\n";
    return out;
  }
  for (const auto& b : s.sessions) {
    Fields f(24);
    f.add("Session Name", b.name)
        .add("Local Discriminator", b.local)
        .add("Remote Discriminator", b.remote)
        .add("PeerIpAddr", b.peer_ip)
        .add("State", b.state)
        .add("Session Type", b.type)
        .add("InterfaceName", b.interface)
        .add("Min Tx Interval (ms)", b.min_tx_ms)
        .add("Min Rx Interval (ms)", b.min_rx_ms)
        .add("Actual Tx Interval (ms)", b.actual_tx_ms)
        .add("Actual Rx Interval (ms)", b.actual_rx_ms)
        .add("Detect Multi", b.detect_multiplier)
        .add("Destination Port", "3784")
        .add("TTL", "255")
        .add("Bind Application", dash(b.bind_application))
        .add("Session Not Up Reason", dash(b.not_up_reason))
        .add("Flaps", b.flaps);
    out += (out.empty() ? "" : "\n") + f.str();
  }
  if (s.sessions.empty()) out = "  No BFD session is configured.\n";
  return out;
}

std::string render_json(const BfdSnapshot& s, bool verbose) {
  JsonWriter w;
  w.begin_object().key("sessions").begin_array();
  for (const auto& b : s.sessions) {
    w.begin_object()
        .field("name", b.name)
        .field("local", b.local)
        .field("remote", b.remote)
        .field("peer_ip_addr", b.peer_ip)
        .field("state", b.state)
        .field("type", b.type)
        .field("interface_name", b.interface);
    if (verbose) {
      w.field("min_tx_interval_ms", b.min_tx_ms)
          .field("min_rx_interval_ms", b.min_rx_ms)
          .field("actual_tx_interval_ms", b.actual_tx_ms)
          .field("actual_rx_interval_ms", b.actual_rx_ms)
          .field("detect_multi", b.detect_multiplier)
          .field("destination_port", 3784)
          .field("ttl", 255)
          .field("bind_application", b.bind_application)
          .field("session_not_up_reason", b.not_up_reason)
          .field("flaps", b.flaps);
    }
    w.end_object();
  }
  w.end_array().end_object();
  return w.str() + "\n";
}

// ---- mld group ----

namespace {
// "  Name<padded to width>: " of a Fields line, appended in place.
void append_field_name(std::string& out, std::string_view name, size_t width) {
  out += "  ";
  out += name;
  if (name.size() < width) out.append(width - name.size(), ' ');
  out += ": ";
}
void append_expires(std::string& out, int64_t ms) {
  if (ms < 0)
    out += "off";
  else
    append_duration_ms(out, ms);
}
void append_dashed(std::string& out, std::string_view s) {
  out += s.empty() ? std::string_view("--") : s;
}
}  // namespace

void append_mld_group_header_text(std::string& out) {
  out += "Interface group report information\n";
}

void append_text(std::string& out, const MldGroupRow& g, bool verbose, std::string& current_if) {
  if (g.interface != current_if) {
    current_if = g.interface;
    out += ' ';
    out += g.interface;
    out += ":\n";
  }
  if (!verbose) {
    out += "  ";
    out += g.group;
    if (g.group.size() < 28) out.append(28 - g.group.size(), ' ');
    out += " Uptime: ";
    append_duration_ms(out, g.uptime_ms);
    out += "  Expires: ";
    append_expires(out, g.expires_ms);
    out += "  Last reporter: ";
    append_dashed(out, g.last_reporter);
    // mld static-group: configured, never aged (docs/mld-controls.md); others say it verbose.
    if (g.origin == "static") out += "  (static)";
    out += '\n';
    return;
  }
  constexpr size_t kWidth = 16;
  out += "  Group: ";
  out += g.group;
  out += '\n';
  append_field_name(out, "Uptime", kWidth);
  append_duration_ms(out, g.uptime_ms);
  out += '\n';
  append_field_name(out, "Expires", kWidth);
  append_expires(out, g.expires_ms);
  out += '\n';
  append_field_name(out, "Last reporter", kWidth);
  append_dashed(out, g.last_reporter);
  out += '\n';
  append_field_name(out, "Filter mode", kWidth);
  out += g.filter_mode;
  out += '\n';
  append_field_name(out, "Origin", kWidth);
  out += g.origin;
  out += '\n';
  if (g.sources.empty()) {
    append_field_name(out, "Source list", kWidth);
    out += "--\n";
  }
  for (size_t i = 0; i < g.sources.size(); ++i) {
    append_field_name(out, i == 0 ? "Source list" : "", kWidth);
    out += g.sources[i].address;
    out += "  Expires: ";
    append_expires(out, g.sources[i].expires_ms);
    out += '\n';
  }
}

void append_mld_group_footer_text(std::string& out, size_t total, const std::string& digest) {
  out += "Total ";
  out += std::to_string(total);
  out += " entries, digest ";
  append_dashed(out, digest);
  out += '\n';
}

std::string render_text(const MldGroupSnapshot& s, bool verbose) {
  std::string out;
  append_mld_group_header_text(out);
  std::string current_if;
  for (const auto& g : s.groups) append_text(out, g, verbose, current_if);
  append_mld_group_footer_text(out, s.groups.size(), s.digest);
  return out;
}

void begin_mld_group_json(JsonWriter& w) {
  w.begin_object().key("groups").begin_array();
}

void write_json(JsonWriter& w, const MldGroupRow& g) {
  w.begin_object()
      .field("interface", g.interface)
      .field("group", g.group)
      .field("filter_mode", g.filter_mode)
      .key("sources")
      .begin_array();
  for (const auto& src : g.sources)
    w.begin_object().field("address", src.address).field("expires_ms", src.expires_ms).end_object();
  w.end_array()
      .field("expires_ms", g.expires_ms)
      .field("uptime_ms", g.uptime_ms)
      .field("last_reporter", g.last_reporter)
      .field("origin", g.origin)
      .end_object();
}

void end_mld_group_json(JsonWriter& w, const std::string& digest) {
  w.end_array().field("digest", digest).end_object();
}

std::string render_json(const MldGroupSnapshot& s) {
  JsonWriter w;
  begin_mld_group_json(w);
  for (const auto& g : s.groups) write_json(w, g);
  end_mld_group_json(w, s.digest);
  return w.str() + "\n";
}

// ---- mld interface ----

std::string render_text(const MldInterfaceSnapshot& s) {
  std::string out;
  for (const auto& i : s.interfaces) {
    Fields f(34);
    f.raw(" Interface " + i.interface + (i.enabled ? "" : " (MLD disabled)"))
        .add("MLD version", "MLDv" + std::to_string(i.version))
        .add("Current MLD querier", dash(i.querier) + (i.is_querier ? " (this router)" : ""))
        .add("Query interval", std::to_string(i.query_interval_s) + " s")
        .add("Robustness", i.robustness)
        .add("Max response", std::to_string(i.max_response_s) + " s")
        .add("Last-listener query interval",
             std::to_string(i.last_listener_query_interval_s) + " s")
        .add("Last-listener query count", i.last_listener_query_count)
        .add("Groups", i.groups)
        .add("Joins", i.joins)
        .add("Leaves", i.leaves)
        .add("Backup mode", i.backup_mode ? "yes (state from the RBS)" : "no")
        .add("Require Router Alert", i.require_router_alert ? "yes" : "no");
    out += (out.empty() ? "" : "\n") + f.str();
  }
  if (s.interfaces.empty()) out = "  No interface runs MLD.\n";
  return out;
}

std::string render_json(const MldInterfaceSnapshot& s) {
  JsonWriter w;
  w.begin_object().key("interfaces").begin_array();
  for (const auto& i : s.interfaces) {
    w.begin_object()
        .field("interface", i.interface)
        .field("enabled", i.enabled)
        .field("version", i.version)
        .field("querier", i.querier)
        .field("is_querier", i.is_querier)
        .field("query_interval_s", i.query_interval_s)
        .field("robustness", i.robustness)
        .field("max_response_s", i.max_response_s)
        .field("last_listener_query_interval_s", i.last_listener_query_interval_s)
        .field("last_listener_query_count", i.last_listener_query_count)
        .field("groups", i.groups)
        .field("joins", i.joins)
        .field("leaves", i.leaves)
        .field("backup_mode", i.backup_mode)
        .field("require_router_alert", i.require_router_alert)
        .end_object();
  }
  w.end_array().end_object();
  return w.str() + "\n";
}

// ---- multicast forwarding table ----

void append_forwarding_header_text(std::string& out, size_t total, uint64_t generation) {
  out += "IPv6 Multicast Forwarding Table\n Total ";
  out += std::to_string(total);
  out += " entries, generation ";
  out += std::to_string(generation);
  out += '\n';
}

void append_text(std::string& out, const ForwardingRow& e, size_t number) {
  out += "\n 000";
  out += std::to_string(number);
  out += '(';
  out += e.source;
  out += ", ";
  out += e.group;
  out += ")\n     Upstream interface: ";
  if (e.upstream.empty()) out += "--";
  for (size_t i = 0; i < e.upstream.size(); ++i) {
    if (i) out += ", ";
    out += e.upstream[i];
  }
  out += "\n     Downstream interface list: total ";
  out += std::to_string(e.egress.size());
  out += '\n';
  size_t k = 0;
  for (const auto& d : e.egress) {
    out += "       ";
    out += std::to_string(++k);
    out += ": ";
    out += d.interface;
    if (!d.gate_open) out += " (blocked: VRRP6 not Master)";
    out += '\n';
  }
}

std::string render_text(const ForwardingSnapshot& s) {
  std::string out;
  append_forwarding_header_text(out, s.entries.size(), s.generation);
  size_t n = 0;
  for (const auto& e : s.entries) append_text(out, e, ++n);
  return out;
}

void begin_forwarding_json(JsonWriter& w, uint64_t generation) {
  w.begin_object().field("generation", generation).key("entries").begin_array();
}

void write_json(JsonWriter& w, const ForwardingRow& e) {
  w.begin_object()
      .field("source", e.source)
      .field("group", e.group)
      .string_array("upstream", e.upstream);
  w.key("downstream").begin_array();
  for (const auto& d : e.egress)
    w.begin_object().field("interface", d.interface).field("gate_open", d.gate_open).end_object();
  w.end_array().end_object();
}

void end_forwarding_json(JsonWriter& w) {
  w.end_array().end_object();
}

std::string render_json(const ForwardingSnapshot& s) {
  JsonWriter w;
  begin_forwarding_json(w, s.generation);
  for (const auto& e : s.entries) write_json(w, e);
  end_forwarding_json(w);
  return w.str() + "\n";
}

// ---- pim ----

namespace {
// A time in seconds as "00:01:23", or `none` when it does not apply (-1).
std::string seconds_text(int64_t s, const char* none = "--") {
  return s < 0 ? std::string(none) : format_duration_ms(s * 1000);
}
std::string on_off(bool b) {
  return b ? "on" : "off";
}
std::string hex32(uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%08x", v);
  return buf;
}
std::string pair_text(uint64_t a, uint64_t b) {
  return std::to_string(a) + "/" + std::to_string(b);
}
// JSON null for what does not apply: an empty address or interface, a time of -1.
void nullable(JsonWriter& w, std::string_view k, const std::string& v) {
  w.key(k);
  if (v.empty())
    w.null();
  else
    w.value(v);
}
void nullable(JsonWriter& w, std::string_view k, int64_t v) {
  w.key(k);
  if (v < 0)
    w.null();
  else
    w.value(v);
}
std::string dr_text(const PimInterfaceRow& i) {
  return dash(i.dr_address) + (i.is_dr ? " (local)" : "");
}
}  // namespace

std::string render_text(const PimNeighborSnapshot& s) {
  std::string out = "Total Number of Neighbors = " + std::to_string(s.neighbors.size()) + "\n\n";
  out += pad("Neighbor", 25) + pad("Interface", 16) + pad("Uptime", 8) + pad("Expires", 8) +
         "DR-Priority\n";
  for (const auto& n : s.neighbors) {
    out += pad(n.neighbor, 25) + pad(n.interface, 16) + pad(seconds_text(n.uptime_s), 8) +
           pad(seconds_text(n.expires_s, "never"), 8) +
           (n.dr_priority < 0 ? "--" : std::to_string(n.dr_priority)) + "\n";
    if (!n.secondary_addresses.empty())
      out += "  Secondary addresses: " + join(n.secondary_addresses, ", ") + "\n";
  }
  return out;
}

std::string render_json(const PimNeighborSnapshot& s) {
  JsonWriter w;
  w.begin_object().key("neighbors").begin_array();
  for (const auto& n : s.neighbors) {
    w.begin_object()
        .field("neighbor", n.neighbor)
        .field("interface", n.interface)
        .field("uptime_s", n.uptime_s);
    nullable(w, "expires_s", n.expires_s);
    nullable(w, "dr_priority", n.dr_priority);
    w.field("generation_id", n.generation_id)
        .string_array("secondary_addresses", n.secondary_addresses)
        .end_object();
  }
  w.end_array().end_object();
  return w.str() + "\n";
}

std::string render_text(const PimInterfaceSnapshot& s, bool verbose) {
  std::string out;
  if (!verbose) {
    out = pad("Interface", 16) + pad("State", 5) + pad("NbrCnt", 6) + pad("HelloInt", 8) +
          pad("DR-Pri", 10) + "DR-Address\n";
    for (const auto& i : s.interfaces)
      out += pad(i.interface, 16) + pad(i.up ? "up" : "down", 5) +
             pad(std::to_string(i.neighbor_count), 6) + pad(std::to_string(i.hello_interval_s), 8) +
             pad(std::to_string(i.dr_priority), 10) + dr_text(i) + "\n";
    return out;
  }
  for (const auto& i : s.interfaces) {
    Fields f(22);
    f.raw(" Interface " + i.interface + ", " + dash(i.address))
        .add("State", i.up ? "up" : "down")
        .add("Neighbor count", i.neighbor_count)
        .add("DR", dr_text(i))
        .add("DR priority", i.dr_priority)
        .add("Hello interval", std::to_string(i.hello_interval_s) + " s")
        .add("Hello holdtime", std::to_string(i.hello_holdtime_s) + " s")
        .add("Join/Prune interval", std::to_string(i.join_prune_interval_s) + " s")
        .add("Generation ID", hex32(i.generation_id))
        .add("Ignore dr-state", on_off(i.ignore_dr_state))
        .add("Ignore assert-state", on_off(i.ignore_assert_state))
        .add("Forwarding gate", i.forwarding_gate_open ? "open" : "closed (VRRP6 not Master)")
        .add("Override interval", std::to_string(i.override_interval_ms) + " ms")
        .add("Propagation delay", std::to_string(i.propagation_delay_ms) + " ms")
        .add("Join suppression", on_off(i.join_suppression))
        .add("Hellos sent/received", pair_text(i.hellos_sent, i.hellos_received))
        .add("J/P sent/received", pair_text(i.join_prunes_sent, i.join_prunes_received))
        .add("Joins/prunes sent", pair_text(i.joins_sent, i.prunes_sent))
        .add("Asserts sent/received", pair_text(i.asserts_sent, i.asserts_received))
        .add("Asserts won/lost", pair_text(i.asserts_won, i.asserts_lost))
        .add("Neighbor ups/downs", pair_text(i.neighbor_ups, i.neighbor_downs))
        .add("Rx drops", counts_text(i.rx_drops));
    out += (out.empty() ? "" : "\n") + f.str();
  }
  if (s.interfaces.empty()) out = "  No interface runs PIM.\n";
  return out;
}

std::string render_json(const PimInterfaceSnapshot& s, bool verbose) {
  JsonWriter w;
  w.begin_object().key("interfaces").begin_array();
  for (const auto& i : s.interfaces) {
    w.begin_object()
        .field("interface", i.interface)
        .field("state", i.up ? "up" : "down")
        .field("neighbor_count", i.neighbor_count)
        .field("hello_interval_s", i.hello_interval_s)
        .field("dr_priority", i.dr_priority);
    nullable(w, "dr_address", i.dr_address);
    w.field("is_dr", i.is_dr);
    if (verbose) {
      w.field("address", i.address)
          .field("hello_holdtime_s", i.hello_holdtime_s)
          .field("join_prune_interval_s", i.join_prune_interval_s)
          .field("generation_id", i.generation_id)
          .field("ignore_dr_state", i.ignore_dr_state)
          .field("ignore_assert_state", i.ignore_assert_state)
          .field("forwarding_gate", i.forwarding_gate_open ? "open" : "closed")
          .field("override_interval_ms", i.override_interval_ms)
          .field("propagation_delay_ms", i.propagation_delay_ms)
          .field("join_suppression", i.join_suppression)
          .field("hellos_sent", i.hellos_sent)
          .field("hellos_received", i.hellos_received)
          .field("join_prunes_sent", i.join_prunes_sent)
          .field("join_prunes_received", i.join_prunes_received)
          .field("joins_sent", i.joins_sent)
          .field("prunes_sent", i.prunes_sent)
          .field("asserts_sent", i.asserts_sent)
          .field("asserts_received", i.asserts_received)
          .field("asserts_won", i.asserts_won)
          .field("asserts_lost", i.asserts_lost)
          .field("neighbor_ups", i.neighbor_ups)
          .field("neighbor_downs", i.neighbor_downs);
      w.key("rx_drops").begin_object();
      for (const auto& [reason, n] : i.rx_drops) w.field(reason, n);
      w.end_object();
    }
    w.end_object();
  }
  w.end_array().end_object();
  return w.str() + "\n";
}

std::string render_text(const PimRoutingSnapshot& s) {
  size_t star = 0;
  for (const auto& e : s.entries) star += e.source == "*";
  std::string out = "Total " + std::to_string(star) + " (*, G) entries; " +
                    std::to_string(s.entries.size() - star) + " (S, G) entries\n";
  for (const auto& e : s.entries) {
    out += "\n (" + e.source + ", " + e.group + ")\n";
    out += "     RP: " + dash(e.rp) + "\n";
    out += "     Protocol: " + e.protocol + ", Flag: " + dash(join(e.flags, " ")) + "\n";
    out += "     UpTime: " + seconds_text(e.uptime_s) + "\n";
    out += "     Upstream interface: " + dash(e.upstream_interface) + "\n";
    out += "         Upstream neighbor: " + dash(e.upstream_neighbor) + "\n";
    out += "         RPF prime neighbor: " + dash(e.rpf_prime_neighbor) + "\n";
    out += std::string("     Upstream state: ") + (e.joined ? "joined" : "not joined") +
           ", Join timer: " + seconds_text(e.join_timer_s) +
           ", Keepalive: " + seconds_text(e.keepalive_s) + "\n";
    out += "     Downstream interface(s) information:\n     Total number of downstreams: " +
           std::to_string(e.downstream.size()) + "\n";
    size_t k = 0;
    for (const auto& d : e.downstream) {
      out += "         " + std::to_string(++k) + ": " + d.interface + "\n";
      out += "             Protocol: " + d.protocol + ", Assert: " + d.assert_state;
      if (!d.assert_winner.empty()) out += ", winner " + d.assert_winner;
      if (d.assert_expires_s >= 0) out += ", expires " + seconds_text(d.assert_expires_s);
      if (d.excluded) out += ", excluded (lost the Assert)";
      out += "\n";
    }
  }
  return out;
}

std::string render_json(const PimRoutingSnapshot& s) {
  JsonWriter w;
  w.begin_object().key("entries").begin_array();
  for (const auto& e : s.entries) {
    w.begin_object().field("source", e.source).field("group", e.group);
    nullable(w, "rp", e.rp);
    w.field("protocol", e.protocol).string_array("flags", e.flags).field("uptime_s", e.uptime_s);
    nullable(w, "upstream_interface", e.upstream_interface);
    nullable(w, "upstream_neighbor", e.upstream_neighbor);
    nullable(w, "rpf_prime_neighbor", e.rpf_prime_neighbor);
    w.field("joined", e.joined);
    nullable(w, "join_timer_s", e.join_timer_s);
    nullable(w, "keepalive_s", e.keepalive_s);
    w.field("spt_bit", e.spt_bit).field("rpt_pruned", e.rpt_pruned);
    w.key("downstream").begin_array();
    for (const auto& d : e.downstream) {
      w.begin_object()
          .field("interface", d.interface)
          .field("protocol", d.protocol)
          .field("assert_state", d.assert_state);
      nullable(w, "assert_winner", d.assert_winner);
      nullable(w, "assert_expires_s", d.assert_expires_s);
      w.field("excluded", d.excluded).end_object();
    }
    w.end_array().end_object();
  }
  w.end_array().end_object();
  return w.str() + "\n";
}

std::string render_text(const PimRpSnapshot& s) {
  std::string out;
  for (const auto& r : s.rps) {
    Fields f(14);
    f.add("RP address", r.rp_address)
        .add("Group range", r.group_range)
        .add("Type", r.type)
        .add("RPF interface", dash(r.rpf_interface))
        .add("RPF neighbor", dash(r.rpf_neighbor))
        .add("Groups joined", r.groups_joined);
    out += (out.empty() ? "" : "\n") + f.str();
  }
  if (s.rps.empty())
    out = "  No RP: no static-rp in the pim-ipv6 view and no embedded-RP group joined.\n";
  return out;
}

std::string render_json(const PimRpSnapshot& s) {
  JsonWriter w;
  w.begin_object().key("rps").begin_array();
  for (const auto& r : s.rps) {
    w.begin_object()
        .field("rp_address", r.rp_address)
        .field("group_range", r.group_range)
        .field("type", r.type);
    nullable(w, "rpf_interface", r.rpf_interface);
    nullable(w, "rpf_neighbor", r.rpf_neighbor);
    w.field("groups_joined", r.groups_joined).end_object();
  }
  w.end_array().end_object();
  return w.str() + "\n";
}

}  // namespace tandem::cli
