// The one table of configuration keywords: for each command its view, its syntax (with
// ranges, see pattern.h), what it means, and the handler that writes it into the model.
// REFERENCE.md is this table in prose; a test checks that every entry has accept and
// reject cases.
#pragma once

#include <string>
#include <vector>

#include "control/daemon/config/errors.h"
#include "control/daemon/config/model.h"
#include "control/daemon/config/pattern.h"

namespace tandem::config {

enum class View { system, rbs, rbp, bfd, bfd_session, interface, any };
const char* view_name(View v);

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

struct CompiledCommand {
  const CommandSpec* spec;
  PatternSeq pattern;
};

const std::vector<CommandSpec>& command_specs();
// The table with its patterns compiled once.
const std::vector<CompiledCommand>& compiled_commands();

}  // namespace tandem::config
