// replication::GroupStore over the MLD engine (replication never includes control/mld; this
// adapter is the daemon's). A record's key is (RBP backup-id, interface name, group): only
// interfaces bound to an RBP (`remote-backup-profile NAME` in the interface view) are
// replicated, under their profile's backup-id.
//
// digest() and size() read the engine's running sums (control/mld/fingerprint.h): each bound
// interface gets record_fingerprint() for its binding, so the engine keeps the sum of
// record_digest() over exactly the records for_each() visits.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "control/daemon/core/interfaces.h"
#include "control/mld/router.h"
#include "replication/group_store.h"

namespace tandem::daemon {

replication::GroupRecord to_replicated(const mld::GroupRecordView& v, uint16_t backup_id,
                                       const std::string& ifname);
mld::GroupRecordView to_mld_view(const replication::GroupRecord& r, uint32_t ifindex);
// record_digest(to_replicated(view of r, backup_id, ifname)) without building either.
mld::RecordFingerprint record_fingerprint(uint16_t backup_id, const std::string& ifname);

class MldGroupStore : public replication::GroupStore {
 public:
  MldGroupStore(mld::MldRouter& mld, const InterfaceMap& interfaces)
      : mld_(mld), interfaces_(interfaces) {}

  // interface name → backup-id of the RBP bound to it. Call again after the interface map
  // changes. A binding that changes re-fingerprints that interface's records once.
  void set_bindings(std::map<std::string, uint16_t> bindings);
  std::optional<uint16_t> backup_id_of(const std::string& ifname) const;

  void upsert(const replication::GroupRecord& record, TimePoint now) override;
  void remove(const replication::GroupKey& key, TimePoint now) override;
  std::optional<replication::GroupRecord> find(const replication::GroupKey& key,
                                               TimePoint now) const override;
  void for_each(TimePoint now,
                const std::function<void(const replication::GroupRecord&)>& fn) const override;
  size_t size() const override { return mld_.fingerprinted_groups(); }
  uint64_t digest() const override { return mld_.fingerprint_sum(); }

  uint64_t rejected() const { return rejected_; }

 private:
  // The ifindex of a key, or 0 when the key's interface is not bound to its backup-id.
  uint32_t bound_ifindex(const replication::GroupKey& key) const;

  mld::MldRouter& mld_;
  const InterfaceMap& interfaces_;
  std::map<std::string, uint16_t> bindings_;
  // The bindings by ifindex, as the engine fingerprints them; for_each walks the same list.
  std::map<uint32_t, std::pair<uint16_t, std::string>> bound_;
  uint64_t rejected_ = 0;
};

}  // namespace tandem::daemon
