// Split-brain detection for one VRRP6 group: we are Master and another router is Master of
// the same group at the same time (issue #9 part 4). Sans-IO: evidence and `now` come in, the
// alarm state and one deadline go out; the Instance owning it logs the raise and the clear.
//
// What counts as evidence (docs/architecture.md "Split brain"); every kind needs us to have
// been Master for at least one Advertisement_Interval, so adverts that crossed ours at a
// takeover never count:
//   advert_we_win    an ADVERTISEMENT for our VRID whose priority does not beat ours. Only a
//                    Master advertises, so its sender believes it is Master too (RFC 5798
//                    §6.4.3, the "discard" branch; we re-announce). The alarm holds until that
//                    Master has been silent for its own Master_Down_Interval (RFC 5798 §6.1),
//                    as long as a Backup would wait before declaring it gone.
//   advert_we_lose_unheard
//                    an ADVERTISEMENT that beats ours while none of the BFD sessions this group
//                    tracks is Up, or when one came Up so recently that we have not advertised
//                    since: the other router never heard us as its Master, yet claims Master
//                    itself (a Backup that preempts after contact has heard at least one of
//                    our adverts first). We step down at once (§6.4.3), so the alarm is raised
//                    and cleared in the same instant; it still counts as an event. A group
//                    that tracks no BFD session never uses this kind.
//   rbs_peer_master  the RBS peer (Hello/Heartbeat) lists the backup-id of the RBP bound to
//                    this group among the ones it is Master of, for longer than our
//                    Master_Down_Interval: adverts do not get through although the RBS does.
//                    The grace covers a normal preemption, where the RBS may report the new
//                    Master before its advert arrives.
//   advert_mismatched
//                    an ADVERTISEMENT (priority > 0) for our VRID whose address list differs
//                    from ours: RFC 5798 §7.1 drops it, so neither router ever steps down for
//                    the other. Held like advert_we_win.
// BFD Up alone is not evidence: a healthy Backup keeps its session Up too.
// Leaving Master clears the alarm: only one of the two claims the group from then on.
#pragma once

#include <cstdint>
#include <string>

#include "control/common/time.h"
#include "control/wire/address.h"

namespace tandem::vrrp6 {

#define TANDEM_VRRP6_FOREACH_SPLIT_EVIDENCE(_)                                              \
  _(none, "no evidence")                                                                    \
  _(advert_we_win, "advert from another Master that does not beat ours (RFC 5798 6.4.3)")   \
  _(advert_we_lose_unheard,                                                                 \
    "advert that beats ours from a router that never heard us: no tracked BFD session Up, " \
    "or none of our adverts since one came Up (RFC 5798 6.4.3)")                            \
  _(rbs_peer_master, "RBS peer reports itself Master of this group's backup-id")            \
  _(advert_mismatched,                                                                      \
    "advert from another Master listing other virtual addresses, dropped (RFC 5798 7.1)")

enum class SplitEvidence : uint8_t {
#define TANDEM_VRRP6_SPLIT_ENUM(sym, text) sym,
  TANDEM_VRRP6_FOREACH_SPLIT_EVIDENCE(TANDEM_VRRP6_SPLIT_ENUM)
#undef TANDEM_VRRP6_SPLIT_ENUM
};
const char* split_evidence_name(SplitEvidence e);  // snake_case: "advert", "rbs_peer_master"
const char* split_evidence_text(SplitEvidence e);

struct SplitBrainStatus {
  bool active = false;
  uint64_t events = 0;                           // alarms raised since the group was created
  SplitEvidence evidence = SplitEvidence::none;  // of the current (or last) alarm
  wire::Ipv6Address other_master;                // advert evidence: its sender
  uint8_t other_priority = 0;
  TimePoint raised_at = kNever;   // of the current (or last) alarm
  TimePoint cleared_at = kNever;  // of the last cleared alarm
  std::string clear_reason;       // why the last alarm cleared
};

enum class SplitChange : uint8_t { none, raised, cleared };

class SplitBrain {
 public:
  // Call on every event that may change the picture (advert, RBS report, state change,
  // timer) with our current role; returns whether the alarm was raised or cleared now.
  SplitChange update(bool master, TimePoint now);

  // An advert of kind `kind` (advert_we_win or advert_we_lose_unheard) arrived while we are
  // Master. `hold` is the sender's Master_Down_Interval; `settle` our Advertisement_Interval
  // (adverts in our first interval as Master may have crossed ours). Returns false when the
  // advert is not counted.
  bool advert_from_other_master(SplitEvidence kind, const wire::Ipv6Address& src, uint8_t priority,
                                Duration hold, Duration settle, TimePoint now);
  // The RBS peer claims (or stops claiming) Master of our RBP; `grace` = our
  // Master_Down_Interval. Repeated calls with the same value change nothing.
  void set_peer_claims_master(bool claims, Duration grace, TimePoint now);

  TimePoint next_deadline() const;  // kNever unless some evidence expires or matures
  const SplitBrainStatus& status() const { return status_; }
  std::string describe() const;  // one line for the log: evidence, other Master, priority

 private:
  bool advert_active(TimePoint now) const;
  bool rbs_active(TimePoint now) const;
  TimePoint rbs_due() const;

  bool master_ = false;
  TimePoint master_since_{};
  TimePoint advert_until_ = kNever;  // kNever: no advert evidence
  SplitEvidence advert_kind_ = SplitEvidence::none;
  bool peer_claims_ = false;
  TimePoint peer_claims_since_{};
  Duration rbs_grace_{};
  SplitBrainStatus status_;
};

}  // namespace tandem::vrrp6
