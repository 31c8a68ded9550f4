// Applies one record of the peer's stream (from a Delta or a snapshot) to the local table,
// or leaves it out. The peer's stream may only touch profiles we are Backup of; during the
// takeover grace after becoming Master we also merge what the previous Master flushed as it
// stepped down, for keys we have not learned ourselves (our own, fresher state wins), and
// pass each merged record on to the peer, which is now the Backup.
#pragma once

#include "control/common/time.h"
#include "replication/change_feed.h"
#include "replication/channel_types.h"
#include "replication/group_store.h"
#include "replication/rbp_roles.h"

namespace tandem::replication {

class PeerRecordApplier {
 public:
  // Counts records_applied, records_ignored_role and late_records_merged in `counters`.
  PeerRecordApplier(GroupStore& store, const RbpRoles& roles, ChangeFeed& feed,
                    ChannelCounters& counters)
      : store_(store), roles_(roles), feed_(feed), c_(counters) {}

  // The record becomes an entry of origin Backup; an INCLUDE record whose every source
  // expired in transit removes the entry instead.
  void upsert(GroupRecord& record, TimePoint now);
  void remove(const GroupKey& key, TimePoint now);

  // Remaining times were measured when the peer built the frame; the frame then waited
  // `elapsed` here. A running timer stays running (≥ 1 ms) so an EXCLUDE source never flips
  // to "blocked" on the way in; local ageing removes it.
  static void age(GroupRecord& record, Duration elapsed);

 private:
  enum class Admit { apply, merge, ignore };
  Admit admit(const GroupKey& key, TimePoint now);
  void applied(const GroupKey& key, Admit a);

  GroupStore& store_;
  const RbpRoles& roles_;
  ChangeFeed& feed_;
  ChannelCounters& c_;
};

}  // namespace tandem::replication
