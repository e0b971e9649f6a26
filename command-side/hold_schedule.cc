#include "command-side/hold_schedule.h"

namespace slotwise::command {

bool HoldSchedule::add(const std::string& booking_id, std::string business_id,
                       domain::Instant expires_at) {
  const auto [it, added] =
      holds_.try_emplace(booking_id, Hold{std::move(business_id), expires_at, expires_at});
  if (added) by_due_.emplace(expires_at, booking_id);
  return added;
}

void HoldSchedule::remove(const std::string& booking_id) {
  const auto it = holds_.find(booking_id);
  if (it == holds_.end()) return;
  by_due_.erase({it->second.due_at, booking_id});
  holds_.erase(it);
}

void HoldSchedule::retry_at(const std::string& booking_id, domain::Instant at) {
  const auto it = holds_.find(booking_id);
  if (it == holds_.end() || at <= it->second.due_at) return;
  set_due(it, at);
}

void HoldSchedule::set_due(std::map<std::string, Hold>::iterator it, domain::Instant at) {
  by_due_.erase({it->second.due_at, it->first});
  it->second.due_at = at;
  by_due_.emplace(at, it->first);
}

std::optional<domain::Instant> HoldSchedule::next_due() const {
  if (by_due_.empty()) return std::nullopt;
  return by_due_.begin()->first;
}

std::vector<std::pair<std::string, HoldSchedule::Hold>> HoldSchedule::due(
    domain::Instant now) const {
  std::vector<std::pair<std::string, Hold>> out;
  for (auto it = by_due_.begin(); it != by_due_.end() && it->first <= now; ++it) {
    // by_due_ names only bookings in holds_ (every change keeps both).
    if (const auto h = holds_.find(it->second); h != holds_.end()) out.emplace_back(*h);
  }
  return out;
}

}  // namespace slotwise::command
