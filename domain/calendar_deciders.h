// Internal to the calendar aggregate: one decide function per command, and
// the checks they share. calendar.cc dispatches decide() to these;
// calendar_schedule.cc holds the schedule commands, calendar_booking.cc the
// booking commands. Not part of the library's API.
//
// Thread safety: pure functions.
// Errors: as calendar.h's decide().
#pragma once

#include <string>

#include "common/result.h"
#include "domain/calendar.h"

namespace slotwise::domain::calendar_detail {

using Decided = common::Result<CalendarDecision, DomainError>;

[[nodiscard]] common::Unexpected<DomainError> error(std::string_view code, std::string message);

// A decision that appends `events` (accepted) about booking_id.
[[nodiscard]] Decided accepted(std::vector<CalendarEvent> events, std::string booking_id = {});
// Nothing to append: the effect is already in the log.
[[nodiscard]] Decided already_done(std::string booking_id = {});

// The command names this calendar's business (or the calendar is new).
[[nodiscard]] common::Result<common::Unit, DomainError> check_business(
    const CalendarState& state, const std::string& business_id);

// actor is {owner, owner_user_id}.
[[nodiscard]] common::Result<common::Unit, DomainError> check_owner(
    const Actor& actor, const std::string& owner_user_id);

[[nodiscard]] Decided decide_schedule(const CalendarState& state, const SetWeeklySchedule& c);
[[nodiscard]] Decided decide_override(const CalendarState& state, const SetDateOverride& c);
[[nodiscard]] Decided decide_clear(const CalendarState& state, const ClearDateOverride& c);

[[nodiscard]] Decided decide_create(const CalendarState& state, const CreateBooking& c);
[[nodiscard]] Decided decide_confirm(const CalendarState& state, const ConfirmBooking& c);
[[nodiscard]] Decided decide_cancel(const CalendarState& state, const CancelBooking& c);
[[nodiscard]] Decided decide_reschedule(const CalendarState& state, const RescheduleBooking& c);
[[nodiscard]] Decided decide_complete(const CalendarState& state, const CompleteBooking& c);
[[nodiscard]] Decided decide_no_show(const CalendarState& state, const MarkNoShow& c);
[[nodiscard]] Decided decide_expire(const CalendarState& state, const ExpireBooking& c);

}  // namespace slotwise::domain::calendar_detail
