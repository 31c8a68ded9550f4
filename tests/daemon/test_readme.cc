// The configuration reference (docs/configuration.md) stays true: every command of the one
// keyword table (control/daemon/config/command_table.cc) appears there with its syntax and
// meaning.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "control/daemon/config/command_table.h"

namespace tandem::config {
namespace {

std::string escape_pipes(std::string s) {  // Markdown tables escape | inside cells
  for (size_t at = s.find('|'); at != std::string::npos; at = s.find('|', at + 2))
    s.replace(at, 1, "\\|");
  return s;
}

TEST(Readme, CommandTableMatchesTheKeywordTable) {
  const char* path = std::getenv("TANDEM_README");
  ASSERT_NE(path, nullptr);
  std::ifstream in(path);
  ASSERT_TRUE(in) << path;
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string readme = ss.str();
  size_t checked = 0;
  for (const CommandSpec& c : command_specs()) {
    const std::string row =
        "| `" + escape_pipes(c.syntax) + "` | " + escape_pipes(c.meaning) + " |";
    EXPECT_NE(readme.find(row), std::string::npos) << "docs/configuration.md lacks the row:\n"
                                                   << row;
    ++checked;
  }
  EXPECT_GT(checked, 40u);
}

}  // namespace
}  // namespace tandem::config
