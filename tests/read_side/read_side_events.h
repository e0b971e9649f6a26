// Builders for the domain events that read-side tests and benchmarks append
// directly to the log. Free of doctest so benchmark programs can use them too
// (tests get them through read_side_fixture.h).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "domain/account.h"
#include "domain/business.h"
#include "domain/calendar.h"

namespace slotwise::testing {

namespace v1 = slotwise::events::v1;

inline google::protobuf::Timestamp at(std::int64_t unix_seconds) {
  google::protobuf::Timestamp t;
  t.set_seconds(unix_seconds);
  return t;
}

inline v1::BookingPolicy policy(int slot, int notice, int horizon, int max_per_day) {
  v1::BookingPolicy p;
  p.set_slot_interval_minutes(slot);
  p.set_min_notice_minutes(notice);
  p.set_horizon_days(horizon);
  p.set_max_bookings_per_day(max_per_day);
  p.set_hold_minutes(15);
  return p;
}

inline domain::BusinessEvent business_created(const std::string& id, const std::string& slug,
                                              const std::string& owner, const std::string& tz,
                                              const v1::BookingPolicy& p) {
  v1::BusinessCreated e;
  e.set_business_id(id);
  e.set_owner_user_id(owner);
  e.set_slug(slug);
  e.mutable_profile()->set_name("Studio " + slug);
  e.mutable_profile()->set_description("A test business");
  e.mutable_profile()->set_contact_email(slug + "@example.com");
  e.set_time_zone(tz);
  e.set_currency("EUR");
  *e.mutable_policy() = p;
  *e.mutable_created_at() = at(1'770'000'000);
  return e;
}

inline domain::BusinessEvent service_defined(const std::string& biz, const std::string& svc,
                                             int duration, int before, int after,
                                             std::int64_t price) {
  v1::ServiceDefined e;
  e.set_business_id(biz);
  e.set_service_id(svc);
  auto* d = e.mutable_definition();
  d->set_name("Service " + svc);
  d->set_duration_minutes(duration);
  d->set_buffer_before_minutes(before);
  d->set_buffer_after_minutes(after);
  d->mutable_price()->set_amount_minor(price);
  d->mutable_price()->set_currency("EUR");
  d->set_payment_mode(v1::PAYMENT_MODE_NONE);
  return e;
}

// days[i] = intervals of weekday i+1 (Monday first), minutes since midnight.
inline domain::CalendarEvent schedule_set(
    const std::string& biz, const std::string& tz,
    const std::vector<std::vector<std::pair<int, int>>>& days) {
  v1::WeeklyScheduleSet e;
  e.set_business_id(biz);
  e.set_time_zone(tz);
  for (std::size_t d = 0; d < days.size() && d < 7; ++d) {
    auto* day = e.add_days();
    day->set_weekday(static_cast<v1::Weekday>(d + 1));
    for (auto [s, en] : days[d]) {
      auto* i = day->add_intervals();
      i->set_start_minute(s);
      i->set_end_minute(en);
    }
  }
  return e;
}

inline domain::CalendarEvent override_set(const std::string& biz, const std::string& tz,
                                          const std::string& date, bool closed,
                                          const std::vector<std::pair<int, int>>& intervals) {
  v1::DateOverrideSet e;
  e.set_business_id(biz);
  e.set_time_zone(tz);
  e.set_local_date(date);
  e.set_closed(closed);
  for (auto [s, en] : intervals) {
    auto* i = e.add_intervals();
    i->set_start_minute(s);
    i->set_end_minute(en);
  }
  return e;
}

inline domain::CalendarEvent booking_created(const std::string& biz, const std::string& bkg,
                                             const std::string& svc, std::int64_t start,
                                             int minutes, const std::string& tz,
                                             const std::string& email, std::int64_t price,
                                             int before = 0, int after = 0,
                                             std::optional<std::int64_t> hold = std::nullopt,
                                             const std::string& token_sha = "") {
  v1::BookingTentativelyCreated e;
  e.set_booking_id(bkg);
  e.set_business_id(biz);
  e.set_service_id(svc);
  *e.mutable_start() = at(start);
  *e.mutable_end() = at(start + 60LL * minutes);
  e.set_buffer_before_minutes(before);
  e.set_buffer_after_minutes(after);
  e.set_time_zone(tz);
  e.mutable_customer()->set_name("Customer " + email);
  e.mutable_customer()->set_email(email);
  e.set_notes("notes of " + bkg);
  e.mutable_price()->set_amount_minor(price);
  e.mutable_price()->set_currency("EUR");
  e.mutable_amount_due()->set_currency("EUR");
  if (hold) *e.mutable_hold_expires_at() = at(*hold);
  e.set_manage_token_sha256(token_sha);
  e.mutable_created_by()->set_kind(v1::ACTOR_KIND_CUSTOMER);
  e.mutable_created_by()->set_id(bkg);
  return e;
}

// `created` (a booking_created event) with the cancellation terms it was
// booked under, as bookings carry them since they exist.
inline domain::CalendarEvent with_terms(domain::CalendarEvent created, int cutoff_minutes,
                                        int late_percent) {
  auto& e = std::get<v1::BookingTentativelyCreated>(created);
  e.mutable_cancellation_terms()->set_free_cancellation_cutoff_minutes(cutoff_minutes);
  e.mutable_cancellation_terms()->set_late_cancellation_refund_percent(late_percent);
  return created;
}

inline domain::CalendarEvent confirmed(const std::string& biz, const std::string& bkg) {
  v1::BookingConfirmed e;
  e.set_booking_id(bkg);
  e.set_business_id(biz);
  e.set_reason("no_payment_required");
  return e;
}
inline domain::CalendarEvent cancelled(const std::string& biz, const std::string& bkg) {
  v1::BookingCancelled e;
  e.set_booking_id(bkg);
  e.set_business_id(biz);
  e.mutable_cancelled_by()->set_kind(v1::ACTOR_KIND_CUSTOMER);
  e.mutable_cancelled_by()->set_id(bkg);
  e.set_reason("changed plans");
  return e;
}
inline domain::CalendarEvent completed(const std::string& biz, const std::string& bkg) {
  v1::BookingCompleted e;
  e.set_booking_id(bkg);
  e.set_business_id(biz);
  return e;
}
inline domain::CalendarEvent expired(const std::string& biz, const std::string& bkg) {
  v1::BookingExpired e;
  e.set_booking_id(bkg);
  e.set_business_id(biz);
  return e;
}
inline domain::CalendarEvent no_show(const std::string& biz, const std::string& bkg) {
  v1::BookingMarkedNoShow e;
  e.set_booking_id(bkg);
  e.set_business_id(biz);
  return e;
}
inline domain::CalendarEvent rescheduled(const std::string& biz, const std::string& bkg,
                                         std::int64_t start, int minutes) {
  v1::BookingRescheduled e;
  e.set_booking_id(bkg);
  e.set_business_id(biz);
  *e.mutable_start() = at(start);
  *e.mutable_end() = at(start + 60LL * minutes);
  return e;
}

inline domain::AccountEvent user_registered(const std::string& user, std::int64_t when) {
  v1::UserRegistered e;
  e.set_user_id(user);
  e.set_email(user + "@example.com");
  e.set_name("Owner");
  e.set_password_hash("$argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbHQ$aGFzaA");
  *e.mutable_registered_at() = at(when);
  return e;
}
inline domain::AccountEvent password_changed(const std::string& user, std::int64_t when) {
  v1::PasswordChanged e;
  e.set_user_id(user);
  e.set_password_hash("$argon2id$v=19$m=64,t=1,p=1$bmV3c2FsdA$bmV3");
  *e.mutable_changed_at() = at(when);
  return e;
}
inline domain::AccountEvent reset_requested(const std::string& user, std::int64_t when) {
  v1::PasswordResetRequested e;
  e.set_user_id(user);
  e.set_request_id("0123456789abcdef0123456789abcdef");
  *e.mutable_requested_at() = at(when);
  *e.mutable_expires_at() = at(when + 3600);
  return e;
}

}  // namespace slotwise::testing
