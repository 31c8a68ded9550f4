// MldRouter is a thin facade: integrators see one stable header, the engine's internals
// (engine.h) can change without touching them.
#include "control/mld/router.h"

#include "control/mld/engine.h"

namespace tandem::mld {

MldRouter::MldRouter(LogSink log) : engine_(std::make_unique<Engine>(std::move(log))) {}
MldRouter::~MldRouter() = default;

bool MldRouter::add_interface(uint32_t ifindex, std::string_view name,
                              const InterfaceConfig& config, const Ipv6Address& link_local,
                              TimePoint now) {
  return engine_->add_interface(ifindex, name, config, link_local, now);
}
bool MldRouter::remove_interface(uint32_t ifindex, TimePoint now) {
  return engine_->remove_interface(ifindex, now);
}
bool MldRouter::set_interface_config(uint32_t ifindex, const InterfaceConfig& config,
                                     TimePoint now) {
  return engine_->set_interface_config(ifindex, config, now);
}
bool MldRouter::set_link_local(uint32_t ifindex, const Ipv6Address& link_local, TimePoint now) {
  return engine_->set_link_local(ifindex, link_local, now);
}
bool MldRouter::set_passive(uint32_t ifindex, bool passive, TimePoint now) {
  return engine_->set_passive(ifindex, passive, now);
}
bool MldRouter::set_global_limits(const GlobalLimits& limits) {
  return engine_->set_global_limits(limits);
}
const GlobalLimits& MldRouter::global_limits() const {
  return engine_->global_limits();
}

void MldRouter::on_message(uint32_t ifindex, const Ipv6Address& src, const wire::MldMessage& msg,
                           TimePoint now) {
  engine_->on_message(ifindex, src, msg, now);
}
void MldRouter::on_frame(const wire::Frame& frame, uint32_t ifindex, TimePoint now) {
  engine_->on_frame(frame, ifindex, now);
}
void MldRouter::on_timer(TimePoint now) {
  engine_->on_timer(now);
}
TimePoint MldRouter::next_deadline() const {
  return engine_->next_deadline();
}

std::vector<OutgoingQuery> MldRouter::take_queries() {
  return engine_->take_queries();
}
std::vector<Event> MldRouter::take_events() {
  return engine_->take_events();
}
void MldRouter::take_queries(std::vector<OutgoingQuery>& out) {
  engine_->take_queries(out);
}
void MldRouter::take_events(std::vector<Event>& out) {
  engine_->take_events(out);
}
bool MldRouter::has_output() const {
  return engine_->has_output();
}

bool MldRouter::apply_upsert(const GroupRecordView& record, TimePoint now) {
  return engine_->apply_upsert(record, now);
}
bool MldRouter::apply_remove(uint32_t ifindex, const Ipv6Address& group, TimePoint now) {
  return engine_->apply_remove(ifindex, group, now);
}
std::vector<GroupRecordView> MldRouter::snapshot(TimePoint now) const {
  std::vector<GroupRecordView> out;
  out.reserve(engine_->group_count());
  engine_->for_each_group([&](const GroupRecordView& v) { out.push_back(v); }, now, std::nullopt);
  return out;
}
void MldRouter::for_each_group(const std::function<void(const GroupRecordView&)>& fn, TimePoint now,
                               std::optional<uint32_t> ifindex) const {
  engine_->for_each_group(fn, now, ifindex);
}
uint32_t MldRouter::for_each_group_in_slots(uint32_t from, uint32_t count,
                                            const std::function<void(const GroupRecordView&)>& fn,
                                            TimePoint now) const {
  return engine_->for_each_group_in_slots(from, count, fn, now);
}
uint32_t MldRouter::group_slot_limit() const {
  return engine_->group_slot_limit();
}
void MldRouter::set_fingerprints(std::vector<std::pair<uint32_t, RecordFingerprint>> changes) {
  engine_->set_fingerprints(std::move(changes));
}
uint64_t MldRouter::fingerprint_sum() const {
  return engine_->fingerprint_sum();
}
size_t MldRouter::fingerprinted_groups() const {
  return engine_->fingerprinted_groups();
}
std::optional<GroupRecordView> MldRouter::find_group(uint32_t ifindex, const Ipv6Address& group,
                                                     TimePoint now) const {
  return engine_->find_group(ifindex, group, now);
}

std::optional<InterfaceStatus> MldRouter::interface_status(uint32_t ifindex, TimePoint now) const {
  return engine_->interface_status(ifindex, now);
}
std::vector<uint32_t> MldRouter::interfaces() const {
  return engine_->interfaces();
}
size_t MldRouter::group_count() const {
  return engine_->group_count();
}
size_t MldRouter::source_count() const {
  return engine_->source_count();
}
const Counters& MldRouter::counters() const {
  return engine_->counters();
}
size_t MldRouter::memory_bytes() const {
  return engine_->memory_bytes();
}
size_t MldRouter::pending_timers() const {
  return engine_->pending_timers();
}

void MldRouter::set_debug(bool on) {
  engine_->set_debug(on);
}
std::vector<uint32_t> MldRouter::egress_interfaces(const Ipv6Address& group,
                                                   const Ipv6Address& source) const {
  return engine_->egress_interfaces(group, source);
}

}  // namespace tandem::mld
