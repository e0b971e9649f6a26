// Server-free units of the event store: subjects, event packing, error text.
#include <doctest/doctest.h>

#include <chrono>

#include "events/aggregate.h"
#include "events/commit_codec.h"
#include "events/event_codec.h"
#include "events/nats_status.h"
#include "slotwise/events/v1/calendar.pb.h"

using slotwise::events::AggregateRef;
using slotwise::events::ErrorCode;

TEST_CASE("subjects round trip and reject tokens that change their meaning") {
  const AggregateRef ref{"calendar", "biz_123"};
  CHECK(slotwise::events::subject_of("sw.evt", ref) == "sw.evt.calendar.biz_123");
  auto back = slotwise::events::aggregate_of("sw.evt", "sw.evt.calendar.biz_123");
  REQUIRE(back.ok());
  CHECK(back.value() == ref);
  for (const char* bad : {"", "a.b", "*", ">", "a b", "tab\t", "nul\x01"}) {
    CHECK_FALSE(slotwise::events::validate(AggregateRef{"calendar", bad}).ok());
  }
  CHECK_FALSE(slotwise::events::aggregate_of("sw.evt", "other.calendar.x").ok());
  CHECK_FALSE(slotwise::events::aggregate_of("sw.evt", "sw.evt.calendar").ok());
  CHECK_FALSE(slotwise::events::aggregate_of("sw.evt", "sw.evtx.calendar.x").ok());
  CHECK_FALSE(slotwise::events::aggregate_of("sw.evt", "sw.evt.calendar.a.b").ok());
}

TEST_CASE("events pack to their full type name and unpack to the same message") {
  slotwise::events::v1::BookingConfirmed e;
  e.set_booking_id("bkg_1");
  e.set_reason("no_payment_required");
  auto packed = slotwise::events::pack(e);
  CHECK(packed.type == "slotwise.events.v1.BookingConfirmed");
  google::protobuf::Any any;
  any.set_type_url(slotwise::events::type_url_for(packed.type));
  any.set_value(packed.data);
  CHECK(slotwise::events::type_name_of(any) == "slotwise.events.v1.BookingConfirmed");
  auto back = slotwise::events::unpack(any);
  REQUIRE(back.ok());
  CHECK(back.value()->DebugString() == e.DebugString());
}

TEST_CASE("an unknown event type is UnknownEventType; unparsable bytes are DecodeError") {
  google::protobuf::Any any;
  any.set_type_url("type.googleapis.com/slotwise.events.v9.FromTheFuture");
  any.set_value("whatever");
  auto r = slotwise::events::unpack(any);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == ErrorCode::kUnknownEventType);
  CHECK(r.error().event_type == "slotwise.events.v9.FromTheFuture");

  any.set_type_url("type.googleapis.com/slotwise.events.v1.BookingConfirmed");
  any.set_value(std::string("\xff\xff\xff", 3));
  auto bad = slotwise::events::unpack(any);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().code == ErrorCode::kDecodeError);
}

TEST_CASE("the current version is read out of a wrong-last-sequence error") {
  CHECK(slotwise::events::parse_wrong_last_sequence("wrong last sequence: 42") == 42);
  CHECK(slotwise::events::parse_wrong_last_sequence("nothing here") == 0);
  CHECK(slotwise::events::parse_wrong_last_sequence("wrong last sequence: ") == 0);
}

TEST_CASE("commit times format as RFC 3339 UTC with microseconds, zero-padded") {
  namespace chrono = std::chrono;
  using chrono::days;
  using chrono::microseconds;
  using chrono::sys_days;
  using chrono::system_clock;
  using chrono::year;
  const sys_days day = year{2026} / chrono::November / 5;
  CHECK(slotwise::events::format_rfc3339(day + chrono::hours{3} + chrono::minutes{4} +
                                         chrono::seconds{5} + microseconds{42}) ==
        "2026-11-05T03:04:05.000042Z");
  CHECK(slotwise::events::format_rfc3339(system_clock::time_point{}) ==
        "1970-01-01T00:00:00.000000Z");
  // Leap day, last nanosecond of the day: truncated to microseconds, not rounded.
  const auto next_day = sys_days{year{2024} / chrono::February / 29} + days{1};
  CHECK(slotwise::events::format_time_ns(
            chrono::duration_cast<chrono::nanoseconds>(next_day.time_since_epoch()).count() - 1) ==
        "2024-02-29T23:59:59.999999Z");
  // Before the epoch the time still counts forward within its second.
  CHECK(slotwise::events::format_rfc3339(system_clock::time_point{} - microseconds{1}) ==
        "1969-12-31T23:59:59.999999Z");
}
