// The calendar feed of one business's bookings (RFC 5545), for calendar apps
// to subscribe to, rendered with domain/ics.h: stable UIDs
// "<booking_id>@slotwise", STATUS:CANCELLED for cancelled and expired
// bookings (so subscribers remove them), TENTATIVE for held ones.
//
// Thread safety: pure functions.
// Errors: none.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "domain/ics.h"
#include "query-api/read_store.h"

namespace slotwise::query {

// Kept for the feed's callers and tests; see domain/ics.h.
[[nodiscard]] inline std::string fold_line(std::string_view line) {
  return domain::ics_fold_line(line);
}
[[nodiscard]] inline std::string escape_text(std::string_view text) {
  return domain::ics_escape_text(text);
}

[[nodiscard]] std::string render_calendar(const BusinessRow& business,
                                          const std::vector<BookingRow>& bookings);

}  // namespace slotwise::query
