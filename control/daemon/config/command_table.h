// The one table of configuration keywords: for each command its view, its syntax (with
// ranges, see pattern.h), what it means, and the handler that writes it into the model.
// REFERENCE.md is this table in prose; a test checks that every entry has accept and
// reject cases.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "control/daemon/config/errors.h"
#include "control/daemon/config/model.h"
#include "control/daemon/config/pattern.h"

namespace tandem::config {

enum class View { system, rbs, rbp, bfd, bfd_session, interface, pim, mld, acl6, any };
const char* view_name(View v);

struct CommandSpec;

// The state a handler works on: the model being built, the current view and object, and
// the error list (every error is kept; nothing is applied when there is one).
struct ParseContext {
  Config& config;
  std::vector<ConfigError>& errors;
  std::string file;
  int line = 0;
  int command_col = 1;  // column of the line's first token
  View view = View::system;
  std::string object;  // name of the RBS/RBP/BFD session/interface whose view we are in
  const CommandSpec* spec = nullptr;  // the command whose handler runs

  void error(int col, std::string message) {
    errors.push_back(ConfigError{file, line, col, std::move(message)});
  }
  SourcePos pos(int col) const { return SourcePos{line, col}; }
  InterfaceConfig& interface() { return config.interfaces.at(object); }
};

using Handler = void (*)(ParseContext&, const Match&);

struct CommandSpec {
  View view;
  const char* syntax;
  const char* meaning;
  Handler handler;
};

// A command tandem knows and refuses (a role a PIM-SM last-hop router never takes): its
// meaning starts with this, and the rest of the meaning is the error message.
inline constexpr std::string_view kRefusedMeaning = "refused: ";
bool is_refusal(const CommandSpec& s);

struct CompiledCommand {
  const CommandSpec* spec;
  PatternSeq pattern;
};

const std::vector<CommandSpec>& command_specs();
// The table with its patterns compiled once.
const std::vector<CompiledCommand>& compiled_commands();

}  // namespace tandem::config
