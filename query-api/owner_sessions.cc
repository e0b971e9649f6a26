#include "query-api/owner_sessions.h"

#include <mutex>
#include <utility>

namespace slotwise::query {

OwnerSessions::OwnerSessions(std::string projection, std::size_t capacity)
    : ledger_(std::move(projection), capacity, &projections::ChangeNotice::accounts),
      entries_(capacity) {}

std::optional<AccountSession> OwnerSessions::find(const std::string& user_id) {
  const std::lock_guard lock(ledger_.mutex());
  const Entry* found = entries_.find(user_id);
  if (found == nullptr) return std::nullopt;
  if (!ledger_.valid(user_id, found->token)) {
    entries_.erase(user_id);
    return std::nullopt;
  }
  return found->session;
}

void OwnerSessions::insert(const std::string& user_id, std::uint64_t token,
                           const AccountSession& session) {
  const Entry entry{token, session};
  const std::lock_guard lock(ledger_.mutex());
  if (!ledger_.may_keep(user_id, entry.token)) return;
  (void)entries_.put(user_id, entry);
}

std::size_t OwnerSessions::size() const {
  const std::lock_guard lock(ledger_.mutex());
  return entries_.size();
}

}  // namespace slotwise::query
