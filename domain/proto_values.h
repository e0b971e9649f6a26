// Conversions between the domain's value types and the value messages of the
// event contracts (schemas/slotwise/events/v1): timestamps, money, actors,
// profiles, policies, cancellation terms, service definitions, opening hours
// and customers. The
// aggregates build their events and read them back only through these, so a
// value survives to_proto -> from_proto unchanged.
//
// Thread safety: pure functions.
// Errors: none. from_proto() of a malformed message yields the closest value
// (an unknown enum becomes the default, a weekday outside 1..7 is dropped,
// sub-second precision is truncated); parse_local_date() returns nullopt for
// anything but a real "YYYY-MM-DD" date.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <google/protobuf/repeated_ptr_field.h>
#include <google/protobuf/timestamp.pb.h>

#include "domain/actor.h"
#include "domain/booking.h"
#include "domain/business_policy.h"
#include "domain/business_profile.h"
#include "domain/cancellation_terms.h"
#include "domain/instant.h"
#include "domain/money.h"
#include "domain/schedule.h"
#include "domain/service.h"
#include "slotwise/events/v1/business.pb.h"
#include "slotwise/events/v1/calendar.pb.h"
#include "slotwise/events/v1/common.pb.h"

namespace slotwise::domain {

namespace v1 = slotwise::events::v1;

[[nodiscard]] google::protobuf::Timestamp to_timestamp(Instant t);
[[nodiscard]] Instant to_instant(const google::protobuf::Timestamp& t);

[[nodiscard]] v1::Money to_proto(const Money& money);
[[nodiscard]] Money from_proto(const v1::Money& money);

[[nodiscard]] v1::Actor to_proto(const Actor& actor);
[[nodiscard]] Actor from_proto(const v1::Actor& actor);

[[nodiscard]] v1::BusinessProfile to_proto(const BusinessProfile& profile);
[[nodiscard]] BusinessProfile from_proto(const v1::BusinessProfile& profile);

[[nodiscard]] v1::BookingPolicy to_proto(const BusinessPolicy& policy);
[[nodiscard]] BusinessPolicy from_proto(const v1::BookingPolicy& policy);

[[nodiscard]] v1::CancellationTerms to_proto(const CancellationTerms& terms);
[[nodiscard]] CancellationTerms from_proto(const v1::CancellationTerms& terms);

[[nodiscard]] v1::ServiceDefinition to_proto(const ServiceDefinition& definition);
[[nodiscard]] ServiceDefinition from_proto(const v1::ServiceDefinition& definition);

[[nodiscard]] v1::Customer to_proto(const Customer& customer);
// The customer's time zone travels in BookingTentativelyCreated, not in
// v1::Customer; pass it here.
[[nodiscard]] Customer from_proto(const v1::Customer& customer, std::string time_zone);

// Always seven DaySchedules, Monday first, closed days with no intervals.
[[nodiscard]] google::protobuf::RepeatedPtrField<v1::DaySchedule> to_proto(
    const WeeklySchedule& schedule);
[[nodiscard]] WeeklySchedule from_proto(
    const google::protobuf::RepeatedPtrField<v1::DaySchedule>& days);

[[nodiscard]] google::protobuf::RepeatedPtrField<v1::LocalTimeInterval> to_proto(
    const DayIntervals& day);
[[nodiscard]] DayIntervals from_proto(
    const google::protobuf::RepeatedPtrField<v1::LocalTimeInterval>& intervals);

// "2026-03-08".
[[nodiscard]] std::string format_local_date(LocalDate date);
[[nodiscard]] std::optional<LocalDate> parse_local_date(std::string_view text);

}  // namespace slotwise::domain
