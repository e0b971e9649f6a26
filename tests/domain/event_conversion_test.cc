// Events to and from the event log's encoding (type name + bytes, and
// google.protobuf.Any), and the value conversions the events are built with.
#include "domain/event_conversion.h"

#include <doctest/doctest.h>

#include "domain/account.h"
#include "domain/business.h"
#include "domain/calendar.h"
#include "domain/proto_values.h"
#include "test_support.h"

namespace slotwise::domain {
namespace {

google::protobuf::Any any_of(const PackedEvent& packed) {
  google::protobuf::Any any;
  any.set_type_url("type.googleapis.com/" + packed.first);
  any.set_value(packed.second);
  return any;
}

TEST_CASE("an event packs to its full type name and bytes, and decodes back") {
  v1::BookingConfirmed confirmed;
  confirmed.set_booking_id("bkg_1");
  confirmed.set_business_id("biz_1");
  confirmed.set_reason("payment_succeeded");
  const CalendarEvent event = confirmed;

  const PackedEvent packed = to_packed(event);
  CHECK(packed.first == "slotwise.events.v1.BookingConfirmed");
  CHECK(event_type(event) == "slotwise.events.v1.BookingConfirmed");
  v1::BookingConfirmed parsed;
  REQUIRE(parsed.ParseFromString(packed.second));
  CHECK(parsed.booking_id() == "bkg_1");

  auto decoded = from_any<CalendarEvent>(any_of(packed));
  REQUIRE(decoded.ok());
  REQUIRE(decoded.value().has_value());
  const auto* back = std::get_if<v1::BookingConfirmed>(&*decoded.value());
  REQUIRE(back != nullptr);
  CHECK(back->reason() == "payment_succeeded");

  auto direct = from_packed<CalendarEvent>(packed.first, packed.second);
  REQUIRE(direct.ok());
  CHECK(direct.value().has_value());

  const std::vector<PackedEvent> all = to_packed(std::vector<CalendarEvent>{event, event});
  CHECK(all.size() == 2);
}

TEST_CASE("a type that is not one of the aggregate's events decodes to nothing, to be skipped") {
  v1::BookingConfirmed confirmed;
  const PackedEvent packed = to_packed(CalendarEvent{confirmed});
  auto as_account = from_any<AccountEvent>(any_of(packed));
  REQUIRE(as_account.ok());
  CHECK_FALSE(as_account.value().has_value());
  auto as_business = from_any<BusinessEvent>(any_of(packed));
  REQUIRE(as_business.ok());
  CHECK_FALSE(as_business.value().has_value());
  // A type from the future.
  auto future = from_packed<CalendarEvent>("slotwise.events.v1.BookingTeleported", "");
  REQUIRE(future.ok());
  CHECK_FALSE(future.value().has_value());
}

TEST_CASE("bytes that do not parse as the named type are a decode error, not a skip") {
  // Field 1, length 5, but only two bytes follow.
  auto broken = from_packed<CalendarEvent>("slotwise.events.v1.BookingConfirmed",
                                           "\x0a\x05"
                                           "ab");
  REQUIRE_FALSE(broken.ok());
  CHECK(broken.error().type == "slotwise.events.v1.BookingConfirmed");
}

TEST_CASE("type_name_of takes the part of the type URL after the last slash") {
  google::protobuf::Any any;
  any.set_type_url("type.googleapis.com/slotwise.events.v1.UserRegistered");
  CHECK(type_name_of(any) == "slotwise.events.v1.UserRegistered");
  any.set_type_url("slotwise.events.v1.UserRegistered");
  CHECK(type_name_of(any) == "slotwise.events.v1.UserRegistered");
}

TEST_CASE("value conversions round trip; local dates parse strictly") {
  const Instant t = test::utc(2026, 3, 8, 6, 30);
  CHECK(to_instant(to_timestamp(t)) == t);
  google::protobuf::Timestamp with_nanos = to_timestamp(t);
  with_nanos.set_nanos(999'999'999);
  CHECK(to_instant(with_nanos) == t);

  const ServiceDefinition d{"Cut",
                            "",
                            ServiceTiming{45, 5, 10},
                            Money{3500, "GBP"},
                            PaymentMode::deposit,
                            Money{500, "GBP"}};
  CHECK(from_proto(to_proto(d)) == d);
  BusinessPolicy p;
  p.booking.max_bookings_per_day = 4;
  p.hold_minutes = 30;
  CHECK(from_proto(to_proto(p)) == p);
  v1::BookingPolicy unset_hold = to_proto(p);
  unset_hold.set_hold_minutes(0);
  CHECK(from_proto(unset_hold).hold_minutes == 15);
  const Actor a{ActorKind::payment_provider, "stripe"};
  CHECK(from_proto(to_proto(a)) == a);
  WeeklySchedule w;
  w.days[6] = {LocalInterval{600, 720}, LocalInterval{780, 1440}};
  CHECK(from_proto(to_proto(w)).days == w.days);

  CHECK(parse_local_date("2026-03-08") == test::ymd(2026, 3, 8));
  CHECK(parse_local_date("2024-02-29") == test::ymd(2024, 2, 29));
  CHECK(format_local_date(test::ymd(2026, 3, 8)) == "2026-03-08");
  for (const char* bad : {"2026-02-29", "2026-13-01", "2026-3-08", "2026-03-08T", "20260308",
                          "0000-01-01", "2026-03-0x", ""}) {
    CAPTURE(bad);
    CHECK_FALSE(parse_local_date(bad).has_value());
  }
}

}  // namespace
}  // namespace slotwise::domain
