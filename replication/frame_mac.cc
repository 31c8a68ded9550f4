#include "replication/frame_mac.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>

#include <memory>
#include <stdexcept>

namespace tandem::replication {

namespace {

// Domain separation from the AuthProof (auth.cc uses "tandem-rbs-auth-v1").
constexpr std::string_view kFrameLabel = "tandem-rbs-frame-v2";

void put_u64(uint8_t* p, uint64_t v) {
  for (int i = 0; i < 8; ++i) p[i] = static_cast<uint8_t>(v >> (56 - 8 * i));
}

uint64_t get_u64(const uint8_t* p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | p[i];
  return v;
}

FrameKey hkdf_sha256(std::string_view ikm, std::span<const uint8_t> salt, uint8_t direction) {
  std::vector<uint8_t> info(kFrameLabel.begin(), kFrameLabel.end());
  info.push_back(direction);
  std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)> ctx(
      EVP_PKEY_CTX_new_id(EVP_PKEY_HKDF, nullptr), &EVP_PKEY_CTX_free);
  FrameKey out{};
  size_t len = out.size();
  if (!ctx || EVP_PKEY_derive_init(ctx.get()) <= 0 ||
      EVP_PKEY_CTX_set_hkdf_md(ctx.get(), EVP_sha256()) <= 0 ||
      EVP_PKEY_CTX_set1_hkdf_salt(ctx.get(), salt.data(), static_cast<int>(salt.size())) <= 0 ||
      EVP_PKEY_CTX_set1_hkdf_key(ctx.get(), reinterpret_cast<const unsigned char*>(ikm.data()),
                                 static_cast<int>(ikm.size())) <= 0 ||
      EVP_PKEY_CTX_add1_hkdf_info(ctx.get(), info.data(), static_cast<int>(info.size())) <= 0 ||
      EVP_PKEY_derive(ctx.get(), out.data(), &len) <= 0 || len != out.size()) {
    throw std::runtime_error("HKDF-SHA256 failed");
  }
  return out;
}

bool tag_matches(const MacTag& expected, const uint8_t* received) {
  return CRYPTO_memcmp(expected.data(), received, expected.size()) == 0;
}

}  // namespace

StreamKeys derive_stream_keys(std::string_view key, const AuthNonce& dialer_nonce,
                              const AuthNonce& acceptor_nonce) {
  std::array<uint8_t, 2 * kAuthNonceBytes> salt{};
  std::copy(dialer_nonce.begin(), dialer_nonce.end(), salt.begin());
  std::copy(acceptor_nonce.begin(), acceptor_nonce.end(), salt.begin() + kAuthNonceBytes);
  StreamKeys k;
  k.dialer_to_acceptor = hkdf_sha256(key, salt, static_cast<uint8_t>(TcpSide::dialer));
  k.acceptor_to_dialer = hkdf_sha256(key, salt, static_cast<uint8_t>(TcpSide::acceptor));
  return k;
}

MacTag frame_mac(const FrameKey& key, uint64_t seq, std::span<const uint8_t> body) {
  // EVP_MAC (OpenSSL 3): the HMAC_CTX API is deprecated there. The algorithm is fetched once.
  static EVP_MAC* const hmac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  uint8_t seq_be[kMacSeqBytes];
  put_u64(seq_be, seq);
  std::unique_ptr<EVP_MAC_CTX, decltype(&EVP_MAC_CTX_free)> ctx(
      hmac ? EVP_MAC_CTX_new(hmac) : nullptr, &EVP_MAC_CTX_free);
  char digest[] = "SHA256";
  const OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string("digest", digest, 0),
                               OSSL_PARAM_construct_end()};
  MacTag out{};
  size_t len = 0;
  if (!ctx || EVP_MAC_init(ctx.get(), key.data(), key.size(), params) != 1 ||
      EVP_MAC_update(ctx.get(), seq_be, sizeof seq_be) != 1 ||
      EVP_MAC_update(ctx.get(), body.data(), body.size()) != 1 ||
      EVP_MAC_final(ctx.get(), out.data(), &len, out.size()) != 1 || len != out.size()) {
    throw std::runtime_error("HMAC-SHA256 failed");
  }
  return out;
}

void FrameSealer::seal(std::vector<uint8_t>& out, std::span<const uint8_t> body) {
  const uint32_t word = kSealedFlag | static_cast<uint32_t>(body.size() + kSealTrailerBytes);
  const uint8_t prefix[4] = {static_cast<uint8_t>(word >> 24), static_cast<uint8_t>(word >> 16),
                             static_cast<uint8_t>(word >> 8), static_cast<uint8_t>(word)};
  out.insert(out.end(), prefix, prefix + 4);
  out.insert(out.end(), body.begin(), body.end());
  uint8_t seq_be[kMacSeqBytes];
  put_u64(seq_be, seq_);
  out.insert(out.end(), seq_be, seq_be + kMacSeqBytes);
  const MacTag tag = frame_mac(key_, seq_, body);
  out.insert(out.end(), tag.begin(), tag.end());
  ++seq_;
}

FrameOpener::Result FrameOpener::open(std::span<const uint8_t> body,
                                      std::span<const uint8_t> trailer) {
  if (trailer.size() != kSealTrailerBytes) return Result::mismatch;
  const uint8_t* tag = trailer.data() + kMacSeqBytes;
  // The seq in clear must be the expected one too, so every bit of the trailer counts.
  const uint64_t named = get_u64(trailer.data());
  if (named == seq_) {
    if (!tag_matches(frame_mac(key_, seq_, body), tag)) return Result::mismatch;
    ++seq_;
    return Result::ok;
  }
  // Only to name the refusal: the frame is refused whatever this finds.
  if (tag_matches(frame_mac(key_, named, body), tag)) {
    return named < seq_ ? Result::replayed : Result::reordered;
  }
  return Result::mismatch;
}

}  // namespace tandem::replication
