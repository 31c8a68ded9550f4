// fuzz_pim_engine: the PIM-SM engine (control/pim, PimRouter) driven by a fuzzed sequence of
// operations on 1-3 interfaces (PIM on or off, ignore dr-state / assert-state, Hello and
// Join/Prune periods down to 1 s, DR priorities, link-local and global addresses), static
// RPs over group ranges (embedded-RP ff7x, SSM ff3x and link-scope groups among the pool)
// and static routes (some unresolvable, some naming missing interfaces). Operations: Hello,
// Join/Prune and Assert messages built from fuzzed structs (round-tripped through the wire
// codec, as the daemon only hands over what parsed) and raw bytes through wire::parse_pim,
// from link-local sources that include our own addresses; MLD memberships (EXCLUDE/INCLUDE
// with sources), data notifications, interface up/down, the VRRP6 forwarding gate,
// reconfiguration, and time advances that run every timer at its own deadline; shutdown at
// the end. After every operation it checks:
//  - every message goes out on an existing interface where PIM runs (pim_enabled and up);
//    a goodbye Hello (holdtime 0) on one where PIM ran before the operation;
//  - every message builds with wire::build_pim_message_frame from the interface's
//    link-local and parses back equal through wire::parse_frame (kind pim_*);
//  - Hellos carry the interface's holdtime, DR priority, GenID and addresses;
//  - a Join/Prune names a neighbor of that interface by its primary (link-local) address
//    (one known before or after the operation: a Prune may go to the one that just left),
//    carries holdtime 3.5 x the interface's J/P period, never lists one entry as both join
//    and prune; (*,G) entries have the W and R bits and name the group's RP (a Prune may
//    name the RP the group had before the operation); no W bit for SSM groups (RFC 4607);
//  - Asserts: RPT bit exactly for (*,G), 31-bit preference;
//  - §4.3.1: a goodbye exactly where PIM stops or restarts under a new link-local, and a
//    Hello before any other message where it (re)starts;
//  - the upstream machines say what they change (§4.5.6, §4.5.7, §4.5.9): a joined entry's
//    RPF' is a neighbor on its RPF interface; an entry that stops being joined toward RPF'
//    (or moves) sends it a Prune where PIM still runs, a newly joined one its Join, and an
//    (S,G,rpt) prune that starts or ends under a joined (*,G) is sent to RPF'(*,G);
//  - changed_groups has no duplicates; nothing is left in the output after take_actions;
//  - no deadline lies in the past, and after on_timer(now) next_deadline() > now;
//  - rpf_interface() only names an existing interface where PIM runs, and a joined (*,G)
//    has one; excluded_by_assert() is false on interfaces with ignore assert-state;
//  - the displays agree with each other and with the model: totals with routes() and
//    neighbors(), interfaces() with the configured PIM interfaces (running, forwarding,
//    DR), neighbors only where PIM runs, with a running liveness timer unless holdtime
//    0xffff; a route is joined exactly while its Join Timer runs, has a Keepalive exactly
//    when spt_sources() lists it, and is joined only for a local receiver that wants it;
//  - shutdown sends only Prunes and goodbyes, a goodbye on every running interface, and
//    leaves no timer.
// Memory stays bounded: at most kMaxOps operations and kMaxTimerRuns timer runs per input.
#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "control/pim/router.h"
#include "control/wire/frame.h"
#include "fuzz/fuzz_check.h"
#include "fuzz/fuzz_input.h"

namespace tandem::fuzz {
namespace {

using namespace tandem::pim;
using wire::Ipv6Address;
using wire::MacAddress;

constexpr uint32_t kMaxIfindex = 4;  // 1..3 may exist; 4 never does
constexpr int kMaxOps = 200;
constexpr int kMaxTimerRuns = 3000;

Ipv6Address A(const char* s) {
  return Ipv6Address::must_parse(s);
}

// Address pools: a small world (itf 1: 2001:db8:1::/64 with the RP's router fe80::100,
// itf 2: 2001:db8:2::/64 with fe80::101, itf 3: 2001:db8:3::/64) so that fuzzed inputs keep
// meeting the same neighbors, RPs, routes and groups and state builds up.
struct Pools {
  std::vector<Ipv6Address> groups, sources, rps, neighbor_lls, secondaries, nexthops;
  std::vector<Prefix> group_ranges, route_prefixes, extra_addresses;
};

const Pools& P() {
  static const Pools p = [] {
    Pools x;
    x.groups = {A("ff0e::1"),
                A("ff05::db8:1"),
                A("ff3e::db8:2"),                    // SSM
                A("ff35::5"),                        // SSM, site scope
                A("ff7e:140:2001:db8:99:0:0:1234"),  // embedded RP 2001:db8:99::1
                A("ff7e:40:2001:db8:1:0:0:7"),       // embedded RP 2001:db8:1:: (RIID 0)
                A("ff7e:100:2001:db8:99:0:0:5"),     // ff7x with plen 0: no embedded RP
                A("ff02::5"),                        // link scope
                A("ff15::4"),
                A("ff0e::2")};
    x.sources = {A("2001:db8:2::10"), A("2001:db8:99::50"), A("2001:db8:55::1"),
                 A("2001:db8:3::7"),  A("2001:db8:1::100"), A("2001:db8:1::1")};
    x.rps = {A("2001:db8:1::100"), A("2001:db8:99::1"), A("2001:db8:2::101"),
             A("2001:db8:77::1"),  A("2001:db8:1::1"),  A("2001:db8:3::5")};
    x.neighbor_lls = {A("fe80::100"), A("fe80::101"), A("fe80::102"), A("fe80::103")};
    x.secondaries = {A("2001:db8:1::100"), A("2001:db8:2::101"), A("2001:db8:3::102"),
                     A("2001:db8:99::1"),  A("fe80::102"),       A("fe80::1:1")};
    x.nexthops = {A("2001:db8:1::100"), A("2001:db8:2::101"), A("2001:db8:3::102"),
                  A("fe80::100"),       A("fe80::101"),       A("2001:db8:dead::1")};
    x.group_ranges = {{A("ff00::"), 8},  {A("ff0e::"), 16},   {A("ff05::"), 16}, {A("ff3e::"), 16},
                      {A("ff02::"), 16}, {A("ff0e::1"), 128}, {A("ff7e::"), 16}, {A("::"), 0}};
    x.route_prefixes = {{A("::"), 0},
                        {A("2001:db8:99::"), 48},
                        {A("2001:db8:77::"), 64},
                        {A("2001:db8:55::"), 64},
                        {A("2001:db8:1::"), 64},
                        {A("2001:db8:99::1"), 128},
                        {A("2001:db8:1::100"), 128}};
    x.extra_addresses = {{A("2001:db8:99::2"), 64},
                         {A("2001:db8:1::5"), 64},
                         {A("2001:db8:55::9"), 120},
                         {A("2001:db8:3::1"), 128}};
    return x;
  }();
  return p;
}

Ipv6Address our_link_local(uint32_t ifindex) {
  Ipv6Address a = A("fe80::1:0");
  a.bytes[15] = static_cast<uint8_t>(ifindex);
  return a;
}

Ipv6Address our_global(uint32_t ifindex) {
  Ipv6Address a = A("2001:db8::1");
  a.bytes[5] = static_cast<uint8_t>(ifindex);
  return a;
}

// One of `values`. A fuzzed last value (in.u32() in the list) is read whichever is picked,
// so later bytes keep their meaning (make_pim_engine_seeds.py relies on it).
template <typename T>
T one_of(FuzzInput& in, std::initializer_list<T> values) {
  const uint32_t i = in.range(0, static_cast<uint32_t>(values.size() - 1));
  return *(values.begin() + i);
}

seconds fuzz_period(FuzzInput& in, uint32_t usual) {
  switch (in.u8() % 6) {
    case 0: return seconds(1);
    case 1: return seconds(2);
    case 2: return seconds(in.range(3, 10));
    case 3: return seconds(in.range(1, 18000));  // `pim ipv6 timer ... 1-18000`
    default: return seconds(usual);
  }
}

InterfaceConfig fuzz_interface(FuzzInput& in, uint32_t ifindex) {
  InterfaceConfig c;
  c.ifindex = ifindex;
  c.name = "ge" + std::to_string(ifindex);
  const uint8_t sel = in.u8();
  c.link_local = our_link_local(ifindex);
  if ((sel & 0x30) == 0x30) c.link_local = our_link_local(ifindex + 8);  // renumbered
  if ((sel & 0x30) == 0x20) c.link_local = our_link_local(1);            // same LL as ge1 (VLANs)
  if ((sel & 0xc0) != 0xc0) c.addresses.push_back({our_global(ifindex), 64});
  if (sel & 0x08) c.addresses.push_back(in.pick(P().extra_addresses));
  c.pim_enabled = (sel & 0x07) != 0;
  const uint8_t knobs = in.u8();
  c.hello_period = fuzz_period(in, 30);
  if (knobs & 1) c.hello_holdtime_s = static_cast<uint16_t>(in.range(1, 0xffff));
  c.dr_priority =
      (knobs & 2) ? one_of<uint32_t>(in, {0, 1, 2, 100, 0xffffffff, in.u32()}) : kDefaultDrPriority;
  c.join_prune_period = fuzz_period(in, 60);
  c.ignore_dr_state = (knobs & 4) != 0;
  c.ignore_assert_state = (knobs & 8) != 0;
  return c;
}

StaticRoute fuzz_route(FuzzInput& in) {
  StaticRoute r;
  r.prefix = in.pick(P().route_prefixes);
  const uint8_t sel = in.u8();
  r.ifindex = (sel & 3) == 0 ? in.range(1, kMaxIfindex) : 0;
  if ((sel & 0x0c) != 0 || r.ifindex == 0) r.nexthop = in.pick(P().nexthops);
  return r;
}

GlobalConfig fuzz_global(FuzzInput& in) {
  GlobalConfig g;
  const uint8_t sel = in.u8();
  for (uint32_t i = in.range(0, 3); i > 0; --i)
    g.static_rps.push_back({in.pick(P().rps), in.pick(P().group_ranges)});
  g.embedded_rp = (sel & 1) == 0;
  g.spt_switch_infinity = (sel & 6) == 6;
  for (uint32_t i = in.range(0, 3); i > 0; --i) g.routes.push_back(fuzz_route(in));
  return g;
}

// An upstream entry as routes() shows it, with the interface its RPF' is on.
struct UpstreamView {
  bool joined = false;
  Ipv6Address neighbor;  // RPF'
  uint32_t ifindex = 0;  // the route toward the RP (*,G) or the source (S,G)
  bool rpt_pruned = false;
  bool same_upstream(const UpstreamView& o) const {
    return joined && o.joined && neighbor == o.neighbor && ifindex == o.ifindex;
  }
};
using UpstreamMap = std::map<EntryKey, UpstreamView>;

// What the harness knows before an operation, for the checks that allow the state an
// operation leaves behind (goodbyes, Prunes to a neighbor that left or to the old RP) and
// the transition checks.
struct Snapshot {
  std::map<uint32_t, InterfaceConfig> configs;
  std::set<uint32_t> running;
  std::map<uint32_t, std::set<Ipv6Address>> neighbors;
  GlobalConfig global;
  UpstreamMap upstream;
};

enum class OpKind { other, timer, shutdown };

class Harness {
 public:
  explicit Harness(uint64_t seed) : pim_(log_sink(), seed) {}

  void run(FuzzInput& in) {
    const uint32_t n = in.range(1, 3);
    for (uint32_t i = 1; i <= n; ++i) add_interface(fuzz_interface(in, i));
    global_ = fuzz_global(in);
    op([&] { configure(in.flag()); });
    for (int ops = 0; ops < kMaxOps && !in.empty(); ++ops) step(in);
    op([&] { pim_.shutdown(now_); }, OpKind::shutdown);
    FUZZ_CHECK(pim_.next_deadline() == kNever, "shutdown leaves no timer");
  }

 private:
  static LogSink log_sink() {
    return [](LogLevel, std::string_view subsystem, std::string_view line) {
      FUZZ_CHECK(!subsystem.empty() && !line.empty(), "log lines say something");
    };
  }

  // ---- model ----

  bool running(uint32_t ifindex) const {
    if (shut_) return false;
    auto it = configs_.find(ifindex);
    return it != configs_.end() && it->second.pim_enabled && up_.at(ifindex);
  }

  void add_interface(const InterfaceConfig& c) {
    if (configs_.count(c.ifindex) == 0) {
      up_[c.ifindex] = true;  // a new interface starts up with its gate open
      forwarding_[c.ifindex] = true;
    }
    configs_[c.ifindex] = c;
  }

  void remove_interface(uint32_t ifindex) {
    configs_.erase(ifindex);
    up_.erase(ifindex);
    forwarding_.erase(ifindex);
  }

  void configure(bool reversed) {
    std::vector<InterfaceConfig> list;
    for (const auto& [i, c] : configs_) list.push_back(c);
    if (reversed) std::reverse(list.begin(), list.end());
    pim_.configure(global_, list, now_);
  }

  std::optional<Ipv6Address> rp_of(const GlobalConfig& g, const Ipv6Address& group) const {
    RpMap m;
    m.configure(g.static_rps, g.embedded_rp);
    auto r = m.rp_for(group);
    if (!r) return std::nullopt;
    return r->rp;
  }

  // ---- operations ----

  template <typename F>
  void op(F&& f, OpKind kind = OpKind::other) {
    Snapshot before;
    before.configs = configs_;
    for (const auto& [i, c] : configs_)
      if (running(i)) before.running.insert(i);
    for (const auto& n : pim_.neighbors(now_)) before.neighbors[n.ifindex].insert(n.address);
    before.global = global_;
    before.upstream = upstream_state();
    f();
    if (kind == OpKind::shutdown) shut_ = true;
    after_op(before, kind);
  }

  void step(FuzzInput& in) {
    const uint8_t sel = in.u8();
    const uint32_t ifindex = in.range(1, kMaxIfindex);
    switch (sel % 16) {
      case 0:
      case 1:
      case 2: return message(in, ifindex, hello(in));
      case 3:
      case 4: return message(in, ifindex, join_prune(in));
      case 5: return message(in, ifindex, assert_message(in));
      case 6: {  // raw bytes: whatever parse_pim makes of them, when it accepts them
        const Ipv6Address src = source(in, ifindex);
        const auto raw = in.bytes(in.u8());
        const wire::PimParse p = wire::parse_pim(raw);
        if (p.drop != wire::DropReason::none) return;
        return op([&] { pim_.on_message(ifindex, src, p.message, now_); });
      }
      case 7:
      case 8: return membership(in);
      case 9: {
        const Ipv6Address s = in.u8() < 0xf0 ? in.pick(P().sources) : in.address();
        const Ipv6Address g = pick_or_raw(in, P().groups);
        return op([&] { pim_.on_data(ifindex, s, g, now_); });
      }
      case 10:
      case 11: return advance(in);
      case 12: {
        const bool up = in.flag();
        return op([&] {
          if (configs_.count(ifindex)) up_[ifindex] = up;
          pim_.set_interface_up(ifindex, up, now_);
        });
      }
      case 13: {
        const bool fwd = in.flag();
        return op([&] {
          if (configs_.count(ifindex)) forwarding_[ifindex] = fwd;
          pim_.set_forwarding(ifindex, fwd, now_);
        });
      }
      case 14: return reconfigure(in, ifindex);
      default: return message(in, ifindex, hello(in));
    }
  }

  // A link-local sender: mostly the neighbors of the pool, sometimes our own address on
  // that interface or another one, sometimes any fe80::/10 address.
  Ipv6Address source(FuzzInput& in, uint32_t ifindex) {
    const uint8_t sel = in.u8();
    switch (sel % 16) {
      case 10:
      case 11: {
        auto it = configs_.find(ifindex);
        return it != configs_.end() ? it->second.link_local : our_link_local(ifindex);
      }
      case 12: return our_link_local(in.range(1, 3));
      case 13: return A("fe80::102");  // also a secondary address in the pool
      case 14: {
        Ipv6Address a = in.address();
        a.bytes[0] = 0xfe;
        a.bytes[1] = static_cast<uint8_t>(0x80 | (a.bytes[1] & 0x3f));
        return a;
      }
      default: return P().neighbor_lls[sel % P().neighbor_lls.size()];
    }
  }

  Ipv6Address any_address(FuzzInput& in) {
    switch (in.u8() % 8) {
      case 0: return in.pick(P().neighbor_lls);
      case 1: return in.pick(P().secondaries);
      case 2: return our_link_local(in.range(1, 3));
      case 3: return our_global(in.range(1, 3));
      case 4: return Ipv6Address{};
      case 5: return in.address();
      default: return in.pick(P().rps);
    }
  }

  wire::PimMessage hello(FuzzInput& in) {
    wire::PimMessage m;
    m.type = wire::PimType::hello;
    wire::PimHello& h = m.hello;
    const uint8_t sel = in.u8();
    if ((sel & 1) == 0)
      h.holdtime_s = one_of<uint16_t>(in, {0, 1, 2, 3, 10, 105, 105, 0xffff, in.u16()});
    if (sel & 2) h.dr_priority = one_of<uint32_t>(in, {0, 1, 2, 100, 0xffffffff, in.u32()});
    if ((sel & 4) == 0) h.generation_id = one_of<uint32_t>(in, {1, 2, 3, in.u32()});
    if (sel & 8)
      h.lan_prune_delay = wire::PimLanPruneDelay{
          in.flag(), static_cast<uint16_t>(one_of<uint16_t>(in, {0, 500, 1000, in.u16()}) & 0x7fff),
          one_of<uint16_t>(in, {0, 2500, 0xffff, in.u16()})};
    for (uint32_t i = (sel & 0x30) ? in.range(0, 3) : 0; i > 0; --i)
      h.address_list.push_back(in.pick(P().secondaries));
    return m;
  }

  wire::PimSourceEntry source_entry(FuzzInput& in, const Ipv6Address& group) {
    wire::PimSourceEntry e;
    const uint8_t sel = in.u8();
    e.wildcard = (sel & 1) != 0;
    e.rpt = (sel & 2) != 0;
    e.sparse = (sel & 4) == 0 || (sel & 0x80) == 0;
    if (sel & 0x08) e.mask_len = in.u8();
    switch (sel >> 4 & 3) {
      case 0: e.source = in.pick(P().sources); break;
      case 1: e.source = rp_of(global_, group).value_or(in.pick(P().rps)); break;
      case 2: e.source = in.pick(P().rps); break;
      default: e.source = any_address(in);
    }
    return e;
  }

  wire::PimMessage join_prune(FuzzInput& in) {
    wire::PimMessage m;
    m.type = wire::PimType::join_prune;
    wire::PimJoinPrune& jp = m.join_prune;
    jp.upstream_neighbor = any_address(in);
    jp.holdtime_s = one_of<uint16_t>(in, {0, 1, 210, 210, 0xffff, in.u16()});
    for (uint32_t i = in.range(1, 3); i > 0; --i) {
      wire::PimGroupSet gs;
      const uint8_t sel = in.u8();
      gs.group = pick_or_raw(in, P().groups);
      if (sel & 0x80) gs.mask_len = in.u8();
      gs.bidir = (sel & 0x60) == 0x60;
      gs.admin_zone = (sel & 0x60) == 0x40;
      for (uint32_t j = in.range(0, 3); j > 0; --j) gs.joins.push_back(source_entry(in, gs.group));
      for (uint32_t j = in.range(0, 3); j > 0; --j) gs.prunes.push_back(source_entry(in, gs.group));
      jp.groups.push_back(std::move(gs));
    }
    return m;
  }

  wire::PimMessage assert_message(FuzzInput& in) {
    wire::PimMessage m;
    m.type = wire::PimType::assert_;
    wire::PimAssert& a = m.assert_message;
    const uint8_t sel = in.u8();
    a.group = pick_or_raw(in, P().groups);
    if (sel & 0x80) a.group_mask_len = in.u8();
    a.rpt = (sel & 1) != 0;
    a.source = (sel & 2) ? Ipv6Address{} : (sel & 4) ? in.pick(P().rps) : in.pick(P().sources);
    a.metric_preference = one_of<uint32_t>(in, {0, 60, 61, wire::kPimAssertInfinitePreference,
                                                in.u32() & wire::kPimAssertInfinitePreference});
    a.metric = one_of<uint32_t>(in, {0, 1, 10, wire::kPimAssertInfiniteMetric, in.u32()});
    return m;
  }

  // The daemon hands the engine only what parse_frame accepted: the struct goes through the
  // codec first (and must come back as it went in).
  void message(FuzzInput& in, uint32_t ifindex, const wire::PimMessage& m) {
    const Ipv6Address src = source(in, ifindex);
    const std::vector<uint8_t> body = wire::build_pim_body(m);
    const wire::PimParse p = wire::parse_pim(body);
    FUZZ_CHECK(p.drop == wire::DropReason::none, "a built PIM message parses");
    wire::PimMessage back = p.message;
    back.checksum = m.checksum;
    FUZZ_CHECK(back == m, "a built PIM message parses back equal");
    op([&] { pim_.on_message(ifindex, src, p.message, now_); });
  }

  void membership(FuzzInput& in) {
    Ipv6Address g = pick_or_raw(in, P().groups);
    g.bytes[0] = 0xff;  // MLD reports multicast groups only
    std::vector<Membership> members;
    std::set<uint32_t> seen;
    for (uint32_t i = in.range(0, 3); i > 0; --i) {
      Membership m;
      m.ifindex = in.range(1, kMaxIfindex);
      m.exclude = in.flag();
      std::set<Ipv6Address> sources;
      for (uint32_t j = in.range(0, 3); j > 0; --j) sources.insert(in.pick(P().sources));
      m.sources.assign(sources.begin(), sources.end());
      if (!m.exclude && m.sources.empty()) continue;  // INCLUDE {} is no listener (MLD)
      if (!seen.insert(m.ifindex).second) continue;   // MLD: one filter per interface
      members.push_back(std::move(m));
    }
    if (in.flag()) std::reverse(members.begin(), members.end());
    op([&] {
      if (members.empty())
        members_.erase(g);
      else
        members_[g] = members;
      pim_.set_membership(g, members, now_);
    });
  }

  // The change is made on copies and applied inside the operation: the snapshot taken
  // before it must hold the old configuration.
  void reconfigure(FuzzInput& in, uint32_t ifindex) {
    std::map<uint32_t, InterfaceConfig> configs = configs_;
    GlobalConfig global = global_;
    const uint8_t sel = in.u8();
    auto it = ifindex < kMaxIfindex ? configs.find(ifindex) : configs.end();
    InterfaceConfig* c = it != configs.end() ? &it->second : nullptr;
    switch (sel % 8) {
      case 0:
        if (ifindex < kMaxIfindex) configs[ifindex] = fuzz_interface(in, ifindex);
        break;
      case 1: configs.erase(ifindex); break;
      case 2:
        if (c) c->pim_enabled = !c->pim_enabled;
        break;
      case 3:
        if (c) {
          c->hello_period = fuzz_period(in, 30);
          c->join_prune_period = fuzz_period(in, 60);
          c->dr_priority = one_of<uint32_t>(in, {0, 1, 2, 100, 0xffffffff, in.u32()});
          c->hello_holdtime_s.reset();
          if (in.u8() >= 0xc0) c->hello_holdtime_s = static_cast<uint16_t>(in.range(1, 0xffff));
        }
        break;
      case 4:
        if (c) {
          c->ignore_dr_state = in.flag();
          c->ignore_assert_state = in.flag();
        }
        break;
      case 5:
        if (c) {
          c->link_local = our_link_local(in.range(1, 12));
          if (in.flag()) {
            c->addresses.clear();
            if (in.flag()) c->addresses.push_back({our_global(ifindex), 64});
            if (in.flag()) c->addresses.push_back(in.pick(P().extra_addresses));
          }
        }
        break;
      case 6: global = fuzz_global(in); break;
      default: {
        const uint8_t what = in.u8();
        if (what & 1) global.embedded_rp = !global.embedded_rp;
        if (what & 2) global.spt_switch_infinity = !global.spt_switch_infinity;
        if ((what & 4) && !global.static_rps.empty()) global.static_rps.pop_back();
        if ((what & 8) && global.static_rps.size() < 4)
          global.static_rps.push_back({in.pick(P().rps), in.pick(P().group_ranges)});
        if ((what & 16) && !global.routes.empty()) global.routes.erase(global.routes.begin());
        if ((what & 32) && global.routes.size() < 4) global.routes.push_back(fuzz_route(in));
      }
    }
    const bool reversed = in.flag();
    op([&] {
      for (auto i = configs_.begin(); i != configs_.end();) {
        const uint32_t gone = i->first;
        ++i;
        if (configs.count(gone) == 0) remove_interface(gone);
      }
      for (const auto& [i, cfg] : configs) add_interface(cfg);
      global_ = global;
      configure(reversed);
    });
  }

  void advance(FuzzInput& in) {
    Duration d{};
    switch (in.u8() % 5) {
      case 0: d = milliseconds(in.u8()); break;
      case 1: d = milliseconds(100 * in.u8()); break;
      case 2: d = seconds(in.u8()); break;
      case 3: d = std::chrono::minutes(in.range(1, 5)); break;
      default: {  // exactly to the next deadline
        const TimePoint nd = pim_.next_deadline();
        d = nd == kNever || nd <= now_ ? Duration{} : nd - now_;
        if (d > hours(24)) d = hours(24);
      }
    }
    advance_to(now_ + d);
  }

  // The daemon's loop: every timer at its own deadline, in order, up to `t`. Once the
  // input's budget of timer runs is spent, time stops (no timer may be skipped).
  void advance_to(TimePoint t) {
    for (;;) {
      const TimePoint nd = pim_.next_deadline();
      if (nd > t) break;
      if (timer_runs_ >= kMaxTimerRuns) return;
      ++timer_runs_;
      now_ = std::max(now_, nd);
      op([&] { pim_.on_timer(now_); }, OpKind::timer);
    }
    now_ = std::max(now_, t);
  }

  // ---- checks ----

  void after_op(const Snapshot& before, OpKind kind) {
    Actions a = pim_.take_actions();
    FUZZ_CHECK(!pim_.has_output(), "take_actions drains everything");
    std::set<Ipv6Address> changed;
    for (const auto& g : a.changed_groups)
      FUZZ_CHECK(changed.insert(g).second, "changed_groups lists a group once");

    const auto neighbors = pim_.neighbors(now_);
    std::map<uint32_t, std::set<Ipv6Address>> nbrs;
    for (const auto& n : neighbors) nbrs[n.ifindex].insert(n.address);

    std::set<uint32_t> goodbyes;
    for (const auto& m : a.messages) {
      check_message(m, before, nbrs, kind);
      if (m.message.type == wire::PimType::hello && m.message.hello.holdtime_s == 0)
        goodbyes.insert(m.ifindex);
    }
    if (kind == OpKind::shutdown)
      FUZZ_CHECK(goodbyes == before.running, "shutdown says goodbye where PIM ran");
    else
      check_hello_lifecycle(before, a.messages, goodbyes);

    const TimePoint nd = pim_.next_deadline();
    if (kind == OpKind::timer)
      FUZZ_CHECK(nd > now_, "after on_timer(now) nothing is due at now (no busy loop)");
    else
      FUZZ_CHECK(nd >= now_, "no deadline in the past");

    check_transitions(before, upstream_state(), a.messages, nbrs, kind);
    check_state(neighbors);
  }

  // §4.3.1: a goodbye (holdtime 0) where PIM stops or restarts under a new address, and
  // only there; a Hello before anything else where it (re)starts.
  void check_hello_lifecycle(const Snapshot& before, const std::vector<MessageOut>& messages,
                             const std::set<uint32_t>& goodbyes) {
    for (const auto& [i, cfg] : configs_) {
      const bool was = before.running.count(i) != 0, is = running(i);
      const bool renumbered = was && is && before.configs.at(i).link_local != cfg.link_local;
      if (!is) continue;
      if (renumbered) FUZZ_CHECK(goodbyes.count(i) != 0, "a renumbered interface says goodbye");
      if (was && !renumbered) {
        FUZZ_CHECK(goodbyes.count(i) == 0, "no goodbye where PIM keeps running");
        continue;
      }
      // (Re)started: after the goodbye, if any, the first message is a Hello.
      bool seen_goodbye = goodbyes.count(i) == 0, hello_first = false;
      for (const auto& m : messages) {
        if (m.ifindex != i) continue;
        const bool hello = m.message.type == wire::PimType::hello;
        if (!seen_goodbye) {
          seen_goodbye = hello && m.message.hello.holdtime_s == 0;
          continue;
        }
        hello_first = hello && m.message.hello.holdtime_s != 0;
        break;
      }
      FUZZ_CHECK(hello_first, "PIM starting on an interface sends a Hello before anything else");
    }
    for (uint32_t i : before.running)
      if (!running(i)) FUZZ_CHECK(goodbyes.count(i) != 0, "PIM stopping says goodbye");
  }

  UpstreamMap upstream_state() const {
    UpstreamMap out;
    for (const auto& r : pim_.routes(now_)) {
      UpstreamView u;
      u.joined = r.joined;
      u.neighbor = r.rpf_prime_neighbor.value_or(Ipv6Address{});
      const Ipv6Address target = r.source ? *r.source : r.rp.value_or(Ipv6Address{});
      if (auto route = pim_.rpf_table().lookup(target)) u.ifindex = route->ifindex;
      u.rpt_pruned = r.rpt_pruned;
      out[EntryKey{r.source.value_or(Ipv6Address{}), r.group}] = u;
    }
    return out;
  }

  // Whether `messages` hold a Join (or Prune) of `key` to `neighbor` on `ifindex`: the
  // (*,G) entry (W+R), an (S,G) one, or with `rpt` an (S,G,rpt) one.
  static bool sent(const std::vector<MessageOut>& messages, uint32_t ifindex,
                   const Ipv6Address& neighbor, const EntryKey& key, bool join, bool rpt) {
    for (const auto& m : messages) {
      if (m.message.type != wire::PimType::join_prune || m.ifindex != ifindex ||
          m.message.join_prune.upstream_neighbor != neighbor)
        continue;
      for (const auto& gs : m.message.join_prune.groups) {
        if (gs.group != key.group) continue;
        for (const auto& e : join ? gs.joins : gs.prunes) {
          if (key.is_star() && e.wildcard && e.rpt) return true;
          if (!key.is_star() && !e.wildcard && e.source == key.source && e.rpt == rpt) return true;
        }
      }
    }
    return false;
  }

  // The upstream state machines (§4.5.6, §4.5.7, §4.5.9) say what they change: an entry
  // that stops being joined toward RPF' (or moves to another one) prunes the old one where
  // PIM still runs, a newly joined one sends its Join, and an (S,G,rpt) prune that comes or
  // goes while (*,G) stays joined goes to RPF'(*,G).
  void check_transitions(const Snapshot& before, const UpstreamMap& after,
                         const std::vector<MessageOut>& messages,
                         const std::map<uint32_t, std::set<Ipv6Address>>& nbrs, OpKind kind) {
    const auto find = [](const UpstreamMap& m, const EntryKey& k) {
      auto it = m.find(k);
      return it == m.end() ? UpstreamView{} : it->second;
    };
    for (const auto& [k, b] : before.upstream) {
      if (!b.joined || b.same_upstream(find(after, k))) continue;
      const bool can_send =
          kind == OpKind::shutdown ? before.running.count(b.ifindex) != 0 : running(b.ifindex);
      if (can_send)
        FUZZ_CHECK(sent(messages, b.ifindex, b.neighbor, k, false, false),
                   "an entry no longer joined toward RPF' sends it a Prune");
    }
    for (const auto& [k, u] : after) {
      if (u.joined) {
        auto it = nbrs.find(u.ifindex);
        FUZZ_CHECK(it != nbrs.end() && it->second.count(u.neighbor) != 0,
                   "a joined entry's RPF' is a neighbor on its RPF interface");
        if (!u.same_upstream(find(before.upstream, k)))
          FUZZ_CHECK(sent(messages, u.ifindex, u.neighbor, k, true, false),
                     "a newly joined entry sends its Join to RPF'");
      }
    }
    std::set<EntryKey> sg;  // (S,G) entries before or after (one may have been erased)
    for (const auto* m : {&before.upstream, &after})
      for (const auto& [k, u] : *m)
        if (!k.is_star()) sg.insert(k);
    for (const auto& k : sg) {
      const UpstreamView star = find(after, {Ipv6Address{}, k.group});
      if (!star.joined) continue;
      const bool star_kept = star.same_upstream(find(before.upstream, {Ipv6Address{}, k.group}));
      const bool was = find(before.upstream, k).rpt_pruned;
      const bool is = find(after, k).rpt_pruned;
      if (is && !(was && star_kept))
        FUZZ_CHECK(sent(messages, star.ifindex, star.neighbor, k, false, true),
                   "a new (S,G,rpt) prune goes to RPF'(*,G)");
      if (!is && was && star_kept)
        FUZZ_CHECK(sent(messages, star.ifindex, star.neighbor, k, true, true),
                   "an (S,G,rpt) prune that ends is overridden with Join(S,G,rpt)");
    }
  }

  void check_message(const MessageOut& m, const Snapshot& before,
                     const std::map<uint32_t, std::set<Ipv6Address>>& nbrs, OpKind kind) {
    const wire::PimMessage& msg = m.message;
    const bool goodbye = msg.type == wire::PimType::hello && msg.hello.holdtime_s == 0;
    const InterfaceConfig* cfg = nullptr;
    if (goodbye || kind == OpKind::shutdown) {
      // Sent as PIM stops: it ran there before the operation (the interface may be gone).
      FUZZ_CHECK(before.running.count(m.ifindex) != 0,
                 "goodbye or shutdown message on an interface where PIM ran");
      cfg = &before.configs.at(m.ifindex);
    } else {
      FUZZ_CHECK(configs_.count(m.ifindex) != 0, "message on an existing interface");
      FUZZ_CHECK(running(m.ifindex), "message on an interface where PIM runs (enabled and up)");
      cfg = &configs_.at(m.ifindex);
    }

    // What the daemon does with it: build the frame from the interface's link-local.
    const std::vector<uint8_t> frame =
        wire::build_pim_message_frame(MacAddress{{2, 0, 0, 0, 0, 1}}, cfg->link_local, msg);
    const wire::Frame f = wire::parse_frame(frame);
    const wire::PacketKind want = msg.type == wire::PimType::hello ? wire::PacketKind::pim_hello
                                  : msg.type == wire::PimType::join_prune
                                      ? wire::PacketKind::pim_join_prune
                                      : wire::PacketKind::pim_assert;
    FUZZ_CHECK(f.kind == want, "the engine's message builds into a valid PIM frame");
    wire::PimMessage back = f.pim;
    back.checksum = msg.checksum;
    FUZZ_CHECK(back == msg, "the engine's message parses back equal");
    FUZZ_CHECK(f.src == cfg->link_local && f.dst == wire::addr::all_pim_routers(),
               "from our link-local to ff02::d");

    switch (msg.type) {
      case wire::PimType::hello: return check_hello(m, *cfg, goodbye);
      case wire::PimType::join_prune: return check_join_prune(m, *cfg, before, nbrs, kind);
      case wire::PimType::assert_: return check_assert(msg.assert_message, kind);
      default: FUZZ_CHECK(false, "the engine sends only Hello, Join/Prune and Assert");
    }
  }

  void check_hello(const MessageOut& m, const InterfaceConfig& cfg, bool goodbye) {
    const wire::PimHello& h = m.message.hello;
    FUZZ_CHECK(h.holdtime_s.has_value(), "our Hellos carry a holdtime");
    FUZZ_CHECK(goodbye || *h.holdtime_s == cfg.hello_holdtime(),
               "Hello holdtime is the interface's (3.5 x period or configured)");
    FUZZ_CHECK(h.dr_priority == cfg.dr_priority, "Hello carries the interface's DR priority");
    FUZZ_CHECK(h.generation_id.has_value(), "Hello carries a GenID");
    std::vector<Ipv6Address> addrs;
    for (const auto& p : cfg.addresses) addrs.push_back(p.address);
    FUZZ_CHECK(h.address_list == addrs, "Hello Address List = the interface's addresses");
    if (!goodbye) {
      for (const auto& s : pim_.interfaces(now_))
        if (s.ifindex == m.ifindex)
          FUZZ_CHECK(s.generation_id == *h.generation_id, "Hello carries the current GenID");
    }
  }

  void check_join_prune(const MessageOut& m, const InterfaceConfig& cfg, const Snapshot& before,
                        const std::map<uint32_t, std::set<Ipv6Address>>& nbrs, OpKind kind) {
    const wire::PimJoinPrune& jp = m.message.join_prune;
    const auto known = [&](const std::map<uint32_t, std::set<Ipv6Address>>& table) {
      auto it = table.find(m.ifindex);
      return it != table.end() && it->second.count(jp.upstream_neighbor) != 0;
    };
    FUZZ_CHECK(known(nbrs) || known(before.neighbors),
               "J/P names a neighbor of the interface by its primary address (4.9.5)");
    const int64_t hold = std::min<int64_t>(cfg.join_prune_period.count() * 7 / 2, 0xfffe);
    FUZZ_CHECK(jp.holdtime_s == hold, "J/P holdtime is 3.5 x the interface's J/P period");
    FUZZ_CHECK(!jp.groups.empty(), "J/P carries a group");
    for (const auto& gs : jp.groups) {
      FUZZ_CHECK(gs.group.is_multicast() && gs.mask_len == 128, "J/P group is one group");
      FUZZ_CHECK(!gs.joins.empty() || !gs.prunes.empty(), "J/P group set is not empty");
      if (kind == OpKind::shutdown) FUZZ_CHECK(gs.joins.empty(), "shutdown only prunes");
      const auto rp_now = rp_of(global_, gs.group);
      const auto rp_before = rp_of(before.global, gs.group);
      const auto check_entry = [&](const wire::PimSourceEntry& e, bool join) {
        FUZZ_CHECK(e.sparse && e.mask_len == 128, "source entries: S bit, /128");
        if (e.wildcard) {
          FUZZ_CHECK(e.rpt, "(*,G) entries have the W and the R bit (4.9.5.1)");
          FUZZ_CHECK(!is_ssm_group(gs.group), "no (*,G) join or prune for SSM groups");
          const bool names_rp = rp_now == e.source || (!join && rp_before == e.source);
          FUZZ_CHECK(names_rp, "(*,G) entry names the RP of the group");
        } else {
          FUZZ_CHECK(!e.source.is_multicast() && !e.source.is_unspecified(),
                     "(S,G) entries name a unicast source");
        }
      };
      for (const auto& e : gs.joins) check_entry(e, true);
      for (const auto& e : gs.prunes) check_entry(e, false);
      for (const auto& e : gs.joins)
        FUZZ_CHECK(std::find(gs.prunes.begin(), gs.prunes.end(), e) == gs.prunes.end(),
                   "no entry is both joined and pruned in one message");
    }
  }

  void check_assert(const wire::PimAssert& a, OpKind kind) {
    FUZZ_CHECK(kind != OpKind::shutdown, "no Assert at shutdown");
    FUZZ_CHECK(a.group.is_multicast() && a.group_mask_len == 128, "Assert for one group");
    FUZZ_CHECK(a.rpt == a.source.is_unspecified(), "RPT bit exactly on (*,G) Asserts");
    FUZZ_CHECK(a.metric_preference <= wire::kPimAssertInfinitePreference, "31-bit preference");
  }

  bool wants(const Ipv6Address& group, const Ipv6Address& source) const {
    // A local receiver on an existing interface that wants (*,G) (source ::) or (S,G).
    auto it = members_.find(group);
    if (it == members_.end()) return false;
    for (const auto& m : it->second) {
      if (configs_.count(m.ifindex) == 0) continue;
      const bool listed = std::binary_search(m.sources.begin(), m.sources.end(), source);
      if (source.is_unspecified() ? m.exclude : (m.exclude ? !listed : listed)) return true;
    }
    return false;
  }

  void check_rpf(const EntryKey& key) const {
    if (auto i = pim_.rpf_interface(key))
      FUZZ_CHECK(running(*i), "rpf_interface names an existing interface where PIM runs");
    for (const auto& [i, c] : configs_)
      if (c.ignore_assert_state)
        FUZZ_CHECK(!pim_.excluded_by_assert(key, i),
                   "ignore assert-state: a lost Assert never excludes the interface");
  }

  void check_state(const std::vector<NeighborStatus>& neighbors) {
    for (const auto& n : neighbors) {
      FUZZ_CHECK(running(n.ifindex), "neighbors only where PIM runs");
      FUZZ_CHECK(n.expires.has_value() == (n.holdtime_s != 0xffff),
                 "a neighbor times out unless its holdtime is 0xffff");
      if (n.expires)
        FUZZ_CHECK(*n.expires > Duration{} && *n.expires <= seconds(n.holdtime_s),
                   "neighbor liveness timer within its holdtime");
    }

    size_t neighbor_sum = 0;
    std::set<uint32_t> listed;
    for (const auto& s : pim_.interfaces(now_)) {
      listed.insert(s.ifindex);
      auto it = configs_.find(s.ifindex);
      FUZZ_CHECK(it != configs_.end() && it->second.pim_enabled,
                 "interfaces() lists the configured PIM interfaces");
      FUZZ_CHECK(s.up == running(s.ifindex), "interface status: PIM runs iff enabled and up");
      FUZZ_CHECK(s.forwarding == forwarding_.at(s.ifindex), "forwarding gate as set");
      FUZZ_CHECK(s.is_dr == pim_.is_dr(s.ifindex), "is_dr agrees with the display");
      FUZZ_CHECK(s.hello_holdtime_s == it->second.hello_holdtime(), "hello holdtime shown");
      if (s.up)
        FUZZ_CHECK(s.next_hello > Duration{} && s.next_hello <= Duration(it->second.hello_period),
                   "a running interface has its next Hello within the period");
      neighbor_sum += s.neighbor_count;
    }
    for (const auto& [i, c] : configs_)
      if (c.pim_enabled) FUZZ_CHECK(listed.count(i) != 0, "every PIM interface is listed");
    FUZZ_CHECK(neighbor_sum == neighbors.size(), "interface neighbor counts add up");

    const auto routes = pim_.routes(now_);
    const Totals t = pim_.totals();
    uint64_t star = 0, sg = 0, rpt = 0;
    const auto groups = pim_.groups();
    for (const auto& r : routes) {
      const EntryKey key{r.source.value_or(Ipv6Address{}), r.group};
      const auto has_flag = [&](const char* f) {
        return std::find(r.flags.begin(), r.flags.end(), f) != r.flags.end();
      };
      if (!r.source) ++star;
      if (r.source && (has_flag("SPT") || has_flag("SWT"))) ++sg;
      if (r.rpt_pruned) ++rpt;
      FUZZ_CHECK(std::binary_search(groups.begin(), groups.end(), r.group),
                 "groups() holds every route's group");
      FUZZ_CHECK(r.upstream_ifindex == 0 || running(r.upstream_ifindex),
                 "a route's upstream interface runs PIM");
      FUZZ_CHECK(r.joined == r.join_timer.has_value(), "joined exactly while the Join Timer runs");
      if (shut_) FUZZ_CHECK(!r.joined, "shutdown leaves nothing joined");
      if (r.joined) {
        FUZZ_CHECK(r.rpf_prime_neighbor.has_value(), "a joined entry has an RPF neighbor");
        FUZZ_CHECK(wants(r.group, key.source), "joined only for a local receiver that wants it");
      }
      if (!r.source) {
        if (r.joined) {
          FUZZ_CHECK(r.rp.has_value() && !is_ssm_group(r.group), "joined (*,G) has an RP");
          FUZZ_CHECK(pim_.rpf_interface(key).has_value(),
                     "joined (*,G): its RPF interface runs PIM");
        }
      } else if (!shut_) {  // shutdown clears the timers and leaves the entries to die
        const auto spt = pim_.spt_sources(r.group);
        FUZZ_CHECK(
            (std::find(spt.begin(), spt.end(), *r.source) != spt.end()) == r.keepalive.has_value(),
            "spt_sources lists exactly the entries with a Keepalive Timer");
      }
      for (const auto& d : r.downstream) {
        FUZZ_CHECK(shut_ || d.assert_state == AssertState::no_info || d.assert_expires.has_value(),
                   "an Assert state has its timer");
        FUZZ_CHECK(d.excluded == pim_.excluded_by_assert(key, d.ifindex), "excluded as queried");
      }
      check_rpf(key);
    }
    if (shut_) FUZZ_CHECK(neighbors.empty() && t.neighbors == 0, "no neighbor after shutdown");
    FUZZ_CHECK(t.neighbors == neighbors.size(), "totals: neighbors");
    FUZZ_CHECK(t.star_g == star, "totals: (*,G) = routes without source");
    FUZZ_CHECK(t.s_g == sg, "totals: (S,G) = SPT/SWT routes");
    FUZZ_CHECK(t.s_g_rpt == rpt, "totals: (S,G,rpt) = RPT-pruned routes");

    for (const auto& g : P().groups) {
      check_rpf({Ipv6Address{}, g});
      for (const auto& s : P().sources) check_rpf({s, g});
      if (pim_.notify_sources(g)) {
        FUZZ_CHECK(!global_.spt_switch_infinity && !is_ssm_group(g), "notify only to switch");
        bool joined = false;
        for (const auto& r : routes) joined = joined || (!r.source && r.group == g && r.joined);
        FUZZ_CHECK(joined, "notify_sources only for a joined (*,G)");
      }
    }

    size_t statics = 0;
    for (const auto& r : pim_.rp_info()) statics += r.source == RpSource::static_rp;
    FUZZ_CHECK(statics == global_.static_rps.size(), "rp_info lists every static RP");
  }

  PimRouter pim_;
  TimePoint now_{};
  GlobalConfig global_;
  std::map<uint32_t, InterfaceConfig> configs_;
  std::map<uint32_t, bool> up_, forwarding_;
  std::map<Ipv6Address, std::vector<Membership>> members_;
  int timer_runs_ = 0;
  bool shut_ = false;
};

}  // namespace
}  // namespace tandem::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  tandem::fuzz::FuzzInput in(data, size);
  tandem::fuzz::Harness h(in.u8());
  h.run(in);
  return 0;
}
