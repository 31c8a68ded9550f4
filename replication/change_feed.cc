#include "replication/change_feed.h"

namespace tandem::replication {

void ChangeFeed::mark(const GroupKey& key) {
  if (journal_on_) journal_.insert(key);
  if (pending_.insert(key).second) order_.push_back(key);
}

std::vector<GroupKey> ChangeFeed::take(size_t max) {
  std::vector<GroupKey> out;
  out.reserve(std::min(max, order_.size()));
  while (out.size() < max && !order_.empty()) {
    pending_.erase(order_.front());
    out.push_back(std::move(order_.front()));
    order_.pop_front();
  }
  return out;
}

void ChangeFeed::requeue(const GroupKey& key) {
  if (pending_.insert(key).second) order_.push_back(key);
}

void ChangeFeed::set_journal(bool on) {
  journal_on_ = on;
  if (!on) journal_.clear();
}

void ChangeFeed::clear() {
  order_.clear();
  pending_.clear();
}

}  // namespace tandem::replication
