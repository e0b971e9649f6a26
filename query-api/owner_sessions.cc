#include "query-api/owner_sessions.h"

#include <algorithm>

namespace slotwise::query {

OwnerSessions::OwnerSessions(std::string projection, std::size_t capacity)
    : projection_(std::move(projection)),
      capacity_(std::max<std::size_t>(capacity, 1)),
      entries_(capacity_) {}

bool OwnerSessions::usable(std::optional<std::uint64_t> min_position) const {
  if (!connected_.load()) return false;
  if (!min_position) return true;
  return has_position_.load() && position_.load() >= *min_position;
}

std::uint64_t OwnerSessions::read_token() const { return counter_.load(); }

bool OwnerSessions::valid(const std::string& user_id, const Entry& entry) const {
  if (entry.token < everything_) return false;
  const auto it = invalidated_.find(user_id);
  return it == invalidated_.end() || it->second <= entry.token;
}

void OwnerSessions::invalidate_everything() {
  everything_ = ++counter_;
  invalidated_.clear();
}

std::optional<AccountSession> OwnerSessions::find(const std::string& user_id) {
  const std::lock_guard lock(mu_);
  const Entry* found = entries_.find(user_id);
  if (found == nullptr) return std::nullopt;
  if (!valid(user_id, *found)) {
    entries_.erase(user_id);
    return std::nullopt;
  }
  return found->session;
}

void OwnerSessions::insert(const std::string& user_id, std::uint64_t token,
                           const AccountSession& session) {
  const Entry entry{token, session};
  const std::lock_guard lock(mu_);
  if (!connected_.load() || !valid(user_id, entry)) return;
  (void)entries_.put(user_id, entry);
}

void OwnerSessions::connected(std::uint64_t position) {
  const std::lock_guard lock(mu_);
  invalidate_everything();
  position_.store(position);
  has_position_.store(true);
  connected_.store(true);
}

void OwnerSessions::disconnected() {
  const std::lock_guard lock(mu_);
  connected_.store(false);
  has_position_.store(false);
  invalidate_everything();
}

void OwnerSessions::apply(const projections::ChangeNotice& notice) {
  if (notice.projection != projection_) return;
  const std::lock_guard lock(mu_);
  if (notice.everything) {
    invalidate_everything();
  } else {
    for (const std::string& user_id : notice.accounts) invalidated_[user_id] = ++counter_;
    if (invalidated_.size() > 4 * capacity_) invalidate_everything();
  }
  // After the invalidations: a reader that sees this position sees them.
  if (notice.position) {
    position_.store(*notice.position);
    has_position_.store(true);
  }
}

std::size_t OwnerSessions::size() const {
  const std::lock_guard lock(mu_);
  return entries_.size();
}

}  // namespace slotwise::query
