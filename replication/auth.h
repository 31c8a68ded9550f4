// RBS peer authentication (`authentication-key KEY` in the remote-backup-service view, a tandem
// addition): both ends prove they hold the same shared key before either accepts a single
// replicated record. Pure functions plus an injected nonce source, so the channel stays
// sans-IO and tests are deterministic.
//
// Exchange, per TCP connection (hello_handshake.cc drives it):
//   1. Each side puts a fresh 32-byte random nonce in its Hello (Hello.auth_nonce). A side
//      without a key sends none.
//   2. On the peer's Hello, each side answers the peer's nonce with an AuthProof frame:
//        HMAC-SHA256(key, "tandem-rbs-auth-v1" || prover's TCP side (dialer/acceptor)
//                         || verifier's nonce || prover's nonce
//                         || prover node id || prover epoch || verifier node id || verifier epoch)
//      (integers 8 bytes big-endian).
//   3. The peer's Hello counts only once its AuthProof matches (constant-time comparison);
//      until then every other frame closes the connection.
// Why each part is there:
//   - the verifier's nonce is fresh per connection, so a Hello + AuthProof recorded from an
//     earlier connection never matches again (replay);
//   - the prover's TCP side differs between the two proofs of one connection, and an
//     attacker who opens two connections to the same router is the dialer on both, so a
//     router's own proof cannot be reflected back to it, nor relayed from one connection
//     to another by someone who cannot take over a connection the routers themselves dial;
//   - node ids and epochs tie the proof to the identities both Hellos announced.
// The key itself never leaves this file's callers: it is not logged, displayed or exported.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>

#include "replication/auth_key.h"

namespace tandem::replication {

inline constexpr size_t kAuthNonceBytes = 32;
inline constexpr size_t kAuthProofBytes = 32;  // SHA-256 output
using AuthNonce = std::array<uint8_t, kAuthNonceBytes>;
using AuthProof = std::array<uint8_t, kAuthProofBytes>;

// Where fresh nonces come from. The daemon uses random_nonce_source(); tests inject a
// deterministic one.
using NonceSource = std::function<AuthNonce()>;
// OpenSSL's CSPRNG (RAND_bytes).
NonceSource random_nonce_source();

// Which end of the TCP connection a side is; part of what a proof covers.
enum class TcpSide : uint8_t { dialer = 1, acceptor = 2 };
TcpSide other_side(TcpSide s);

struct AuthIdentity {
  uint64_t node_id = 0;
  uint64_t epoch = 0;
};

// The proof `prover` sends in answer to `verifier_nonce` (see the exchange above).
AuthProof auth_proof(std::string_view key, TcpSide prover_side, const AuthNonce& verifier_nonce,
                     const AuthNonce& prover_nonce, const AuthIdentity& prover,
                     const AuthIdentity& verifier);

// Constant-time equality (CRYPTO_memcmp); false when `received` is not kAuthProofBytes long.
bool auth_proof_matches(const AuthProof& expected, std::span<const uint8_t> received);

}  // namespace tandem::replication
