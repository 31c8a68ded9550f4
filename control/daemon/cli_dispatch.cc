#include "control/daemon/cli_dispatch.h"

#include "control/daemon/cli/commands.h"
#include "control/daemon/cli/json.h"
#include "control/daemon/cli/render.h"
#include "control/daemon/config/printer.h"

namespace tandem::daemon {

namespace {
DropTable dataplane_drops(const CliActions& actions, const RouterCore& core) {
  return actions.dataplane_drops ? actions.dataplane_drops()
                                 : dataplane_drop_table({}, core.interfaces());
}
}  // namespace

cli::WireResponse dispatch_cli(const cli::WireRequest& req, RouterCore& core,
                               const CliActions& actions, TimePoint now) {
  using cli::CliCommand;
  std::string error;
  auto r = cli::parse_cli_command(req.words, error);
  if (!r) return {false, error + "\n"};
  const bool json = req.json;
  auto not_found = [](const std::string& what) { return cli::WireResponse{false, what + "\n"}; };
  switch (r->command) {
    case CliCommand::display_rbs: {
      auto s = core.rbs_snapshot(r->name, now);
      if (!r->name.empty() && s.services.empty())
        return not_found("remote-backup-service " + r->name + " does not exist");
      return {true, json ? cli::render_json(s, r->verbose) : cli::render_text(s, r->verbose)};
    }
    case CliCommand::display_rbp: {
      auto s = core.rbp_snapshot(r->name);
      if (!r->name.empty() && s.profiles.empty())
        return not_found("remote-backup-profile " + r->name + " does not exist");
      return {true, json ? cli::render_json(s) : cli::render_text(s)};
    }
    case CliCommand::display_vrrp6: {
      auto s = core.vrrp6_snapshot(now);
      return {true, json ? cli::render_json(s) : cli::render_text(s, r->brief)};
    }
    case CliCommand::display_bfd: {
      auto s = core.bfd_snapshot();
      return {true, json ? cli::render_json(s, r->verbose) : cli::render_text(s, r->verbose)};
    }
    case CliCommand::display_mld_group: {
      if (!r->interface.empty() && !core.interfaces().by_name(r->interface))
        return not_found("interface " + r->interface + " does not exist");
      auto clock = actions.clock ? actions.clock : [now] { return now; };
      return {true, "", core.mld_group_stream(r->interface, json, r->verbose, clock)};
    }
    case CliCommand::display_mld_interface: {
      if (!r->interface.empty() && !core.interfaces().by_name(r->interface))
        return not_found("interface " + r->interface + " does not exist");
      auto s = core.mld_interface_snapshot(r->interface, now);
      return {true, json ? cli::render_json(s) : cli::render_text(s)};
    }
    case CliCommand::display_forwarding: {
      return {true, "", core.forwarding_stream(json)};
    }
    case CliCommand::display_pim_neighbor: {
      auto s = core.pim_neighbor_snapshot(now);
      return {true, json ? cli::render_json(s) : cli::render_text(s)};
    }
    case CliCommand::display_pim_interface: {
      auto s = core.pim_interface_snapshot(now);
      return {true, json ? cli::render_json(s, r->verbose) : cli::render_text(s, r->verbose)};
    }
    case CliCommand::display_pim_routing_table: {
      auto s = core.pim_routing_snapshot(now);
      return {true, json ? cli::render_json(s) : cli::render_text(s)};
    }
    case CliCommand::display_pim_rp_info: {
      auto s = core.pim_rp_snapshot();
      return {true, json ? cli::render_json(s) : cli::render_text(s)};
    }
    case CliCommand::display_current_configuration: {
      if (!json) return {true, config::print_config(core.config())};
      cli::JsonWriter w;  // {"lines":["#","multicast ipv6 routing-enable",...]}
      w.begin_object().key("lines").begin_array();
      for (const std::string& line : config::print_config_lines(core.config())) w.value(line);
      w.end_array().end_object();
      return {true, w.str() + "\n"};
    }
    case CliCommand::display_drop_statistics: {
      if (!r->interface.empty() && !core.interfaces().by_name(r->interface))
        return not_found("interface " + r->interface + " does not exist");
      auto s = core.drop_snapshot(r->interface, dataplane_drops(actions, core), now);
      return {true, json ? cli::render_json(s) : cli::render_text(s)};
    }
    case CliCommand::batch_backup:
      core.batch_backup(now);
      return {true, json ? "{\"batch_backup\":\"started\"}\n" : "Info: batch backup started.\n"};
    case CliCommand::reset_statistics:
      core.reset_statistics(r->subsystem);
      if ((r->subsystem == "all" || r->subsystem == "dataplane") && actions.reset_dataplane)
        actions.reset_dataplane();
      // After the data plane's own reset, so its drop baseline is taken from the restarted counts.
      core.reset_drop_statistics(r->subsystem, dataplane_drops(actions, core), now);
      return {true, json ? "{\"reset\":\"" + r->subsystem + "\"}\n"
                         : "Info: " + r->subsystem + " statistics reset.\n"};
    case CliCommand::commit: {
      if (!actions.commit) return {false, "commit is not available\n"};
      cli::WireResponse resp = actions.commit(r->path);
      if (!json) return resp;
      // {"applied":true|false,"lines":["interface ge0 changed: mld", ...]}
      cli::JsonWriter w;
      w.begin_object().field("applied", resp.ok).key("lines").begin_array();
      size_t start = 0;
      while (start < resp.body.size()) {
        size_t nl = resp.body.find('\n', start);
        if (nl == std::string::npos) nl = resp.body.size();
        if (nl > start) w.value(resp.body.substr(start, nl - start));
        start = nl + 1;
      }
      w.end_array().end_object();
      return {resp.ok, w.str() + "\n"};
    }
    case CliCommand::decode: return {false, "decode runs in tandemctl itself (no daemon needed)\n"};
  }
  return {false, "unhandled command\n"};
}

}  // namespace tandem::daemon
