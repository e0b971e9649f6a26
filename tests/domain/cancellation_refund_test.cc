// The cancellation refund follows the terms the booking was made under,
// whatever the business's policy says when the customer cancels; bookings
// logged before bookings carried terms follow the current policy. Bookings
// are made and moved through the calendar aggregate, as the command side
// makes them. "Now" is Sunday 2026-03-01 08:00Z; the paid booking (50.00
// EUR) starts Monday 10:00Z, 26 hours later.
#include "domain/cancellation_refund.h"

#include <doctest/doctest.h>

#include <chrono>
#include <string>
#include <vector>

#include "aggregate_test_support.h"
#include "domain/calendar.h"
#include "domain/fold.h"
#include "domain/proto_values.h"
#include "test_support.h"

namespace slotwise::domain {
namespace {

using std::chrono::hours;
using std::chrono::minutes;
using test::iv;
using test::utc;

const std::string kBiz = "biz_1";
const std::string kOwner = "usr_owner";
const Actor kOwnerActor{ActorKind::owner, kOwner};
const Actor kCustomer{ActorKind::customer, "bkg_1"};
const Actor kStripe{ActorKind::payment_provider, "stripe"};
const Instant kNow = utc(2026, 3, 1, 8);
const Instant kStart = utc(2026, 3, 2, 10);
const std::string kToken(64, 'a');
constexpr std::int64_t kPaid = 5000;

BookingPolicy booking_policy() {
  return BookingPolicy{.slot_interval_minutes = 15,
                       .min_notice_minutes = 0,
                       .horizon_days = 60,
                       .max_bookings_per_day = 0};
}

// The business's policy with these cancellation terms.
BusinessPolicy policy(int cutoff_minutes, int late_percent) {
  BusinessPolicy p;
  p.booking = booking_policy();
  p.free_cancellation_cutoff_minutes = cutoff_minutes;
  p.late_cancellation_refund_percent = late_percent;
  return p;
}

CalendarState apply(CalendarState state, const CalendarCommand& command) {
  auto decided = decide(state, command);
  if (!decided.ok()) FAIL(decided.error().code << ": " << decided.error().message);
  return fold(std::move(state), test::through_log(decided.value().events));
}

// A customer's booking of a fully paid 30-minute service at kStart, made
// when the business's policy was `agreed` (as the command side books), and
// paid.
CalendarState booked_under(const BusinessPolicy& agreed) {
  const CalendarState open = apply(
      CalendarState{},
      SetWeeklySchedule{kBiz, kOwner, kOwnerActor, "UTC", test::every_day({iv("09:00", "17:00")})});
  const ServiceDefinition paid{
      "Session", "", ServiceTiming{30, 0, 0}, Money{kPaid, "EUR"}, PaymentMode::full, std::nullopt};
  CreateBooking c{kBiz,
                  "bkg_1",
                  ServiceSnapshot{"svc_1", Service{paid, true}},
                  agreed.booking,
                  kStart,
                  Customer{"Grace Hopper", "grace@example.com", "", ""},
                  "",
                  "",
                  "",
                  kToken,
                  15,
                  kNow,
                  kCustomer,
                  cancellation_terms_of(agreed)};
  return apply(apply(open, c), ConfirmBooking{kBiz, "bkg_1", kOwner, kStripe, "payment_succeeded",
                                              kNow, booking_policy()});
}

std::int64_t customer_refund(const CalendarState& s, const BusinessPolicy& current, Instant at) {
  return cancellation_refund_minor(s.bookings.at("bkg_1"), current, kPaid, kCustomer, at);
}

TEST_CASE("a policy tightened after booking does not shrink the refund agreed to") {
  SUBCASE("a longer cutoff: cancelled 26 h ahead, agreed cutoff 24 h, now 72 h") {
    const CalendarState s = booked_under(policy(1440, 0));
    CHECK(customer_refund(s, policy(4320, 0), kNow) == kPaid);
  }
  SUBCASE("a smaller late share: agreed 100 %, now 0 %") {
    const CalendarState s = booked_under(policy(2880, 100));
    CHECK(customer_refund(s, policy(2880, 0), kNow) == kPaid);
  }
  SUBCASE("the owner's cancellation still refunds in full") {
    const CalendarState s = booked_under(policy(2880, 0));
    CHECK(cancellation_refund_minor(s.bookings.at("bkg_1"), policy(2880, 0), kPaid, kOwnerActor,
                                    kNow) == kPaid);
  }
}

TEST_CASE("a policy loosened after booking does not grow the refund agreed to") {
  SUBCASE("a shorter cutoff: cancelled 26 h ahead, agreed cutoff 72 h at 20 %, now 24 h") {
    const CalendarState s = booked_under(policy(4320, 20));
    CHECK(customer_refund(s, policy(1440, 20), kNow) == 1000);
  }
  SUBCASE("a larger late share: agreed 20 %, now 100 %") {
    const CalendarState s = booked_under(policy(4320, 20));
    CHECK(customer_refund(s, policy(4320, 100), kNow) == 1000);
  }
  SUBCASE("an early cancellation under the agreed terms is refunded in full") {
    const CalendarState s = booked_under(policy(1440, 20));
    CHECK(customer_refund(s, policy(4320, 0), kNow) == kPaid);
  }
}

TEST_CASE("a booking logged without terms follows the business's current policy") {
  // What a log written before BookingTentativelyCreated carried the terms
  // holds: the same booking event without them.
  v1::BookingTentativelyCreated created;
  created.set_booking_id("bkg_1");
  created.set_business_id(kBiz);
  created.set_service_id("svc_1");
  *created.mutable_start() = to_timestamp(kStart);
  *created.mutable_end() = to_timestamp(kStart + minutes{30});
  created.set_time_zone("UTC");
  *created.mutable_amount_due() = to_proto(Money{kPaid, "EUR"});
  *created.mutable_price() = to_proto(Money{kPaid, "EUR"});
  created.set_manage_token_sha256(kToken);
  *created.mutable_created_by() = to_proto(kCustomer);
  const CalendarState s =
      fold(CalendarState{}, test::through_log(std::vector<CalendarEvent>{created}));
  REQUIRE_FALSE(s.bookings.at("bkg_1").cancellation_terms.has_value());
  CHECK(applicable_terms(s.bookings.at("bkg_1"), policy(4320, 40)) == CancellationTerms{4320, 40});
  // Cancelled 26 h ahead: late under a 72 h cutoff, early under 24 h.
  CHECK(customer_refund(s, policy(4320, 40), kNow) == 2000);
  CHECK(customer_refund(s, policy(1440, 40), kNow) == kPaid);
}

TEST_CASE("a rescheduled booking keeps the terms it was booked under") {
  const CalendarState booked = booked_under(policy(1440, 50));
  // Moved by the customer 26 h ahead (not late under the agreed 24 h),
  // then by the owner; the owner tightens the policy afterwards.
  CalendarState s = apply(booked, RescheduleBooking{kBiz, "bkg_1", kOwner, kCustomer, kToken,
                                                    kStart + hours{2}, booking_policy(), kNow});
  s = apply(s, RescheduleBooking{kBiz, "bkg_1", kOwner, kOwnerActor, "", kStart + hours{4},
                                 booking_policy(), kNow});
  CHECK(s.bookings.at("bkg_1").cancellation_terms ==
        std::optional<CancellationTerms>(CancellationTerms{1440, 50}));
  const BusinessPolicy tightened = policy(4320, 0);
  // 29 h ahead of the new start: early under the agreed terms.
  CHECK(customer_refund(s, tightened, kNow + hours{1}) == kPaid);
  // 20 h ahead: late, at the agreed 50 %.
  CHECK(customer_refund(s, tightened, kStart + hours{4} - hours{20}) == 2500);

  SUBCASE("a late move is judged by the agreed cutoff too") {
    // Moved 12 h ahead of its start, inside the agreed 24 h (but not inside
    // the 6 h the policy says now), to a day later.
    const Instant moved_at = kStart - hours{12};
    const CalendarState late =
        apply(booked, RescheduleBooking{kBiz, "bkg_1", kOwner, kCustomer, kToken,
                                        kStart + hours{24}, booking_policy(), moved_at});
    CHECK(customer_refund(late, policy(360, 100), moved_at) == 2500);
  }
}

}  // namespace
}  // namespace slotwise::domain
