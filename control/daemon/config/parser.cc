#include "control/daemon/config/parser.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "control/daemon/config/command_table.h"
#include "control/daemon/config/lexer.h"
#include "control/daemon/config/validate.h"

namespace tandem::config {

namespace {

bool in_view(const CommandSpec& s, View v) {
  return s.view == v || s.view == View::any;
}

// Tries every command of view `v`; returns the matching one.
const CompiledCommand* find_command(View v, const std::vector<Token>& toks, Match& m,
                                    MatchFailure& f) {
  for (const auto& cmd : compiled_commands()) {
    if (!in_view(*cmd.spec, v)) continue;
    if (match_pattern(cmd.pattern, toks, m, f)) return &cmd;
  }
  return nullptr;
}

// Whether a line starting with `word` was meant to open a view (so a failure to parse it
// should not leave its body to be read in the wrong view).
bool opens_view(std::string word, View current) {
  for (auto& ch : word) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  if (word == "interface" || word == "remote-backup-service" || word == "bfd" ||
      word == "pim-ipv6" || word == "acl")
    return true;
  return word == "remote-backup-profile" && current != View::interface;
}

}  // namespace

namespace {
void sort_errors(std::vector<ConfigError>& errors) {
  std::stable_sort(errors.begin(), errors.end(), [](const ConfigError& a, const ConfigError& b) {
    return a.line != b.line ? a.line < b.line : a.col < b.col;
  });
}
}  // namespace

ParseResult parse_config(std::string_view text, const std::string& file_name) {
  ParseResult r = parse_lines(text, file_name);
  validate(r.config, file_name, r.errors);
  sort_errors(r.errors);
  return r;
}

ParseResult parse_lines(std::string_view text, const std::string& file_name) {
  ParseResult r;
  ParseContext c{r.config, r.errors, file_name, 0, 1, View::system, {}};
  // After a line that should have entered a view failed, its body is skipped (it would only
  // produce follow-on errors) until the next line that leaves it.
  bool skipping_view = false;
  int line_no = 0;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t nl = text.find('\n', pos);
    std::string_view line =
        text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    pos = nl == std::string_view::npos ? text.size() + 1 : nl + 1;
    ++line_no;
    auto toks = tokenize_line(line);
    if (toks.empty()) continue;
    c.line = line_no;
    c.command_col = toks[0].col;

    Match m;
    MatchFailure f;
    const CompiledCommand* cmd = nullptr;
    if (skipping_view) {
      cmd = find_command(View::system, toks, m, f);
      if (!cmd) continue;
      skipping_view = false;
      c.view = View::system;
    } else {
      cmd = find_command(c.view, toks, m, f);
      if (!cmd && c.view != View::system) {
        // A system-view command ends the current view, as if `quit` had been typed.
        cmd = find_command(View::system, toks, m, f);
        if (cmd) {
          c.view = View::system;
          c.object.clear();
        }
      }
    }
    if (!cmd) {
      if (f.token == 0 && !f.semantic)
        c.error(toks[0].col,
                "unknown command '" + toks[0].text + "' in " + view_name(c.view) + " view");
      else
        c.error(f.token < toks.size() ? toks[f.token].col : end_column(line),
                describe_failure(f, toks));
      // A failed view-entering line: skip its body.
      if (opens_view(toks[0].text, c.view)) skipping_view = true;
      continue;
    }
    c.spec = cmd->spec;
    cmd->spec->handler(c, m);
  }
  sort_errors(r.errors);
  return r;
}

ParseResult load_config_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    ParseResult r;
    r.errors.push_back(
        ConfigError{path, 0, 0, std::string("cannot read the file: ") + std::strerror(errno)});
    return r;
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  return parse_config(ss.str(), path);
}

std::string format_errors(std::vector<ConfigError> errors) {
  std::string out;
  for (const auto& e : errors) out += e.to_string() + "\n";
  return out;
}

}  // namespace tandem::config
