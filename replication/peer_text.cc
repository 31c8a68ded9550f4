#include "replication/peer_text.h"

namespace tandem::replication {

std::string escaped_peer_text(std::string_view text, size_t max_bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  const std::string_view kept = text.substr(0, max_bytes);
  std::string out;
  out.reserve(kept.size() + 3);
  for (char ch : kept) {
    const auto u = static_cast<unsigned char>(ch);
    if (u >= 0x20 && u < 0x7f && u != '\\') {
      out += ch;
    } else {
      out += "\\x";
      out += kHex[u >> 4];
      out += kHex[u & 0xf];
    }
  }
  if (kept.size() < text.size()) out += "...";
  return out;
}

}  // namespace tandem::replication
