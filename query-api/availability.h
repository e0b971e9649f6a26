// Availability from the read models, decided by the SAME domain functions
// the command side uses (domain/availability.h): the rows of one business
// (policy, service timing, calendar zone, weekly schedule, overrides, the
// bookings that may occupy time) are turned back into the domain's values,
// busy_calendar() builds the busy set exactly as for a booking command, and
// free_slots() lists the bookable starts. So every listed slot is bookable
// and every bookable slot is listed, by construction, as long as the rows
// mirror the aggregates (projections/read_model_writer.h).
//
// Days are the local dates of `display` (the request's tz, default the
// business's zone); the engine runs over the calendar zone's dates two days
// wider on each side, which covers any difference between two UTC offsets.
//
// Thread safety: pure functions.
// Errors: none; a calendar without a (valid) zone has no free slots, like
// the command side.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/calendar.h"
#include "domain/schedule.h"
#include "domain/time_zone.h"
#include "query-api/read_store.h"

namespace slotwise::query {

struct AvailabilityDay {
  domain::LocalDate date;
  std::vector<domain::Instant> slots;
};

// "[[540,720],[780,1020]]" -> intervals; malformed input yields what parsed.
[[nodiscard]] domain::DayIntervals parse_intervals(std::string_view json);
// Seven days, Monday first.
[[nodiscard]] domain::WeeklySchedule parse_schedule(std::string_view json);

// The calendar state the availability rules read, rebuilt from rows.
[[nodiscard]] domain::CalendarState calendar_state(const AvailabilityData& data);
// One booking row as the domain's Booking (the fields the rules read:
// status, times, buffers, zone, hold); nullopt for an unknown status.
[[nodiscard]] std::optional<domain::Booking> domain_booking(const BookingRow& row);

// The reschedule variant (`reschedule=<booking id>`): the starts to which
// this booking can be moved, as domain::decide(RescheduleBooking) decides
// them. The booking is left out of the busy set and the daily counts (it
// cannot block itself), its own timing (domain::moving_timing) replaces the
// service's, and a retired service does not matter (a booking of it can
// still move). Its current start is always listed (on its date, when that
// is in the range): the decider accepts it as a no-op (already_done) before
// any rule about the time, so it is listed even where a new booking could
// not be made now (off today's slot grid, inside the notice, past the
// horizon, outside today's hours, on a date at its limit, or past).
struct MovingBooking {
  std::string booking_id;
  domain::ServiceTiming timing;
  domain::Instant start;
};

struct AvailabilityAnswer {
  std::vector<AvailabilityDay> days;
  // The answer holds for every clock reading in [now, valid_until) while the
  // rows stay the same (domain::free_slots_valid_until, next_hold_expiry).
  domain::Instant valid_until;
};

// The bookable starts of data.service, or with `moving` the starts to which
// that booking can be moved.
[[nodiscard]] AvailabilityAnswer compute_availability(
    const AvailabilityData& data, domain::LocalDate from, domain::LocalDate to,
    const domain::TimeZone& display, domain::Instant now,
    const std::optional<MovingBooking>& moving = std::nullopt);

}  // namespace slotwise::query
