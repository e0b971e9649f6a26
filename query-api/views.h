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

// The zone `name` names, else UTC (a row's zone the database no longer
// knows still renders).
[[nodiscard]] domain::TimeZone zone_or_utc(const std::string& name);
// t as the wall clock of `zone` shows it, "2026-03-14T09:30:00+01:00".
[[nodiscard]] std::string format_in(const domain::TimeZone& zone, domain::Instant t);

[[nodiscard]] std::string business_json(const BusinessRow& business,
                                        const std::vector<ServiceRow>& services);
// The owner's list (GET /v1/businesses/{id}/services): every service, the
// retired ones too (with "active": false) so they can be restored; those on
// offer first, then by name.
[[nodiscard]] std::string services_json(const BusinessRow& business,
                                        const std::vector<ServiceRow>& services);
[[nodiscard]] std::string availability_json(const BusinessRow& business,
                                            const std::string& service_id,
                                            const domain::TimeZone& display,
                                            const std::vector<AvailabilityDay>& days);
// Who reads a booking (GET /v1/bookings/{id}): its business's owner sees
// every history detail as logged; the customer, holding the manage token,
// sees them without what Stripe tells only the business: the failure_reason
// of a failed refund (PaymentRefundFailed), Stripe's verdict on the
// customer's card (lost_or_stolen_card is a fraud signal), for the owner to
// settle the refund by other means. The customer still sees that the refund
// failed (its status) and of what (docs/adr/0008-payments.md).
enum class BookingReader { owner, customer };

[[nodiscard]] std::string booking_json(const BookingRow& booking,
                                       const std::vector<HistoryEntry>& history,
                                       BookingReader reader);
[[nodiscard]] std::string booking_page_json(const std::vector<BookingRow>& items,
                                            const std::optional<std::string>& next_cursor);
[[nodiscard]] std::string stats_json(const BusinessRow& business, const std::string& from,
                                     const std::string& to, const std::vector<DayStats>& days);
[[nodiscard]] std::string notifications_json(const BusinessRow& business,
                                             const std::vector<NotificationRow>& rows);
[[nodiscard]] std::string feed_json(const std::string& url, const std::string& token);

}  // namespace slotwise::query
