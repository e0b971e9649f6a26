// HoldSchedule: the unpaid holds the hold expiry scheduler waits on, each
// with the moment it is next due (its hold_expires_at, or later when an
// expiry failed and is to be retried), ordered by that moment so the
// scheduler finds the next deadline and the due holds without walking
// every pending hold (O(log n) per change, O(k log n) for k due holds).
//
// Thread safety: none; HoldExpiry guards it with its mutex.
// Errors: none; removing or rescheduling an unknown booking does nothing.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "domain/instant.h"

namespace slotwise::command {

class HoldSchedule {
 public:
  struct Hold {
    std::string business_id;
    domain::Instant expires_at{};
    // When it may be tried: expires_at, or the retry time after a failure.
    domain::Instant due_at{};
  };

  // Adds a hold due at `expires_at`; false (nothing changed) when the
  // booking already has one.
  bool add(const std::string& booking_id, std::string business_id, domain::Instant expires_at);
  void remove(const std::string& booking_id);
  // Makes the hold due no earlier than `at` (after a failed expiry).
  void retry_at(const std::string& booking_id, domain::Instant at);

  // The earliest due_at; nullopt when no hold is pending.
  [[nodiscard]] std::optional<domain::Instant> next_due() const;
  // The holds due at `now` (due_at <= now), earliest first.
  [[nodiscard]] std::vector<std::pair<std::string, Hold>> due(domain::Instant now) const;
  [[nodiscard]] std::size_t size() const { return holds_.size(); }

 private:
  void set_due(std::map<std::string, Hold>::iterator it, domain::Instant at);

  std::map<std::string, Hold> holds_;                         // by booking id
  std::set<std::pair<domain::Instant, std::string>> by_due_;  // (due_at, booking id)
};

}  // namespace slotwise::command
