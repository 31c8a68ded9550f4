#include "control/daemon/core/drop_statistics.h"

#include <utility>

namespace tandem::daemon {

std::vector<DropTable> DropStatistics::tables(TimePoint now) const {
  std::vector<std::pair<std::string, const replication::ChannelCounters*>> services;
  std::vector<replication::ChannelStatus> channels;  // keeps the counters alive
  channels.reserve(rbs_.all().size());
  for (const auto& [name, r] : rbs_.all()) {
    const replication::ChannelCounters* c = nullptr;
    if (r.endpoint) c = &channels.emplace_back(r.endpoint->channel().status()).counters;
    services.emplace_back(name, c);
  }
  std::vector<DropTable> out;
  out.push_back(parse_drops_.table(interfaces_));
  out.push_back(mld_drop_table(e_.mld, interfaces_, now));
  out.push_back(vrrp6_drop_table(e_.vrrp, interfaces_));
  out.push_back(bfd_drop_table(e_.bfd, interfaces_));
  out.push_back(pim_drop_table(e_.pim, interfaces_, now));
  out.push_back(nd_drop_table(e_.responder, interfaces_));
  out.push_back(rbs_drop_table(services));
  out.push_back(core_drop_table(core_, interfaces_));
  return out;
}

cli::DropSnapshot DropStatistics::snapshot(const std::string& interface, DropTable dataplane,
                                           TimePoint now) const {
  cli::DropSnapshot out;
  out.layers.push_back(std::move(dataplane));
  for (auto& t : tables(now)) out.layers.push_back(std::move(t));
  for (auto& t : out.layers) {
    t = baselines_.since_reset(std::move(t));
    // RBS rows are services, not interfaces: an interface filter leaves them out.
    if (!interface.empty())
      std::erase_if(t.rows,
                    [&](const DropRow& r) { return t.key == "service" || r.name != interface; });
  }
  return out;
}

void DropStatistics::reset(const std::string& subsystem, const DropTable& dataplane,
                           TimePoint now) {
  if (reset_covers_layer(subsystem, dataplane.layer)) baselines_.remember(dataplane);
  for (const auto& t : tables(now))
    if (reset_covers_layer(subsystem, t.layer)) baselines_.remember(t);
}

}  // namespace tandem::daemon
