#include "control/daemon/config/lexer.h"

namespace tandem::config {

namespace {
bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}
}  // namespace

std::vector<Token> tokenize_line(std::string_view line) {
  std::vector<Token> out;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && is_space(line[i])) ++i;
    if (i >= line.size() || line[i] == '#') break;
    size_t start = i;
    while (i < line.size() && !is_space(line[i])) ++i;
    out.push_back(Token{std::string(line.substr(start, i - start)), static_cast<int>(start) + 1});
  }
  return out;
}

int end_column(std::string_view line) {
  auto toks = tokenize_line(line);
  if (toks.empty()) return 1;
  return toks.back().col + static_cast<int>(toks.back().text.size()) + 1;
}

}  // namespace tandem::config
