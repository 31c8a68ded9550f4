// Splits one config or CLI line into tokens with their 1-based columns. Whitespace separates
// tokens; a token starting with `#` starts a comment that runs to the end of the line
// (`#` inside a token, as in a vdev argument, is kept).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace tandem::config {

struct Token {
  std::string text;
  int col = 0;  // 1-based column of the first character
};

std::vector<Token> tokenize_line(std::string_view line);

// Column just after the last token (where a missing argument would go).
int end_column(std::string_view line);

}  // namespace tandem::config
