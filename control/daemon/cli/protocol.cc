#include "control/daemon/cli/protocol.h"

namespace tandem::cli {

std::string encode_request(const WireRequest& r) {
  std::string s = r.json ? "tandem1 json" : "tandem1 text";
  for (const auto& w : r.words) s += " " + w;
  return s + "\n";
}

std::optional<WireRequest> decode_request(const std::string& line, std::string& error) {
  std::string l = line;
  if (!l.empty() && l.back() == '\n') l.pop_back();
  std::vector<std::string> words;
  // Split on whitespace only: '#' is an ordinary character here.
  size_t i = 0;
  while (i < l.size()) {
    while (i < l.size() && (l[i] == ' ' || l[i] == '\t' || l[i] == '\r')) ++i;
    size_t start = i;
    while (i < l.size() && l[i] != ' ' && l[i] != '\t' && l[i] != '\r') ++i;
    if (i > start) words.push_back(l.substr(start, i - start));
  }
  if (words.size() < 2 || words[0] != "tandem1" || (words[1] != "json" && words[1] != "text")) {
    error = "malformed request (expected \"tandem1 json|text COMMAND...\")";
    return std::nullopt;
  }
  WireRequest r;
  r.json = words[1] == "json";
  r.words.assign(words.begin() + 2, words.end());
  return r;
}

bool changes_state(const WireRequest& r) {
  return r.words.empty() || r.words[0] != "display";
}

std::string encode_response(const WireResponse& r) {
  return std::string(r.ok ? "ok\n" : "error\n") + r.body;
}

std::optional<WireResponse> decode_response(const std::string& data) {
  size_t nl = data.find('\n');
  if (nl == std::string::npos) return std::nullopt;
  std::string status = data.substr(0, nl);
  if (status != "ok" && status != "error") return std::nullopt;
  return WireResponse{status == "ok", data.substr(nl + 1)};
}

}  // namespace tandem::cli
