// `display mld group` and `display multicast ipv6 forwarding-table` as producers of bounded
// pieces. A table of a million groups takes about a second to list; done in one call it
// would hold the control core (BFD detects in 30 ms), so each call does one step:
//
//   mld group : walk `walk_slots` slots of the group table (keys + digest), sort that run;
//               once walked, merge the sorted runs `rows` rows at a time, reading each row's
//               record from the live table when it is printed.
//   forwarding: count the entries `rows` groups at a time (the total heads the text), then
//               print `rows` entries at a time, resuming after the last group printed.
//
// Output is byte for byte what render_text/render_json print for a table that does not
// change; docs/status.md "Large displays" says what a listing shows when it does.
#include "control/daemon/core/display_stream.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <functional>
#include <map>
#include <memory>
#include <optional>

#include "control/daemon/cli/json.h"
#include "control/daemon/cli/render.h"
#include "replication/digest.h"

namespace tandem::daemon {

void fill_mld_group_row(const mld::GroupRecordView& v, const std::string& ifname,
                        cli::MldGroupRow& r) {
  r.interface = ifname;
  r.group = v.group.to_string();
  r.uptime_ms = to_ms(v.uptime);
  const bool aged = v.origin != mld::Origin::static_config;  // static: never expires ("-")
  r.expires_ms = aged && v.filter_mode == mld::FilterMode::exclude ? to_ms(v.filter_remaining) : -1;
  if (v.last_reporter.is_unspecified())
    r.last_reporter.clear();
  else
    r.last_reporter = v.last_reporter.to_string();
  r.filter_mode = mld::filter_mode_name(v.filter_mode);
  r.sources.clear();
  for (const auto& s : v.sources)
    r.sources.push_back(
        {s.source.to_string(), aged && s.remaining > Duration::zero() ? to_ms(s.remaining) : -1});
  r.origin = mld::origin_name(v.origin);
}

void fill_forwarding_row(const wire::Ipv6Address& group, const InstalledEntry& e,
                         const std::vector<std::string>& upstream, const InterfaceMap& interfaces,
                         const dataplane::FibWriter& fib, cli::ForwardingRow& row) {
  row.source = e.source.is_unspecified() ? "*" : e.source.to_string();
  row.group = group.to_string();
  // Accepting interfaces: the static upstream ones, and the entry's RPF interface (PIM).
  row.upstream = upstream;
  if (e.route.iif != dataplane::kNoIif) {
    if (const InterfaceInfo* info =
            interfaces.by_ifindex(dataplane::IfIndex::from_port(e.route.iif));
        info != nullptr &&
        std::find(row.upstream.begin(), row.upstream.end(), info->name) == row.upstream.end())
      row.upstream.push_back(info->name);
  }
  row.egress.clear();
  for (const auto& info : interfaces.all())
    if (e.route.egress & dataplane::port_bit(info.port))
      row.egress.push_back({info.name, fib.gate(info.port)});
}

namespace {

// The text of an address as a sort key: its first 32 characters, zero-padded, as four
// big-endian words (text never holds a NUL, so comparing the words compares the text);
// equal keys of longer texts (33-39 characters) fall back to the whole text.
struct TextKey {
  std::array<uint64_t, 4> w{};
  static TextKey of(const std::string& text) {
    unsigned char b[32] = {};
    std::memcpy(b, text.data(), std::min<size_t>(text.size(), sizeof b));
    TextKey k;
    for (size_t i = 0; i < sizeof b; ++i) k.w[i / 8] = k.w[i / 8] << 8 | b[i];
    return k;
  }
};

// One group of the listing: interface (rank in the display's interface order), sort key.
struct GroupEntry {
  TextKey key;
  wire::Ipv6Address group;
  uint32_t ifindex = 0;
  uint32_t rank = 0;
};

// The old listing's order: interfaces in MLD order, then groups by their text.
bool listed_before(const GroupEntry& a, const GroupEntry& b) {
  if (a.rank != b.rank) return a.rank < b.rank;
  if (a.key.w != b.key.w) return a.key.w < b.key.w;
  return a.group.to_string() < b.group.to_string();
}

struct MldGroupListing {
  MldGroupListing(mld::MldRouter& m, std::function<TimePoint()> c, DisplayChunk ch)
      : mld(m), clock(std::move(c)), chunk(ch) {}
  mld::MldRouter& mld;
  std::function<TimePoint()> clock;
  DisplayChunk chunk;
  bool json = false, verbose = false;
  std::optional<uint32_t> only;
  // Per ifindex: display rank and name; and for the digest, the RBP binding.
  std::map<uint32_t, std::pair<uint32_t, std::string>> listed;
  std::map<uint32_t, std::pair<uint16_t, std::string>> bound;

  enum class Phase { start, walk, merge } phase = Phase::start;
  uint32_t slot = 0;
  uint64_t digest_sum = 0;
  std::string digest;
  std::vector<GroupEntry> entries;
  std::vector<std::pair<size_t, size_t>> runs;  // [next, end) of each sorted run
  std::vector<size_t> heap;                     // runs not yet exhausted, min-heap by head
  size_t rows = 0;
  std::string current_if;
  cli::MldGroupRow row;
  cli::JsonWriter w;

  bool step(std::string& out);
  void walk(TimePoint now);
  void merge(std::string& out, TimePoint now);
  bool heap_after(size_t a, size_t b) const {
    return listed_before(entries[runs[b].first], entries[runs[a].first]);
  }
};

bool MldGroupListing::step(std::string& out) {
  const TimePoint now = clock();
  switch (phase) {
    case Phase::start:
      if (json)
        cli::begin_mld_group_json(w);
      else
        cli::append_mld_group_header_text(out);
      phase = Phase::walk;
      [[fallthrough]];
    case Phase::walk: walk(now); return true;
    case Phase::merge: merge(out, now); break;
  }
  if (!heap.empty()) {
    if (json) w.take(out);
    return true;
  }
  if (json) {
    cli::end_mld_group_json(w, digest);
    w.take(out);
    out += '\n';
  } else {
    cli::append_mld_group_footer_text(out, rows, digest);
  }
  return false;
}

void MldGroupListing::walk(TimePoint now) {
  const size_t run_begin = entries.size();
  slot = mld.for_each_group_in_slots(
      slot, static_cast<uint32_t>(chunk.walk_slots),
      [&](const mld::GroupRecordView& v) {
        auto b = bound.find(v.ifindex);
        if (b != bound.end())
          digest_sum +=
              replication::record_digest(to_replicated(v, b->second.first, b->second.second));
        auto l = listed.find(v.ifindex);
        if (l == listed.end() || (only && *only != v.ifindex)) return;
        entries.push_back({TextKey::of(v.group.to_string()), v.group, v.ifindex, l->second.first});
      },
      now);
  std::sort(entries.begin() + static_cast<ptrdiff_t>(run_begin), entries.end(), listed_before);
  if (entries.size() > run_begin) runs.emplace_back(run_begin, entries.size());
  if (slot < mld.group_slot_limit()) return;
  digest = replication::digest_hex(digest_sum);
  for (size_t r = 0; r < runs.size(); ++r) heap.push_back(r);
  auto after = [this](size_t a, size_t b) { return heap_after(a, b); };
  std::make_heap(heap.begin(), heap.end(), after);
  phase = Phase::merge;
}

void MldGroupListing::merge(std::string& out, TimePoint now) {
  auto after = [this](size_t a, size_t b) { return heap_after(a, b); };
  const size_t start = out.size();
  for (size_t n = 0; n < chunk.rows && !heap.empty() && out.size() - start + w.size() < chunk.bytes;
       ++n) {
    std::pop_heap(heap.begin(), heap.end(), after);
    auto& run = runs[heap.back()];
    const GroupEntry& e = entries[run.first++];
    if (run.first == run.second)
      heap.pop_back();
    else
      std::push_heap(heap.begin(), heap.end(), after);
    // The row as the record is now; a group that left meanwhile is not listed.
    auto v = mld.find_group(e.ifindex, e.group, now);
    if (!v) continue;
    fill_mld_group_row(*v, listed.at(e.ifindex).second, row);
    ++rows;
    if (json)
      cli::write_json(w, row);
    else
      cli::append_text(out, row, verbose, current_if);
  }
  if (heap.empty()) std::vector<GroupEntry>().swap(entries);
}

struct ForwardingListing {
  ForwardingListing(const FibSync& s, const InterfaceMap& i, const dataplane::FibWriter& f,
                    DisplayChunk ch)
      : fib_sync(s), interfaces(i), fib(f), chunk(ch) {}
  const FibSync& fib_sync;
  const InterfaceMap& interfaces;
  const dataplane::FibWriter& fib;
  DisplayChunk chunk;
  bool json = false;
  uint64_t generation = 0;
  std::vector<std::string> upstream;

  enum class Phase { count, rows } phase = Phase::count;
  std::optional<wire::Ipv6Address> last;  // the last group counted or printed
  size_t total = 0, number = 0;
  cli::ForwardingRow row;
  cli::JsonWriter w;

  bool step(std::string& out);
};

bool ForwardingListing::step(std::string& out) {
  const auto& installed = fib_sync.installed();
  auto it = last ? installed.upper_bound(*last) : installed.begin();
  if (phase == Phase::count) {
    for (size_t n = 0; n < chunk.rows && it != installed.end(); ++n, ++it) {
      total += it->second.size();
      last = it->first;
    }
    if (it != installed.end()) return true;
    if (json)
      cli::begin_forwarding_json(w, generation);
    else
      cli::append_forwarding_header_text(out, total, generation);
    phase = Phase::rows;
    last.reset();
    return true;
  }
  const size_t start = out.size();
  for (size_t n = 0;
       n < chunk.rows && it != installed.end() && out.size() - start + w.size() < chunk.bytes;
       ++it) {
    for (const auto& e : it->second) {
      fill_forwarding_row(it->first, e, upstream, interfaces, fib, row);
      ++n;
      if (json)
        cli::write_json(w, row);
      else
        cli::append_text(out, row, ++number);
    }
    last = it->first;
  }
  if (json) w.take(out);
  if (it != installed.end()) return true;
  if (json) {
    cli::end_forwarding_json(w);
    w.take(out);
    out += '\n';
  }
  return false;
}

}  // namespace

cli::MoreOutput mld_group_stream(mld::MldRouter& mld, const InterfaceMap& interfaces,
                                 const MldGroupStore& store, const std::string& interface,
                                 bool json, bool verbose, std::function<TimePoint()> clock,
                                 DisplayChunk chunk) {
  auto l = std::make_shared<MldGroupListing>(mld, std::move(clock), chunk);
  l->json = json;
  l->verbose = verbose;
  if (!interface.empty()) l->only = interfaces.ifindex(interface);
  // Room for every key now: growing by doubling would copy them all within one step.
  l->entries.reserve(mld.group_count() + mld.group_count() / 8);
  uint32_t rank = 0;
  for (uint32_t ifindex : mld.interfaces()) {
    const InterfaceInfo* info = interfaces.by_ifindex(ifindex);
    const std::string name = info ? info->name : std::to_string(ifindex);
    l->listed[ifindex] = {rank++, name};
  }
  // The digest covers what MldGroupStore::for_each visits: interfaces bound to an RBP.
  for (const auto& info : interfaces.all())
    if (auto id = store.backup_id_of(info.name)) l->bound[info.ifindex] = {*id, info.name};
  return [l](std::string& out) { return l->step(out); };
}

cli::MoreOutput forwarding_stream(const FibSync& fib_sync, const InterfaceMap& interfaces,
                                  const dataplane::FibWriter& fib, const config::Config& config,
                                  bool json, DisplayChunk chunk) {
  auto l = std::make_shared<ForwardingListing>(fib_sync, interfaces, fib, chunk);
  l->json = json;
  l->generation = fib_sync.generation();
  for (const auto& [name, itf] : config.interfaces)
    if (itf.multicast_upstream) l->upstream.push_back(name);
  return [l](std::string& out) { return l->step(out); };
}

}  // namespace tandem::daemon
