// The tandemctl command table (the operator's commands, as the config keywords have theirs
// in config/command_table.h), written in the same pattern grammar. Both tandemctl (to reject
// a bad command before connecting) and tandemd (to dispatch) parse with it.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace tandem::cli {

enum class CliCommand {
  display_rbs,
  display_rbp,
  display_vrrp6,
  display_bfd,
  display_mld_group,
  display_mld_interface,
  display_forwarding,
  display_pim_neighbor,
  display_pim_interface,
  display_pim_routing_table,
  display_pim_rp_info,
  display_current_configuration,
  display_drop_statistics,
  batch_backup,
  reset_statistics,
  commit,
  decode,
};

struct CliRequest {
  CliCommand command = CliCommand::display_rbs;
  std::string name;       // RBS / RBP name
  std::string interface;  // display mld|drop ... interface IF
  std::string path;       // commit FILE, decode FILE
  // reset SUBSYSTEM statistics: all | mld | vrrp6 | bfd | remote-backup-service | dataplane |
  // drop (every layer's drop display, core/drop_counters.h)
  std::string subsystem;
  bool verbose = false;
  bool brief = false;
};

// Parses the words after the options; on failure returns nullopt and sets `error`.
std::optional<CliRequest> parse_cli_command(const std::vector<std::string>& words,
                                            std::string& error);

// One syntax line per command, for --help and unknown-command errors.
std::string cli_usage();

}  // namespace tandem::cli
