#include "domain/proto_values.h"

#include <chrono>
#include <utility>

namespace slotwise::domain {
namespace {

v1::PaymentMode to_proto(PaymentMode mode) {
  switch (mode) {
    case PaymentMode::none:
      return v1::PAYMENT_MODE_NONE;
    case PaymentMode::deposit:
      return v1::PAYMENT_MODE_DEPOSIT;
    case PaymentMode::full:
      return v1::PAYMENT_MODE_FULL;
  }
  return v1::PAYMENT_MODE_UNSPECIFIED;
}

PaymentMode from_proto(v1::PaymentMode mode) {
  switch (mode) {
    case v1::PAYMENT_MODE_DEPOSIT:
      return PaymentMode::deposit;
    case v1::PAYMENT_MODE_FULL:
      return PaymentMode::full;
    default:
      // Unspecified (a reader older than the writer) asks for nothing.
      return PaymentMode::none;
  }
}

v1::ActorKind to_proto(ActorKind kind) {
  switch (kind) {
    case ActorKind::owner:
      return v1::ACTOR_KIND_OWNER;
    case ActorKind::customer:
      return v1::ACTOR_KIND_CUSTOMER;
    case ActorKind::system:
      return v1::ACTOR_KIND_SYSTEM;
    case ActorKind::payment_provider:
      return v1::ACTOR_KIND_PAYMENT_PROVIDER;
    case ActorKind::admin:
      return v1::ACTOR_KIND_ADMIN;
  }
  return v1::ACTOR_KIND_UNSPECIFIED;
}

ActorKind from_proto(v1::ActorKind kind) {
  switch (kind) {
    case v1::ACTOR_KIND_OWNER:
      return ActorKind::owner;
    case v1::ACTOR_KIND_CUSTOMER:
      return ActorKind::customer;
    case v1::ACTOR_KIND_PAYMENT_PROVIDER:
      return ActorKind::payment_provider;
    case v1::ACTOR_KIND_ADMIN:
      return ActorKind::admin;
    default:
      return ActorKind::system;
  }
}

}  // namespace

google::protobuf::Timestamp to_timestamp(Instant t) {
  google::protobuf::Timestamp ts;
  ts.set_seconds(t.time_since_epoch().count());
  return ts;
}

Instant to_instant(const google::protobuf::Timestamp& t) {
  return Instant{std::chrono::seconds{t.seconds()}};
}

v1::Money to_proto(const Money& money) {
  v1::Money m;
  m.set_amount_minor(money.amount_minor);
  m.set_currency(money.currency);
  return m;
}

Money from_proto(const v1::Money& money) { return Money{money.amount_minor(), money.currency()}; }

v1::Actor to_proto(const Actor& actor) {
  v1::Actor a;
  a.set_kind(to_proto(actor.kind));
  a.set_id(actor.id);
  return a;
}

Actor from_proto(const v1::Actor& actor) { return Actor{from_proto(actor.kind()), actor.id()}; }

v1::BusinessProfile to_proto(const BusinessProfile& profile) {
  v1::BusinessProfile p;
  p.set_name(profile.name);
  p.set_description(profile.description);
  p.set_contact_email(profile.contact_email);
  p.set_contact_phone(profile.contact_phone);
  p.set_address(profile.address);
  return p;
}

BusinessProfile from_proto(const v1::BusinessProfile& profile) {
  return BusinessProfile{profile.name(), profile.description(), profile.contact_email(),
                         profile.contact_phone(), profile.address()};
}

v1::BookingPolicy to_proto(const BusinessPolicy& policy) {
  v1::BookingPolicy p;
  p.set_slot_interval_minutes(policy.booking.slot_interval_minutes);
  p.set_min_notice_minutes(policy.booking.min_notice_minutes);
  p.set_horizon_days(policy.booking.horizon_days);
  p.set_max_bookings_per_day(policy.booking.max_bookings_per_day);
  p.set_hold_minutes(policy.hold_minutes);
  p.set_free_cancellation_cutoff_minutes(policy.free_cancellation_cutoff_minutes);
  p.set_late_cancellation_refund_percent(policy.late_cancellation_refund_percent);
  return p;
}

BusinessPolicy from_proto(const v1::BookingPolicy& policy) {
  BusinessPolicy p;
  p.booking.slot_interval_minutes = policy.slot_interval_minutes();
  p.booking.min_notice_minutes = policy.min_notice_minutes();
  p.booking.horizon_days = policy.horizon_days();
  p.booking.max_bookings_per_day = policy.max_bookings_per_day();
  // proto3 cannot tell 0 from unset; the contract documents 15 as default.
  p.hold_minutes = policy.hold_minutes() == 0 ? kDefaultHoldMinutes : policy.hold_minutes();
  p.free_cancellation_cutoff_minutes = policy.free_cancellation_cutoff_minutes();
  p.late_cancellation_refund_percent = policy.late_cancellation_refund_percent();
  return p;
}

v1::CancellationTerms to_proto(const CancellationTerms& terms) {
  v1::CancellationTerms t;
  t.set_free_cancellation_cutoff_minutes(terms.free_cancellation_cutoff_minutes);
  t.set_late_cancellation_refund_percent(terms.late_cancellation_refund_percent);
  return t;
}

CancellationTerms from_proto(const v1::CancellationTerms& terms) {
  return CancellationTerms{terms.free_cancellation_cutoff_minutes(),
                           terms.late_cancellation_refund_percent()};
}

v1::ServiceDefinition to_proto(const ServiceDefinition& definition) {
  v1::ServiceDefinition d;
  d.set_name(definition.name);
  d.set_description(definition.description);
  d.set_duration_minutes(definition.timing.duration_minutes);
  *d.mutable_price() = to_proto(definition.price);
  d.set_buffer_before_minutes(definition.timing.buffer_before_minutes);
  d.set_buffer_after_minutes(definition.timing.buffer_after_minutes);
  d.set_payment_mode(to_proto(definition.payment_mode));
  if (definition.deposit) *d.mutable_deposit() = to_proto(*definition.deposit);
  return d;
}

ServiceDefinition from_proto(const v1::ServiceDefinition& definition) {
  ServiceDefinition d;
  d.name = definition.name();
  d.description = definition.description();
  d.timing = ServiceTiming{.duration_minutes = definition.duration_minutes(),
                           .buffer_before_minutes = definition.buffer_before_minutes(),
                           .buffer_after_minutes = definition.buffer_after_minutes()};
  d.price = from_proto(definition.price());
  d.payment_mode = from_proto(definition.payment_mode());
  if (definition.has_deposit()) d.deposit = from_proto(definition.deposit());
  return d;
}

v1::Customer to_proto(const Customer& customer) {
  v1::Customer c;
  c.set_name(customer.name);
  c.set_email(customer.email);
  c.set_phone(customer.phone);
  return c;
}

Customer from_proto(const v1::Customer& customer, std::string time_zone) {
  return Customer{customer.name(), customer.email(), customer.phone(), std::move(time_zone)};
}

google::protobuf::RepeatedPtrField<v1::DaySchedule> to_proto(const WeeklySchedule& schedule) {
  google::protobuf::RepeatedPtrField<v1::DaySchedule> days;
  for (std::size_t i = 0; i < schedule.days.size(); ++i) {
    v1::DaySchedule* day = days.Add();
    // Index 0 is Monday = WEEKDAY_MONDAY (1), and so on.
    day->set_weekday(static_cast<v1::Weekday>(i + 1));
    *day->mutable_intervals() = to_proto(schedule.days[i]);
  }
  return days;
}

WeeklySchedule from_proto(const google::protobuf::RepeatedPtrField<v1::DaySchedule>& days) {
  WeeklySchedule schedule;
  for (const v1::DaySchedule& day : days) {
    const int weekday = day.weekday();
    if (weekday < 1 || weekday > 7) continue;
    schedule.days[static_cast<std::size_t>(weekday - 1)] = from_proto(day.intervals());
  }
  return schedule;
}

google::protobuf::RepeatedPtrField<v1::LocalTimeInterval> to_proto(const DayIntervals& day) {
  google::protobuf::RepeatedPtrField<v1::LocalTimeInterval> out;
  for (const LocalInterval& iv : day) {
    v1::LocalTimeInterval* p = out.Add();
    p->set_start_minute(iv.start_minute);
    p->set_end_minute(iv.end_minute);
  }
  return out;
}

DayIntervals from_proto(
    const google::protobuf::RepeatedPtrField<v1::LocalTimeInterval>& intervals) {
  DayIntervals out;
  out.reserve(static_cast<std::size_t>(intervals.size()));
  for (const v1::LocalTimeInterval& iv : intervals) {
    out.push_back(LocalInterval{iv.start_minute(), iv.end_minute()});
  }
  return out;
}

std::string format_local_date(LocalDate date) { return date::format("%F", date); }

std::optional<LocalDate> parse_local_date(std::string_view text) {
  // Exactly YYYY-MM-DD with ASCII digits; date::parse would also accept
  // shorter fields and trailing text.
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  bool digits_only = true;
  const auto number = [&](std::size_t pos, std::size_t width) {
    int value = 0;
    for (const char c : text.substr(pos, width)) {
      if (c < '0' || c > '9') digits_only = false;
      value = value * 10 + (c - '0');
    }
    return value;
  };
  const int year = number(0, 4);
  const int month = number(5, 2);
  const int day = number(8, 2);
  if (!digits_only || year < 1) return std::nullopt;
  const date::year_month_day ymd{date::year{year}, date::month{static_cast<unsigned>(month)},
                                 date::day{static_cast<unsigned>(day)}};
  if (!ymd.ok()) return std::nullopt;
  return LocalDate{ymd};
}

}  // namespace slotwise::domain
