// Who is on the other end of an accepted connection: the key per-peer connection limits count
// by, and for a Unix socket the caller's credentials as the kernel recorded them at connect(2)
// (SO_PEERCRED, SO_PEERGROUPS: not something the caller can claim in its request).
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace tandem::daemon {

struct Peer {
  // What the per-peer limit counts: "[2001:db8::1]" / "192.0.2.1" over TCP, "uid 1000" over
  // a Unix socket.
  std::string key;
  bool has_credentials = false;  // uid/gid/groups below are valid
  uid_t uid = 0;
  gid_t gid = 0;
  std::vector<gid_t> groups;  // supplementary groups
};

// The peer's address of a TCP connection (IPv6 or IPv4).
Peer address_peer(int fd);
// The credentials of the process that connected to a Unix socket; keyed by uid. Without
// SO_PEERCRED (never on Linux) the key is "unknown" and has_credentials false.
Peer credential_peer(int fd);

}  // namespace tandem::daemon
