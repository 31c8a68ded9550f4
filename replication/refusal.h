// How a part of the RBS channel refuses what the peer sent. The part only decides; the
// channel (rbs_channel.cc) logs the refusal, tells the peer in an Error frame when
// `tell_peer`, counts the reason and asks the transport to close the connection.
#pragma once

#include <optional>
#include <string>
#include <utility>

#include "replication/reasons.h"

namespace tandem::replication {

struct Refusal {
  CloseReason reason = CloseReason::none;
  std::string detail;  // "" = the reason's own text
  bool tell_peer = true;
};

// What a part answers to a frame: nothing (accepted) or the refusal that closes the link.
using Verdict = std::optional<Refusal>;

inline Verdict refuse(CloseReason reason, std::string detail, bool tell_peer = true) {
  return Refusal{reason, std::move(detail), tell_peer};
}

}  // namespace tandem::replication
