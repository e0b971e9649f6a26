// evolve() of the calendar aggregate: applies one event to the state. It
// trusts the log (events were decided against the state they follow) but
// never invents state: an event about an unknown booking or an unparsable
// date changes nothing.
#include <cstdint>
#include <string>
#include <utility>

#include "domain/calendar.h"
#include "domain/proto_values.h"

namespace slotwise::domain {
namespace {

void set_business(CalendarState& s, const std::string& business_id) {
  if (s.business_id.empty()) s.business_id = business_id;
}

void set_zone(CalendarState& s, const std::string& name) {
  if (name.empty() || name == s.time_zone) return;
  s.time_zone = name;
  auto located = TimeZone::locate(name);
  s.zone = located ? std::optional<TimeZone>(located.value()) : std::nullopt;
}

Booking* booking_of(CalendarState& s, const std::string& booking_id) {
  const auto it = s.bookings.find(booking_id);
  return it == s.bookings.end() ? nullptr : &it->second;
}

void set_status(CalendarState& s, const std::string& booking_id, BookingStatus status) {
  if (Booking* b = booking_of(s, booking_id)) b->status = status;
}

struct Evolver {
  CalendarState& s;
  // Of the event's commit; 0 when not known.
  std::uint64_t position = 0;

  void operator()(const v1::WeeklyScheduleSet& e) const {
    set_business(s, e.business_id());
    set_zone(s, e.time_zone());
    s.schedule = from_proto(e.days());
  }
  void operator()(const v1::DateOverrideSet& e) const {
    set_business(s, e.business_id());
    const auto date = parse_local_date(e.local_date());
    if (!date) return;
    set_zone(s, e.time_zone());
    s.overrides[*date] = DateOverride{e.closed(), from_proto(e.intervals())};
  }
  void operator()(const v1::DateOverrideCleared& e) const {
    set_business(s, e.business_id());
    if (const auto date = parse_local_date(e.local_date())) s.overrides.erase(*date);
  }
  void operator()(const v1::BookingTentativelyCreated& e) const {
    set_business(s, e.business_id());
    Booking b;
    b.booking_id = e.booking_id();
    b.service_id = e.service_id();
    b.status = BookingStatus::tentative;
    b.start = to_instant(e.start());
    b.end = to_instant(e.end());
    b.buffer_before_minutes = e.buffer_before_minutes();
    b.buffer_after_minutes = e.buffer_after_minutes();
    b.time_zone = e.time_zone();
    b.customer = from_proto(e.customer(), e.customer_time_zone());
    b.notes = e.notes();
    b.price = from_proto(e.price());
    b.amount_due = from_proto(e.amount_due());
    if (e.has_hold_expires_at()) b.hold_expires_at = to_instant(e.hold_expires_at());
    b.manage_token_sha256 = e.manage_token_sha256();
    b.idempotency_key = e.idempotency_key();
    b.request_sha256 = e.request_sha256();
    b.created_by = from_proto(e.created_by());
    // Absent in events logged before it existed (booking.h).
    if (e.has_cancellation_terms()) b.cancellation_terms = from_proto(e.cancellation_terms());
    if (!b.idempotency_key.empty()) {
      s.idempotency_keys.try_emplace(
          b.idempotency_key,
          IdempotencyRecord{b.booking_id, b.request_sha256, position, b.start, b.end});
    }
    add_booking(s, std::move(b));
  }
  void operator()(const v1::BookingConfirmed& e) const {
    set_status(s, e.booking_id(), BookingStatus::confirmed);
    if (Booking* b = booking_of(s, e.booking_id());
        b != nullptr && from_proto(e.confirmed_by()).kind == ActorKind::payment_provider) {
      b->confirmed_by_payment = true;
    }
  }
  void operator()(const v1::BookingRescheduled& e) const {
    if (Booking* b = booking_of(s, e.booking_id())) {
      s.starts.erase({b->start, b->booking_id});
      b->start = to_instant(e.start());
      b->end = to_instant(e.end());
      if (e.has_rescheduled_at() && e.rescheduled_by().kind() == v1::ACTOR_KIND_CUSTOMER) {
        const auto notice = std::chrono::duration_cast<std::chrono::seconds>(
            to_instant(e.previous_start()) - to_instant(e.rescheduled_at()));
        if (!b->least_customer_move_notice || notice < *b->least_customer_move_notice) {
          b->least_customer_move_notice = notice;
        }
      }
      note_reach(s, *b);
      s.starts.emplace(std::pair{b->start, b->booking_id}, b);
    }
  }
  void operator()(const v1::BookingCancelled& e) const {
    set_status(s, e.booking_id(), BookingStatus::cancelled);
    if (Booking* b = booking_of(s, e.booking_id())) {
      b->cancelled_by = from_proto(e.cancelled_by());
      if (e.has_cancelled_at()) b->cancelled_at = to_instant(e.cancelled_at());
    }
  }
  void operator()(const v1::BookingExpired& e) const {
    set_status(s, e.booking_id(), BookingStatus::expired);
  }
  void operator()(const v1::BookingCompleted& e) const {
    set_status(s, e.booking_id(), BookingStatus::completed);
  }
  void operator()(const v1::BookingMarkedNoShow& e) const {
    set_status(s, e.booking_id(), BookingStatus::no_show);
  }
};

}  // namespace

CalendarState evolve(CalendarState state, const CalendarEvent& event) {
  return evolve(std::move(state), event, 0);
}

CalendarState evolve(CalendarState state, const CalendarEvent& event,
                     std::uint64_t commit_position) {
  std::visit(Evolver{state, commit_position}, event);
  return state;
}

}  // namespace slotwise::domain
