// Randomness is injected (MLD response delays, BFD jitter, VRRP nothing): a seeded engine
// replays the same run. xoshiro256** is small, fast and good enough for timer jitter.
#pragma once

#include <cstdint>

namespace tandem {

class Rng {
 public:
  explicit Rng(uint64_t seed = 0x7a6e64656d) { reseed(seed); }

  void reseed(uint64_t seed) {
    // splitmix64 spreads a small seed over the whole state.
    for (auto& s : state_) {
      seed += 0x9e3779b97f4a7c15ULL;
      uint64_t z = seed;
      z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
      z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
      s = z ^ (z >> 31);
    }
  }

  uint64_t next() {
    const uint64_t result = rotl(state_[1] * 5, 7) * 9;
    const uint64_t t = state_[1] << 17;
    state_[2] ^= state_[0];
    state_[3] ^= state_[1];
    state_[1] ^= state_[2];
    state_[0] ^= state_[3];
    state_[2] ^= t;
    state_[3] = rotl(state_[3], 45);
    return result;
  }

  // Uniform in [lo, hi] (inclusive); lo <= hi.
  uint64_t uniform(uint64_t lo, uint64_t hi) {
    if (hi <= lo) return lo;
    return lo + next() % (hi - lo + 1);
  }

 private:
  static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t state_[4];
};

}  // namespace tandem
