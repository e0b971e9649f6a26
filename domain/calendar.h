// The calendar aggregate (subject sw.evt.calendar.<biz_id>): one business's
// weekly schedule, date overrides and every booking. All bookings of a
// business live here so that "no two live bookings overlap, buffers
// included" and the daily limit are decided against one consistent state
// and appended at its exact version (docs/adr/0002). Every availability
// decision is the availability engine's check_bookable().
//
// Business facts the calendar does not hold come in the command as
// snapshots the command side read from the business aggregate: the owner
// (for permission checks), the service (timing, price, payment) and the
// booking policy. Times come in the command too (`now`), and so do ids and
// token hashes, so decide() is deterministic.
//
// Thread safety: plain values and pure functions.
// Errors: decide() returns a DomainError whose code is one of: not_found
// (booking), forbidden (not the owner, or a customer without the booking's
// manage token), validation_failed, unknown_time_zone, service_retired, the
// six BookingRejection codes (outside_hours, not_on_slot_grid, too_soon,
// beyond_horizon, slot_unavailable, daily_limit_reached),
// idempotency_key_reused and invalid_state (the booking's status does not
// allow the command). A refused command yields no events.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "common/result.h"
#include "domain/actor.h"
#include "domain/booking.h"
#include "domain/booking_policy.h"
#include "domain/busy_calendar.h"
#include "domain/cancellation_terms.h"
#include "domain/domain_error.h"
#include "domain/instant.h"
#include "domain/schedule.h"
#include "domain/service.h"
#include "domain/time_zone.h"
#include "slotwise/events/v1/calendar.pb.h"

namespace slotwise::domain {

// What an Idempotency-Key was first used for, and what was answered then
// that the booking may no longer show: a retry answers the same (issue 4).
struct IdempotencyRecord {
  std::string booking_id;
  // SHA-256 (hex) of the first request's body.
  std::string request_sha256;
  // The log position of the commit that created the booking; 0 when the
  // state was built without positions (evolve() without one).
  std::uint64_t position = 0;
  // The booking's times as created (a reschedule moves the booking later).
  Instant start{};
  Instant end{};

  friend bool operator==(const IdempotencyRecord&, const IdempotencyRecord&) = default;
};

// The calendar's own data; CalendarState adds an index over its bookings.
struct CalendarData {
  // Set by the first event; empty for a calendar with no history.
  std::string business_id;
  // IANA zone of the local times, from the latest schedule or override
  // event; `zone` is its resolved handle (nullopt until set, or if the zone
  // vanished from the tz database, in which case nothing is bookable).
  std::string time_zone;
  std::optional<TimeZone> zone;
  WeeklySchedule schedule;
  DateOverrides overrides;
  // Bookings are added, never removed (a cancelled one keeps its history).
  std::map<std::string, Booking> bookings;
  // The longest duration + buffer before + buffer after of any booking ever
  // added (or rescheduled): how far apart two overlapping bookings' starts
  // can be, whatever the log holds (see decision_window()).
  std::chrono::minutes longest_reach{0};
  std::map<std::string, IdempotencyRecord> idempotency_keys;
};

struct CalendarState : CalendarData {
  CalendarState() = default;
  // A copy indexes its own bookings (the index points into `bookings`).
  CalendarState(const CalendarState& other);
  CalendarState& operator=(const CalendarState& other);
  // std::map nodes keep their addresses when moved, so the index stays valid.
  CalendarState(CalendarState&&) = default;
  CalendarState& operator=(CalendarState&&) = default;
  ~CalendarState() = default;

  // (start, booking id) -> the booking, for every booking: a decision visits
  // only the bookings that start near its own start (busy_calendar_around)
  // without a lookup by id each, instead of walking a calendar's whole
  // history. Kept by add_booking() and evolve().
  std::map<std::pair<Instant, std::string>, const Booking*> starts;

  friend bool operator==(const CalendarState& a, const CalendarState& b);
};

// Adds a booking (and its start to the index); false, changing nothing, when
// the id is already there (the first creation of an id wins).
bool add_booking(CalendarState& state, Booking booking);
// Widens state.longest_reach to cover `booking` (add_booking and a
// reschedule call it).
void note_reach(CalendarState& state, const Booking& booking);

// --- commands ---------------------------------------------------------------
// owner_user_id is the business's owner as the business aggregate says; the
// owner-only commands require actor == {owner, owner_user_id}.

// Replaces the whole weekly schedule; time_zone is the business's zone.
struct SetWeeklySchedule {
  std::string business_id;
  std::string owner_user_id;
  Actor actor;
  std::string time_zone;
  WeeklySchedule schedule;
};

struct SetDateOverride {
  std::string business_id;
  std::string owner_user_id;
  Actor actor;
  std::string time_zone;
  LocalDate local_date{};
  DateOverride date_override;
};

struct ClearDateOverride {
  std::string business_id;
  std::string owner_user_id;
  Actor actor;
  LocalDate local_date{};
};

// The business's service as it is now (find_service in business.h).
struct ServiceSnapshot {
  std::string service_id;
  Service service;
};

// Anyone may book (the public endpoint has no login).
struct CreateBooking {
  std::string business_id;
  std::string booking_id;
  ServiceSnapshot service;
  BookingPolicy policy;
  Instant start{};
  Customer customer;
  std::string notes;
  // Empty: no idempotency. Otherwise request_sha256 is required.
  std::string idempotency_key;
  std::string request_sha256;
  std::string manage_token_sha256;
  // How long a booking that needs payment holds its slot: 1..1440.
  int hold_minutes = 15;
  Instant now{};
  Actor actor;
  // The business's cancellation terms now (cancellation_terms_of its
  // policy): the booking keeps them, whatever the policy says later.
  CancellationTerms cancellation_terms;
};

// Payment arrived (or the owner waives it): tentative -> confirmed. The
// system, the payment provider, an admin or the owner may confirm, not the
// customer. A confirmation after the hold ran out (a late payment) is
// decided like a new booking of that time, because the booking stopped
// counting when its hold lapsed: invalid_state once its start has passed,
// else outside_hours when the time is no longer within opening hours (date
// overrides included), slot_unavailable when another live booking took it,
// daily_limit_reached when `policy.max_bookings_per_day` other bookings now
// count on its date; the payment saga then refunds. The slot grid, notice
// and horizon are not checked again: they held when the booking was made.
// The same holds for the payment provider after the hold expiry was
// recorded (BookingExpired): an expired booking is confirmed by a late
// payment under those rules (docs/adr/0008-payments.md). Within the hold
// nothing but the booking's status is checked.
struct ConfirmBooking {
  std::string business_id;
  std::string booking_id;
  std::string owner_user_id;
  Actor actor;
  // E.g. "payment_succeeded".
  std::string reason;
  Instant now{};
  // The business's booking policy now (its daily limit applies to a
  // confirmation after the hold ran out).
  BookingPolicy policy{};
};

// By the owner, by the customer with the booking's manage token (before the
// start), or by the system (e.g. a failed payment).
struct CancelBooking {
  std::string business_id;
  std::string booking_id;
  std::string owner_user_id;
  Actor actor;
  // SHA-256 (hex) of the manage token presented, for a customer.
  std::string manage_token_sha256;
  std::string reason;
  Instant now{};
};

// Moves a live booking, keeping its duration and buffers: the old slot is
// freed and the new one taken in one event, or nothing happens. Same
// permissions as CancelBooking, except the system.
struct RescheduleBooking {
  std::string business_id;
  std::string booking_id;
  std::string owner_user_id;
  Actor actor;
  std::string manage_token_sha256;
  Instant new_start{};
  BookingPolicy policy;
  Instant now{};
};

// Owner only, for a confirmed booking whose start has passed.
struct CompleteBooking {
  std::string business_id;
  std::string booking_id;
  std::string owner_user_id;
  Actor actor;
  Instant now{};
};

// Owner only, for a confirmed booking whose start has passed.
struct MarkNoShow {
  std::string business_id;
  std::string booking_id;
  std::string owner_user_id;
  Actor actor;
  Instant now{};
};

// A tentative booking whose hold ran out (now >= hold_expires_at) gives up
// its slot. Any actor may ask: the rule is only time.
struct ExpireBooking {
  std::string business_id;
  std::string booking_id;
  Actor actor;
  Instant now{};
};

using CalendarCommand = std::variant<SetWeeklySchedule, SetDateOverride, ClearDateOverride,
                                     CreateBooking, ConfirmBooking, CancelBooking,
                                     RescheduleBooking, CompleteBooking, MarkNoShow, ExpireBooking>;

using CalendarEvent =
    std::variant<slotwise::events::v1::WeeklyScheduleSet, slotwise::events::v1::DateOverrideSet,
                 slotwise::events::v1::DateOverrideCleared,
                 slotwise::events::v1::BookingTentativelyCreated,
                 slotwise::events::v1::BookingConfirmed, slotwise::events::v1::BookingRescheduled,
                 slotwise::events::v1::BookingCancelled, slotwise::events::v1::BookingExpired,
                 slotwise::events::v1::BookingCompleted, slotwise::events::v1::BookingMarkedNoShow>;

enum class DecideOutcome {
  // `events` (possibly none) is the command's effect; append them.
  accepted,
  // The command's effect is already in the log (an idempotent retry, or
  // cancelling a cancelled booking): nothing to append; answer as before.
  already_done,
};

struct CalendarDecision {
  DecideOutcome outcome = DecideOutcome::accepted;
  std::vector<CalendarEvent> events;
  // The booking the command is about; for an idempotent CreateBooking retry,
  // the booking the first request created (not the retry's booking_id).
  std::string booking_id;
};

[[nodiscard]] common::Result<CalendarDecision, DomainError> decide(const CalendarState& state,
                                                                   const CalendarCommand& command);

// Whether a CreateBooking with this Idempotency-Key and request hash repeats
// a booking request the calendar already took: decide() answers it
// already_done with the first booking and appends nothing. Keys are never
// forgotten, so once true for a state it stays true for every later one.
// (The command side lets such a request through its booking rate limits.)
[[nodiscard]] bool is_idempotent_replay(const CalendarState& state,
                                        std::string_view idempotency_key,
                                        std::string_view request_sha256);

// The checks of a reschedule that come before its new time, once the actor
// may change the booking at all (owner, or the manage token): the booking is
// live (confirmed, or tentative within its hold), and a customer moves it
// only before its start; otherwise invalid_state. decide() asks exactly
// this, and so does the availability query's reschedule variant
// (docs/query-api.md), so both refuse the same bookings with the same code.
[[nodiscard]] common::Result<common::Unit, DomainError> check_movable(const Booking& booking,
                                                                      const Actor& actor,
                                                                      Instant now);
// The timing a moved booking keeps and is checked with: its own duration
// (in whole minutes, as the decision reads it) and buffers, not those its
// service has now (a service changed after the booking was made does not
// change the booking).
[[nodiscard]] ServiceTiming moving_timing(const Booking& booking);

[[nodiscard]] CalendarState evolve(CalendarState state, const CalendarEvent& event);
// The same, for an event of the commit at log position `commit_position`:
// also records that position in a new booking's IdempotencyRecord.
[[nodiscard]] CalendarState evolve(CalendarState state, const CalendarEvent& event,
                                   std::uint64_t commit_position);

// The bookings that occupy time at `now` (occupies_time in booking.h) with
// their buffers, in the calendar's zone, leaving out `except_booking_id` (a
// booking being rescheduled must not block itself). Empty without a zone.
// Bookings whose buffered end is three days or more before `now` are
// skipped: they can neither overlap nor share a local date with any start
// at or after `now` (UTC offsets differ by less than 28 h), and leaving them
// out keeps the busy set of a long-lived calendar small.
[[nodiscard]] BusyCalendar busy_calendar(const CalendarState& state, Instant now,
                                         std::string_view except_booking_id = {});

// What one booking decision asks of the calendar: how far the candidate's
// busy time reaches (duration + both buffers) and whether its policy limits
// bookings per local date.
struct DecisionScope {
  std::chrono::minutes candidate_reach;
  bool counts_per_day = false;
};
// Duration + both buffers; a stored booking's duration rounded up to whole
// minutes (a log may hold one that is not).
[[nodiscard]] std::chrono::minutes reach_of(const ServiceTiming& timing);
[[nodiscard]] std::chrono::minutes reach_of(const Booking& booking);

// busy_calendar() for one booking decision: only the bookings starting less
// than decision_window(state, scope) before or after `start`. Every other
// booking can neither overlap the candidate nor count against its local
// date, so a decision against this set is the decision against the whole
// calendar, without converting every booking of a long-lived calendar to
// local time on every command.
//
// Why the window suffices: two bookings' busy intervals [s - before, s +
// duration + after) can only overlap if their starts lie less than the sum of
// their reaches apart; every stored booking's reach is at most
// state.longest_reach, the candidate's is scope.candidate_reach. Bookings on
// the same local date start less than kSameLocalDateReach apart, which only
// matters when the policy counts bookings per day. A local date is 24 h plus
// the largest backward shift of its zone: 25 h for most DST rules, 26 h in
// Magadan 2014, 27 h in Antarctica/Casey's 3-hour fall-backs (2018-2023);
// 48 h is what the availability engine allows for a fall-back (its
// kFallBackMargin), so both sides count the same bookings on every date. So a calendar of
// 15-minute bookings without a daily limit looks 30 minutes each way, not a
// day.
inline constexpr std::chrono::hours kSameLocalDateReach{48};
[[nodiscard]] std::chrono::minutes decision_window(const CalendarState& state,
                                                   const DecisionScope& scope);
[[nodiscard]] BusyCalendar busy_calendar_around(const CalendarState& state, Instant now,
                                                Instant start, std::string_view except_booking_id,
                                                const DecisionScope& scope);

// The earliest hold expiry after `now`: the first instant at which a booking
// that occupies time at `now` stops doing so (occupies_time() is otherwise
// independent of the clock, and the bookings busy_calendar() skips for being
// past cannot affect a start at or after `now`). nullopt if there is none.
[[nodiscard]] std::optional<Instant> next_hold_expiry(const CalendarState& state, Instant now);

}  // namespace slotwise::domain
