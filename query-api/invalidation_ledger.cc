#include "query-api/invalidation_ledger.h"

#include <algorithm>
#include <utility>

namespace slotwise::query {

InvalidationLedger::InvalidationLedger(std::string projection, std::size_t capacity, Keys keys)
    : projection_(std::move(projection)),
      capacity_(std::max<std::size_t>(capacity, 1)),
      keys_(keys) {}

bool InvalidationLedger::usable(std::optional<std::uint64_t> min_position) const {
  if (!connected_.load()) return false;
  if (!min_position) return true;
  return has_position_.load() && position_.load() >= *min_position;
}

std::optional<std::uint64_t> InvalidationLedger::position() const {
  if (!has_position_.load()) return std::nullopt;
  return position_.load();
}

bool InvalidationLedger::valid(const std::string& key, std::uint64_t token) const {
  if (token < everything_) return false;
  const auto it = invalidated_.find(key);
  return it == invalidated_.end() || it->second <= token;
}

bool InvalidationLedger::may_keep(const std::string& key, std::uint64_t token) const {
  return connected_.load() && valid(key, token);
}

void InvalidationLedger::invalidate_everything() {
  everything_ = ++counter_;
  invalidated_.clear();
  ++invalidations_;
}

void InvalidationLedger::connected(std::uint64_t position) {
  const std::lock_guard lock(mu_);
  invalidate_everything();
  position_.store(position);
  has_position_.store(true);
  connected_.store(true);
}

void InvalidationLedger::disconnected() {
  const std::lock_guard lock(mu_);
  connected_.store(false);
  has_position_.store(false);
  invalidate_everything();
}

void InvalidationLedger::apply(const projections::ChangeNotice& notice) {
  if (notice.projection != projection_) return;
  const std::lock_guard lock(mu_);
  if (notice.everything) {
    invalidate_everything();
  } else {
    for (const std::string& key : notice.*keys_) {
      invalidated_[key] = ++counter_;
      ++invalidations_;
    }
    if (invalidated_.size() > 4 * capacity_) invalidate_everything();
  }
  // After the invalidations: a reader that sees this position sees them.
  if (notice.position) {
    position_.store(*notice.position);
    has_position_.store(true);
  }
}

}  // namespace slotwise::query
