// The control core's view of the forwarding table. Semantics (DESIGN.md §4):
//
//  * An entry is keyed by (S,G); S = :: stands for (*,G).
//  * A worker looks up (S,G) first; if present, its egress set is used alone (no union with
//    (*,G)); otherwise (*,G); otherwise the frame is dropped as no_route (as rpf_fail on a
//    port that is not upstream: no entry, no RPF interface to match).
//  * RPF: a frame received on port `in` is accepted iff `in` is a static upstream port
//    (set_upstream) or the entry found above has iif == in; else it is dropped as rpf_fail
//    (and punted as PuntClass::data where set_rpf_notify(in) is on). The hop limit is
//    judged after RPF.
//  * MLDv2 source filtering is resolved by the control core into those entries:
//      (*,G) egress = interfaces in EXCLUDE mode for G (MLDv1 listeners are EXCLUDE{}).
//      For every source S named in some interface's INCLUDE or EXCLUDE list for G:
//      (S,G) egress = interfaces whose INCLUDE list has S, plus EXCLUDE interfaces whose
//      list does not have S. So EXCLUDE{S1} on port 2 with (*,G) = {2,3} installs
//      (S1,G) = {3}. resolve_group() in fib_resolve.h computes exactly this.
//  * At forwarding time the egress set is masked with the open gates and the ingress port
//    is removed.
//
// Updates are visible to workers as soon as the call returns (well within 1 ms); workers
// never wait for the writer. Replaced or removed objects are freed only after every worker
// has reported a quiescent state (rte_rcu_qsbr), in reclaim().
#pragma once

#include <cstddef>
#include <cstdint>

#include "control/wire/address.h"
#include "dataplane/types.h"

namespace tandem::dataplane {

// What one entry says: where its frames leave, where they must arrive (RPF, RFC 7761 §4.2),
// and whether the workers tell the control core about the sources they forward on it.
struct FibRoute {
  PortMask egress = 0;
  // Expected incoming port. kNoIif: the entry has no RPF interface, so only ports marked
  // `multicast ipv6 upstream` (set_upstream) accept its frames; those ports accept every
  // entry's frames whatever its iif (the static mode for flooded LANs).
  PortIndex iif = kNoIif;
  // (*,G) entries only: a frame forwarded on this entry (no (S,G) entry matched) is also
  // copied to the control core (PuntClass::data, policed), so PIM can switch to the source
  // tree on the first packet (RFC 7761 §4.2.1).
  bool notify_sources = false;
  bool operator==(const FibRoute&) const = default;
};

class FibWriter {
 public:
  virtual ~FibWriter() = default;

  // Adds or replaces the entry. False when the table is full (capacity reached), a port in
  // `egress` or the iif does not exist, or `group` is not one routers forward (not
  // multicast, or of link-local scope or below: RFC 4291 §2.7).
  virtual bool upsert(const wire::Ipv6Address& source_or_any, const wire::Ipv6Address& group,
                      const FibRoute& route) = 0;
  // An entry without RPF interface or notifications (static upstream mode).
  bool upsert(const wire::Ipv6Address& source_or_any, const wire::Ipv6Address& group,
              PortMask egress) {
    return upsert(source_or_any, group, FibRoute{egress});
  }
  // False when there was no such entry.
  virtual bool remove(const wire::Ipv6Address& source_or_any, const wire::Ipv6Address& group) = 0;
  virtual void clear() = 0;

  // Forwarding gate of an interface (VRRP6 Master ⇒ open). Flips atomically for workers.
  virtual void set_gate(PortIndex port, bool open) = 0;
  // `multicast ipv6 upstream`: multicast data accepted on this port (RPF).
  virtual void set_upstream(PortIndex port, bool upstream) = 0;
  // PIM runs on this port: data that fails RPF here is sampled to the control core
  // (PuntClass::data, policed) instead of only dropped, so PIM can see data arriving on an
  // outgoing interface (Assert, RFC 7761 §4.6) or on the source tree's interface (SPT bit,
  // §4.2.2). Still counted as rpf_fail.
  virtual void set_rpf_notify(PortIndex port, bool notify) = 0;
  // Source MAC of replicas sent on `port`: the port MAC, or the VRRP6 virtual MAC while the
  // interface is bound to a group (RFC 5798 §7.3).
  virtual void set_src_mac(PortIndex port, const wire::MacAddress& mac) = 0;

  // Frees objects retired by earlier updates once workers are quiescent. Cheap; call it
  // every control-loop iteration. Returns objects still waiting.
  virtual size_t reclaim() = 0;

  virtual size_t size() const = 0;
  virtual size_t capacity() const = 0;
  virtual bool gate(PortIndex port) const = 0;
  virtual bool upstream(PortIndex port) const = 0;
  virtual wire::MacAddress src_mac(PortIndex port) const = 0;
};

}  // namespace tandem::dataplane
