#include "replication/change_feed.h"

namespace tandem::replication {

void ChangeFeed::mark(const GroupKey& key) {
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

void ChangeFeed::clear() {
  order_.clear();
  pending_.clear();
}

}  // namespace tandem::replication
