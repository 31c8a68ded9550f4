#include "control/daemon/core/drop_counters.h"

#include <algorithm>

#include "replication/reasons.h"

namespace tandem::daemon {

namespace {

// A table under construction: rows by name, each with a zero for every reason. Counts come
// in indexed by enum value; values below `first` (a "none" sentinel) are not reasons.
class TableBuilder {
 public:
  template <typename Enum, typename NameFn>
  static TableBuilder of(const char* layer, const char* key, size_t count, size_t first,
                         NameFn name) {
    TableBuilder b;
    b.table_.layer = layer;
    b.table_.key = key;
    b.first_ = first;
    for (size_t i = first; i < count; ++i)
      b.table_.reasons.emplace_back(name(static_cast<Enum>(i)));
    return b;
  }

  std::vector<uint64_t>& row(const std::string& name) {
    return rows_.try_emplace(name, table_.reasons.size(), 0).first->second;
  }
  template <typename Counts>
  void add(const std::string& name, const Counts& by_enum) {
    auto& r = row(name);
    for (size_t i = first_; i < by_enum.size() && i - first_ < r.size(); ++i)
      r[i - first_] += by_enum[i];
  }
  template <typename Enum>
  void add(const std::string& name, Enum reason, uint64_t n) {
    row(name)[static_cast<size_t>(reason) - first_] += n;
  }

  DropTable finish() && {
    for (auto& [name, counts] : rows_) table_.rows.push_back({name, std::move(counts)});
    return std::move(table_);
  }

 private:
  DropTable table_;
  size_t first_ = 0;
  std::map<std::string, std::vector<uint64_t>> rows_;
};

TableBuilder wire_table(const char* layer, const char* key) {
  // DropReason::none is value 0: "not dropped" is not a reason.
  return TableBuilder::of<wire::DropReason>(layer, key, wire::kDropReasonCount, 1,
                                            wire::drop_reason_name);
}

std::string interface_name(const InterfaceMap& ifs, uint32_t ifindex) {
  const InterfaceInfo* info = ifs.by_ifindex(ifindex);
  return info ? info->name : "ifindex" + std::to_string(ifindex);
}

}  // namespace

DropTable dataplane_drop_table(const std::vector<dataplane::PortCounters>& per_port,
                               const InterfaceMap& ifs) {
  TableBuilder b = wire_table(drop_layer::kDataplane, "port");
  for (const auto& info : ifs.all()) b.row(info.name);
  for (size_t p = 0; p < per_port.size(); ++p)
    b.add(interface_name(ifs, dataplane::IfIndex::from_port(static_cast<dataplane::PortIndex>(p))),
          per_port[p].drops);
  return std::move(b).finish();
}

DropTable ParseDropCounters::table(const InterfaceMap& ifs) const {
  TableBuilder b = wire_table(drop_layer::kControl, "interface");
  for (const auto& info : ifs.all()) b.row(info.name);
  for (const auto& [ifindex, counts] : by_ifindex_) b.add(interface_name(ifs, ifindex), counts);
  return std::move(b).finish();
}

DropTable mld_drop_table(const mld::MldRouter& mld, const InterfaceMap& ifs, TimePoint now) {
  // IgnoreReason::none is value 0.
  auto b = TableBuilder::of<mld::IgnoreReason>(drop_layer::kMld, "interface",
                                               mld::kIgnoreReasonCount, 1, mld::ignore_reason_name);
  for (uint32_t ifindex : mld.interfaces())
    if (auto st = mld.interface_status(ifindex, now)) b.add(st->name, st->counters.ignored);
  for (const auto& [ifindex, n] : mld.unknown_interface_drops())
    b.add(interface_name(ifs, ifindex), mld::IgnoreReason::unknown_interface, n);
  return std::move(b).finish();
}

DropTable vrrp6_drop_table(const vrrp6::Manager& vrrp, const InterfaceMap& ifs) {
  auto b = TableBuilder::of<vrrp6::RxDrop>(drop_layer::kVrrp6, "interface", vrrp6::kRxDropCount, 0,
                                           vrrp6::rx_drop_name);
  for (const auto& s : vrrp.status()) b.add(s.ifname, s.rx_drops);
  for (const auto& [ifindex, n] : vrrp.unknown_vrid_drops_by_interface())
    b.add(interface_name(ifs, ifindex), vrrp6::RxDrop::vrid_not_configured, n);
  return std::move(b).finish();
}

DropTable bfd_drop_table(const bfd::Manager& bfd, const InterfaceMap& ifs) {
  auto b = TableBuilder::of<bfd::RxDrop>(drop_layer::kBfd, "interface", bfd::kRxDropCount, 0,
                                         bfd::rx_drop_name);
  for (const auto& s : bfd.status()) b.add(s.ifname, s.rx_drops);
  for (const auto& [ifindex, counts] : bfd.rx_drops_by_interface())
    b.add(interface_name(ifs, ifindex), counts);
  return std::move(b).finish();
}

DropTable pim_drop_table(const pim::PimRouter& pim, const InterfaceMap& ifs, TimePoint now) {
  auto b = TableBuilder::of<pim::RxDrop>(drop_layer::kPim, "interface", pim::kRxDropCount, 0,
                                         pim::rx_drop_name);
  for (const auto& i : pim.interfaces(now)) b.add(i.interface, i.counters.rx_drops);
  for (const auto& [ifindex, n] : pim.unconfigured_drops())
    b.add(interface_name(ifs, ifindex), pim::RxDrop::interface_not_pim, n);
  return std::move(b).finish();
}

DropTable nd_drop_table(const nd::Responder& responder, const InterfaceMap& ifs) {
  auto b = TableBuilder::of<nd::NsIgnore>(drop_layer::kNd, "interface", nd::kNsIgnoreCount, 0,
                                          nd::ns_ignore_name);
  for (const auto& info : ifs.all()) b.row(info.name);
  for (const auto& [ifindex, counts] : responder.ignored_by_interface())
    b.add(interface_name(ifs, ifindex), counts);
  return std::move(b).finish();
}

DropTable rbs_drop_table(
    const std::vector<std::pair<std::string, const replication::ChannelCounters*>>& services) {
  // CloseReason::none is value 0.
  auto b = TableBuilder::of<replication::CloseReason>(drop_layer::kRbs, "service",
                                                      replication::kCloseReasonCount, 1,
                                                      replication::close_reason_name);
  for (const auto& [name, counters] : services) {
    b.row(name);
    if (counters) b.add(name, counters->closes);
  }
  return std::move(b).finish();
}

DropTable core_drop_table(const CoreCounters& c, const InterfaceMap& ifs) {
  auto b =
      TableBuilder::of<CoreDrop>(drop_layer::kCore, "interface", kCoreDropCount, 0, core_drop_name);
  for (const auto& info : ifs.all()) b.row(info.name);
  for (const auto& [ifindex, counts] : c.drops_by_ifindex)
    b.add(interface_name(ifs, ifindex), counts);
  return std::move(b).finish();
}

bool reset_covers_layer(const std::string& subsystem, const std::string& layer) {
  if (subsystem == "all" || subsystem == "drop") return true;
  if (subsystem == "dataplane")
    return layer == drop_layer::kDataplane || layer == drop_layer::kControl ||
           layer == drop_layer::kCore;
  if (subsystem == "remote-backup-service") return layer == drop_layer::kRbs;
  return subsystem == layer;  // mld, vrrp6, bfd: the subsystem and its layer share the name
}

void DropBaselines::remember(const DropTable& t) {
  for (const auto& r : t.rows) rows_[{t.layer, r.name}] = r.counts;
}

DropTable DropBaselines::since_reset(DropTable t) const {
  for (auto& r : t.rows) {
    auto it = rows_.find({t.layer, r.name});
    if (it == rows_.end()) continue;
    for (size_t i = 0; i < r.counts.size() && i < it->second.size(); ++i)
      if (r.counts[i] >= it->second[i]) r.counts[i] -= it->second[i];
  }
  return t;
}

}  // namespace tandem::daemon
