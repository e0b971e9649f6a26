// The availability engine: which real instants a business is open on a local
// date, which slot starts exist, whether one start is bookable, and the free
// slots over a range of dates. Pure functions of their arguments (the clock is
// an argument too), shared by the booking command and the availability query,
// which must agree exactly: free_slots() returns precisely the on-grid starts
// for which check_bookable() succeeds.
//
// DST rules (see TimeZone for the two conversions):
//  * Open windows. A local interval [s, e) of date D is open from the instant
//    the clock first reaches D+s until the instant it first reaches D+e. In a
//    gap that is the end of the gap: 01:00-04:00 in New York on 2026-03-08 is
//    open 01:00 EST-04:00 EDT (06:00Z-08:00Z, 2 real hours), and 02:15-02:45
//    that day is never open. In an overlap it is the first occurrence:
//    00:00-01:30 on 2026-11-01 closes at 01:30 EDT, 01:00-02:00 that day
//    lasts 2 real hours (01:00 EDT-02:00 EST). This mapping is monotonic, so
//    sorted, touching or overnight (23:00-24:00 + next day 00:00-02:00)
//    local intervals stay sorted and touching, and a skipped date (Pacific/
//    Apia 2011-12-30) has no open time at all.
//  * Slot grid. Candidate starts are generated in local time every
//    slot_interval_minutes from each interval's local start (while < end).
//    A grid time that does not exist yields no slot; one that occurs twice
//    yields both instants, each bookable on its own merits. Output is sorted
//    and never repeats an instant. A slot belongs to the local date the clock
//    shows at its start, which is also the date its daily limit counts on.
//  * Bookable. start (on the grid of the date the clock shows at start) is
//    bookable iff [start - buffer_before, start + duration + buffer_after)
//    lies inside the union of open windows (touching windows of adjacent
//    intervals or dates join, so overnight hours work), overlaps no busy
//    interval, now + min_notice <= start <= now + horizon_days * 24 h, and
//    fewer than max_bookings_per_day bookings count on its date.
//
// Thread safety: pure functions; the inputs are only read.
// Errors: check_bookable() returns the first failed rule, tested in the order
// of BookingRejection. Nothing throws. Invalid policies/timings/schedules do
// not fail (see schedule.h and booking_policy.h); instants or dates outside
// years 1..9999 are never open.
#pragma once

#include <string_view>
#include <vector>

#include "common/result.h"
#include "domain/booking_policy.h"
#include "domain/busy_calendar.h"
#include "domain/instant.h"
#include "domain/schedule.h"
#include "domain/time_zone.h"

namespace slotwise::domain {

enum class BookingRejection {
  // The buffered booking does not fit inside opening hours.
  outside_hours,
  // Inside opening hours, but not one of the generated slot starts.
  not_on_slot_grid,
  // Starts before now + min_notice_minutes.
  too_soon,
  // Starts after now + horizon_days.
  beyond_horizon,
  // The buffered booking overlaps a live booking (with its buffers).
  slot_unavailable,
  // max_bookings_per_day bookings already count on the start's local date.
  daily_limit_reached,
};

// Stable snake_case names ("outside_hours", ...) for API error codes.
[[nodiscard]] std::string_view to_string(BookingRejection rejection);

// Everything the booking rules read, borrowed for the duration of one call.
struct BookingContext {
  const WeeklySchedule& schedule;
  const DateOverrides& overrides;
  const TimeZone& zone;
  const BookingPolicy& policy;
  const ServiceTiming& timing;
  const BusyCalendar& busy;
};

// The instants the business is open because of local_date's intervals,
// sorted, with touching windows joined.
[[nodiscard]] std::vector<UtcInterval> open_windows(const WeeklySchedule& schedule,
                                                    const DateOverrides& overrides,
                                                    const TimeZone& zone, LocalDate local_date);

// The slot grid of local_date: every candidate start, bookable or not.
// Independent of now, the service and the bookings.
[[nodiscard]] std::vector<Instant> slot_starts(const WeeklySchedule& schedule,
                                               const DateOverrides& overrides, const TimeZone& zone,
                                               const BookingPolicy& policy, LocalDate local_date);

[[nodiscard]] common::Result<common::Unit, BookingRejection> check_bookable(
    const BookingContext& context, Instant start, Instant now);

// Whether [from, until) lies within one stretch of opening hours (date
// overrides included): check_bookable()'s outside_hours rule for a span
// already fixed, such as an existing booking with its buffers.
[[nodiscard]] bool within_opening_hours(const WeeklySchedule& schedule,
                                        const DateOverrides& overrides, const TimeZone& zone,
                                        Instant from, Instant until);

// The bookable starts of local dates first..last (inclusive), sorted, unique.
// Only dates that can hold a start within the notice/horizon bounds are
// computed, so a wide range costs no more than the horizon.
[[nodiscard]] std::vector<Instant> free_slots(const BookingContext& context, LocalDate first,
                                              LocalDate last, Instant now);

// How long `slots` = free_slots(context, first, last, now) stays the answer
// as the clock moves on with everything else fixed: free_slots(context,
// first, last, t) == slots for every t in [now, returned). The clock acts
// through two rules only. Notice: starts leave, never join, so the answer
// first changes one second after the earliest listed start minus the notice.
// Horizon: starts join, at instants of the form start - horizon_days, which
// are whole minutes (grid starts are whole minutes in every zone's modern
// offsets), so if a start of these dates could still lie beyond now's
// horizon the answer is only known to hold until the next whole minute.
// (Bookings whose liveness depends on the clock, tentative holds, are in
// context.busy; see next_hold_expiry() in calendar.h.) Always > now.
[[nodiscard]] Instant free_slots_valid_until(const BookingContext& context, LocalDate last,
                                             const std::vector<Instant>& slots, Instant now);

}  // namespace slotwise::domain
