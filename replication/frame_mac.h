// Integrity of the RBS stream after the handshake (protocol version 2): every frame a side
// sends after its own AuthProof carries a MAC, keyed per connection and per direction, over
// a per-direction sequence number and the frame's bytes. Pure functions and two small
// classes over bytes (sans-IO): frame_codec.cc calls the opener, frame_output.cc the sealer.
//
// Keys (RFC 5869 HKDF with SHA-256):
//   PRK        = HKDF-Extract(salt = dialer's Hello nonce || acceptor's Hello nonce,
//                             IKM  = authentication-key)
//   key(dir)   = HKDF-Expand(PRK, "tandem-rbs-frame-v2" || dir, 32)   dir 1 = dialer→acceptor,
//                                                                       2 = acceptor→dialer
// Both nonces are fresh per connection, so a frame recorded on one connection never verifies
// on another; the direction in the info keeps a frame from being reflected back to its sender.
//
// Sealed frame on the wire:
//   u32 BE (kSealedFlag | L) || body (one FlatBuffers Frame, L - 40 bytes)
//   || u64 BE seq || HMAC-SHA256(key(dir), seq || body)
// seq starts at 0 on each connection and grows by one per sealed frame. The receiver only
// accepts the seq it expects next, so a replayed, reordered or dropped frame is refused; the
// seq also travels in clear, must equal the expected one, and lets a refusal name which of
// these it was.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "replication/auth.h"

namespace tandem::replication {

inline constexpr uint32_t kSealedFlag = 0x8000'0000u;  // high bit of the length word
inline constexpr size_t kMacSeqBytes = 8;
inline constexpr size_t kMacTagBytes = 32;  // SHA-256 output, not truncated
inline constexpr size_t kSealTrailerBytes = kMacSeqBytes + kMacTagBytes;

using FrameKey = std::array<uint8_t, 32>;
using MacTag = std::array<uint8_t, kMacTagBytes>;

struct StreamKeys {
  FrameKey dialer_to_acceptor{};
  FrameKey acceptor_to_dialer{};
  // The key of what `side` sends, and of what it receives.
  const FrameKey& sending(TcpSide side) const {
    return side == TcpSide::dialer ? dialer_to_acceptor : acceptor_to_dialer;
  }
  const FrameKey& receiving(TcpSide side) const { return sending(other_side(side)); }
};

StreamKeys derive_stream_keys(std::string_view key, const AuthNonce& dialer_nonce,
                              const AuthNonce& acceptor_nonce);

// HMAC-SHA256(key, seq as u64 BE || body).
MacTag frame_mac(const FrameKey& key, uint64_t seq, std::span<const uint8_t> body);

// Our direction: appends each body as a sealed frame with the next seq.
class FrameSealer {
 public:
  explicit FrameSealer(const FrameKey& key) : key_(key) {}
  void seal(std::vector<uint8_t>& out, std::span<const uint8_t> body);
  uint64_t next_seq() const { return seq_; }
  // Frames from `seq` on were never written (the output was dropped): number again from it.
  void rewind(uint64_t seq) { seq_ = seq; }

 private:
  FrameKey key_;
  uint64_t seq_ = 0;
};

// The peer's direction: checks each sealed frame's trailer against the seq expected next.
class FrameOpener {
 public:
  enum class Result : uint8_t {
    ok,
    mismatch,   // neither at the expected seq nor at the one it names: altered or another key
    replayed,   // authentic, but at a seq already accepted
    reordered,  // authentic, but at a seq ahead of the expected one (one was dropped or moved)
  };
  explicit FrameOpener(const FrameKey& key) : key_(key) {}
  // `trailer` is the kSealTrailerBytes after `body`. The expected seq advances only on ok.
  Result open(std::span<const uint8_t> body, std::span<const uint8_t> trailer);
  uint64_t expected_seq() const { return seq_; }

 private:
  FrameKey key_;
  uint64_t seq_ = 0;
};

}  // namespace tandem::replication
