// A token bucket in simulated time (sans-IO): `burst` tokens, one more every `interval`.
// Bounds how often a peer can make us do work it asks for (connection attempts,
// BatchBackupRequests) without ever refusing a well-behaved peer.
#pragma once

#include <algorithm>
#include <cstdint>

#include "control/common/time.h"

namespace tandem::replication {

class TokenBucket {
 public:
  TokenBucket(uint32_t burst, Duration interval)
      : burst_(std::max<uint32_t>(burst, 1)), interval_(interval), tokens_(burst_) {}

  // Takes a token if one is there at `now`; false (and counted in limited()) otherwise.
  bool take(TimePoint now) {
    refill(now);
    if (tokens_ == 0) {
      ++limited_;
      return false;
    }
    --tokens_;
    return true;
  }
  uint64_t limited() const { return limited_; }

 private:
  void refill(TimePoint now) {
    if (last_ == TimePoint{}) last_ = now;
    if (interval_ <= Duration::zero() || now <= last_) return;
    const auto earned = static_cast<uint64_t>((now - last_) / interval_);
    if (earned == 0) return;
    tokens_ = static_cast<uint32_t>(std::min<uint64_t>(burst_, tokens_ + earned));
    last_ += interval_ * static_cast<int64_t>(earned);
    if (tokens_ == burst_) last_ = now;
  }

  uint32_t burst_;
  Duration interval_;
  uint32_t tokens_;
  TimePoint last_{};
  uint64_t limited_ = 0;
};

}  // namespace tandem::replication
