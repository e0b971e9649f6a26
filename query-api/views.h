// JSON bodies of the query API (schemas/openapi.yaml: PublicBusiness,
// Availability, BookingView, BookingPage, Stats,
// NotificationList), written with RapidJSON so
// every string is escaped and every number exact. Times are RFC 3339 with
// the offset of the zone they are shown in.
//
// Thread safety: pure functions.
// Errors: none.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "domain/time_zone.h"
#include "query-api/availability.h"
#include "query-api/read_store.h"

namespace slotwise::query {

// t as the wall clock of `zone` shows it, "2026-03-14T09:30:00+01:00".
[[nodiscard]] std::string format_in(const domain::TimeZone& zone, domain::Instant t);

[[nodiscard]] std::string business_json(const BusinessRow& business,
                                        const std::vector<ServiceRow>& services);
[[nodiscard]] std::string availability_json(const BusinessRow& business,
                                            const std::string& service_id,
                                            const domain::TimeZone& display,
                                            const std::vector<AvailabilityDay>& days);
[[nodiscard]] std::string booking_json(const BookingRow& booking,
                                       const std::vector<HistoryEntry>& history);
[[nodiscard]] std::string booking_page_json(const std::vector<BookingRow>& items,
                                            const std::optional<std::string>& next_cursor);
[[nodiscard]] std::string stats_json(const BusinessRow& business, const std::string& from,
                                     const std::string& to, const std::vector<DayStats>& days);
[[nodiscard]] std::string notifications_json(const BusinessRow& business,
                                             const std::vector<NotificationRow>& rows);
[[nodiscard]] std::string feed_json(const std::string& url, const std::string& token);

}  // namespace slotwise::query
