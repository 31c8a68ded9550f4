#include "dataplane/worker.h"

#include <immintrin.h>
#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_memcpy.h>
#include <rte_prefetch.h>

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstring>
#include <optional>

#include "control/wire/headers.h"
#include "dataplane/classify.h"

namespace tandem::dataplane {

namespace {

using wire::DropReason;

// Sends `n` frames on port p's queue; what the queue does not take is counted and freed.
// Only forwarded replicas come this way (injected frames use the control core's queue), so
// they are counted here, once per send rather than once per frame.
inline void tx_send(WorkerConf& w, PortIndex p, rte_mbuf** pkts, uint16_t n) {
  w.counters->port[p].copies += n;
  uint16_t sent = 0;
  if (w.tx_queue[p] != kNoQueue) sent = rte_eth_tx_burst(w.dpdk_port[p], w.tx_queue[p], pkts, n);
  w.counters->port[p].tx += sent;
  if (sent < n) [[unlikely]] {
    w.counters->drop(p, DropReason::tx_full, n - sent);
    rte_pktmbuf_free_bulk(pkts + sent, n - sent);
  }
}

inline void tx_flush_port(WorkerConf& w, PortIndex p) {
  TxBuffer& b = w.tx[p];
  if (b.count == 0) return;
  tx_send(w, p, b.pkts, b.count);
  b.count = 0;
}

// One port's frames from one burst (at most kBurst), in order: a full burst for an empty
// buffer goes straight to the PMD; otherwise they join the buffer, which is sent each time it
// fills.
inline void tx_append(WorkerConf& w, PortIndex p, rte_mbuf** pkts, uint16_t n) {
  TxBuffer& b = w.tx[p];
  if (n == kBurst && b.count == 0) [[likely]] {
    tx_send(w, p, pkts, n);
    return;
  }
  while (n != 0) {
    const uint16_t take = std::min<uint16_t>(n, static_cast<uint16_t>(kBurst - b.count));
    std::memcpy(b.pkts + b.count, pkts, take * sizeof(rte_mbuf*));
    b.count = static_cast<uint16_t>(b.count + take);
    pkts += take;
    n = static_cast<uint16_t>(n - take);
    if (b.count == kBurst) tx_flush_port(w, p);
  }
}

// RFC 2464 §7: destination 33:33 + the group's low 32 bits; source per egress interface;
// EtherType IPv6. As two little-endian words that overlap at bytes 6-7 (both hold the same
// value there).
struct EthWords {
  uint64_t head;   // bytes 0-7: 33 33, group bytes 12-15, source MAC bytes 0-1
  uint64_t from6;  // bytes 6-13: source MAC, 86 dd
};
static_assert(std::endian::native == std::endian::little);
inline EthWords eth_words(const uint8_t* group, uint64_t src_mac) {
  uint32_t low;
  std::memcpy(&low, group + 12, 4);
  return {0x3333u | uint64_t{low} << 16 | src_mac << 48,
          (src_mac & 0xffffffffffffu) | uint64_t{0xdd86} << 48};
}

// The header in place: two 8-byte stores instead of six small ones.
inline void write_eth(uint8_t* e, const uint8_t* group, uint64_t src_mac) {
  const EthWords h = eth_words(group, src_mac);
  std::memcpy(e, &h.head, 8);
  std::memcpy(e + 6, &h.from6, 8);
}

// Only the MACs, for a frame whose EtherType already says IPv6: bytes 0-7 as in EthWords,
// then the source MAC's last four bytes. The source MAC's parts are worked out once per port.
struct MacWords {
  uint64_t head;  // 33 33 00 00 00 00, source MAC bytes 0-1: the group's bytes go in 2-5
  uint32_t tail;  // source MAC bytes 2-5
};
inline MacWords mac_words(uint64_t src_mac) {
  return {0x3333u | src_mac << 48, static_cast<uint32_t>(src_mac >> 16)};
}
inline void write_eth_macs(uint8_t* e, const uint8_t* group, MacWords macs) {
  uint32_t low;
  std::memcpy(&low, group + 12, 4);
  const uint64_t head = macs.head | uint64_t{low} << 16;
  std::memcpy(e, &head, 8);
  std::memcpy(e + 8, &macs.tail, 4);
}

// A frame's first 16 bytes: the header in bytes 0-13, bytes 14-15 (where IPv6 starts) kept
// from `first`. Built once per replicated frame with the source MAC left 0 (prepare_source);
// each copy ORs in its port's MAC (mac_block_for) and stores the block in one go.
inline __m128i eth_block(const uint8_t* group, uint64_t src_mac, __m128i first) {
  const EthWords h = eth_words(group, src_mac);
  const uint64_t ip_start =
      static_cast<uint64_t>(_mm_extract_epi64(first, 1)) & 0xffff000000000000u;
  return _mm_set_epi64x(static_cast<long long>(h.from6 >> 16 | ip_start),
                        static_cast<long long>(h.head));
}

inline void copy_block(uint8_t* to, const uint8_t* from, uint32_t off) {
  _mm_storeu_si128(reinterpret_cast<__m128i*>(to + off),
                   _mm_loadu_si128(reinterpret_cast<const __m128i*>(from + off)));
}

// A MAC (low 48 bits of `mac`, wire order) at bytes 6-11 of a 16-byte block, the rest 0.
inline __m128i mac_block_for(uint64_t mac) {
  mac &= 0xffffffffffffu;
  return _mm_set_epi64x(static_cast<long long>(mac >> 16), static_cast<long long>(mac << 48));
}

inline uint32_t round_up16(uint32_t n) {
  return (n + 15) & ~15u;
}

// One forwarded packet (hop limit already decremented), ready for replication: its IPv6
// packet and whether replicas are copies or clones. L2 padding beyond the IPv6 payload and
// any VLAN tag are not forwarded.
struct ReplicaSource {
  __m128i copy_fields;  // a copy's mbuf bytes 32-47 (copy_fields_for)
  __m128i head;         // a block copy's first 16 bytes, source MAC left 0 (block copies only)
  rte_mbuf* m;
  const uint8_t* ip;   // the IPv6 header inside m
  uint32_t plen;       // IPv6 header + payload
  uint32_t l3_offset;  // where ip starts in m's data
  bool copy;
  bool block_copy;  // copy whole 16-byte blocks from ip - kEthLen: both buffers have room
};

// A copy's mbuf fields written as two 16-byte blocks (emit_copy), laid out as in DPDK 22.11's
// rte_mbuf: the rearm block is the same for every copy (RTE_PKTMBUF_HEADROOM, one reference,
// one segment, no port, no offload flags: what rte_pktmbuf_reset would set), the next one
// holds the frame's length.
static_assert(offsetof(rte_mbuf, data_off) == 16 && offsetof(rte_mbuf, refcnt) == 18 &&
              offsetof(rte_mbuf, nb_segs) == 20 && offsetof(rte_mbuf, port) == 22 &&
              offsetof(rte_mbuf, ol_flags) == 24 && offsetof(rte_mbuf, packet_type) == 32 &&
              offsetof(rte_mbuf, pkt_len) == 36 && offsetof(rte_mbuf, data_len) == 40 &&
              offsetof(rte_mbuf, vlan_tci) == 42 && offsetof(rte_mbuf, hash) == 44);
const __m128i kCopyRearm = _mm_set_epi64x(
    0, static_cast<long long>(uint64_t{RTE_MBUF_PORT_INVALID} << 48 | uint64_t{1} << 32 |
                              uint64_t{1} << 16 | RTE_PKTMBUF_HEADROOM));
// packet_type 0 | pkt_len | data_len, vlan_tci 0 | hash (low half) 0.
inline __m128i copy_fields_for(uint32_t frame_len) {
  return _mm_set_epi32(0, static_cast<int>(frame_len), static_cast<int>(frame_len), 0);
}

inline ReplicaSource prepare_source(const WorkerConf& w, rte_mbuf* m, uint32_t l3_offset,
                                    uint32_t l3_end) {
  const bool copy = m->nb_segs == 1 && m->pkt_len <= w.clone_threshold;
  if (m->pkt_len > l3_end) rte_pktmbuf_trim(m, static_cast<uint16_t>(m->pkt_len - l3_end));
  const uint32_t plen = l3_end - l3_offset;
  // Clones reference the original's data from its IPv6 header on, so strip L2 for them;
  // copies read the packet where it lies (block copies from kEthLen bytes before it: a copy
  // always comes from a frame with at least an Ethernet header there).
  if (!copy) {
    rte_pktmbuf_adj(m, static_cast<uint16_t>(l3_offset));
    l3_offset = 0;
  }
  const uint32_t ip_at = m->data_off + l3_offset;  // from the start of m's buffer
  const uint8_t* m_ip = rte_pktmbuf_mtod_offset(m, const uint8_t*, l3_offset);
  // Blocks only for small packets: beyond a few hundred bytes rte_memcpy's unrolled moves
  // are faster (perf/dataplane/README.md, "Figures behind the code": block copies).
  const bool blocks = plen <= kBlockCopyMaxBytes && copy &&
                      ip_at - kEthLen + round_up16(kEthLen + plen) <= m->buf_len &&
                      round_up16(kEthLen + plen) <= w.copy_room;
  // The first block is the same on every port but for the source MAC: built once here.
  const __m128i head =
      blocks ? eth_block(m_ip + kIpv6DstOffset, 0,
                         _mm_loadu_si128(reinterpret_cast<const __m128i*>(m_ip - kEthLen)))
             : _mm_setzero_si128();
  return {copy_fields_for(kEthLen + plen), head, m, m_ip, plen, l3_offset, copy, blocks};
}

// The packet's last port gets the original mbuf itself. Untagged frames keep their Ethernet
// header in place (only the MACs change); otherwise the new header goes right before IPv6.
// Returns the frame to send, or null (counted) when no room was left for the header.
inline rte_mbuf* emit_original(WorkerConf& w, const ReplicaSource& s, PortIndex p, uint64_t mac) {
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
    return nullptr;
  }
  write_eth(e, s.ip + kIpv6DstOffset, mac);
  return s.m;
}

// A copy into `r`, fresh from rte_mempool_get_bulk (or null when the pool ran dry). Pool
// objects are in DPDK's raw mbuf state (one reference, one segment, no next: rte_mbuf_raw_
// alloc's contract), so only the fields a sent frame needs are set: rte_pktmbuf_reset's full
// reset would also write the mbuf's second cache line. Always inlined into the per-port loop:
// GCC kept it out of line, and its register saves and restores were a large part of its
// profile (perf/dataplane/README.md, "Figures behind the code": emit_copy inlined).
// `mac_block` is the port's source MAC in a block's bytes 6-11 (mac_block_for).
[[gnu::always_inline]] inline rte_mbuf* emit_copy(LcoreCounters& c, const ReplicaSource& s,
                                                  PortIndex p, uint64_t mac, __m128i mac_block,
                                                  uint32_t data_offset, rte_mbuf* r) {
  if (r == nullptr) [[unlikely]] {
    c.drop(p, DropReason::mbuf_alloc_failed);
    return nullptr;
  }
  // Two 16-byte stores: data_off, refcnt, nb_segs, port and ol_flags (the PMDs' rearm
  // word), then packet_type, pkt_len, data_len, vlan_tci and the first half of the hash,
  // prepared once per source frame.
  _mm_storeu_si128(reinterpret_cast<__m128i*>(&r->rearm_data), kCopyRearm);
  _mm_storeu_si128(reinterpret_cast<__m128i*>(&r->rx_descriptor_fields1), s.copy_fields);
  const uint32_t len = kEthLen + s.plen;
  uint8_t* e = reinterpret_cast<uint8_t*>(r) + data_offset;
  if (s.block_copy) [[likely]] {
    // The whole frame from where its Ethernet header starts, in 16-byte blocks: both ends
    // start at a buffer's aligned data offset, so no block straddles two cache lines, and
    // the new header rides in the first block (a copy's cost is mostly its stores:
    // perf/dataplane/README.md). The last block may read and write up to 15 bytes past the
    // frame, inside both buffers (prepare_source checked the room).
    const uint8_t* from = s.ip - kEthLen;
    _mm_storeu_si128(reinterpret_cast<__m128i*>(e), _mm_or_si128(s.head, mac_block));
    // A frame holds at least an Ethernet and an IPv6 header (54 bytes), so blocks 1-3 are
    // always needed: unrolled, with the loop only for longer frames.
    copy_block(e, from, 16);
    copy_block(e, from, 32);
    copy_block(e, from, 48);
    for (uint32_t off = 64; off < len; off += 16) copy_block(e, from, off);
  } else {
    rte_memcpy(e + kEthLen, s.ip, s.plen);
    write_eth(e, s.ip + kIpv6DstOffset, mac);
  }
  return r;
}

// ipv4_multicast's scheme: a small header mbuf chained to an indirect mbuf that references
// the original payload; the payload is freed when the last clone is sent.
inline rte_mbuf* emit_clone(WorkerConf& w, const ReplicaSource& s, PortIndex p, uint64_t mac) {
  rte_mbuf* h = rte_pktmbuf_alloc(w.header_pool);
  rte_mbuf* cl = h == nullptr ? nullptr : rte_pktmbuf_clone(s.m, w.clone_pool);
  if (cl == nullptr) [[unlikely]] {
    if (h != nullptr) rte_pktmbuf_free(h);
    w.counters->drop(p, DropReason::mbuf_alloc_failed);
    return nullptr;
  }
  h->next = cl;
  h->nb_segs = static_cast<uint16_t>(cl->nb_segs + 1);
  h->pkt_len = cl->pkt_len;
  uint8_t* e = reinterpret_cast<uint8_t*>(rte_pktmbuf_prepend(h, kEthLen));
  write_eth(e, s.ip + kIpv6DstOffset, mac);
  ++w.counters->port[p].clones;
  return h;
}

// Appends frames to TX buffers with the current port's fill count in a local: frames are
// written through byte pointers, which may alias anything, so a count kept only in the
// buffer would be reloaded and stored again around every frame (and each frame's count
// would wait for the previous frame's store). Syncs the count back when the port changes
// and when it goes out of scope.
class TxCursor {
 public:
  explicit TxCursor(WorkerConf& w) : w_(w) {}
  TxCursor(const TxCursor&) = delete;
  TxCursor& operator=(const TxCursor&) = delete;
  ~TxCursor() { sync(); }
  void add(PortIndex p, rte_mbuf* m) {
    if (p != p_) [[unlikely]] {
      sync();
      p_ = p;
      pkts_ = w_.tx[p].pkts;
      n_ = w_.tx[p].count;
    }
    pkts_[n_++] = m;
    if (n_ == kBurst) [[unlikely]] {
      w_.tx[p_].count = n_;
      tx_flush_port(w_, p_);
      n_ = 0;
    }
  }
  void sync() {
    if (p_ != kNoPort) w_.tx[p_].count = n_;
  }

 private:
  static constexpr PortIndex kNoPort = 0xffff;
  WorkerConf& w_;
  PortIndex p_ = kNoPort;
  rte_mbuf** pkts_ = nullptr;
  uint16_t n_ = 0;
};

// Up to n mbufs from `pool` into `out`: all at once when it has them, else one by one until
// it runs dry. Returns how many it gave.
unsigned take_mbufs(rte_mempool* pool, rte_mbuf** out, unsigned n) {
  if (rte_mempool_get_bulk(pool, reinterpret_cast<void**>(out), n) == 0) [[likely]]
    return n;
  unsigned got = 0;
  while (got < n && rte_mempool_get(pool, reinterpret_cast<void**>(out + got)) == 0) ++got;
  return got;
}

// Replicates a burst port by port: all of one port's replicas, then the next port's. A
// port's 32 replicas fill its TX buffer, which is sent and frees them at once, so the next
// port's copies reuse the same (cache-hot) mbufs from the lcore's mempool cache; packet by
// packet, every replica of the burst would be live at once (16 ports: 512 mbufs, cold).
// Ports are visited in ascending order and each packet's original goes to its highest
// port, so it is sent only after every replica has been made from it.
[[gnu::noinline]] void replicate_burst(WorkerConf& w, const ReplicaSource* src,
                                       const PortMask* egress, uint16_t n, PortMask all) {
  // Locals: the frame stores below may alias anything in memory, so fields read through `w`
  // would be loaded again after each of them.
  LcoreCounters& c = *w.counters;
  const uint32_t data_offset = w.copy_data_offset;
  while (all != 0) {
    const PortIndex p = static_cast<PortIndex>(std::countr_zero(all));
    all &= all - 1;
    const PortMask bit = port_bit(p);
    const PortMask above = ~(bit | (bit - 1));
    const uint64_t mac = w.fib->src_mac_word(p);
    const __m128i mac_block = mac_block_for(mac);
    // Fresh mbufs for this port's copies in one mempool call: as many as the burst has
    // frames (what is left goes back in one call too), and none on the burst's last port,
    // which only ever gets originals. A pool that cannot give them all at once gives what
    // it has one by one; copies beyond that count their own failure.
    rte_mbuf* fresh[kBurst];
    unsigned have = 0, next = 0;
    if (all != 0) have = take_mbufs(w.pool, fresh, n);
    rte_mbuf* out[kBurst];
    uint16_t n_out = 0;
    for (uint16_t i = 0; i < n; ++i) {
      if ((egress[i] & bit) == 0) continue;
      rte_mbuf* m;
      if ((egress[i] & above) == 0) {
        m = emit_original(w, src[i], p, mac);
      } else if (src[i].copy) {
        m = emit_copy(c, src[i], p, mac, mac_block, data_offset,
                      next < have ? fresh[next++] : nullptr);
      } else {
        m = emit_clone(w, src[i], p, mac);
      }
      out[n_out] = m;
      n_out = static_cast<uint16_t>(n_out + (m != nullptr));
    }
    tx_append(w, p, out, n_out);
    if (next < have)
      rte_mempool_put_bulk(w.pool, reinterpret_cast<void**>(fresh + next), have - next);
  }
}

// A burst's multicast data frames between classification and forwarding, one array per
// field: each stage's loop reads only the fields it needs.
struct DataBurst {
  uint16_t n = 0;
  PortMask usable = 0;  // open gates but the ingress, read once per burst (fib.h)
  rte_mbuf* m[kBurst];
  uint8_t* ip[kBurst];
  GroupTable::Probe probe[kBurst];  // the (*,G) lookup started (forward_plain_run, classify_burst)
  RouteWord route[kBurst];
};

// A burst's frames that leave the data path: punts for the control core, and drops, which
// go back to their pool together when the burst is done (one bulk free instead of a call per
// frame, which is most of what a policed storm costs after its classification).
struct BurstExits {
  rte_mbuf* punt[kBurst];
  uint16_t n_punt = 0;
  rte_mbuf* drop[kBurst];
  uint16_t n_drop = 0;
  BurstExits() = default;
  BurstExits(const BurstExits&) = delete;
  BurstExits& operator=(const BurstExits&) = delete;
  ~BurstExits() {
    if (n_drop != 0) rte_pktmbuf_free_bulk(drop, n_drop);
  }
  void dropped(rte_mbuf* m) { drop[n_drop++] = m; }  // each frame is dropped at most once
};

// The TSC, read once per worker iteration and only when something needs it: the usual
// frame does not.
class LazyClock {
 public:
  uint64_t now() {
    if (tsc_ == 0) tsc_ = rte_rdtsc();
    return tsc_;
  }

 private:
  uint64_t tsc_ = 0;
};

// Where a data frame's IPv6 packet starts and ends in its first segment.
struct L3Span {
  uint16_t offset;
  uint16_t end;
};

// A data frame's span from its IPv6 header's place in the frame: the walk that accepted it
// ended the packet at the header's payload length too (wire::walk_headers).
inline L3Span span_of(const rte_mbuf* m, const uint8_t* ip) {
  const auto offset = static_cast<uint16_t>(ip - rte_pktmbuf_mtod(m, const uint8_t*));
  return {offset, static_cast<uint16_t>(offset + wire::kIpv6HeaderLen + wire::load_be16(ip + 4))};
}

// The punt policers for a frame from IPv6 source `source`: its source's bucket first, then
// the port's bucket of the class (punt.h). False, counted (policed_by_class and punt_policed
// on the ingress port), when the frame must not be punted.
inline bool punt_conforms(WorkerConf& w, PortIndex in, PuntClass cls, const uint8_t* source,
                          LazyClock& clock) {
  const auto k = static_cast<size_t>(cls);
  TokenBucket& per_source = w.source_policer[in][k][punt_source_bucket(source)];
  const uint64_t now = clock.now();
  if (per_source.conform(now) && w.policer[in][k].conform(now)) return true;
  ++w.counters->port[in].policed_by_class[k];
  w.counters->drop(in, DropReason::punt_policed);
  return false;
}

// A frame for the control core as it is (policed): queued in `exits`, or dropped.
inline void punt_or_drop(WorkerConf& w, PortIndex in, const PuntTag& tag, rte_mbuf* m,
                         const uint8_t* source, LazyClock& clock, BurstExits& exits) {
  if (!punt_conforms(w, in, tag.cls, source, clock)) {
    exits.dropped(m);
    return;
  }
  set_punt_tag(m, tag);
  exits.punt[exits.n_punt++] = m;
}

// Frames plain_udp_multicast() does not take: the full header walk, then punt (policed),
// drop, or data with its IPv6 header where the walk found it (returned: its offset). Out of
// line so the per-frame loop keeps its registers for the usual frame.
[[gnu::noinline]] std::optional<uint16_t> classify_other(WorkerConf& w, PortIndex in, rte_mbuf* m,
                                                         LazyClock& clock, BurstExits& exits) {
  LcoreCounters& c = *w.counters;
  const uint8_t* frame = rte_pktmbuf_mtod(m, const uint8_t*);
  wire::HeaderWalk hw;
  const Classified k = classify(frame, m->data_len, hw);
  if (k.verdict == Verdict::punt) {
    punt_or_drop(w, in, PuntTag::control(k.cls, hw), m, frame + hw.l3_offset + kIpv6SrcOffset,
                 clock, exits);
    return std::nullopt;
  }
  if (k.verdict == Verdict::drop) {
    c.drop(in, k.reason);
    exits.dropped(m);
    return std::nullopt;
  }
  // It fits: a single-segment frame is at most a 16-bit data_len long.
  return static_cast<uint16_t>(hw.l3_offset);
}

// Stage 1: sorts a received burst into data frames (each with its (*,G) probe: forward_plain_run's
// for untagged frames, started here for tagged ones, so the bucket is in cache when the
// burst's lookups resolve), punts and drops. One instance for static upstream ports, which
// accept every frame (RPF) and so judge the hop limit here, and one for the others, whose
// frames are judged by RPF first, once looked up (admit_burst), so the loop has no test for
// it.
template <bool kUpstream>
[[gnu::noinline]] void classify_burst(WorkerConf& w, PortIndex in, rte_mbuf** pkts, uint16_t n,
                                      const GroupTable::Probe* probe, LazyClock& clock,
                                      DataBurst& data, BurstExits& exits) {
  LcoreCounters& c = *w.counters;
  const GroupTable::Prober groups = w.fib->star_table().prober();
  uint16_t nd = 0;
  for (uint16_t i = 0; i < kPrefetchOffset && i < n; ++i) {
    rte_prefetch0(rte_pktmbuf_mtod(pkts[i], void*));
  }
  for (uint16_t i = 0; i < n; ++i) {
    if (i + kPrefetchOffset < n) rte_prefetch0(rte_pktmbuf_mtod(pkts[i + kPrefetchOffset], void*));
    rte_mbuf* m = pkts[i];
    uint8_t* frame = rte_pktmbuf_mtod(m, uint8_t*);
    uint32_t l3_offset = kEthLen;
    if (!plain_udp_multicast(frame, m->data_len)) [[unlikely]] {
      const std::optional<uint16_t> offset = classify_other(w, in, m, clock, exits);
      if (!offset) continue;
      l3_offset = *offset;
      // RFC 8200 §3: a router decrements the hop limit and discards at zero (the fast path
      // only takes frames with more than 1 left). RPF is judged first, as for every frame:
      // here it has passed on a static upstream port; elsewhere admit_burst judges both.
      if (kUpstream && frame[l3_offset + kIpv6HopLimitOffset] <= 1) [[unlikely]] {
        c.drop(in, DropReason::hop_limit_expired);
        exits.dropped(m);
        continue;
      }
    }
    uint8_t* ip = frame + l3_offset;
    data.m[nd] = m;
    data.ip[nd] = ip;
    data.probe[nd] = l3_offset == kEthLen ? probe[i] : groups.probe(ip + kIpv6DstOffset);
    ++nd;
  }
  data.n = nd;
}

// Punts go to the control core in one push per burst: the queue's indices cross cores once,
// not per frame.
[[gnu::noinline]] void punt_burst(WorkerConf& w, PortIndex in, BurstExits& exits) {
  LcoreCounters& c = *w.counters;
  PortCounters& pc = c.port[in];
  auto queued = static_cast<uint16_t>(w.punt->push(exits.punt, exits.n_punt));
  for (uint16_t i = 0; i < exits.n_punt; ++i) {
    if (i < queued) {
      ++pc.punted;
      ++pc.punted_by_class[static_cast<size_t>(punt_class_of(exits.punt[i]))];
    } else {
      c.drop(in, DropReason::punt_ring_full);
      exits.dropped(exits.punt[i]);
    }
  }
}

// Stage 2: G for the whole burst (GroupTable), then (S,G) only for groups that have
// source-specific entries; an (S,G) hit replaces the (*,G) answer entirely (its ports and
// RPF interface, no notify flag, and "found" even where only a marker (*,G) exists).
// Returns the OR of the (*,G) words, so the caller knows whether any has the notify flag.
[[gnu::noinline]] RouteWord lookup_burst(const WorkerConf& w, DataBurst& data) {
  const GroupTable& groups = w.fib->star_table();
  const uint16_t n = data.n;
  const void* keys[kBurst];
  uint16_t index[kBurst];
  uint16_t ns = 0;
  RouteWord any = 0;
  for (uint16_t i = 0; i < n; ++i) {
    const RouteWord r = groups.resolve(data.ip[i] + kIpv6DstOffset, data.probe[i]);
    data.route[i] = r;
    any |= r;
    if ((r & kRouteHasSources) == 0) [[likely]]
      continue;
    keys[ns] = data.ip[i] + kIpv6SrcOffset;  // source then destination: the (S,G) key
    index[ns++] = i;
  }
  if (ns == 0) [[likely]]
    return any;
  void* sets[kBurst];
  uint64_t hits = 0;
  rte_hash_lookup_bulk_data(w.fib->sg_table(), keys, ns, &hits, sets);
  for (uint16_t j = 0; j < ns; ++j) {
    if (((hits >> j) & 1) == 0) continue;
    data.route[index[j]] = static_cast<const EgressSet*>(sets[j])->route | kRouteStarPresent;
  }
  return any;
}

// RPF as masks of the route word, worked out once per burst (fib_writer.h): a frame is
// accepted when (route & mask) == want. A static upstream port accepts every entry's frames
// (mask 0); another port those whose entry exists and names it as RPF interface.
struct Rpf {
  RouteWord mask;
  RouteWord want;
};
inline Rpf rpf_for(const Fib& fib, PortIndex in) {
  if ((fib.upstream_ports() & port_bit(in)) != 0) return {0, 0};
  return {kRouteRpfMask, rpf_want(in)};
}

// A copy of a frame forwarded on a (*,G) entry with the notify flag, for the control core
// (PuntClass::data, policed before it is made): the whole frame as received, so it must be
// made before forwarding rewrites the original.
[[gnu::noinline]] void punt_copy(WorkerConf& w, PortIndex in, const rte_mbuf* m, const uint8_t* ip,
                                 LazyClock& clock, BurstExits& exits) {
  if (!punt_conforms(w, in, PuntClass::data, ip + kIpv6SrcOffset, clock)) return;
  rte_mbuf* copy = rte_pktmbuf_copy(m, w.pool, 0, UINT32_MAX);  // keeps m->port
  if (copy == nullptr) [[unlikely]] {
    w.counters->drop(in, DropReason::mbuf_alloc_failed);
    return;
  }
  set_punt_tag(copy, PuntTag::data(span_of(m, ip).offset));
  exits.punt[exits.n_punt++] = copy;
}

// Stage 2b, only for a port that is not a static upstream or a burst with a (*,G) word that
// has the notify flag: RPF (frames that fail are dropped as rpf_fail, and punted as they are
// as PuntClass::data, policed, where the port has set_rpf_notify), then the hop limit where
// classify_burst left it (`check_hop`), then a copy to the control core of each frame that
// will be forwarded on a notify entry. The frames that stay keep their order in `data`.
// Each received frame adds at most one punt (itself or its copy), so `exits` has room.
[[gnu::noinline]] void admit_burst(WorkerConf& w, PortIndex in, Rpf rpf, bool check_hop,
                                   DataBurst& data, LazyClock& clock, BurstExits& exits) {
  LcoreCounters& c = *w.counters;
  const bool punt_rpf_fail = (w.fib->rpf_notify_ports() & port_bit(in)) != 0;
  uint16_t k = 0;
  for (uint16_t i = 0; i < data.n; ++i) {
    rte_mbuf* m = data.m[i];
    uint8_t* ip = data.ip[i];
    const RouteWord route = data.route[i];
    if ((route & rpf.mask) != rpf.want) {
      c.drop(in, DropReason::rpf_fail);
      if (punt_rpf_fail) {
        punt_or_drop(w, in, PuntTag::data(span_of(m, ip).offset), m, ip + kIpv6SrcOffset, clock,
                     exits);
      } else {
        exits.dropped(m);
      }
      continue;
    }
    if (check_hop && ip[kIpv6HopLimitOffset] <= 1) {
      c.drop(in, DropReason::hop_limit_expired);
      exits.dropped(m);
      continue;
    }
    // Forwarded (an open egress port) on a (*,G) entry with the flag: an (S,G) word never
    // has it, and no route or a marker has no ports.
    if ((route & kRouteNotify) != 0 && (route & data.usable) != 0) {
      punt_copy(w, in, m, ip, clock, exits);
    }
    data.m[k] = m;
    data.ip[k] = ip;
    data.route[k] = route;
    ++k;
  }
  data.n = k;
}

// A data frame's egress ports: its route's ports whose gates are open, without the ingress.
// 0 when it has none, and then the frame is dropped with its reason.
inline PortMask egress_or_drop(LcoreCounters& c, PortIndex in, RouteWord route, PortMask usable,
                               rte_mbuf* m, BurstExits& exits) {
  if ((route & kRouteStarPresent) == 0) [[unlikely]] {
    c.drop(in, DropReason::no_route);
    exits.dropped(m);
    return 0;
  }
  const PortMask egress = route & usable;
  if (egress == 0) [[unlikely]] {
    c.drop(in, DropReason::no_egress);
    exits.dropped(m);
  }
  return egress;
}

// Stage 3b: the burst's frames from `first` on, the first of which needs more than new MACs
// (replicas, a VLAN tag to strip, padding to trim). replicate_burst keeps every port's
// frames in arrival order; the frames forward_burst sent straight away all arrived before.
[[gnu::noinline]] void replicate_rest(WorkerConf& w, PortIndex in, PortMask usable,
                                      const DataBurst& data, uint16_t first, BurstExits& exits) {
  LcoreCounters& c = *w.counters;
  ReplicaSource src[kBurst];
  PortMask egress_of[kBurst];
  PortMask all = 0;
  uint16_t nr = 0;
  for (uint16_t i = first; i < data.n; ++i) {
    const PortMask egress = egress_or_drop(c, in, data.route[i], usable, data.m[i], exits);
    if (egress == 0) continue;
    // Decremented once, before replication, so every copy carries the same value.
    --data.ip[i][kIpv6HopLimitOffset];
    const L3Span span = span_of(data.m[i], data.ip[i]);
    src[nr] = prepare_source(w, data.m[i], span.offset, span.end);
    egress_of[nr++] = egress;
    all |= egress;
  }
  c.port[in].forwarded += nr;
  if (nr != 0) replicate_burst(w, src, egress_of, nr, all);
}

// forward_plain_run's loop on its own, so that its values stay in registers: how many
// frames from the burst's start are plain and have the fate `first` (the RouteWord bits in
// `fate`: egress, entry, RPF and notify as forward_plain_run says), each with its hop limit
// decremented and new MACs.
[[gnu::noinline]] uint16_t plain_run(const GroupTable& table, rte_mbuf** pkts,
                                     const GroupTable::Probe* probe, uint16_t n, RouteWord fate,
                                     RouteWord first, MacWords macs) {
  uint16_t i = 0;
  for (; i < n; ++i) {
    rte_mbuf* m = pkts[i];
    uint8_t* frame = rte_pktmbuf_mtod(m, uint8_t*);
    // One segment: a frame that plain_udp takes ends with its packet. Its destination needs
    // no test of its own: the FIB holds only routable groups (Fib::upsert), so any other
    // destination has no route and ends the run, and the full walk judges it.
    if (!plain_udp(frame, m->data_len) || m->pkt_len != m->data_len) [[unlikely]]
      break;
    uint8_t* ip = frame + kEthLen;
    // Only the home bucket: a key stored past it (rare) ends the run like another fate, so
    // the loop makes no call.
    RouteWord route;
    if (!table.resolve_at_home(ip + kIpv6DstOffset, probe[i], &route) || (route & fate) != first)
        [[unlikely]]
      break;
    --ip[kIpv6HopLimitOffset];
    write_eth_macs(frame, ip + kIpv6DstOffset, macs);
  }
  return i;
}

// The usual burst, in one pass: frames that are plain UDP multicast (plain_udp_multicast),
// untagged, unpadded, accepted by RPF and routed to the same single open port as the first
// frame, without the notify flag, get the hop limit decremented and their new MACs in place,
// and the run goes to that port as it came (straight to the PMD when the port's TX buffer is
// empty and the burst full, as testpmd's io mode). Every frame's (*,G) bucket is hashed and
// prefetched first (its probe, kept in `probe` for the steps after), so the lookups find
// their buckets on the way. Returns how many frames from the burst's start it forwarded; the
// general steps take the rest, from the first frame that is not plain or has another fate
// (other ports, no route, (S,G) entries, another RPF interface, the notify flag, a key stored
// past its home bucket).
[[gnu::noinline]] uint16_t forward_plain_run(WorkerConf& w, PortIndex in, rte_mbuf** pkts,
                                             uint16_t n, PortMask usable, Rpf rpf,
                                             GroupTable::Probe* probe) {
  const GroupTable& table = w.fib->star_table();
  // Every frame's probe first, from where an untagged IPv6 frame has its destination. This
  // reads the address before the frame is classified, wherever it would be; a frame too
  // short to hold one hashes a fixed key instead. Tagged frames' probes are not used
  // (classify_burst makes its own). These are also the first reads of each frame's header
  // line (cold when a NIC wrote it by DMA); they do not depend on each other, so the misses
  // overlap here instead of stalling the run's loop one by one.
  const GroupTable::Prober groups = table.prober();
  static constexpr uint8_t kShortFrameKey[16] = {};
  for (uint16_t i = 0; i < n; ++i) {
    const rte_mbuf* m = pkts[i];
    const uint8_t* dst = rte_pktmbuf_mtod_offset(m, const uint8_t*, kEthLen + kIpv6DstOffset);
    probe[i] = groups.probe(m->data_len >= kEthLen + wire::kIpv6HeaderLen ? dst : kShortFrameKey);
  }
  // What decides a frame's fate: its open egress ports, whether it has a (*,G) route,
  // whether (S,G) entries may override that, its notify flag (such frames take the general
  // steps, which copy them) and, on a port that is not a static upstream, its RPF interface
  // (rpf.mask has the iif bits, rpf.want this port in them). The first frame sets the run's
  // fate (and is checked again inside the loop, for a loop with one exit): the (*,G) entry
  // present, no (S,G) entries, no notify flag, the iif equal to `in` where it counts. So RPF
  // and notify cost the loop nothing: they are bits of the one compare it already makes.
  const RouteWord fate = usable | kRouteStarPresent | kRouteHasSources | kRouteNotify | rpf.mask;
  const uint8_t* f0 = rte_pktmbuf_mtod(pkts[0], const uint8_t*);
  if (!plain_udp_multicast(f0, pkts[0]->data_len)) return 0;
  const RouteWord first = table.resolve(f0 + kEthLen + kIpv6DstOffset, probe[0]) & fate;
  const PortMask ports = first & kRoutePorts;
  if (first != (ports | kRouteStarPresent | rpf.want) || ports == 0 || (ports & (ports - 1)) != 0)
    return 0;
  const auto p = static_cast<PortIndex>(std::countr_zero(ports));
  const MacWords macs = mac_words(w.fib->src_mac_word(p));
  const uint16_t i = plain_run(table, pkts, probe, n, fate, first, macs);
  w.counters->port[in].forwarded += i;
  tx_append(w, p, pkts, i);
  return i;
}

// Stage 3, for the frames forward_plain_run left. A frame for one egress port, untagged and
// unpadded leaves as it came with new MACs, straight into that port's TX buffer; from the
// first frame that needs more on, replicate_rest takes over. The two loops are separate
// functions so this one keeps its values in registers.
[[gnu::noinline]] void forward_burst(WorkerConf& w, PortIndex in, const DataBurst& data,
                                     BurstExits& exits) {
  LcoreCounters& c = *w.counters;
  const Fib& fib = *w.fib;  // locals: the frame writes below may alias anything in memory
  const uint16_t n = data.n;
  const PortMask usable = data.usable;
  uint64_t forwarded = 0;
  uint16_t i = 0;
  {
    TxCursor out(w);  // its scope ends before replicate_rest fills the same buffers
    for (; i < n; ++i) {
      rte_mbuf* m = data.m[i];
      const PortMask egress = egress_or_drop(c, in, data.route[i], usable, m, exits);
      if (egress == 0) continue;
      // Untagged (IPv6 right after 14 bytes: the EtherType already says IPv6), one port, and
      // no padding to trim.
      if ((egress & (egress - 1)) != 0) [[unlikely]]
        break;
      const L3Span span = span_of(m, data.ip[i]);
      if (span.offset != kEthLen || m->pkt_len != span.end) [[unlikely]]
        break;
      uint8_t* ip = data.ip[i];
      --ip[kIpv6HopLimitOffset];
      const auto p = static_cast<PortIndex>(std::countr_zero(egress));
      write_eth_macs(ip - kEthLen, ip + kIpv6DstOffset, mac_words(fib.src_mac_word(p)));
      out.add(p, m);
      ++forwarded;
    }
  }
  c.port[in].forwarded += forwarded;
  if (i < n) replicate_rest(w, in, usable, data, i, exits);
}

// One received burst through the steps. Dropped frames go back to their pool together when
// `exits` goes out of scope, after the last step.
void process_burst(WorkerConf& w, PortIndex in, rte_mbuf** pkts, uint16_t n, LazyClock& clock) {
  w.counters->port[in].rx += n;
  BurstExits exits;
  DataBurst data;
  // Gates and upstream flags are read once per burst (fib.h): every step gets the same
  // answer.
  const PortMask usable = w.fib->open_gates() & ~port_bit(in) & kRoutePorts;
  const Rpf rpf = rpf_for(*w.fib, in);
  GroupTable::Probe probe[kBurst];
  const uint16_t done = forward_plain_run(w, in, pkts, n, usable, rpf, probe);
  if (done == n) [[likely]]
    return;
  const bool upstream = rpf.mask == 0;
  if (upstream) {
    classify_burst<true>(w, in, pkts + done, static_cast<uint16_t>(n - done), probe + done, clock,
                         data, exits);
  } else {
    classify_burst<false>(w, in, pkts + done, static_cast<uint16_t>(n - done), probe + done, clock,
                          data, exits);
  }
  if (data.n != 0) {
    data.usable = usable;
    const RouteWord any = lookup_burst(w, data);
    if (!upstream || (any & kRouteNotify) != 0)
      admit_burst(w, in, rpf, !upstream, data, clock, exits);
  }
  if (exits.n_punt != 0) [[unlikely]]
    punt_burst(w, in, exits);
  if (data.n == 0) return;
  forward_burst(w, in, data, exits);
}

}  // namespace

void worker_flush(WorkerConf& w) {
  for (PortIndex p = 0; p < w.n_ports; ++p) tx_flush_port(w, p);
}

unsigned worker_iteration(WorkerConf& w) {
  unsigned total = 0;
  LazyClock clock;
  rte_mbuf* pkts[kBurst];
  for (uint16_t i = 0; i < w.n_rx; ++i) {
    const RxQueueRef& q = w.rx[i];
    uint16_t n = rte_eth_rx_burst(q.dpdk_port, q.queue, pkts, kBurst);
    if (n == 0) continue;
    process_burst(w, q.port, pkts, n, clock);
    total += n;
  }
  // TX buffers flush by time (kDrainIntervalUs). The clock is read after every iteration
  // short of a full burst, and at full load once per kFramesPerClockRead frames: a TSC read
  // on every burst showed in the profile (perf/dataplane/README.md, "Figures behind the
  // code": TSC reads), and that many frames take microseconds, well inside the interval.
  w.frames_since_clock += total;
  if (total < kBurst || w.frames_since_clock >= kFramesPerClockRead) {
    w.frames_since_clock = 0;
    const uint64_t now = clock.now();
    if (now - w.prev_drain > w.drain_tsc) {
      worker_flush(w);
      w.prev_drain = now;
    }
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
