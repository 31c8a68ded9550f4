#include "dataplane/worker.h"

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_memcpy.h>
#include <rte_prefetch.h>

#include <bit>
#include <cstring>

#include "control/wire/headers.h"

namespace tandem::dataplane {

namespace {

using wire::DropReason;

// ICMPv6 types punted as MLD (RFC 2710 §3, RFC 3810 §5) and ND (RFC 4861 §4.3, §4.4).
constexpr uint8_t kIcmpMldQuery = 130;
constexpr uint8_t kIcmpMldV1Report = 131;
constexpr uint8_t kIcmpMldV1Done = 132;
constexpr uint8_t kIcmpMldV2Report = 143;
constexpr uint8_t kIcmpNs = 135;
constexpr uint8_t kIcmpNa = 136;
constexpr uint16_t kBfdPort = 3784;  // RFC 5881 §4
constexpr uint32_t kIpv6HopLimitOffset = 7;
constexpr uint32_t kIpv6SrcOffset = 8;
constexpr uint32_t kIpv6DstOffset = 24;
constexpr uint32_t kEthLen = 14;

enum class Verdict : uint8_t { drop, punt, data };

struct Classified {
  Verdict verdict;
  DropReason reason;
  PuntClass cls;
};

// Control traffic, multicast data, or a drop reason. Only the first segment is examined:
// ports are set up without scattered RX and with the default MTU, so a received frame is
// always one segment (a multi-segment frame would fail the payload-length check and be
// counted, never read out of bounds).
// The forwarding fast path's usual frame: untagged IPv6, UDP right after the fixed header,
// not BFD, to a routable multicast group. Accepts exactly the frames the full walk below
// would classify as data with no extension header; anything else takes the full walk.
inline bool plain_udp_multicast(const uint8_t* f, uint32_t len, wire::HeaderWalk& w) {
  constexpr uint32_t kUdpOffset = kEthLen + wire::kIpv6HeaderLen;
  if (len < kUdpOffset + 8) return false;
  const uint8_t* ip = f + kEthLen;
  const uint32_t payload = wire::load_be16(ip + 4);
  if (wire::load_be16(f + 12) != wire::kEtherTypeIpv6 || (ip[0] >> 4) != 6 ||
      ip[6] != wire::kProtoUdp || payload < 8 || payload > len - kUdpOffset ||
      ip[kIpv6SrcOffset] == 0xff || ip[kIpv6DstOffset] != 0xff ||
      (ip[kIpv6DstOffset + 1] & 0x0f) <= 2 || wire::load_be16(f + kUdpOffset + 2) == kBfdPort) {
    return false;
  }
  w.l3_offset = kEthLen;
  w.l3_end = kUdpOffset + payload;
  return true;
}

inline Classified classify(const uint8_t* frame, uint32_t len, wire::HeaderWalk& w) {
  if (plain_udp_multicast(frame, len, w)) [[likely]] {
    return {Verdict::data, DropReason::none, PuntClass::mld};
  }
  w = wire::walk_headers(frame, len);
  if (w.drop != DropReason::none) [[unlikely]] {
    return {Verdict::drop, w.drop, PuntClass::mld};
  }
  // A later fragment carries no upper-layer header: only its destination can be judged.
  bool upper_visible = !w.fragment || w.first_fragment;
  if (upper_visible && w.upper_offset <= w.l3_end && w.upper_offset <= len) {
    const uint8_t* up = frame + w.upper_offset;
    uint32_t up_len = w.l3_end - w.upper_offset;
    int punt = -1;
    if (w.upper_protocol == wire::kProtoIcmpv6 && up_len >= 1) {
      switch (up[0]) {
        case kIcmpMldQuery:
        case kIcmpMldV1Report:
        case kIcmpMldV1Done:
        case kIcmpMldV2Report: punt = static_cast<int>(PuntClass::mld); break;
        case kIcmpNs:
        case kIcmpNa: punt = static_cast<int>(PuntClass::nd); break;
        default: break;
      }
    } else if (w.upper_protocol == wire::kProtoVrrp) {
      punt = static_cast<int>(PuntClass::vrrp);
    } else if (w.upper_protocol == wire::kProtoUdp && up_len >= 8 &&
               wire::load_be16(up + 2) == kBfdPort) {
      punt = static_cast<int>(PuntClass::bfd);
    }
    if (punt >= 0) {
      if (w.fragment) return {Verdict::drop, DropReason::fragmented_control, PuntClass::mld};
      return {Verdict::punt, DropReason::none, static_cast<PuntClass>(punt)};
    }
  }
  const uint8_t* dst = frame + w.l3_offset + kIpv6DstOffset;
  if (dst[0] != 0xff) return {Verdict::drop, DropReason::not_for_us, PuntClass::mld};
  // RFC 4291 §2.7: scopes 0-2 (reserved, interface-local, link-local) are never routed.
  if ((dst[1] & 0x0f) <= 2) return {Verdict::drop, DropReason::not_forwardable, PuntClass::mld};
  return {Verdict::data, DropReason::none, PuntClass::mld};
}

inline void tx_flush_port(WorkerConf& w, PortIndex p) {
  TxBuffer& b = w.tx[p];
  if (b.count == 0) return;
  uint16_t sent = 0;
  if (w.tx_queue[p] != kNoQueue) {
    sent = rte_eth_tx_burst(w.dpdk_port[p], w.tx_queue[p], b.pkts, b.count);
  }
  w.counters->port[p].tx += sent;
  if (sent < b.count) [[unlikely]] {
    w.counters->drop(p, DropReason::tx_full, b.count - sent);
    rte_pktmbuf_free_bulk(b.pkts + sent, b.count - sent);
  }
  b.count = 0;
}

inline void tx_enqueue(WorkerConf& w, PortIndex p, rte_mbuf* m) {
  TxBuffer& b = w.tx[p];
  b.pkts[b.count++] = m;
  if (b.count == kBurst) tx_flush_port(w, p);
}

// RFC 2464 §7: destination 33:33 + the group's low 32 bits; source per egress interface.
inline void write_eth(uint8_t* e, const uint8_t* group, uint64_t src_mac) {
  e[0] = 0x33;
  e[1] = 0x33;
  std::memcpy(e + 2, group + 12, 4);
  std::memcpy(e + 6, &src_mac, 6);
  e[12] = 0x86;
  e[13] = 0xdd;
}

// One forwarded packet (hop limit already decremented), ready for replication: its IPv6
// packet and whether replicas are copies or clones. L2 padding beyond the IPv6 payload and
// any VLAN tag are not forwarded.
struct ReplicaSource {
  rte_mbuf* m;
  const uint8_t* ip;   // the IPv6 header inside m
  uint32_t plen;       // IPv6 header + payload
  uint32_t l3_offset;  // where ip starts in m's data
  bool copy;
};

inline ReplicaSource prepare_source(const WorkerConf& w, rte_mbuf* m, uint32_t l3_offset,
                                    uint32_t l3_end) {
  const bool copy = m->nb_segs == 1 && m->pkt_len <= w.clone_threshold;
  if (m->pkt_len > l3_end) rte_pktmbuf_trim(m, static_cast<uint16_t>(m->pkt_len - l3_end));
  const uint32_t plen = l3_end - l3_offset;
  // Clones reference the original's data from its IPv6 header on, so strip L2 for them;
  // copies read the IPv6 packet where it lies.
  if (!copy) {
    rte_pktmbuf_adj(m, static_cast<uint16_t>(l3_offset));
    l3_offset = 0;
  }
  return {m, rte_pktmbuf_mtod_offset(m, const uint8_t*, l3_offset), plen, l3_offset, copy};
}

// The packet's last port gets the original mbuf itself. Untagged frames keep their Ethernet
// header in place (only the MACs change); otherwise the new header goes right before IPv6.
inline void emit_original(WorkerConf& w, const ReplicaSource& s, PortIndex p) {
  uint8_t* e;
  if (s.copy) {
    if (s.l3_offset != kEthLen) rte_pktmbuf_adj(s.m, static_cast<uint16_t>(s.l3_offset - kEthLen));
    e = rte_pktmbuf_mtod(s.m, uint8_t*);
  } else {
    e = reinterpret_cast<uint8_t*>(rte_pktmbuf_prepend(s.m, kEthLen));
  }
  if (e == nullptr) [[unlikely]] {
    w.counters->drop(p, DropReason::mbuf_alloc_failed);
    rte_pktmbuf_free(s.m);
    return;
  }
  write_eth(e, s.ip + kIpv6DstOffset, w.fib->src_mac_word(p));
  ++w.counters->port[p].copies;
  tx_enqueue(w, p, s.m);
}

// A copy into `r` (already allocated, or null when the pool ran dry).
inline void emit_copy(WorkerConf& w, const ReplicaSource& s, PortIndex p, rte_mbuf* r) {
  uint8_t* e =
      r == nullptr ? nullptr : reinterpret_cast<uint8_t*>(rte_pktmbuf_append(r, kEthLen + s.plen));
  if (e == nullptr) [[unlikely]] {
    if (r != nullptr) rte_pktmbuf_free(r);
    w.counters->drop(p, DropReason::mbuf_alloc_failed);
    return;
  }
  write_eth(e, s.ip + kIpv6DstOffset, w.fib->src_mac_word(p));
  // rte_memcpy is inlined with vector moves; a small variable-length std::memcpy is a call.
  rte_memcpy(e + kEthLen, s.ip, s.plen);
  ++w.counters->port[p].copies;
  tx_enqueue(w, p, r);
}

// ipv4_multicast's scheme: a small header mbuf chained to an indirect mbuf that references
// the original payload; the payload is freed when the last clone is sent.
inline void emit_clone(WorkerConf& w, const ReplicaSource& s, PortIndex p) {
  rte_mbuf* h = rte_pktmbuf_alloc(w.header_pool);
  rte_mbuf* cl = h == nullptr ? nullptr : rte_pktmbuf_clone(s.m, w.clone_pool);
  if (cl == nullptr) [[unlikely]] {
    if (h != nullptr) rte_pktmbuf_free(h);
    w.counters->drop(p, DropReason::mbuf_alloc_failed);
    return;
  }
  h->next = cl;
  h->nb_segs = static_cast<uint16_t>(cl->nb_segs + 1);
  h->pkt_len = cl->pkt_len;
  uint8_t* e = reinterpret_cast<uint8_t*>(rte_pktmbuf_prepend(h, kEthLen));
  write_eth(e, s.ip + kIpv6DstOffset, w.fib->src_mac_word(p));
  ++w.counters->port[p].copies;
  ++w.counters->port[p].clones;
  tx_enqueue(w, p, h);
}

// Replicates a burst port by port: all of one port's replicas, then the next port's. A
// port's 32 replicas fill its TX buffer, which is sent and frees them at once, so the next
// port's copies reuse the same (cache-hot) mbufs from the lcore's mempool cache; packet by
// packet, every replica of the burst would be live at once (16 ports: 512 mbufs, cold).
// Ports are visited in ascending order and each packet's original goes to its highest
// port, so it is sent only after every replica has been made from it.
inline void replicate_burst(WorkerConf& w, const ReplicaSource* src, const PortMask* egress,
                            uint16_t n, PortMask all) {
  while (all != 0) {
    const PortIndex p = static_cast<PortIndex>(std::countr_zero(all));
    all &= all - 1;
    const PortMask bit = port_bit(p);
    const PortMask above = ~(bit | (bit - 1));
    // This port's copies in one mempool call (cheaper than one call per copy); if the pool
    // cannot give them all, each copy tries alone and counts its own failure.
    rte_mbuf* fresh[kBurst];
    unsigned want = 0, next = 0;
    for (uint16_t i = 0; i < n; ++i) {
      want += (egress[i] & bit) != 0 && (egress[i] & above) != 0 && src[i].copy;
    }
    if (want != 0 && rte_pktmbuf_alloc_bulk(w.pool, fresh, want) != 0) want = 0;
    for (uint16_t i = 0; i < n; ++i) {
      if ((egress[i] & bit) == 0) continue;
      if ((egress[i] & above) == 0) {
        emit_original(w, src[i], p);
      } else if (src[i].copy) {
        emit_copy(w, src[i], p, next < want ? fresh[next++] : rte_pktmbuf_alloc(w.pool));
      } else {
        emit_clone(w, src[i], p);
      }
    }
  }
}

struct DataCandidate {
  rte_mbuf* m;
  uint32_t l3_offset;
  uint32_t l3_end;
};

// A burst's dropped frames go back to their pool together when the burst is done: one bulk
// free instead of a call per frame, which is most of what a policed storm costs after its
// classification.
struct DropBin {
  rte_mbuf* m[kBurst];
  uint16_t n = 0;
  void add(rte_mbuf* x) { m[n++] = x; }  // each frame of a burst is dropped at most once
  ~DropBin() {
    if (n != 0) rte_pktmbuf_free_bulk(m, n);
  }
};

void process_burst(WorkerConf& w, PortIndex in, rte_mbuf** pkts, uint16_t n, uint64_t now) {
  LcoreCounters& c = *w.counters;
  PortCounters& pc = c.port[in];
  pc.rx += n;
  DropBin dropped;
  const bool rpf_ok = (w.fib->upstream_ports() & port_bit(in)) != 0;

  DataCandidate cand[kBurst];
  // Lookup keys point into the packets: G alone, and (S,G) as the adjacent source and
  // destination fields of the IPv6 header.
  const void* group_keys[kBurst];
  const void* sg_keys[kBurst];
  uint16_t nc = 0;
  rte_mbuf* punts[kBurst];
  uint16_t np = 0;

  for (uint16_t i = 0; i < kPrefetchOffset && i < n; ++i) {
    rte_prefetch0(rte_pktmbuf_mtod(pkts[i], void*));
  }
  for (uint16_t i = 0; i < n; ++i) {
    if (i + kPrefetchOffset < n) rte_prefetch0(rte_pktmbuf_mtod(pkts[i + kPrefetchOffset], void*));
    rte_mbuf* m = pkts[i];
    const uint8_t* frame = rte_pktmbuf_mtod(m, const uint8_t*);
    wire::HeaderWalk hw;
    Classified k = classify(frame, m->data_len, hw);
    if (k.verdict == Verdict::data) [[likely]] {
      const uint8_t* ip = frame + hw.l3_offset;
      if (!rpf_ok) [[unlikely]] {
        c.drop(in, DropReason::rpf_fail);
        dropped.add(m);
        continue;
      }
      // RFC 8200 §3: a router decrements the hop limit and discards at zero.
      if (ip[kIpv6HopLimitOffset] <= 1) [[unlikely]] {
        c.drop(in, DropReason::hop_limit_expired);
        dropped.add(m);
        continue;
      }
      cand[nc] = DataCandidate{m, hw.l3_offset, hw.l3_end};
      group_keys[nc] = ip + kIpv6DstOffset;
      sg_keys[nc] = ip + kIpv6SrcOffset;
      ++nc;
    } else if (k.verdict == Verdict::punt) {
      auto cls = static_cast<size_t>(k.cls);
      TokenBucket& per_source =
          w.source_policer[in][cls][punt_source_bucket(frame + hw.l3_offset + kIpv6SrcOffset)];
      if (!per_source.conform(now) || !w.policer[in][cls].conform(now)) {
        ++pc.policed_by_class[cls];
        c.drop(in, DropReason::punt_policed);
        dropped.add(m);
        continue;
      }
      set_punt_class(m, k.cls);
      punts[np++] = m;
    } else {
      c.drop(in, k.reason);
      dropped.add(m);
    }
  }
  if (np != 0) [[unlikely]] {
    // One push per burst: the queue's indices cross to the control core once, not per frame.
    auto queued = static_cast<uint16_t>(w.punt->push(punts, np));
    for (uint16_t i = 0; i < np; ++i) {
      if (i < queued) {
        ++pc.punted;
        ++pc.punted_by_class[static_cast<size_t>(punt_class_of(punts[i]))];
      } else {
        c.drop(in, DropReason::punt_ring_full);
        dropped.add(punts[i]);
      }
    }
  }
  if (nc == 0) return;

  // G for the whole burst (GroupTable), then (S,G) only for groups that have source-specific
  // entries (l3fwd_em_hlm's batching: a bulk lookup prefetches buckets and keys for every key
  // before comparing any). An (S,G) hit replaces the (*,G) answer entirely.
  const EgressSet* sets[kBurst];
  w.fib->star_table().lookup_bulk(group_keys, nc, sets);
  PortMask ports[kBurst];
  bool found[kBurst];
  const void* sg_lookup[kBurst];
  uint16_t sg_index[kBurst];
  uint16_t ns = 0;
  for (uint16_t i = 0; i < nc; ++i) {
    const EgressSet* set = sets[i];
    if (set == nullptr) {
      found[i] = false;
      continue;
    }
    found[i] = set->star_present;
    ports[i] = set->ports;
    if (set->has_sources) [[unlikely]] {
      sg_lookup[ns] = sg_keys[i];
      sg_index[ns++] = i;
    }
  }
  if (ns != 0) {
    void* data[kBurst];
    uint64_t sg_hits = 0;
    rte_hash_lookup_bulk_data(w.fib->sg_table(), sg_lookup, ns, &sg_hits, data);
    for (uint16_t j = 0; j < ns; ++j) {
      if (((sg_hits >> j) & 1) == 0) continue;
      found[sg_index[j]] = true;
      ports[sg_index[j]] = static_cast<const EgressSet*>(data[j])->ports;
    }
  }

  const PortMask usable = w.fib->open_gates() & ~port_bit(in);
  ReplicaSource src[kBurst];
  PortMask egress_of[kBurst];
  PortMask all = 0;
  uint16_t nf = 0;
  for (uint16_t i = 0; i < nc; ++i) {
    rte_mbuf* m = cand[i].m;
    if (!found[i]) {
      c.drop(in, DropReason::no_route);
      dropped.add(m);
      continue;
    }
    PortMask egress = ports[i] & usable;
    if (egress == 0) {
      c.drop(in, DropReason::no_egress);
      dropped.add(m);
      continue;
    }
    // Decremented once, before replication, so every copy carries the same value.
    uint8_t* ip = rte_pktmbuf_mtod_offset(m, uint8_t*, cand[i].l3_offset);
    --ip[kIpv6HopLimitOffset];
    ++pc.forwarded;
    src[nf] = prepare_source(w, m, cand[i].l3_offset, cand[i].l3_end);
    egress_of[nf++] = egress;
    all |= egress;
  }
  replicate_burst(w, src, egress_of, nf, all);
}

}  // namespace

void worker_flush(WorkerConf& w) {
  for (PortIndex p = 0; p < w.n_ports; ++p) tx_flush_port(w, p);
}

unsigned worker_iteration(WorkerConf& w) {
  const uint64_t now = rte_rdtsc();
  if (now - w.prev_drain > w.drain_tsc) {
    worker_flush(w);
    w.prev_drain = now;
  }
  unsigned total = 0;
  rte_mbuf* pkts[kBurst];
  for (uint16_t i = 0; i < w.n_rx; ++i) {
    const RxQueueRef& q = w.rx[i];
    uint16_t n = rte_eth_rx_burst(q.dpdk_port, q.queue, pkts, kBurst);
    if (n == 0) continue;
    process_burst(w, q.port, pkts, n, now);
    total += n;
  }
  rte_rcu_qsbr_quiescent(w.fib->rcu(), w.rcu_thread_id);
  return total;
}

int worker_main(void* arg) {
  WorkerConf& w = *static_cast<WorkerConf*>(arg);
  rte_rcu_qsbr* rcu = w.fib->rcu();
  rte_rcu_qsbr_thread_online(rcu, w.rcu_thread_id);
  w.prev_drain = rte_rdtsc();
  while (!w.quit->load(std::memory_order_relaxed)) {
    unsigned n = worker_iteration(w);
    if (n != 0) {
      w.empty_polls = 0;
      continue;
    }
    uint32_t sleep_us = w.idle_sleep_us->load(std::memory_order_relaxed);
    if (sleep_us == 0 || ++w.empty_polls < kIdlePollsBeforeSleep) continue;
    // Idle: nothing buffered may wait through the sleep, and the FIB writer must not wait
    // for us either, so go offline for its duration.
    worker_flush(w);
    rte_rcu_qsbr_thread_offline(rcu, w.rcu_thread_id);
    rte_delay_us_sleep(sleep_us);
    rte_rcu_qsbr_thread_online(rcu, w.rcu_thread_id);
    w.empty_polls = 0;
  }
  worker_flush(w);
  rte_rcu_qsbr_thread_offline(rcu, w.rcu_thread_id);
  return 0;
}

}  // namespace tandem::dataplane
