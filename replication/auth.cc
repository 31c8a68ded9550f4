#include "replication/auth.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <stdexcept>
#include <vector>

namespace tandem::replication {

namespace {

// Domain separation: a proof for this exchange is never valid for any other use of the key.
constexpr std::string_view kLabel = "tandem-rbs-auth-v1";

void put_u64(std::vector<uint8_t>& out, uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<uint8_t>(v >> shift));
}

}  // namespace

NonceSource random_nonce_source() {
  return [] {
    AuthNonce n{};
    // RAND_bytes fails only when the CSPRNG cannot be seeded; a predictable nonce would
    // defeat the replay protection, so that is fatal rather than silently weaker.
    if (RAND_bytes(n.data(), static_cast<int>(n.size())) != 1)
      throw std::runtime_error("RAND_bytes failed: no random nonce for RBS authentication");
    return n;
  };
}

TcpSide other_side(TcpSide s) {
  return s == TcpSide::dialer ? TcpSide::acceptor : TcpSide::dialer;
}

AuthProof auth_proof(std::string_view key, TcpSide prover_side, const AuthNonce& verifier_nonce,
                     const AuthNonce& prover_nonce, const AuthIdentity& prover,
                     const AuthIdentity& verifier) {
  std::vector<uint8_t> msg;
  msg.reserve(kLabel.size() + 1 + 2 * kAuthNonceBytes + 4 * 8);
  msg.insert(msg.end(), kLabel.begin(), kLabel.end());
  msg.push_back(static_cast<uint8_t>(prover_side));
  msg.insert(msg.end(), verifier_nonce.begin(), verifier_nonce.end());
  msg.insert(msg.end(), prover_nonce.begin(), prover_nonce.end());
  put_u64(msg, prover.node_id);
  put_u64(msg, prover.epoch);
  put_u64(msg, verifier.node_id);
  put_u64(msg, verifier.epoch);

  AuthProof out{};
  unsigned int len = 0;
  if (!HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), msg.data(), msg.size(),
            out.data(), &len) ||
      len != out.size()) {
    throw std::runtime_error("HMAC-SHA256 failed");
  }
  return out;
}

bool auth_proof_matches(const AuthProof& expected, std::span<const uint8_t> received) {
  if (received.size() != expected.size()) return false;
  return CRYPTO_memcmp(expected.data(), received.data(), expected.size()) == 0;
}

}  // namespace tandem::replication
