#include "replication/connector.h"

#include <algorithm>

namespace tandem::replication {

bool initiated_by_lower(Direction dir, const wire::Ipv6Address& local,
                        const wire::Ipv6Address& peer) {
  const bool local_is_lower = local < peer;
  return dir == Direction::outbound ? local_is_lower : !local_is_lower;
}

bool RbsConnector::should_dial(TimePoint now, bool have_active, bool dial_in_progress) const {
  if (have_active || dial_in_progress || bfd_blocked()) return false;
  return now >= next_dial_;
}

void RbsConnector::on_dial_started(TimePoint) {
  ++counters_.connect_attempts;
}

void RbsConnector::on_dial_failed(TimePoint now) {
  ++counters_.connect_failures;
  next_dial_ = now + backoff_;
  backoff_ = std::min(backoff_ * 2, config_.backoff_max);
}

void RbsConnector::on_link_lost(TimePoint now) {
  next_dial_ = now + backoff_;
  backoff_ = std::min(backoff_ * 2, config_.backoff_max);
}

void RbsConnector::on_link_healthy() {
  backoff_ = config_.backoff_min;
}

RbsConnector::Verdict RbsConnector::on_inbound(const wire::Ipv6Address& from, TimePoint now) {
  if (from != config_.peer) {
    ++counters_.refused_wrong_peer;
    return Verdict::refuse_wrong_peer;
  }
  if (bfd_blocked()) {
    ++counters_.refused_bfd_down;
    return Verdict::refuse_bfd_down;
  }
  if (!inbound_.take(now)) {
    ++counters_.refused_rate_limited;
    return Verdict::refuse_rate_limited;
  }
  return Verdict::accept;
}

bool RbsConnector::prefer_candidate(bool have_active, Direction active_dir, Direction candidate_dir,
                                    bool active_authenticated) {
  if (!have_active) return true;
  // Before this rule, 20 short connects from the peer's address reset a live channel.
  if (active_authenticated) {
    ++counters_.refused_authenticated_live;
    return false;
  }
  // Same direction: the peer dropped the old one (restart, half-open) and dialed again.
  if (active_dir == candidate_dir) return true;
  const bool candidate_wins = initiated_by_lower(candidate_dir, config_.local, config_.peer) &&
                              !initiated_by_lower(active_dir, config_.local, config_.peer);
  ++counters_.replaced;  // one of the two is closed either way
  return candidate_wins;
}

bool RbsConnector::on_bfd(bool up, TimePoint now) {
  const bool was_up = bfd_up_;
  bfd_up_ = up;
  if (!config_.track_bfd) return false;
  if (up && !was_up) {
    // BFD back up: dial at once, the new connection resyncs with a snapshot.
    backoff_ = config_.backoff_min;
    next_dial_ = now;
    return false;
  }
  if (!up && was_up) {
    ++counters_.bfd_drops;
    return true;
  }
  return false;
}

}  // namespace tandem::replication
