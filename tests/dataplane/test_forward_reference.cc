// Every forwarding path of the worker against forward_reference() (dataplane/
// forward_reference.h), frame by frame, on seeded random traffic (random_traffic.h) through
// ring ports (ring_worker.h). Per burst: each port sent exactly the frames the reference
// sends there, byte for byte and in arrival order; the punt queue holds exactly the frames
// (as received) and classes the reference punts; every counter of every port equals the
// reference's sum; no mbuf was leaked or freed twice. A burst of one frame pins that frame's
// drop reason through the counters; longer bursts pin the multiset of reasons.
//
// Environment: TANDEM_REFPATH_SEED (default 22) and TANDEM_REFPATH_BURSTS (default 20000)
// replay or extend a run; a failure prints the seed, the burst and every frame's verdict.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <sstream>

#include "control/wire/drop_reason.h"
#include "dataplane/forward_reference.h"
#include "tests/dataplane/random_traffic.h"
#include "tests/dataplane/ring_worker.h"

namespace tandem::dataplane::test {
namespace {

using wire::DropReason;

constexpr PortIndex kPorts = 6;
// A new random FIB, switches and clone threshold this often.
constexpr unsigned kBurstsPerState = 25;

uint64_t env_or(const char* name, uint64_t fallback) {
  const char* v = std::getenv(name);
  return v == nullptr ? fallback : std::strtoull(v, nullptr, 0);
}

// Installs `st` in the worker's FIB and configuration; the reference reads `st` itself.
void install(RingWorker& rw, const ForwardingState& st) {
  Fib& fib = rw.fib();
  fib.clear();
  for (const auto& [key, route] : st.fib.entries) {
    ASSERT_TRUE(fib.upsert(key.first, key.second, route))
        << key.first.to_string() << ", " << key.second.to_string();
  }
  for (PortIndex p = 0; p < st.fib.n_ports; ++p) {
    fib.set_gate(p, (st.fib.gates & port_bit(p)) != 0);
    fib.set_upstream(p, (st.fib.upstream & port_bit(p)) != 0);
    fib.set_rpf_notify(p, (st.fib.rpf_notify & port_bit(p)) != 0);
    fib.set_src_mac(p, st.src_mac[p]);
  }
  rw.conf().clone_threshold = st.fib.clone_threshold;
}

std::string describe(const ReferenceVerdict& v) {
  std::ostringstream o;
  switch (v.fate) {
    case Fate::dropped: o << "dropped " << wire::drop_reason_name(v.reason); break;
    case Fate::punted:
      o << "punted " << punt_class_name(v.punt_class);
      if (v.reason != DropReason::none) o << " after " << wire::drop_reason_name(v.reason);
      break;
    case Fate::forwarded:
      o << "forwarded to ports 0x" << std::hex << v.egress << std::dec;
      if (v.clones != 0) o << " (clones 0x" << std::hex << v.clones << std::dec << ")";
      if (v.data_copy) o << " + data copy punted";
      break;
  }
  return o.str();
}

// Which frame of the burst `bytes` is, as the reference forwards it on port p or as it was
// received (punts); -1 for none.
int frame_index(const std::vector<Bytes>& candidates, const Bytes& bytes) {
  auto it = std::find(candidates.begin(), candidates.end(), bytes);
  return it == candidates.end() ? -1 : static_cast<int>(it - candidates.begin());
}

void compare_sent(const TrafficBurst& b, const std::vector<ReferenceVerdict>& want,
                  const ForwardingState& st, const BurstOutput& got, std::ostringstream& diff) {
  for (PortIndex p = 0; p < kPorts; ++p) {
    std::vector<Bytes> on_port(b.frames.size());  // what each frame becomes on port p
    std::vector<Bytes> expected;
    for (size_t i = 0; i < want.size(); ++i) {
      if (want[i].packet.empty()) continue;
      on_port[i] = egress_frame(want[i], st.src_mac[p]);
      if ((want[i].egress & port_bit(p)) != 0) expected.push_back(on_port[i]);
    }
    if (got.sent[p] == expected) continue;
    diff << "port " << p << ": expected frames";
    for (const Bytes& e : expected) diff << " #" << frame_index(on_port, e);
    diff << "; sent";
    for (const Bytes& s : got.sent[p]) {
      const int i = frame_index(on_port, s);
      if (i >= 0) {
        diff << " #" << i;
        continue;
      }
      // Not a frame the reference sends: find the received frame it came from by its
      // addresses and payload (each frame's payload is unique).
      const auto from = std::find_if(b.frames.begin(), b.frames.end(), [&](const RxFrame& r) {
        return s.size() > 22 && std::search(r.bytes.begin(), r.bytes.end(), s.begin() + 22,
                                            s.end()) != r.bytes.end();
      });
      if (from == b.frames.end()) {
        diff << " (" << s.size() << " bytes unlike any frame of the burst)";
      } else {
        diff << " #" << (from - b.frames.begin()) << "(wrongly)";
      }
    }
    diff << "\n";
  }
}

void compare_punts(const TrafficBurst& b, const std::vector<ReferenceVerdict>& want,
                   const BurstOutput& got, std::ostringstream& diff) {
  // Punts of one burst may leave in another order than the frames came (classification's
  // punts before RPF's), so they are compared as a multiset of (class, frame).
  std::multimap<std::pair<PuntClass, Bytes>, size_t> expected;
  for (size_t i = 0; i < want.size(); ++i) {
    if (want[i].fate == Fate::punted)
      expected.emplace(std::pair{want[i].punt_class, b.frames[i].bytes}, i);
    if (want[i].data_copy) expected.emplace(std::pair{PuntClass::data, b.frames[i].bytes}, i);
  }
  std::vector<Bytes> received;
  for (const RxFrame& f : b.frames) received.push_back(f.bytes);
  for (const auto& [cls, bytes] : got.punted) {
    auto it = expected.find({cls, bytes});
    if (it != expected.end()) {
      expected.erase(it);
      continue;
    }
    diff << "punted " << punt_class_name(cls) << " frame #" << frame_index(received, bytes)
         << " that the reference does not punt as that\n";
  }
  for (const auto& [key, i] : expected) {
    diff << "frame #" << i << " not punted as " << punt_class_name(key.first) << "\n";
  }
}

void compare_field(const char* name, PortIndex p, uint64_t want, uint64_t got,
                   std::ostringstream& diff) {
  if (want != got)
    diff << "port " << p << " " << name << ": want " << want << ", got " << got << "\n";
}

void compare_counters(const std::vector<PortCounters>& want, const LcoreCounters& got,
                      std::ostringstream& diff) {
  for (PortIndex p = 0; p < kPorts; ++p) {
    const PortCounters& w = want[p];
    const PortCounters& g = got.port[p];
    compare_field("rx", p, w.rx, g.rx, diff);
    compare_field("tx", p, w.tx, g.tx, diff);
    compare_field("forwarded", p, w.forwarded, g.forwarded, diff);
    compare_field("copies", p, w.copies, g.copies, diff);
    compare_field("clones", p, w.clones, g.clones, diff);
    compare_field("punted", p, w.punted, g.punted, diff);
    for (size_t k = 0; k < kPuntClassCount; ++k) {
      const std::string cls = punt_class_name(static_cast<PuntClass>(k));
      compare_field(("punted " + cls).c_str(), p, w.punted_by_class[k], g.punted_by_class[k], diff);
      compare_field(("policed " + cls).c_str(), p, w.policed_by_class[k], g.policed_by_class[k],
                    diff);
    }
    for (size_t r = 0; r < wire::kDropReasonCount; ++r) {
      const std::string name(wire::drop_reason_name(static_cast<DropReason>(r)));
      compare_field(("drop " + name).c_str(), p, w.drops[r], g.drops[r], diff);
    }
  }
}

// How often each outcome and each of the worker's paths came up: a run that never reached
// one of them would check nothing there, so the test requires each (see kRequired).
class Coverage {
 public:
  void add(const TrafficBurst& b, const std::vector<ReferenceVerdict>& want) {
    PortMask same_port = ~PortMask{0};
    bool all_plain_one_port = b.frames.size() == kBurst;
    for (size_t i = 0; i < want.size(); ++i) {
      const ReferenceVerdict& v = want[i];
      const Bytes& f = b.frames[i].bytes;
      if (v.fate == Fate::dropped) ++seen_["drop " + std::string(wire::drop_reason_name(v.reason))];
      if (v.fate == Fate::punted) {
        ++seen_["punt " + std::string(punt_class_name(v.punt_class))];
        if (v.reason == DropReason::rpf_fail) ++seen_["punt after rpf_fail"];
      }
      const bool plain = v.fate == Fate::forwarded && f.size() == v.packet.size() + 14;
      all_plain_one_port = all_plain_one_port && plain && std::has_single_bit(v.egress) &&
                           (same_port == ~PortMask{0} || same_port == v.egress);
      if (v.fate == Fate::forwarded) same_port = v.egress;
      if (v.fate != Fate::forwarded) continue;
      if (v.data_copy) ++seen_["forward + data copy"];
      if (!plain) ++seen_["forward tagged or padded"];
      if (std::has_single_bit(v.egress)) {
        ++seen_["forward to one port"];
      } else if (v.clones != 0) {
        ++seen_["forward as clones"];
      } else if (v.packet.size() <= kBlockCopyMaxBytes) {
        ++seen_["forward as block copies"];
      } else {
        ++seen_["forward as rte_memcpy copies"];
      }
    }
    if (all_plain_one_port) ++seen_["full burst of plain frames to one port"];
  }

  std::string missing() const {
    static const char* const kRequired[] = {"full burst of plain frames to one port",
                                            "forward to one port",
                                            "forward as block copies",
                                            "forward as rte_memcpy copies",
                                            "forward as clones",
                                            "forward tagged or padded",
                                            "forward + data copy",
                                            "punt after rpf_fail",
                                            "punt mld",
                                            "punt nd",
                                            "punt pim",
                                            "punt vrrp",
                                            "punt bfd",
                                            "drop rpf_fail",
                                            "drop hop_limit_expired",
                                            "drop no_route",
                                            "drop no_egress",
                                            "drop not_forwardable",
                                            "drop not_for_us",
                                            "drop eth_truncated",
                                            "drop not_ipv6",
                                            "drop ipv6_truncated",
                                            "drop ipv6_bad_version",
                                            "drop ipv6_bad_payload_length",
                                            "drop ipv6_multicast_source",
                                            "drop ext_header_truncated",
                                            "drop ext_chain_too_long",
                                            "drop hop_by_hop_not_first",
                                            "drop ext_option_malformed",
                                            "drop fragmented_control"};
    std::string out;
    for (const char* r : kRequired) {
      if (seen_.count(r) == 0) out += std::string(" ") + r + ";";
    }
    return out;
  }

  std::string report() const {
    std::ostringstream o;
    for (const auto& [what, n] : seen_) o << "  " << what << ": " << n << "\n";
    return o.str();
  }

 private:
  std::map<std::string, uint64_t> seen_;
};

TEST(ForwardReference, EveryPathForwardsRandomBurstsAsTheReferenceDoes) {
  const uint64_t seed = env_or("TANDEM_REFPATH_SEED", 22);
  const uint64_t bursts = env_or("TANDEM_REFPATH_BURSTS", 20000);
  std::string error;
  auto rw = RingWorker::create(kPorts, "tandem-refpath-" + std::to_string(getpid()), &error);
  ASSERT_TRUE(rw) << error;
  RandomTraffic traffic(seed, kPorts);
  ForwardingState state;
  std::vector<PortCounters> want_counters(kPorts);
  Coverage coverage;
  uint64_t frames = 0;
  for (uint64_t n = 0; n < bursts; ++n) {
    if (n % kBurstsPerState == 0) {
      state = traffic.random_state();
      ASSERT_NO_FATAL_FAILURE(install(*rw, state));
    }
    const TrafficBurst b = traffic.random_burst(state.fib);
    std::vector<ReferenceVerdict> want;
    for (const RxFrame& f : b.frames) {
      want.push_back(forward_reference(state.fib, b.in, f.bytes, want_counters));
    }
    const BurstOutput got = rw->run_burst(b.in, b.frames);
    std::ostringstream diff;
    compare_sent(b, want, state, got, diff);
    compare_punts(b, want, got, diff);
    compare_counters(want_counters, rw->counters(), diff);
    if (!rw->pools_whole()) diff << "mbufs leaked or freed twice\n";
    if (!diff.str().empty()) {
      std::ostringstream burst;
      burst << "seed " << seed << ", burst " << n << ": " << b.frames.size()
            << " frame(s) in on port " << b.in << "; upstream 0x" << std::hex << state.fib.upstream
            << ", rpf-notify 0x" << state.fib.rpf_notify << ", gates 0x" << state.fib.gates
            << std::dec << ", clone threshold " << state.fib.clone_threshold << "\n";
      for (size_t i = 0; i < b.frames.size(); ++i) {
        burst << "  #" << i << " " << b.labels[i] << ", " << b.frames[i].bytes.size()
              << " bytes at headroom " << b.frames[i].headroom << ": " << describe(want[i]) << "\n";
      }
      FAIL() << burst.str() << diff.str();
    }
    coverage.add(b, want);
    frames += b.frames.size();
  }
  std::printf("%llu bursts, %llu frames (seed %llu):\n%s", static_cast<unsigned long long>(bursts),
              static_cast<unsigned long long>(frames), static_cast<unsigned long long>(seed),
              coverage.report().c_str());
  EXPECT_EQ(coverage.missing(), "") << "outcomes the traffic never produced";
}

}  // namespace
}  // namespace tandem::dataplane::test
