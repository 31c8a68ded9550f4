// tandemctl <-> tandemd over a Unix stream socket. One request per connection:
//   request : "tandem1 json|text WORD WORD ...\n"
//   response: "ok\n" or "error\n", then the body (the rendered display, or the error text),
//             then the server closes the connection.
// Words never contain whitespace (tandemctl rejects such a path before sending).
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
};

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
