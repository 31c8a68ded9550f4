// Simulated-time harness for BFD tests: one Manager seen from the wire, and a back-to-back
// link of two Managers with a fixed one-way latency.
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "control/bfd/manager.h"
#include "control/common/time.h"

namespace tandem::bfd::testing {

inline wire::Ipv6Address A(const char* s) {
  return wire::Ipv6Address::must_parse(s);
}

inline SessionConfig make_session(uint32_t local_disc = 10,
                                  std::optional<uint32_t> remote_disc = std::nullopt,
                                  const char* local = "2001:db8:20::1",
                                  const char* peer = "2001:db8:20::2") {
  SessionConfig c;
  c.name = "s" + std::to_string(local_disc);
  c.ifindex = 1;
  c.ifname = "ge0";
  c.local = A(local);
  c.peer = A(peer);
  c.local_discriminator = local_disc;
  c.remote_discriminator = remote_disc;
  return c;
}

// A packet from the peer (disc 20) to us (disc 10 unless told otherwise).
inline wire::BfdControl peer_packet(BfdState state, uint32_t your_disc = 10,
                                    uint32_t desired_tx_us = 10000, uint32_t required_rx_us = 10000,
                                    bool poll = false, bool final_bit = false,
                                    uint32_t my_disc = 20) {
  wire::BfdControl c;
  c.state = state;
  c.my_disc = my_disc;
  c.your_disc = your_disc;
  c.desired_min_tx_us = desired_tx_us;
  c.required_min_rx_us = required_rx_us;
  c.detect_mult = 3;
  c.poll = poll;
  c.final = final_bit;
  return c;
}

struct Harness {
  std::vector<std::string> logs;
  Manager mgr{7, [this](LogLevel, std::string_view sub, std::string_view line) {
                logs.push_back(std::string(sub) + ": " + std::string(line));
              }};
  TimePoint now{};
  std::vector<TxPacket> sent;
  std::vector<TimePoint> sent_at;
  std::vector<StateChange> changes;

  void collect() {
    Actions a = mgr.take_actions();
    for (auto& p : a.packets) {
      sent.push_back(p);
      sent_at.push_back(now);
    }
    changes.insert(changes.end(), a.state_changes.begin(), a.state_changes.end());
  }
  void clear() {
    sent.clear();
    sent_at.clear();
    changes.clear();
  }
  std::string add(SessionConfig c) {
    std::string e = mgr.add_session(std::move(c), now);
    collect();
    return e;
  }
  void advance_to(TimePoint t) {
    while (mgr.next_deadline() <= t) {
      now = mgr.next_deadline();
      mgr.on_timer(now);
      collect();
    }
    now = t;
  }
  void advance(Duration d) { advance_to(now + d); }
  bool rx(const wire::BfdControl& c, const char* src = "2001:db8:20::2",
          const char* dst = "2001:db8:20::1", uint32_t ifindex = 1) {
    bool ok = mgr.on_packet(ifindex, A(src), A(dst), c, now);
    collect();
    return ok;
  }
  Session& session(uint32_t disc = 10) { return *mgr.find(disc); }
  BfdState state(uint32_t disc = 10) { return session(disc).state(); }
  // Brings session 10 Up against a peer at 10 ms and completes the Poll Sequence.
  void bring_up() {
    rx(peer_packet(BfdState::init, 0, 1'000'000));
    ASSERT_EQ(state(), BfdState::up);
    rx(peer_packet(BfdState::up, 10, 10000, 10000, false, /*final=*/true));
    ASSERT_FALSE(session().status().poll_in_progress);
  }
};

// Two managers wired back to back: every packet one sends arrives at the other after
// `latency`, unless that side has been killed (it then neither sends nor receives).
struct BackToBack {
  struct Node {
    Manager mgr;
    bool alive = true;
    std::vector<StateChange> changes;
    std::vector<std::pair<TimePoint, TxPacket>> sent;
    TimePoint last_rx{};
    explicit Node(uint64_t seed) : mgr(seed) {}
  };
  Node a{11}, b{22};
  TimePoint now{};
  Duration latency = std::chrono::microseconds(50);
  std::multimap<TimePoint, std::pair<int, TxPacket>> in_flight;

  Node& node(int i) { return i == 0 ? a : b; }
  void collect(int i) {
    Node& n = node(i);
    Actions acts = n.mgr.take_actions();
    n.changes.insert(n.changes.end(), acts.state_changes.begin(), acts.state_changes.end());
    for (auto& p : acts.packets) {
      n.sent.push_back({now, p});
      if (n.alive) in_flight.emplace(now + latency, std::make_pair(1 - i, p));
    }
  }
  TimePoint next_event() {
    TimePoint t = kNever;
    if (a.alive) t = std::min(t, a.mgr.next_deadline());
    if (b.alive) t = std::min(t, b.mgr.next_deadline());
    if (!in_flight.empty()) t = std::min(t, in_flight.begin()->first);
    return t;
  }
  void run_until(TimePoint t) {
    for (TimePoint next = next_event(); next <= t; next = next_event()) {
      now = next;
      while (!in_flight.empty() && in_flight.begin()->first <= now) {
        auto [to, p] = in_flight.begin()->second;
        in_flight.erase(in_flight.begin());
        Node& n = node(to);
        if (!n.alive) continue;
        n.mgr.on_packet(p.ifindex, p.src, p.dst, p.control, now);
        n.last_rx = now;
        collect(to);
      }
      for (int i = 0; i < 2; ++i) {
        if (node(i).alive && node(i).mgr.next_deadline() <= now) {
          node(i).mgr.on_timer(now);
          collect(i);
        }
      }
    }
    now = t;
  }
};

}  // namespace tandem::bfd::testing
