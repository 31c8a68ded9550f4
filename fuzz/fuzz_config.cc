// fuzz_config: arbitrary text as a tandem config file (control/daemon/config). Besides "no
// crash" it checks the contract of DESIGN.md §6 "Config file":
//  - every error is one line `FILE:LINE:COL: message` pointing inside the text, and the
//    list is sorted by line, then column;
//  - the whole-file result contains every error the line-by-line pass reports (the
//    cross-checks only add), and a file that is accepted is accepted line by line with the
//    same meaning;
//  - parsing is deterministic, and indentation is ignored: indenting every line changes
//    neither the accepted config nor which lines fail with which message;
//  - an accepted config has an empty diff against itself, and a diff against a reference
//    config can be computed and described.
#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "control/daemon/config/diff.h"
#include "control/daemon/config/parser.h"
#include "fuzz/fuzz_check.h"

namespace tandem::fuzz {
namespace {

using namespace tandem::config;

constexpr const char* kFile = "fuzz.cfg";

int line_count(std::string_view text) {
  return 1 + static_cast<int>(std::count(text.begin(), text.end(), '\n'));
}

void check_errors(const ParseResult& r, std::string_view text) {
  const int lines = line_count(text);
  for (size_t i = 0; i < r.errors.size(); ++i) {
    const ConfigError& e = r.errors[i];
    FUZZ_CHECK(e.file == kFile, "errors name the file");
    FUZZ_CHECK(e.line >= 1 && e.line <= lines, "error line inside the file");
    FUZZ_CHECK(e.col >= 1, "error column is 1-based");
    FUZZ_CHECK(!e.message.empty(), "error has a message");
    FUZZ_CHECK(e.to_string().find('\n') == std::string::npos, "one error, one line");
    if (i > 0) {
      const ConfigError& p = r.errors[i - 1];
      FUZZ_CHECK(p.line < e.line || (p.line == e.line && p.col <= e.col),
                 "errors sorted by line, then column");
    }
  }
}

// (line, message) pairs: what indentation must not change.
std::vector<std::string> error_lines(const ParseResult& r) {
  std::vector<std::string> out;
  for (const auto& e : r.errors) out.push_back(std::to_string(e.line) + ": " + e.message);
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> error_texts(const ParseResult& r) {
  std::vector<std::string> out;
  for (const auto& e : r.errors) out.push_back(e.to_string());
  std::sort(out.begin(), out.end());
  return out;
}

std::string indented(std::string_view text) {
  std::string out = " ";
  for (char c : text) {
    out += c;
    if (c == '\n') out += " ";
  }
  return out;
}

const Config& reference() {
  static const Config c = [] {
    ParseResult r = parse_config(
        "multicast ipv6 routing-enable\n"
        "interface ge0\n"
        " device net_af_packet1,iface=r1-down\n"
        " ipv6 address 2001:db8:1::2/64\n"
        " mld enable\n"
        "quit\n",
        kFile);
    return r.config;
  }();
  return c;
}

}  // namespace
}  // namespace tandem::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace tandem::fuzz;
  using namespace tandem::config;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const ParseResult full = parse_config(text, kFile);
  check_errors(full, text);

  const ParseResult again = parse_config(text, kFile);
  FUZZ_CHECK(again.config == full.config && error_texts(again) == error_texts(full),
             "parsing is deterministic");

  const ParseResult lines = parse_lines(text, kFile);
  check_errors(lines, text);
  const auto all = error_texts(full);
  for (const auto& e : error_texts(lines)) {
    FUZZ_CHECK(std::binary_search(all.begin(), all.end(), e),
               "the whole-file pass keeps every line error");
  }
  if (full.ok()) {
    FUZZ_CHECK(lines.ok() && lines.config == full.config,
               "an accepted file means the same line by line");
    FUZZ_CHECK(diff_configs(full.config, full.config).empty(), "no diff against itself");
  }
  const ConfigDiff d = diff_configs(reference(), full.config);
  (void)d.describe();

  const std::string shifted = indented(text);
  const ParseResult moved = parse_config(shifted, kFile);
  FUZZ_CHECK(moved.ok() == full.ok(), "indentation is ignored (accept/reject)");
  FUZZ_CHECK(error_lines(moved) == error_lines(full),
             "indentation is ignored (same lines fail with the same messages)");
  if (full.ok()) FUZZ_CHECK(moved.config == full.config, "indentation is ignored (meaning)");
  return 0;
}
