#include "replication/hello_handshake.h"

#include <algorithm>
#include <string>
#include <utility>

#include "replication/control_frames.h"
#include "replication/record_codec.h"

namespace tandem::replication {

namespace {

HandshakeStep refused(CloseReason reason, std::string detail) {
  return {refuse(reason, std::move(detail)), std::nullopt, std::nullopt};
}

std::string id_list(const std::vector<uint16_t>& ids) {
  std::string s;
  for (uint16_t id : ids) s += (s.empty() ? "" : ",") + std::to_string(id);
  return s.empty() ? std::string("none") : s;
}

}  // namespace

void HelloHandshake::start(TimePoint now, TcpSide side, std::vector<uint16_t> master_ids,
                           FrameOutput& out) {
  hello_ok_ = false;
  side_ = side;
  connected_at_ = now;
  // A fresh nonce per connection: a proof recorded on an earlier one never matches again.
  if (keyed()) local_nonce_ = cfg_.nonce_source();
  HelloFields hello;
  hello.node_id = cfg_.node_id;
  hello.epoch = cfg_.epoch;
  hello.backup_ids = &cfg_.backup_ids;
  hello.master_ids = std::move(master_ids);
  hello.heartbeat_interval = cfg_.heartbeat_interval;
  hello.nonce = keyed() ? &local_nonce_ : nullptr;
  queue_hello(out, hello, now);
}

void HelloHandshake::reset() {
  hello_ok_ = false;
  awaiting_proof_ = false;
  authenticated_ = false;
}

EarlyFrame HelloHandshake::screen(fb::Message type) const {
  if (hello_ok_ || type == fb::Message::Hello || type == fb::Message::Error ||
      type == fb::Message::AuthProof) {
    return {};
  }
  // Between a keyed peer's Hello and its proof nothing is applied. A heartbeat may
  // legitimately cross our Hello on a slow link: it only proves liveness.
  if (awaiting_proof_ && type == fb::Message::Heartbeat) {
    return {EarlyFrame::Kind::liveness_only, {}};
  }
  if (awaiting_proof_) {
    return {EarlyFrame::Kind::refuse,
            {CloseReason::auth_missing,
             format_string("%s before the peer's AuthProof", fb::EnumNameMessage(type)), true}};
  }
  return {EarlyFrame::Kind::refuse,
          {CloseReason::unexpected_message, "first frame is not Hello", true}};
}

HandshakeStep HelloHandshake::on_hello(const fb::Hello* h, FrameOutput& out, TimePoint now) {
  if (hello_ok_ || awaiting_proof_) return refused(CloseReason::unexpected_message, "second Hello");
  if (h->protocol_version() != kProtocolVersion) {
    return refused(CloseReason::bad_version,
                   format_string("peer speaks version %u, we speak %u", h->protocol_version(),
                                 kProtocolVersion));
  }
  PeerHello peer;
  peer.node_id = h->node_id();
  peer.epoch = h->epoch();
  peer.backup_ids = decode_ids(h->backup_ids());
  peer.master_backup_ids = decode_ids(h->master_backup_ids());
  const auto* nonce = h->auth_nonce();
  if (!keyed()) {
    if (nonce) {
      return refused(CloseReason::auth_unexpected, "peer's Hello carries an authentication nonce");
    }
    return accept(std::move(peer));
  }
  if (!nonce) {
    return refused(CloseReason::auth_missing, "peer's Hello carries no authentication nonce");
  }
  if (nonce->size() != kAuthNonceBytes) {
    return refused(CloseReason::auth_failed,
                   format_string("authentication nonce of %u bytes, expected %zu", nonce->size(),
                                 kAuthNonceBytes));
  }
  std::copy(nonce->begin(), nonce->end(), peer_nonce_.begin());
  pending_ = std::move(peer);
  awaiting_proof_ = true;
  queue_auth_proof(out,
                   auth_proof(cfg_.authentication_key, side_, peer_nonce_, local_nonce_,
                              our_identity(), {pending_.node_id, pending_.epoch}),
                   now);
  // Both nonces are known now: everything we send after the proof is sealed.
  const bool dialer = side_ == TcpSide::dialer;
  const StreamKeys keys =
      derive_stream_keys(cfg_.authentication_key, dialer ? local_nonce_ : peer_nonce_,
                         dialer ? peer_nonce_ : local_nonce_);
  out.seal_with(FrameSealer(keys.sending(side_)));
  inbound_key_ = keys.receiving(side_);
  return {};
}

// With a key, the peer's Hello takes effect only here, once its proof of the key matches.
HandshakeStep HelloHandshake::on_auth_proof(const fb::AuthProof* p) {
  if (!keyed()) return refused(CloseReason::auth_unexpected, "peer sent an AuthProof");
  if (!awaiting_proof_) {
    return refused(CloseReason::unexpected_message,
                   hello_ok_ ? "second AuthProof" : "AuthProof before Hello");
  }
  const AuthProof expected =
      auth_proof(cfg_.authentication_key, other_side(side_), local_nonce_, peer_nonce_,
                 {pending_.node_id, pending_.epoch}, our_identity());
  const auto* v = p->hmac();
  const auto received =
      v ? std::span<const uint8_t>(v->data(), v->size()) : std::span<const uint8_t>{};
  if (!auth_proof_matches(expected, received)) {
    return refused(CloseReason::auth_failed,
                   "AuthProof does not match: another key, or replayed from an earlier connection");
  }
  awaiting_proof_ = false;
  authenticated_ = true;
  log_(LogLevel::info, "peer authenticated");
  HandshakeStep step = accept(std::move(pending_));
  if (!step.refusal) step.opener.emplace(inbound_key_);
  return step;
}

HandshakeStep HelloHandshake::accept(PeerHello peer) {
  if (peer.backup_ids != cfg_.backup_ids) {
    return refused(CloseReason::backup_id_mismatch, "peer backup-id " + id_list(peer.backup_ids) +
                                                        ", local backup-id " +
                                                        id_list(cfg_.backup_ids));
  }
  if (peer.epoch == 0) return refused(CloseReason::unexpected_message, "epoch 0");
  if (peer_epoch_ != 0 && peer.epoch != peer_epoch_) {
    ++c_.epoch_changes;
    log_(LogLevel::notice, format_string("peer restarted (epoch %016llx → %016llx)",
                                         static_cast<unsigned long long>(peer_epoch_),
                                         static_cast<unsigned long long>(peer.epoch)));
  }
  peer_epoch_ = peer.epoch;
  peer_node_ = peer.node_id;
  hello_ok_ = true;
  log_(LogLevel::info, format_string("peer hello ok: node %016llx epoch %016llx",
                                     static_cast<unsigned long long>(peer_node_),
                                     static_cast<unsigned long long>(peer_epoch_)));
  return {std::nullopt, std::move(peer), std::nullopt};
}

Verdict HelloHandshake::on_timer(TimePoint now) const {
  if (!keyed() || hello_ok_ || now - connected_at_ < auth_timeout()) return std::nullopt;
  return refuse(CloseReason::auth_missing,
                format_string("not authenticated within %lld ms",
                              static_cast<long long>(to_ms(auth_timeout()))));
}

TimePoint HelloHandshake::auth_deadline() const {
  return keyed() && !hello_ok_ ? connected_at_ + auth_timeout() : kNever;
}

}  // namespace tandem::replication
