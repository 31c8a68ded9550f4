// tandemctl <-> tandemd over a Unix stream socket. One request per connection:
//   request : "tandem1 json|text WORD WORD ...\n"
//   response: "ok\n" or "error\n", then the body (the rendered display, or the error text),
//             then the server closes the connection.
// Words never contain whitespace (tandemctl rejects such a path before sending).
// `commit PATH` also passes the file itself, opened by tandemctl, as a descriptor
// (SCM_RIGHTS) with the request: the daemon reads that, never the path, so a caller commits
// only what it can read itself (the kernel checked its access at open(2), with all its
// groups, ACLs and mount options, and nothing can swap the file between a check and a read).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace tandem::cli {

inline constexpr const char* kDefaultSocketPath = "/run/tandem/tandemd.sock";
inline constexpr size_t kMaxRequestBytes = 8192;

struct WireRequest {
  bool json = false;
  std::vector<std::string> words;
  // The file passed with the request (commit), -1 if none. Borrowed: the server closes it.
  int file_fd = -1;
};

// Whether a request may change the router (commit, reset, batch-backup, ...): anything that
// is not a display. Unknown commands count as changing, so a new command is guarded until it
// is known to be a display.
bool changes_state(const WireRequest& r);

// The rest of a response too big to render at once (a display over the group or forwarding
// table): each call appends one bounded piece to `out` and returns false after the last one.
using MoreOutput = std::function<bool(std::string& out)>;

struct WireResponse {
  WireResponse(bool o = false, std::string b = {}, MoreOutput m = {})
      : ok(o), body(std::move(b)), more(std::move(m)) {}
  bool ok = false;
  std::string body;
  MoreOutput more;  // empty: `body` is all of it; else the body continues with its pieces
};

std::string encode_request(const WireRequest& r);
// Parses one request line (without or with its trailing newline).
std::optional<WireRequest> decode_request(const std::string& line, std::string& error);

std::string encode_response(const WireResponse& r);
std::optional<WireResponse> decode_response(const std::string& data);

}  // namespace tandem::cli
