// The calendar's booking commands. Every availability decision is
// check_bookable() against busy_calendar(): the live bookings with their
// buffers, so the command side and the availability query agree exactly.
#include <algorithm>
#include <chrono>
#include <string>
#include <utility>

#include "domain/availability.h"
#include "domain/calendar_deciders.h"
#include "domain/proto_values.h"
#include "domain/text_rules.h"

namespace slotwise::domain::calendar_detail {
namespace {

using std::chrono::minutes;

constexpr std::string_view kNoPaymentRequired = "no_payment_required";

bool is_sha256_hex(std::string_view s) {
  return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

common::Result<const Booking*, DomainError> find_booking(const CalendarState& state,
                                                         const std::string& business_id,
                                                         const std::string& booking_id) {
  if (auto r = check_business(state, business_id); !r) return common::fail(r.error());
  const auto it = state.bookings.find(booking_id);
  if (it == state.bookings.end()) return error(error_code::not_found, "no such booking");
  return &it->second;
}

// Owner, or the customer holding the booking's manage token; `system_too`
// also admits SlotWise components and admins.
common::Result<common::Unit, DomainError> check_may_change(const Booking& booking,
                                                           const Actor& actor,
                                                           const std::string& owner_user_id,
                                                           const std::string& token_sha256,
                                                           bool system_too) {
  switch (actor.kind) {
    case ActorKind::owner:
      if (is_owner(actor, owner_user_id)) return common::Unit{};
      break;
    case ActorKind::customer:
      if (!booking.manage_token_sha256.empty() && token_sha256 == booking.manage_token_sha256) {
        return common::Unit{};
      }
      break;
    case ActorKind::system:
    case ActorKind::admin:
      if (system_too) return common::Unit{};
      break;
    case ActorKind::payment_provider:
      break;
  }
  return error(error_code::forbidden, "not allowed to change this booking");
}

// The booking a cancel or reschedule names, if this actor may change it.
template <typename Command>
common::Result<const Booking*, DomainError> changeable_booking(const CalendarState& state,
                                                               const Command& c, bool system_too) {
  auto found = find_booking(state, c.business_id, c.booking_id);
  if (!found) return found;
  if (auto r = check_may_change(*found.value(), c.actor, c.owner_user_id, c.manage_token_sha256,
                                system_too);
      !r) {
    return common::fail(r.error());
  }
  return found;
}

// Customers change a booking up to its start; the owner also afterwards.
common::Result<common::Unit, DomainError> check_not_started_for(const Actor& actor,
                                                                const Booking& booking,
                                                                Instant now) {
  if (actor.kind == ActorKind::customer && now >= booking.start) {
    return error(error_code::invalid_state, "the booking has already started");
  }
  return common::Unit{};
}

common::Result<common::Unit, DomainError> check_customer(const Customer& customer) {
  if (auto r = check_text("customer.name", customer.name, 1, 200); !r) return r;
  if (!is_email_shaped(customer.email)) {
    return error(error_code::validation_failed, "customer.email: is not an email address");
  }
  if (auto r = check_text("customer.phone", customer.phone, 0, 40); !r) return r;
  if (!customer.time_zone.empty() && !TimeZone::locate(customer.time_zone)) {
    return error(error_code::unknown_time_zone, "customer.time_zone: is not an IANA zone");
  }
  return common::Unit{};
}

common::Result<common::Unit, DomainError> check_create_input(const CreateBooking& c) {
  if (c.booking_id.empty()) return error(error_code::validation_failed, "booking_id: is required");
  if (c.service.service_id.empty()) {
    return error(error_code::validation_failed, "service_id: is required");
  }
  if (!is_sha256_hex(c.manage_token_sha256)) {
    return error(error_code::validation_failed, "manage_token_sha256: must be 64 hex digits");
  }
  if (auto r = check_customer(c.customer); !r) return r;
  if (auto r = check_text("notes", c.notes, 0, 2000, /*multiline=*/true); !r) return r;
  if (auto r = validate_timing(c.service.service.definition.timing); !r) {
    return error(error_code::validation_failed, "service." + r.error().field + ": out of range");
  }
  if (auto r = validate_policy(c.policy); !r) {
    return error(error_code::validation_failed, "policy." + r.error().field + ": out of range");
  }
  return validate_cancellation_terms(c.cancellation_terms, "cancellation_terms.");
}

// The engine's verdict on `start` for a booking of `timing`, against the
// calendar's other bookings (all but `except_booking_id`).
common::Result<common::Unit, DomainError> check_slot(const CalendarState& state,
                                                     const BookingPolicy& policy,
                                                     const ServiceTiming& timing, Instant start,
                                                     Instant now,
                                                     std::string_view except_booking_id = {}) {
  // No schedule yet means no opening hours at all.
  if (!state.zone) return common::fail(to_domain_error(BookingRejection::outside_hours));
  const DecisionScope scope{.candidate_reach = reach_of(timing),
                            .counts_per_day = policy.max_bookings_per_day > 0};
  const BusyCalendar busy = busy_calendar_around(state, now, start, except_booking_id, scope);
  const BookingContext ctx{state.schedule, state.overrides, *state.zone, policy, timing, busy};
  if (auto r = check_bookable(ctx, start, now); !r) return common::fail(to_domain_error(r.error()));
  return common::Unit{};
}

// A booking whose hold ran out stopped counting: no longer in anyone's way,
// nor on its date's max_bookings_per_day, and the owner may have closed the
// day since. Confirming it (a late payment) is taking its time anew, so it
// is checked as a new booking of that time would be (apart from itself):
// opening hours with the date overrides, other live bookings, the daily
// limit. The slot grid, notice and horizon held when it was made and are
// not checked again. An appointment whose start has passed is never
// confirmed late: the customer paid for a time that is gone.
common::Result<common::Unit, DomainError> check_still_bookable(const CalendarState& state,
                                                               const Booking& booking,
                                                               const BookingPolicy& policy,
                                                               Instant now) {
  if (now >= booking.start) {
    return error(error_code::invalid_state, "the booking's start has passed");
  }
  if (!state.zone) return common::fail(to_domain_error(BookingRejection::outside_hours));
  const BusyInterval mine =
      busy_interval_for_booking(*state.zone, booking.start, booking.end,
                                booking.buffer_before_minutes, booking.buffer_after_minutes);
  if (!within_opening_hours(state.schedule, state.overrides, *state.zone, mine.start, mine.end)) {
    return common::fail(to_domain_error(BookingRejection::outside_hours));
  }
  const int daily_limit = policy.max_bookings_per_day;
  const BusyCalendar busy = busy_calendar_around(
      state, now, booking.start, booking.booking_id,
      DecisionScope{.candidate_reach = reach_of(booking), .counts_per_day = daily_limit > 0});
  if (busy.overlaps(mine.start, mine.end)) {
    return common::fail(to_domain_error(BookingRejection::slot_unavailable));
  }
  if (daily_limit > 0 && busy.bookings_on(mine.counts_against) >= daily_limit) {
    return common::fail(to_domain_error(BookingRejection::daily_limit_reached));
  }
  return common::Unit{};
}

}  // namespace

Decided decide_create(const CalendarState& state, const CreateBooking& c) {
  if (auto r = check_business(state, c.business_id); !r) return common::fail(r.error());
  // Idempotency first: a retry must get the first answer even though its own
  // booking now occupies the slot.
  if (!c.idempotency_key.empty()) {
    if (!is_sha256_hex(c.request_sha256)) {
      return error(error_code::validation_failed, "request_sha256: must be 64 hex digits");
    }
    if (const auto it = state.idempotency_keys.find(c.idempotency_key);
        it != state.idempotency_keys.end()) {
      if (is_idempotent_replay(state, c.idempotency_key, c.request_sha256)) {
        return already_done(it->second.booking_id);
      }
      return error(error_code::idempotency_key_reused,
                   "this Idempotency-Key was used for a different request");
    }
  }
  if (auto r = check_create_input(c); !r) return common::fail(r.error());
  if (state.bookings.contains(c.booking_id)) {
    return error(error_code::invalid_state, "a booking with this id already exists");
  }
  const ServiceDefinition& service = c.service.service.definition;
  if (!c.service.service.active) {
    return error(error_code::service_retired, "the service is retired");
  }
  const Money due = amount_due(service);
  const bool needs_payment = due.amount_minor > 0;
  if (needs_payment && (c.hold_minutes < 1 || c.hold_minutes > 1440)) {
    return error(error_code::validation_failed, "hold_minutes: must be 1 to 1440");
  }
  if (auto r = check_slot(state, c.policy, service.timing, c.start, c.now); !r) {
    return common::fail(r.error());
  }

  v1::BookingTentativelyCreated created;
  created.set_booking_id(c.booking_id);
  created.set_business_id(c.business_id);
  created.set_service_id(c.service.service_id);
  *created.mutable_start() = to_timestamp(c.start);
  *created.mutable_end() = to_timestamp(c.start + minutes{service.timing.duration_minutes});
  created.set_buffer_before_minutes(service.timing.buffer_before_minutes);
  created.set_buffer_after_minutes(service.timing.buffer_after_minutes);
  created.set_time_zone(state.time_zone);
  *created.mutable_customer() = to_proto(c.customer);
  created.set_customer_time_zone(c.customer.time_zone);
  created.set_notes(c.notes);
  *created.mutable_amount_due() = to_proto(due);
  *created.mutable_price() = to_proto(service.price);
  if (needs_payment) {
    *created.mutable_hold_expires_at() = to_timestamp(c.now + minutes{c.hold_minutes});
  }
  created.set_manage_token_sha256(c.manage_token_sha256);
  created.set_idempotency_key(c.idempotency_key);
  created.set_request_sha256(c.request_sha256);
  *created.mutable_created_by() = to_proto(c.actor);
  *created.mutable_cancellation_terms() = to_proto(c.cancellation_terms);

  std::vector<CalendarEvent> events;
  events.emplace_back(std::move(created));
  if (!needs_payment) {
    // Nothing to wait for: confirmed in the same commit, so the slot is
    // never seen held-but-unpaid.
    v1::BookingConfirmed confirmed;
    confirmed.set_booking_id(c.booking_id);
    confirmed.set_business_id(c.business_id);
    *confirmed.mutable_confirmed_by() = to_proto(c.actor);
    confirmed.set_reason(std::string(kNoPaymentRequired));
    events.emplace_back(std::move(confirmed));
  }
  return accepted(std::move(events), c.booking_id);
}

Decided decide_confirm(const CalendarState& state, const ConfirmBooking& c) {
  auto found = find_booking(state, c.business_id, c.booking_id);
  if (!found) return common::fail(found.error());
  const Booking& booking = *found.value();
  const bool allowed = c.actor.kind == ActorKind::system || c.actor.kind == ActorKind::admin ||
                       c.actor.kind == ActorKind::payment_provider ||
                       is_owner(c.actor, c.owner_user_id);
  if (!allowed) return error(error_code::forbidden, "not allowed to confirm this booking");
  if (auto r = check_text("reason", c.reason, 1, 100); !r) return common::fail(r.error());
  if (booking.status == BookingStatus::confirmed) return already_done(c.booking_id);
  // The payment that confirmed it, reported again after the booking was
  // completed, marked a no-show or cancelled: nothing to confirm, and
  // nothing for the webhook to refund (a cancellation refunded per policy).
  if (booking.confirmed_by_payment && c.actor.kind == ActorKind::payment_provider) {
    return already_done(c.booking_id);
  }
  // A payment that arrives after the hold expiry was recorded is handled
  // like one that arrives after the hold ran out (docs/adr/0008-payments.md).
  const bool late_payment =
      booking.status == BookingStatus::expired && c.actor.kind == ActorKind::payment_provider;
  if (booking.status != BookingStatus::tentative && !late_payment) {
    return error(error_code::invalid_state,
                 "a " + std::string(to_string(booking.status)) + " booking cannot be confirmed");
  }
  if (!is_live(booking, c.now)) {
    if (auto r = check_still_bookable(state, booking, c.policy, c.now); !r) {
      return common::fail(r.error());
    }
  }
  v1::BookingConfirmed confirmed;
  confirmed.set_booking_id(c.booking_id);
  confirmed.set_business_id(c.business_id);
  *confirmed.mutable_confirmed_by() = to_proto(c.actor);
  confirmed.set_reason(c.reason);
  return accepted({std::move(confirmed)}, c.booking_id);
}

Decided decide_cancel(const CalendarState& state, const CancelBooking& c) {
  auto found = changeable_booking(state, c, /*system_too=*/true);
  if (!found) return common::fail(found.error());
  const Booking& booking = *found.value();
  if (auto r = check_text("reason", c.reason, 0, 500, /*multiline=*/true); !r) {
    return common::fail(r.error());
  }
  if (booking.status == BookingStatus::cancelled) return already_done(c.booking_id);
  if (is_terminal(booking.status)) {
    return error(error_code::invalid_state,
                 "a " + std::string(to_string(booking.status)) + " booking cannot be cancelled");
  }
  if (auto r = check_not_started_for(c.actor, booking, c.now); !r) return common::fail(r.error());
  v1::BookingCancelled cancelled;
  cancelled.set_booking_id(c.booking_id);
  cancelled.set_business_id(c.business_id);
  *cancelled.mutable_cancelled_by() = to_proto(c.actor);
  cancelled.set_reason(c.reason);
  *cancelled.mutable_cancelled_at() = to_timestamp(c.now);
  return accepted({std::move(cancelled)}, c.booking_id);
}

Decided decide_reschedule(const CalendarState& state, const RescheduleBooking& c) {
  auto found = changeable_booking(state, c, /*system_too=*/false);
  if (!found) return common::fail(found.error());
  const Booking& booking = *found.value();
  if (auto r = check_movable(booking, c.actor, c.now); !r) return common::fail(r.error());
  // A retried reschedule finds the booking already moved.
  if (c.new_start == booking.start) return already_done(c.booking_id);
  if (auto r = validate_policy(c.policy); !r) {
    return error(error_code::validation_failed, "policy." + r.error().field + ": out of range");
  }
  const auto duration = booking.end - booking.start;
  // The booking's own interval is left out, so moving by less than its
  // length (overlapping its old time) is fine; both halves of the move are
  // this one event.
  if (auto r =
          check_slot(state, c.policy, moving_timing(booking), c.new_start, c.now, c.booking_id);
      !r) {
    return common::fail(r.error());
  }
  v1::BookingRescheduled moved;
  moved.set_booking_id(c.booking_id);
  moved.set_business_id(c.business_id);
  *moved.mutable_previous_start() = to_timestamp(booking.start);
  *moved.mutable_previous_end() = to_timestamp(booking.end);
  *moved.mutable_start() = to_timestamp(c.new_start);
  *moved.mutable_end() = to_timestamp(c.new_start + duration);
  *moved.mutable_rescheduled_by() = to_proto(c.actor);
  *moved.mutable_rescheduled_at() = to_timestamp(c.now);
  return accepted({std::move(moved)}, c.booking_id);
}

namespace {

// Complete and no-show: the owner's record of what happened at a confirmed
// booking, which can only be known once it has started.
common::Result<const Booking*, DomainError> check_took_place(
    const CalendarState& state, const std::string& business_id, const std::string& booking_id,
    const std::string& owner_user_id, const Actor& actor, Instant now, std::string_view verb) {
  if (auto r = check_business(state, business_id); !r) return common::fail(r.error());
  if (auto r = check_owner(actor, owner_user_id); !r) return common::fail(r.error());
  auto found = find_booking(state, business_id, booking_id);
  if (!found) return found;
  const Booking& booking = *found.value();
  if (booking.status != BookingStatus::confirmed) {
    return error(error_code::invalid_state, "a " + std::string(to_string(booking.status)) +
                                                " booking cannot be " + std::string(verb));
  }
  if (now < booking.start) {
    return error(error_code::invalid_state, "the booking has not started yet");
  }
  return found;
}

}  // namespace

Decided decide_complete(const CalendarState& state, const CompleteBooking& c) {
  auto found = check_took_place(state, c.business_id, c.booking_id, c.owner_user_id, c.actor, c.now,
                                "completed");
  if (!found) return common::fail(found.error());
  v1::BookingCompleted completed;
  completed.set_booking_id(c.booking_id);
  completed.set_business_id(c.business_id);
  *completed.mutable_completed_by() = to_proto(c.actor);
  return accepted({std::move(completed)}, c.booking_id);
}

Decided decide_no_show(const CalendarState& state, const MarkNoShow& c) {
  auto found = check_took_place(state, c.business_id, c.booking_id, c.owner_user_id, c.actor, c.now,
                                "marked as a no-show");
  if (!found) return common::fail(found.error());
  v1::BookingMarkedNoShow marked;
  marked.set_booking_id(c.booking_id);
  marked.set_business_id(c.business_id);
  *marked.mutable_marked_by() = to_proto(c.actor);
  return accepted({std::move(marked)}, c.booking_id);
}

Decided decide_expire(const CalendarState& state, const ExpireBooking& c) {
  auto found = find_booking(state, c.business_id, c.booking_id);
  if (!found) return common::fail(found.error());
  const Booking& booking = *found.value();
  if (booking.status == BookingStatus::expired) return already_done(c.booking_id);
  if (booking.status != BookingStatus::tentative || !booking.hold_expires_at) {
    return error(error_code::invalid_state,
                 "a " + std::string(to_string(booking.status)) + " booking has no hold to expire");
  }
  if (c.now < *booking.hold_expires_at) {
    return error(error_code::invalid_state, "the hold has not expired yet");
  }
  v1::BookingExpired expired;
  expired.set_booking_id(c.booking_id);
  expired.set_business_id(c.business_id);
  *expired.mutable_hold_expired_at() = to_timestamp(*booking.hold_expires_at);
  return accepted({std::move(expired)}, c.booking_id);
}

}  // namespace slotwise::domain::calendar_detail

namespace slotwise::domain {

bool is_idempotent_replay(const CalendarState& state, std::string_view idempotency_key,
                          std::string_view request_sha256) {
  if (idempotency_key.empty()) return false;
  const auto it = state.idempotency_keys.find(std::string(idempotency_key));
  return it != state.idempotency_keys.end() && it->second.request_sha256 == request_sha256;
}

common::Result<common::Unit, DomainError> check_movable(const Booking& booking, const Actor& actor,
                                                        Instant now) {
  using calendar_detail::error;
  if (!is_live(booking, now)) {
    return error(error_code::invalid_state, booking.status == BookingStatus::tentative
                                                ? std::string("the booking's hold has expired")
                                                : "a " + std::string(to_string(booking.status)) +
                                                      " booking cannot be rescheduled");
  }
  return calendar_detail::check_not_started_for(actor, booking, now);
}

ServiceTiming moving_timing(const Booking& booking) {
  const auto duration =
      std::chrono::duration_cast<std::chrono::minutes>(booking.end - booking.start);
  return ServiceTiming{.duration_minutes = static_cast<int>(duration.count()),
                       .buffer_before_minutes = booking.buffer_before_minutes,
                       .buffer_after_minutes = booking.buffer_after_minutes};
}

}  // namespace slotwise::domain
