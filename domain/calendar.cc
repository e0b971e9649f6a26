#include "domain/calendar.h"

#include <algorithm>
#include <chrono>
#include <ranges>
#include <utility>

#include "domain/calendar_deciders.h"

namespace slotwise::domain {

namespace calendar_detail {

common::Unexpected<DomainError> error(std::string_view code, std::string message) {
  return common::fail(make_error(code, std::move(message)));
}

Decided accepted(std::vector<CalendarEvent> events, std::string booking_id) {
  return CalendarDecision{DecideOutcome::accepted, std::move(events), std::move(booking_id)};
}

Decided already_done(std::string booking_id) {
  return CalendarDecision{DecideOutcome::already_done, {}, std::move(booking_id)};
}

common::Result<common::Unit, DomainError> check_business(const CalendarState& state,
                                                         const std::string& business_id) {
  if (business_id.empty()) return error(error_code::validation_failed, "business_id: is required");
  // The subject is keyed by the business id, so a mismatch is a caller bug;
  // refusing it keeps one business's command out of another's calendar.
  if (!state.business_id.empty() && state.business_id != business_id) {
    return error(error_code::not_found, "this calendar belongs to another business");
  }
  return common::Unit{};
}

common::Result<common::Unit, DomainError> check_owner(const Actor& actor,
                                                      const std::string& owner_user_id) {
  if (!is_owner(actor, owner_user_id)) {
    return error(error_code::forbidden, "only the business owner may do this");
  }
  return common::Unit{};
}

}  // namespace calendar_detail

namespace {

using calendar_detail::Decided;

struct Decider {
  const CalendarState& s;
  Decided operator()(const SetWeeklySchedule& c) const {
    return calendar_detail::decide_schedule(s, c);
  }
  Decided operator()(const SetDateOverride& c) const {
    return calendar_detail::decide_override(s, c);
  }
  Decided operator()(const ClearDateOverride& c) const {
    return calendar_detail::decide_clear(s, c);
  }
  Decided operator()(const CreateBooking& c) const { return calendar_detail::decide_create(s, c); }
  Decided operator()(const ConfirmBooking& c) const {
    return calendar_detail::decide_confirm(s, c);
  }
  Decided operator()(const CancelBooking& c) const { return calendar_detail::decide_cancel(s, c); }
  Decided operator()(const RescheduleBooking& c) const {
    return calendar_detail::decide_reschedule(s, c);
  }
  Decided operator()(const CompleteBooking& c) const {
    return calendar_detail::decide_complete(s, c);
  }
  Decided operator()(const MarkNoShow& c) const { return calendar_detail::decide_no_show(s, c); }
  Decided operator()(const ExpireBooking& c) const { return calendar_detail::decide_expire(s, c); }
};

// Far enough back that an older booking can neither overlap a start at or
// after `now` (buffers are at most a day) nor share its local date.
constexpr std::chrono::hours kRelevantPast{72};

}  // namespace

CalendarState::CalendarState(const CalendarState& other) : CalendarData(other) {
  for (const auto& [id, booking] : bookings) starts.emplace(std::pair{booking.start, id}, &booking);
}

CalendarState& CalendarState::operator=(const CalendarState& other) {
  if (this != &other) *this = CalendarState(other);
  return *this;
}

bool operator==(const CalendarState& a, const CalendarState& b) {
  // WeeklySchedule (the engine's type) has no operator==; its days do. The
  // index is compared by its keys: its pointers differ between copies.
  return a.business_id == b.business_id && a.time_zone == b.time_zone && a.zone == b.zone &&
         a.schedule.days == b.schedule.days && a.overrides == b.overrides &&
         a.bookings == b.bookings && a.longest_reach == b.longest_reach &&
         a.idempotency_keys == b.idempotency_keys &&
         std::ranges::equal(a.starts, b.starts,
                            [](const auto& x, const auto& y) { return x.first == y.first; });
}

void note_reach(CalendarState& state, const Booking& booking) {
  state.longest_reach = std::max(state.longest_reach, reach_of(booking));
}

bool add_booking(CalendarState& state, Booking booking) {
  if (state.bookings.contains(booking.booking_id)) return false;
  note_reach(state, booking);
  std::string id = booking.booking_id;
  const auto it = state.bookings.emplace(std::move(id), std::move(booking)).first;
  state.starts.emplace(std::pair{it->second.start, it->first}, &it->second);
  return true;
}

common::Result<CalendarDecision, DomainError> decide(const CalendarState& state,
                                                     const CalendarCommand& command) {
  return std::visit(Decider{state}, command);
}

namespace {

void add_busy(const CalendarState& state, const Booking& booking, Instant now,
              std::vector<BusyInterval>& busy) {
  if (!occupies_time(booking, now)) return;
  const BusyInterval interval =
      busy_interval_for_booking(*state.zone, booking.start, booking.end,
                                booking.buffer_before_minutes, booking.buffer_after_minutes);
  if (interval.end + kRelevantPast <= now) return;
  busy.push_back(interval);
}

}  // namespace

BusyCalendar busy_calendar(const CalendarState& state, Instant now,
                           std::string_view except_booking_id) {
  if (!state.zone) return BusyCalendar{};
  std::vector<BusyInterval> busy;
  for (const auto& [id, booking] : state.bookings) {
    if (id != except_booking_id) add_busy(state, booking, now, busy);
  }
  return BusyCalendar(std::move(busy));
}

std::chrono::minutes reach_of(const ServiceTiming& timing) {
  return std::chrono::minutes{timing.duration_minutes + timing.buffer_before_minutes +
                              timing.buffer_after_minutes};
}

std::chrono::minutes reach_of(const Booking& booking) {
  return std::chrono::ceil<std::chrono::minutes>(booking.end - booking.start) +
         std::chrono::minutes{booking.buffer_before_minutes} +
         std::chrono::minutes{booking.buffer_after_minutes};
}

std::chrono::minutes decision_window(const CalendarState& state, const DecisionScope& scope) {
  const std::chrono::minutes overlap =
      std::max(scope.candidate_reach, std::chrono::minutes{0}) + state.longest_reach;
  return scope.counts_per_day ? std::max<std::chrono::minutes>(overlap, kSameLocalDateReach)
                              : overlap;
}

BusyCalendar busy_calendar_around(const CalendarState& state, Instant now, Instant start,
                                  std::string_view except_booking_id, const DecisionScope& scope) {
  if (!state.zone) return BusyCalendar{};
  std::vector<BusyInterval> busy;
  const std::chrono::minutes window = decision_window(state, scope);
  const Instant until = start + window;
  for (auto it = state.starts.lower_bound({start - window, std::string()});
       it != state.starts.end() && it->first.first < until; ++it) {
    if (it->first.second != except_booking_id) add_busy(state, *it->second, now, busy);
  }
  return BusyCalendar(std::move(busy));
}

std::optional<Instant> next_hold_expiry(const CalendarState& state, Instant now) {
  std::optional<Instant> next;
  for (const auto& [id, booking] : state.bookings) {
    if (booking.status != BookingStatus::tentative || !booking.hold_expires_at) continue;
    const Instant expiry = *booking.hold_expires_at;
    if (expiry > now && (!next || expiry < *next)) next = expiry;
  }
  return next;
}

}  // namespace slotwise::domain
