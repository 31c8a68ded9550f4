// display drop statistics: text lists the reasons that counted something (a router with
// ~80 wire reasons per interface would otherwise print pages of zeros); JSON carries every
// reason, zero included, so a script sees the same reason set as the metrics.
#include "control/daemon/cli/json.h"
#include "control/daemon/cli/render.h"

namespace tandem::cli {

namespace {

uint64_t row_total(const daemon::DropRow& r) {
  uint64_t n = 0;
  for (uint64_t c : r.counts) n += c;
  return n;
}

}  // namespace

std::string render_text(const DropSnapshot& s) {
  std::string out = "Drop statistics (since the last reset)\n";
  for (const auto& t : s.layers) {
    out += "\n Layer " + t.layer + ", by " + t.key + ":\n";
    if (t.rows.empty()) out += "  (none configured)\n";
    for (const auto& r : t.rows) {
      out += "  " + r.name + ": ";
      const uint64_t total = row_total(r);
      if (total == 0) {
        out += "no drops\n";
        continue;
      }
      out += std::to_string(total) + " (";
      bool first = true;
      for (size_t i = 0; i < r.counts.size(); ++i) {
        if (r.counts[i] == 0) continue;
        out += (first ? "" : ", ") + t.reasons[i] + " " + std::to_string(r.counts[i]);
        first = false;
      }
      out += ")\n";
    }
  }
  return out;
}

std::string render_json(const DropSnapshot& s) {
  JsonWriter w;
  w.begin_object().key("layers").begin_array();
  for (const auto& t : s.layers) {
    w.begin_object().field("layer", t.layer).field("key", t.key).key("rows").begin_array();
    for (const auto& r : t.rows) {
      w.begin_object().field(t.key, r.name).field("total", row_total(r)).key("drops");
      w.begin_object();
      for (size_t i = 0; i < r.counts.size(); ++i) w.field(t.reasons[i], r.counts[i]);
      w.end_object().end_object();
    }
    w.end_array().end_object();
  }
  w.end_array().end_object();
  return w.str() + "\n";
}

}  // namespace tandem::cli
