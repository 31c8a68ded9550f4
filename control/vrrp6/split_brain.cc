#include "control/vrrp6/split_brain.h"

#include <algorithm>

#include "control/common/log.h"
#include "control/common/name_table.h"

namespace tandem::vrrp6 {

namespace {
#define TANDEM_VRRP6_SPLIT_NAME(sym, text) #sym,
#define TANDEM_VRRP6_SPLIT_TEXT(sym, text) text,
constexpr const char* kEvidenceNames[] = {
    TANDEM_VRRP6_FOREACH_SPLIT_EVIDENCE(TANDEM_VRRP6_SPLIT_NAME)};
constexpr const char* kEvidenceTexts[] = {
    TANDEM_VRRP6_FOREACH_SPLIT_EVIDENCE(TANDEM_VRRP6_SPLIT_TEXT)};
#undef TANDEM_VRRP6_SPLIT_NAME
#undef TANDEM_VRRP6_SPLIT_TEXT
}  // namespace

const char* split_evidence_name(SplitEvidence e) {
  return name_at(kEvidenceNames, static_cast<size_t>(e));
}
const char* split_evidence_text(SplitEvidence e) {
  return name_at(kEvidenceTexts, static_cast<size_t>(e));
}

bool SplitBrain::advert_active(TimePoint now) const {
  return master_ && advert_until_ != kNever && now < advert_until_;
}

TimePoint SplitBrain::rbs_due() const {
  return std::max(peer_claims_since_, master_since_) + rbs_grace_;
}

bool SplitBrain::rbs_active(TimePoint now) const {
  return master_ && peer_claims_ && now >= rbs_due();
}

SplitChange SplitBrain::update(bool master, TimePoint now) {
  if (master && !master_) master_since_ = now;
  master_ = master;
  // Advert evidence belongs to one term as Master, and lasts until the sender's
  // Master_Down_Interval has passed without another advert from it.
  if (!master || (advert_until_ != kNever && now >= advert_until_)) advert_until_ = kNever;
  const bool by_advert = advert_active(now);
  const bool active = by_advert || rbs_active(now);
  if (active == status_.active) return SplitChange::none;
  status_.active = active;
  if (active) {
    ++status_.events;
    status_.raised_at = now;
    status_.evidence = by_advert ? advert_kind_ : SplitEvidence::rbs_peer_master;
    return SplitChange::raised;
  }
  status_.cleared_at = now;
  status_.clear_reason = master ? "the other Master stopped claiming the group (silent for its "
                                  "Master_Down_Interval, not Master on the RBS)"
                                : "we left Master: the other router is the only Master";
  return SplitChange::cleared;
}

bool SplitBrain::advert_from_other_master(SplitEvidence kind, const wire::Ipv6Address& src,
                                          uint8_t priority, Duration hold, Duration settle,
                                          TimePoint now) {
  if (!master_ || now - master_since_ < settle) return false;
  advert_until_ = now + hold;
  advert_kind_ = kind;
  status_.other_master = src;
  status_.other_priority = priority;
  return true;
}

void SplitBrain::set_peer_claims_master(bool claims, Duration grace, TimePoint now) {
  if (claims == peer_claims_) return;
  peer_claims_ = claims;
  peer_claims_since_ = now;
  rbs_grace_ = grace;
}

TimePoint SplitBrain::next_deadline() const {
  if (!master_) return kNever;
  TimePoint d = advert_until_;
  // Once raised, a maturing RBS claim changes nothing; expiry of the advert evidence is the
  // next moment that matters.
  if (peer_claims_ && !status_.active) d = std::min(d, rbs_due());
  return d;
}

std::string SplitBrain::describe() const {
  std::string s = split_evidence_text(status_.evidence);
  if (status_.evidence != SplitEvidence::rbs_peer_master)
    s += format_string(": %s priority %u", status_.other_master.to_string().c_str(),
                       status_.other_priority);
  return s;
}

}  // namespace tandem::vrrp6
