// Querier election and general-query scheduling for one interface (RFC 3810 §7.1, §7.6.2,
// §9). A plain state machine: the engine feeds it received queries and timer ticks and asks
// whether a general query is due; it owns no records and sends nothing itself.
#pragma once

#include <cstdint>

#include "control/common/time.h"
#include "control/mld/config.h"
#include "control/wire/address.h"
#include "control/wire/mld.h"

namespace tandem::mld {

class Querier {
 public:
  // §7.1: a router starts as querier and sends [Startup Query Count] general queries
  // [Startup Query Interval] apart (the first one at once).
  void start(const InterfaceConfig& config, const wire::Ipv6Address& own, TimePoint now);
  // Passive (hot-backup peer owns the link): no role, no queries, no timers.
  void stop();
  // Leaving passive: querier at once, one general query now, then every QI.
  void resume(TimePoint now);
  void set_config(const InterfaceConfig& config, TimePoint now);
  void set_own_address(const wire::Ipv6Address& own, TimePoint now);

  // Election on every query (the S flag does not suppress it, §7.6.2 / §5.1.7.1): a query
  // from a lower address makes or keeps that router the querier and (re)starts the Other
  // Querier Present timer; a non-querier adopts the querier's QRV and QQI (§9.1, §9.2).
  // Returns true when this router lost the querier role with this query.
  bool on_query(const wire::Ipv6Address& src, const wire::MldQuery& q, TimePoint now);

  // Advances the role timers. Returns true when a general query must be sent now (periodic,
  // start-up, or resuming the role after Other Querier Present expired, §7.6.2).
  bool on_timer(TimePoint now);
  TimePoint next_deadline() const;

  bool active() const { return active_; }
  bool is_querier() const { return active_ && querier_; }
  const wire::Ipv6Address& querier_address() const { return querier_addr_; }
  TimePoint other_querier_expires() const { return other_querier_expires_; }
  TimePoint next_general_query() const { return general_query_at_; }
  const EffectiveTimers& timers() const { return timers_; }
  // The general query this router sends now (spec only; the engine adds dst and ifindex).
  wire::MldQuerySpec general_query_spec() const;

 private:
  void become_querier(TimePoint now, bool send_now);

  InterfaceConfig config_;
  EffectiveTimers timers_;
  wire::Ipv6Address own_;
  wire::Ipv6Address querier_addr_;
  bool active_ = false;
  bool querier_ = false;
  uint8_t startup_left_ = 0;  // start-up queries still to send after the next one
  TimePoint general_query_at_ = kNever;
  TimePoint other_querier_expires_ = kNever;
};

}  // namespace tandem::mld
