#include "control/daemon/cli/commands.h"

#include "control/daemon/config/pattern.h"

namespace tandem::cli {

namespace {

struct CliSpec {
  const char* syntax;
  CliCommand command;
};

// Order matters where an optional name could swallow a keyword: the keyword form first.
const CliSpec kCliSpecs[] = {
    {"display remote-backup-service verbose", CliCommand::display_rbs},
    {"display remote-backup-service [<name:str:1-32>] [verbose]", CliCommand::display_rbs},
    {"display remote-backup-profile [<name:str:1-128>]", CliCommand::display_rbp},
    {"display vrrp6 [brief]", CliCommand::display_vrrp6},
    {"display bfd session all for-ipv6 [verbose]", CliCommand::display_bfd},
    {"display mld group [interface <interface:ifname>] [verbose]", CliCommand::display_mld_group},
    {"display mld interface [<interface:ifname>]", CliCommand::display_mld_interface},
    {"display multicast ipv6 forwarding-table", CliCommand::display_forwarding},
    {"display pim ipv6 neighbor", CliCommand::display_pim_neighbor},
    {"display pim ipv6 interface [verbose]", CliCommand::display_pim_interface},
    {"display pim ipv6 routing-table", CliCommand::display_pim_routing_table},
    {"display pim ipv6 rp-info", CliCommand::display_pim_rp_info},
    {"display current-configuration", CliCommand::display_current_configuration},
    {"display drop statistics [interface <interface:ifname>]", CliCommand::display_drop_statistics},
    {"batch-backup now", CliCommand::batch_backup},
    {"reset [{mld|vrrp6|bfd|remote-backup-service|dataplane|drop}] statistics",
     CliCommand::reset_statistics},
    {"commit <file:word>", CliCommand::commit},
    {"decode <file:word>", CliCommand::decode},
};

struct Compiled {
  const CliSpec* spec;
  config::PatternSeq pattern;
};

const std::vector<Compiled>& compiled() {
  static const std::vector<Compiled> c = [] {
    std::vector<Compiled> out;
    for (const auto& s : kCliSpecs) out.push_back(Compiled{&s, config::compile_pattern(s.syntax)});
    return out;
  }();
  return c;
}

}  // namespace

std::optional<CliRequest> parse_cli_command(const std::vector<std::string>& words,
                                            std::string& error) {
  std::vector<config::Token> toks;
  int col = 1;
  for (const auto& w : words) {
    toks.push_back(config::Token{w, col});
    col += static_cast<int>(w.size()) + 1;
  }
  if (toks.empty()) {
    error = "no command given";
    return std::nullopt;
  }
  config::MatchFailure f;
  for (const auto& c : compiled()) {
    config::Match m;
    if (!config::match_pattern(c.pattern, toks, m, f)) continue;
    CliRequest r;
    r.command = c.spec->command;
    r.name = m.text("name");
    r.interface = m.text("interface");
    r.path = m.text("file");
    r.verbose = m.has_keyword("verbose");
    r.brief = m.has_keyword("brief");
    if (r.command == CliCommand::reset_statistics) {
      r.subsystem = "all";
      for (const char* s : {"mld", "vrrp6", "bfd", "remote-backup-service", "dataplane", "drop"})
        if (m.has_keyword(s)) r.subsystem = s;
    }
    return r;
  }
  if (f.token == 0 && !f.semantic)
    error = "unknown command '" + words[0] + "'";
  else
    error = "bad command: " + config::describe_failure(f, toks);
  return std::nullopt;
}

std::string cli_usage() {
  std::string out;
  for (const auto& s : kCliSpecs) {
    if (std::string(s.syntax) == "display remote-backup-service verbose") continue;
    out += "  " + std::string(s.syntax) + "\n";
  }
  return out;
}

}  // namespace tandem::cli
