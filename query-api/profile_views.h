// JSON bodies of the query API's profile routes (profile_routes.cc;
// schemas/openapi.yaml: OpeningHours, OwnedBusinessList, CustomerPage).
// Opening hours come back in the shape PUT /v1/businesses/{id}/schedule
// takes ("HH:MM" local times, "24:00" for the end of the day), so an owner's
// editor can show them and send them back unchanged.
//
// Thread safety: pure functions.
// Errors: none.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "query-api/read_store.h"

namespace slotwise::query {

// Minutes since local midnight as "HH:MM" (0 -> "00:00", 1440 -> "24:00").
[[nodiscard]] std::string clock_text(int minute_of_day);

// The weekly hours (every weekday, [] when closed) and the overrides dated
// from..to, in the calendar's zone (the business's when it has no calendar).
[[nodiscard]] std::string opening_hours_json(const BusinessRow& business, const OpeningHours& hours,
                                             const std::string& from, const std::string& to);
[[nodiscard]] std::string owned_businesses_json(const std::string& user_id,
                                                const std::vector<OwnedBusiness>& businesses);
// last_booking_at in the business's zone.
[[nodiscard]] std::string customer_page_json(const BusinessRow& business,
                                             const std::vector<CustomerRow>& items,
                                             const std::optional<std::string>& next_cursor);

}  // namespace slotwise::query
