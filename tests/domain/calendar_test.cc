// The calendar aggregate: opening hours, and bookings that never collide.
// Times are UTC unless a test says otherwise; the business is open every day
// 09:00-17:00 on a 15-minute grid, and "now" is Sunday 2026-03-01 08:00Z, the
// day before the Monday most bookings are on.
#include "domain/calendar.h"

#include <doctest/doctest.h>

#include <memory>

#include <chrono>

#include "aggregate_test_support.h"
#include "domain/fold.h"
#include "domain/proto_values.h"
#include "test_support.h"

namespace slotwise::domain {
namespace {

using std::chrono::minutes;
using test::code_of;
using test::iv;
using test::types;
using test::utc;

const std::string kBiz = "biz_1";
const std::string kOwner = "usr_owner";
const Actor kOwnerActor{ActorKind::owner, kOwner};
const Actor kOtherOwner{ActorKind::owner, "usr_other"};
const Actor kSystem{ActorKind::system, "hold-sweeper"};
const Instant kNow = utc(2026, 3, 1, 8);
const std::string kToken(64, 'a');
const std::string kWrongToken(64, 'b');

Instant mon(int h, int m = 0) { return utc(2026, 3, 2, h, m); }

// 64 hex digits that differ per seed.
std::string sha(char seed) {
  std::string hex;
  hex.assign(64, seed);
  return hex;
}

SetWeeklySchedule nine_to_five(const std::string& zone = "UTC") {
  return SetWeeklySchedule{kBiz, kOwner, kOwnerActor, zone,
                           test::every_day({iv("09:00", "17:00")})};
}

// decide + evolve, requiring success.
CalendarState apply(CalendarState state, const CalendarCommand& command) {
  auto decided = decide(state, command);
  if (!decided.ok()) FAIL(decided.error().code << ": " << decided.error().message);
  return fold(std::move(state), decided.value().events);
}

CalendarState open_calendar(const std::string& zone = "UTC") {
  return apply(CalendarState{}, nine_to_five(zone));
}

ServiceSnapshot service(int duration = 30, int before = 0, int after = 0,
                        PaymentMode mode = PaymentMode::none, std::int64_t price = 0) {
  ServiceDefinition d{"Session",           "",   ServiceTiming{duration, before, after},
                      Money{price, "EUR"}, mode, std::nullopt};
  if (mode == PaymentMode::deposit) d.deposit = Money{price / 5, "EUR"};
  return ServiceSnapshot{"svc_1", Service{d, true}};
}

ServiceSnapshot paid(int duration = 30) { return service(duration, 0, 0, PaymentMode::full, 5000); }

BookingPolicy policy() {
  return BookingPolicy{.slot_interval_minutes = 15,
                       .min_notice_minutes = 0,
                       .horizon_days = 60,
                       .max_bookings_per_day = 0};
}

// A customer's booking request; the idempotency key and body hash derive
// from the id so distinct bookings never share them.
CreateBooking book(const std::string& id, Instant start, ServiceSnapshot svc = service(),
                   Instant now = kNow) {
  return CreateBooking{kBiz,
                       id,
                       std::move(svc),
                       policy(),
                       start,
                       Customer{"Grace Hopper", "grace@example.com", "+1 555 0100", ""},
                       "First visit",
                       "key-" + id,
                       sha(id.back()),
                       kToken,
                       15,
                       now,
                       Actor{ActorKind::customer, id},
                       CancellationTerms{}};
}

std::string book_code(const CalendarState& s, const CreateBooking& c) {
  return code_of(decide(s, c));
}

TEST_CASE("a free booking is one commit: BookingTentativelyCreated then BookingConfirmed") {
  const CalendarState s = open_calendar();
  auto decided = decide(s, book("bkg_1", mon(10), service(30, 5, 10)));
  REQUIRE(decided.ok());
  const CalendarDecision& d = decided.value();
  CHECK(d.outcome == DecideOutcome::accepted);
  CHECK(d.booking_id == "bkg_1");
  REQUIRE(types(d.events) == "BookingTentativelyCreated BookingConfirmed");

  const auto& created = std::get<v1::BookingTentativelyCreated>(d.events[0]);
  CHECK(created.booking_id() == "bkg_1");
  CHECK(created.business_id() == kBiz);
  CHECK(created.service_id() == "svc_1");
  CHECK(to_instant(created.start()) == mon(10));
  CHECK(to_instant(created.end()) == mon(10, 30));
  CHECK(created.buffer_before_minutes() == 5);
  CHECK(created.buffer_after_minutes() == 10);
  CHECK(created.time_zone() == "UTC");
  CHECK(created.customer().name() == "Grace Hopper");
  CHECK(created.customer().email() == "grace@example.com");
  CHECK(created.notes() == "First visit");
  CHECK(created.amount_due().amount_minor() == 0);
  CHECK(created.amount_due().currency() == "EUR");
  CHECK_FALSE(created.has_hold_expires_at());
  CHECK(created.manage_token_sha256() == kToken);
  CHECK(created.idempotency_key() == "key-bkg_1");
  CHECK(created.request_sha256() == sha('1'));
  CHECK(created.created_by().kind() == v1::ACTOR_KIND_CUSTOMER);

  const auto& confirmed = std::get<v1::BookingConfirmed>(d.events[1]);
  CHECK(confirmed.booking_id() == "bkg_1");
  CHECK(confirmed.reason() == "no_payment_required");

  const CalendarState after = fold(s, d.events);
  const Booking& b = after.bookings.at("bkg_1");
  CHECK(b.status == BookingStatus::confirmed);
  CHECK(b.start == mon(10));
  CHECK(b.end == mon(10, 30));
  CHECK_FALSE(b.hold_expires_at.has_value());
  CHECK(after.idempotency_keys.at("key-bkg_1") ==
        IdempotencyRecord{"bkg_1", sha('1'), 0, mon(10), mon(10, 30)});
}

TEST_CASE("a paid booking is a hold until now + hold_minutes with the amount due") {
  const CalendarState s = open_calendar();
  auto full = decide(s, book("bkg_1", mon(10), paid()));
  REQUIRE(full.ok());
  REQUIRE(types(full.value().events) == "BookingTentativelyCreated");
  const auto& created = std::get<v1::BookingTentativelyCreated>(full.value().events[0]);
  CHECK(to_instant(created.hold_expires_at()) == kNow + minutes{15});
  CHECK(created.amount_due().amount_minor() == 5000);
  CHECK(created.price().amount_minor() == 5000);
  const CalendarState after_full = fold(s, full.value().events);
  const Booking& b = after_full.bookings.at("bkg_1");
  CHECK(b.status == BookingStatus::tentative);
  CHECK(b.hold_expires_at == kNow + minutes{15});

  CreateBooking deposit = book("bkg_2", mon(11), service(30, 0, 0, PaymentMode::deposit, 5000));
  deposit.hold_minutes = 30;
  auto held = decide(s, deposit);
  REQUIRE(types(held.value().events) == "BookingTentativelyCreated");
  const auto& e = std::get<v1::BookingTentativelyCreated>(held.value().events[0]);
  CHECK(e.amount_due().amount_minor() == 1000);
  CHECK(e.price().amount_minor() == 5000);
  CHECK(to_instant(e.hold_expires_at()) == kNow + minutes{30});

  // Full payment of a zero price has nothing to wait for.
  auto zero = decide(s, book("bkg_3", mon(12), service(30, 0, 0, PaymentMode::full, 0)));
  CHECK(types(zero.value().events) == "BookingTentativelyCreated BookingConfirmed");

  deposit.hold_minutes = 0;
  CHECK(book_code(s, deposit) == "validation_failed");
}

TEST_CASE("a booking overlapping a live booking, buffers included, is slot_unavailable") {
  CalendarState s = apply(open_calendar(), book("bkg_1", mon(10)));  // 10:00-10:30
  CHECK(book_code(s, book("bkg_2", mon(10))) == "slot_unavailable");
  CHECK(book_code(s, book("bkg_2", mon(10, 15))) == "slot_unavailable");
  CHECK(book_code(s, book("bkg_2", mon(9, 45))) == "slot_unavailable");
  // Touching is not overlapping.
  CHECK(book_code(s, book("bkg_2", mon(10, 30))) == "ok");
  CHECK(book_code(s, book("bkg_2", mon(9, 30))) == "ok");
  // The new booking's own buffers count ...
  CHECK(book_code(s, book("bkg_2", mon(10, 30), service(30, 15, 0))) == "slot_unavailable");
  CHECK(book_code(s, book("bkg_2", mon(9, 30), service(30, 0, 15))) == "slot_unavailable");
  CHECK(book_code(s, book("bkg_2", mon(10, 45), service(30, 15, 0))) == "ok");

  // ... and so do the existing booking's.
  s = apply(open_calendar(), book("bkg_1", mon(10), service(30, 15, 15)));  // busy 9:45-10:45
  CHECK(book_code(s, book("bkg_2", mon(10, 30))) == "slot_unavailable");
  CHECK(book_code(s, book("bkg_2", mon(9, 30))) == "slot_unavailable");
  CHECK(book_code(s, book("bkg_2", mon(10, 45))) == "ok");
  CHECK(book_code(s, book("bkg_2", mon(9, 15))) == "ok");
  CHECK(book_code(s, book("bkg_2", mon(9, 0), service(45))) == "ok");
  CHECK(book_code(s, book("bkg_2", mon(9, 0), service(60))) == "slot_unavailable");

  // An unpaid hold is live until it expires.
  s = apply(open_calendar(), book("bkg_1", mon(10), paid()));
  CHECK(book_code(s, book("bkg_2", mon(10))) == "slot_unavailable");
  CHECK(book_code(s, book("bkg_2", mon(10), service(), kNow + minutes{14})) == "slot_unavailable");
}

TEST_CASE("an expired hold, expired booking or cancelled booking frees the slot") {
  const CalendarState held = apply(open_calendar(), book("bkg_1", mon(10), paid()));
  // The hold runs out at now + 15 min, whether or not BookingExpired is
  // in the log yet.
  CHECK(book_code(held, book("bkg_2", mon(10), service(), kNow + minutes{15})) == "ok");
  const CalendarState expired =
      apply(held, ExpireBooking{kBiz, "bkg_1", kSystem, kNow + minutes{15}});
  CHECK(expired.bookings.at("bkg_1").status == BookingStatus::expired);
  CHECK(book_code(expired, book("bkg_2", mon(10), service(), kNow + minutes{15})) == "ok");

  const CalendarState confirmed = apply(open_calendar(), book("bkg_1", mon(10)));
  const CalendarState cancelled =
      apply(confirmed, CancelBooking{kBiz, "bkg_1", kOwner, kOwnerActor, "", "Owner is ill", kNow});
  CHECK(cancelled.bookings.at("bkg_1").status == BookingStatus::cancelled);
  CHECK(book_code(cancelled, book("bkg_2", mon(10))) == "ok");
  CHECK(busy_calendar(cancelled, kNow).intervals().empty());
  CHECK(busy_calendar(confirmed, kNow).intervals().size() == 1);
}

TEST_CASE("idempotency: a retry is already_done with the original id; a reused key is refused") {
  const CalendarState s = apply(open_calendar(), book("bkg_1", mon(10)));
  // The retry was given a fresh booking id by the command side; the slot is
  // now taken by its own first attempt, yet it gets the first answer.
  CreateBooking retry = book("bkg_1", mon(10));
  retry.booking_id = "bkg_9";
  auto again = decide(s, retry);
  REQUIRE(again.ok());
  CHECK(again.value().outcome == DecideOutcome::already_done);
  CHECK(again.value().booking_id == "bkg_1");
  CHECK(again.value().events.empty());

  CreateBooking reused = book("bkg_2", mon(11));
  reused.idempotency_key = "key-bkg_1";
  const auto refused = decide(s, reused);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().code == "idempotency_key_reused");

  // Without a key nothing is remembered.
  CreateBooking keyless = book("bkg_3", mon(12));
  keyless.idempotency_key.clear();
  keyless.request_sha256.clear();
  CHECK(fold(s, decide(s, keyless).value().events).idempotency_keys.size() == 1);
  // A key needs the body hash it is compared by.
  CreateBooking no_hash = book("bkg_4", mon(13));
  no_hash.request_sha256.clear();
  CHECK(book_code(s, no_hash) == "validation_failed");
}

TEST_CASE("is_idempotent_replay is true exactly when decide() answers already_done") {
  const CalendarState s = apply(open_calendar(), book("bkg_1", mon(10)));
  const CreateBooking first = book("bkg_1", mon(10));
  CHECK(is_idempotent_replay(s, first.idempotency_key, first.request_sha256));
  CHECK(decide(s, first).value().outcome == DecideOutcome::already_done);
  // Another body under the key, another key, no key: not replays.
  CHECK_FALSE(is_idempotent_replay(s, first.idempotency_key, sha('2')));
  CHECK_FALSE(is_idempotent_replay(s, "key-bkg_2", first.request_sha256));
  CHECK_FALSE(is_idempotent_replay(s, "", first.request_sha256));
  CHECK_FALSE(is_idempotent_replay(open_calendar(), first.idempotency_key, first.request_sha256));
}

TEST_CASE("a key's record keeps the creating commit's position and the times first answered") {
  CalendarState s = open_calendar();
  const auto created = decide(s, book("bkg_1", mon(10))).value().events;
  for (const auto& e : created) s = evolve(std::move(s), e, 41);
  const IdempotencyRecord first = s.idempotency_keys.at("key-bkg_1");
  CHECK(first == IdempotencyRecord{"bkg_1", sha('1'), 41, mon(10), mon(10, 30)});
  // A later commit moves the booking, not what its key first answered.
  const auto moved =
      decide(s, RescheduleBooking{kBiz, "bkg_1", kOwner, kOwnerActor, "", mon(11), policy(), kNow})
          .value()
          .events;
  for (const auto& e : moved) s = evolve(std::move(s), e, 57);
  CHECK(s.bookings.at("bkg_1").start == mon(11));
  CHECK(s.idempotency_keys.at("key-bkg_1") == first);
}

TEST_CASE("the availability engine's rejections become their error codes") {
  CalendarState s = open_calendar();
  CHECK(book_code(s, book("bkg_1", mon(8, 30))) == "outside_hours");
  CHECK(book_code(s, book("bkg_1", mon(16, 45))) == "outside_hours");  // ends 17:15
  CHECK(book_code(s, book("bkg_1", mon(10, 5))) == "not_on_slot_grid");
  CreateBooking c = book("bkg_1", mon(10));
  c.policy.min_notice_minutes = 27 * 60;  // 2026-03-02 11:00
  CHECK(book_code(s, c) == "too_soon");
  c.policy.min_notice_minutes = 26 * 60;
  CHECK(book_code(s, c) == "ok");
  c = book("bkg_1", utc(2026, 5, 1, 10));
  c.policy.horizon_days = 30;
  CHECK(book_code(s, c) == "beyond_horizon");
  c.policy.horizon_days = 61;  // 2026-05-01 08:00Z, two hours short
  CHECK(book_code(s, c) == "beyond_horizon");
  c.policy.horizon_days = 62;
  CHECK(book_code(s, c) == "ok");

  s = apply(s, book("bkg_1", mon(10)));
  s = apply(s, book("bkg_2", mon(11)));
  c = book("bkg_3", mon(12));
  c.policy.max_bookings_per_day = 2;
  CHECK(book_code(s, c) == "daily_limit_reached");
  c.policy.max_bookings_per_day = 3;
  CHECK(book_code(s, c) == "ok");

  // No schedule yet: never open.
  CHECK(book_code(CalendarState{}, book("bkg_1", mon(10))) == "outside_hours");
}

TEST_CASE("booking input is validated; retired services cannot be booked") {
  const CalendarState s = open_calendar();
  CreateBooking c = book("bkg_1", mon(10));
  c.service.service.active = false;
  CHECK(book_code(s, c) == "service_retired");

  c = book("bkg_1", mon(10));
  c.customer.email = "grace";
  CHECK(book_code(s, c) == "validation_failed");
  c = book("bkg_1", mon(10));
  c.customer.name = "";
  CHECK(book_code(s, c) == "validation_failed");
  c = book("bkg_1", mon(10));
  c.customer.time_zone = "Nowhere/Land";
  CHECK(book_code(s, c) == "unknown_time_zone");
  c.customer.time_zone = "Asia/Kathmandu";
  CHECK(book_code(s, c) == "ok");
  c = book("bkg_1", mon(10));
  c.notes = std::string(2001, 'n');
  CHECK(book_code(s, c) == "validation_failed");
  c = book("bkg_1", mon(10));
  c.manage_token_sha256 = "not-a-hash";
  CHECK(book_code(s, c) == "validation_failed");
  c = book("bkg_1", mon(10));
  c.booking_id.clear();
  CHECK(book_code(s, c) == "validation_failed");
  c = book("bkg_1", mon(10));
  c.service.service.definition.timing.duration_minutes = 0;
  CHECK(book_code(s, c) == "validation_failed");
  c = book("bkg_1", mon(10));
  c.policy.slot_interval_minutes = 0;
  CHECK(book_code(s, c) == "validation_failed");
  c = book("bkg_1", mon(10));
  c.business_id = "biz_2";
  CHECK(book_code(s, c) == "not_found");

  // A booking id is used once.
  const CalendarState booked = apply(s, book("bkg_1", mon(10)));
  c = book("bkg_1", mon(11));
  c.idempotency_key = "another-key";
  CHECK(book_code(booked, c) == "invalid_state");
}

TEST_CASE("reschedule moves a booking in one event: the old slot freed, the new one taken") {
  CalendarState s = apply(open_calendar(), book("bkg_1", mon(10), service(60, 0, 15)));
  s = apply(s, book("bkg_2", mon(14)));

  auto moved =
      decide(s, RescheduleBooking{kBiz, "bkg_1", kOwner, kOwnerActor, "", mon(11), policy(), kNow});
  REQUIRE(moved.ok());
  REQUIRE(types(moved.value().events) == "BookingRescheduled");
  const auto& e = std::get<v1::BookingRescheduled>(moved.value().events[0]);
  CHECK(to_instant(e.previous_start()) == mon(10));
  CHECK(to_instant(e.previous_end()) == mon(11));
  CHECK(to_instant(e.start()) == mon(11));
  CHECK(to_instant(e.end()) == mon(12));
  CHECK(e.rescheduled_by().id() == kOwner);

  const CalendarState after = fold(s, moved.value().events);
  CHECK(after.bookings.at("bkg_1").start == mon(11));
  CHECK(after.bookings.at("bkg_1").end == mon(12));
  CHECK(after.bookings.at("bkg_1").status == BookingStatus::confirmed);
  CHECK(book_code(after, book("bkg_3", mon(10))) == "ok");
  CHECK(book_code(after, book("bkg_3", mon(11, 30))) == "slot_unavailable");
  CHECK(book_code(after, book("bkg_3", mon(12))) == "slot_unavailable");  // buffer after

  // Overlapping its own old time is fine: the booking does not block itself.
  auto shifted = decide(
      s, RescheduleBooking{kBiz, "bkg_1", kOwner, kOwnerActor, "", mon(10, 30), policy(), kNow});
  CHECK(types(shifted.value().events) == "BookingRescheduled");

  // Into a taken slot (with the buffer): refused, nothing appended.
  auto taken =
      decide(s, RescheduleBooking{kBiz, "bkg_1", kOwner, kOwnerActor, "", mon(13), policy(), kNow});
  REQUIRE_FALSE(taken.ok());
  CHECK(taken.error().code == "slot_unavailable");
  CHECK(code_of(decide(s, RescheduleBooking{kBiz, "bkg_1", kOwner, kOwnerActor, "", mon(16, 30),
                                            policy(), kNow})) == "outside_hours");

  // A retry of a reschedule that already happened.
  auto retry = decide(
      after, RescheduleBooking{kBiz, "bkg_1", kOwner, kOwnerActor, "", mon(11), policy(), kNow});
  CHECK(retry.value().outcome == DecideOutcome::already_done);
  CHECK(retry.value().events.empty());
}

TEST_CASE("who may reschedule, and which bookings can move") {
  CalendarState s = apply(open_calendar(), book("bkg_1", mon(10)));
  const Actor customer{ActorKind::customer, "bkg_1"};
  const auto move = [&](const CalendarState& st, const Actor& a, const std::string& token,
                        Instant now = kNow) {
    return code_of(
        decide(st, RescheduleBooking{kBiz, "bkg_1", kOwner, a, token, mon(12), policy(), now}));
  };
  CHECK(move(s, customer, kToken) == "ok");
  CHECK(move(s, customer, kWrongToken) == "forbidden");
  CHECK(move(s, customer, "") == "forbidden");
  CHECK(move(s, kOtherOwner, "") == "forbidden");
  CHECK(move(s, kSystem, "") == "forbidden");
  CHECK(move(s, kOwnerActor, "") == "ok");
  // A customer cannot move a booking that has started; the owner can.
  CHECK(move(s, customer, kToken, mon(10)) == "invalid_state");
  CHECK(code_of(decide(s, RescheduleBooking{kBiz, "bkg_1", kOwner, kOwnerActor, "", mon(12),
                                            policy(), mon(10)})) == "ok");
  CHECK(code_of(decide(s, RescheduleBooking{kBiz, "bkg_9", kOwner, kOwnerActor, "", mon(12),
                                            policy(), kNow})) == "not_found");

  const CalendarState cancelled =
      apply(s, CancelBooking{kBiz, "bkg_1", kOwner, kOwnerActor, "", "", kNow});
  CHECK(move(cancelled, kOwnerActor, "") == "invalid_state");
  const CalendarState held = apply(open_calendar(), book("bkg_1", mon(10), paid()));
  CHECK(move(held, kOwnerActor, "") == "ok");
  CHECK(move(held, kOwnerActor, "", kNow + minutes{15}) == "invalid_state");
}

TEST_CASE("check_movable and moving_timing: what a reschedule checks before the new time") {
  // The availability query's reschedule variant asks these instead of
  // decide(); they must refuse what decide() refuses, with the same error.
  const CalendarState s = apply(open_calendar(), book("bkg_1", mon(10), service(45, 10, 15)));
  const Booking& booking = s.bookings.at("bkg_1");
  const Actor customer{ActorKind::customer, "bkg_1"};
  CHECK(check_movable(booking, customer, kNow).ok());
  CHECK(check_movable(booking, kOwnerActor, mon(10)).ok());
  const auto started = check_movable(booking, customer, mon(10));
  REQUIRE_FALSE(started.ok());
  CHECK(started.error() == decide(s, RescheduleBooking{kBiz, "bkg_1", kOwner, customer, kToken,
                                                       mon(12), policy(), mon(10)})
                               .error());
  const CalendarState cancelled =
      apply(s, CancelBooking{kBiz, "bkg_1", kOwner, kOwnerActor, "", "", kNow});
  const auto gone = check_movable(cancelled.bookings.at("bkg_1"), kOwnerActor, kNow);
  REQUIRE_FALSE(gone.ok());
  CHECK(gone.error() == decide(cancelled, RescheduleBooking{kBiz, "bkg_1", kOwner, kOwnerActor, "",
                                                            mon(12), policy(), kNow})
                            .error());
  CHECK(gone.error().message == "a cancelled booking cannot be rescheduled");
  // The booking's own timing, whatever its service says later.
  const ServiceTiming own = moving_timing(booking);
  CHECK(own.duration_minutes == 45);
  CHECK(own.buffer_before_minutes == 10);
  CHECK(own.buffer_after_minutes == 15);
}

TEST_CASE("cancel: owner, customer with the manage token, or the system; idempotent") {
  const CalendarState s = apply(open_calendar(), book("bkg_1", mon(10)));
  const Actor customer{ActorKind::customer, "bkg_1"};
  const auto cancel = [&](const CalendarState& st, const Actor& a, const std::string& token,
                          Instant now = kNow) {
    return decide(st, CancelBooking{kBiz, "bkg_1", kOwner, a, token, "Changed plans", now});
  };
  auto by_customer = cancel(s, customer, kToken);
  REQUIRE(types(by_customer.value().events) == "BookingCancelled");
  const auto& e = std::get<v1::BookingCancelled>(by_customer.value().events[0]);
  CHECK(e.reason() == "Changed plans");
  CHECK(e.cancelled_by().kind() == v1::ACTOR_KIND_CUSTOMER);
  CHECK(code_of(cancel(s, kOwnerActor, "")) == "ok");
  CHECK(code_of(cancel(s, kSystem, "")) == "ok");
  CHECK(code_of(cancel(s, customer, kWrongToken)) == "forbidden");
  CHECK(code_of(cancel(s, kOtherOwner, kToken)) == "forbidden");
  CHECK(code_of(cancel(s, Actor{ActorKind::payment_provider, "stripe"}, "")) == "forbidden");
  CHECK(code_of(cancel(s, customer, kToken, mon(10))) == "invalid_state");
  CHECK(code_of(decide(s, CancelBooking{kBiz, "bkg_9", kOwner, kOwnerActor, "", "", kNow})) ==
        "not_found");

  const CalendarState cancelled = fold(s, by_customer.value().events);
  auto again = cancel(cancelled, kOwnerActor, "");
  REQUIRE(again.ok());
  CHECK(again.value().outcome == DecideOutcome::already_done);
  CHECK(again.value().events.empty());

  const CalendarState completed =
      apply(s, CompleteBooking{kBiz, "bkg_1", kOwner, kOwnerActor, mon(10, 30)});
  CHECK(code_of(cancel(completed, kOwnerActor, "", mon(10, 30))) == "invalid_state");
}

TEST_CASE("complete and no-show: owner only, confirmed bookings whose start has passed") {
  CalendarState s = apply(open_calendar(), book("bkg_1", mon(10)));
  s = apply(s, book("bkg_2", mon(11), paid()));  // tentative
  const auto complete = [](const CalendarState& st, const std::string& id, const Actor& a,
                           Instant now) {
    return decide(st, CompleteBooking{kBiz, id, kOwner, a, now});
  };
  const auto no_show = [](const CalendarState& st, const std::string& id, const Actor& a,
                          Instant now) {
    return decide(st, MarkNoShow{kBiz, id, kOwner, a, now});
  };
  const Actor customer{ActorKind::customer, "bkg_1"};
  for (const Actor& a : {kOtherOwner, customer, kSystem}) {
    CHECK(code_of(complete(s, "bkg_1", a, mon(11))) == "forbidden");
    CHECK(code_of(no_show(s, "bkg_1", a, mon(11))) == "forbidden");
  }
  CHECK(code_of(complete(s, "bkg_1", kOwnerActor, mon(9, 59))) == "invalid_state");
  CHECK(code_of(no_show(s, "bkg_1", kOwnerActor, mon(9, 59))) == "invalid_state");
  CHECK(code_of(complete(s, "bkg_2", kOwnerActor, kNow + minutes{5})) == "invalid_state");
  CHECK(code_of(complete(s, "bkg_9", kOwnerActor, mon(11))) == "not_found");

  auto done = complete(s, "bkg_1", kOwnerActor, mon(10));
  REQUIRE(types(done.value().events) == "BookingCompleted");
  CHECK(std::get<v1::BookingCompleted>(done.value().events[0]).completed_by().id() == kOwner);
  auto absent = no_show(s, "bkg_1", kOwnerActor, mon(10, 5));
  REQUIRE(types(absent.value().events) == "BookingMarkedNoShow");

  const CalendarState completed = fold(s, done.value().events);
  CHECK(completed.bookings.at("bkg_1").status == BookingStatus::completed);
  CHECK(code_of(complete(completed, "bkg_1", kOwnerActor, mon(11))) == "invalid_state");
  CHECK(code_of(no_show(completed, "bkg_1", kOwnerActor, mon(11))) == "invalid_state");
  const CalendarState marked = fold(s, absent.value().events);
  CHECK(marked.bookings.at("bkg_1").status == BookingStatus::no_show);
  CHECK(code_of(complete(marked, "bkg_1", kOwnerActor, mon(11))) == "invalid_state");
  CHECK(code_of(decide(marked, CancelBooking{kBiz, "bkg_1", kOwner, kOwnerActor, "", "",
                                             mon(11)})) == "invalid_state");
  const CalendarState cancelled =
      apply(s, CancelBooking{kBiz, "bkg_1", kOwner, kOwnerActor, "", "", kNow});
  CHECK(code_of(complete(cancelled, "bkg_1", kOwnerActor, mon(11))) == "invalid_state");
}

TEST_CASE("bookings that took place still count toward their day; old ones are not scanned") {
  CalendarState s = apply(open_calendar(), book("bkg_1", mon(10)));
  s = apply(s, book("bkg_2", mon(11)));
  s = apply(s, CompleteBooking{kBiz, "bkg_1", kOwner, kOwnerActor, mon(10, 30)});
  s = apply(s, CancelBooking{kBiz, "bkg_2", kOwner, kOwnerActor, "", "", kNow});
  CreateBooking later = book("bkg_3", mon(15), service(), mon(10, 30));
  later.policy.max_bookings_per_day = 1;
  CHECK(book_code(s, later) == "daily_limit_reached");  // the completed one counts
  later.policy.max_bookings_per_day = 2;
  CHECK(book_code(s, later) == "ok");  // the cancelled one does not
  // An appointment completed early keeps the rest of its time.
  CHECK(book_code(s, book("bkg_3", mon(10, 15), service(15), mon(10, 10))) == "slot_unavailable");

  CHECK(busy_calendar(s, mon(10, 30)).intervals().size() == 1);
  CHECK(busy_calendar(s, mon(10, 30), "bkg_1").intervals().empty());
  // Three days after it ended it can no longer overlap or share a local
  // date with any bookable start, so it is not scanned.
  const Instant end = mon(10, 30);
  CHECK(busy_calendar(s, end + std::chrono::hours{72} - minutes{1}).intervals().size() == 1);
  CHECK(busy_calendar(s, end + std::chrono::hours{72}).intervals().empty());
}

TEST_CASE("expire: only a tentative booking, and only once its hold has run out") {
  const CalendarState s = apply(open_calendar(), book("bkg_1", mon(10), paid()));
  const auto expire = [](const CalendarState& st, const std::string& id, Instant now) {
    return decide(st, ExpireBooking{kBiz, id, kSystem, now});
  };
  CHECK(code_of(expire(s, "bkg_1", kNow + minutes{14})) == "invalid_state");
  auto expired = expire(s, "bkg_1", kNow + minutes{15});
  REQUIRE(types(expired.value().events) == "BookingExpired");
  CHECK(to_instant(std::get<v1::BookingExpired>(expired.value().events[0]).hold_expired_at()) ==
        kNow + minutes{15});
  const CalendarState after = fold(s, expired.value().events);
  auto again = expire(after, "bkg_1", kNow + minutes{20});
  CHECK(again.value().outcome == DecideOutcome::already_done);
  CHECK(again.value().events.empty());
  CHECK(code_of(expire(s, "bkg_9", kNow + minutes{20})) == "not_found");

  // A free (confirmed) booking has no hold.
  const CalendarState free = apply(open_calendar(), book("bkg_1", mon(10)));
  CHECK(code_of(expire(free, "bkg_1", mon(9))) == "invalid_state");
  // Nor does one whose payment arrived in time.
  const CalendarState paid_in_time =
      apply(s, ConfirmBooking{kBiz, "bkg_1", kOwner, Actor{ActorKind::payment_provider, "stripe"},
                              "payment_succeeded", kNow + minutes{10}});
  CHECK(code_of(expire(paid_in_time, "bkg_1", kNow + minutes{15})) == "invalid_state");
}

TEST_CASE("next_hold_expiry: the earliest hold still running, so an answer knows when it changes") {
  CHECK_FALSE(next_hold_expiry(open_calendar(), kNow).has_value());
  // Holds of 15 min (booked at kNow) and of 15 min booked 5 min later.
  CalendarState s = apply(open_calendar(), book("bkg_1", mon(10), paid()));
  s = apply(s, book("bkg_2", mon(12), paid(), kNow + minutes{5}));
  s = apply(s, book("bkg_3", mon(14)));  // confirmed at once: no hold
  CHECK(next_hold_expiry(s, kNow) == std::optional<Instant>(kNow + minutes{15}));
  CHECK(next_hold_expiry(s, kNow + minutes{15} - std::chrono::seconds{1}) ==
        std::optional<Instant>(kNow + minutes{15}));
  // At its expiry the first hold no longer occupies time; the second is next.
  CHECK(busy_calendar(s, kNow + minutes{15}).intervals().size() == 2);
  CHECK(next_hold_expiry(s, kNow + minutes{15}) == std::optional<Instant>(kNow + minutes{20}));
  CHECK_FALSE(next_hold_expiry(s, kNow + minutes{20}).has_value());
  // A hold that was paid in time no longer expires.
  s = apply(s, ConfirmBooking{kBiz, "bkg_1", kOwner, Actor{ActorKind::payment_provider, "stripe"},
                              "payment_succeeded", kNow + minutes{10}});
  CHECK(next_hold_expiry(s, kNow + minutes{11}) == std::optional<Instant>(kNow + minutes{20}));
}

TEST_CASE("confirm: payment confirms a hold; after the hold ran out only if the slot is free") {
  const CalendarState s = apply(open_calendar(), book("bkg_1", mon(10), paid()));
  const Actor stripe{ActorKind::payment_provider, "stripe"};
  const auto confirm = [&](const CalendarState& st, const Actor& a, Instant now) {
    return decide(st, ConfirmBooking{kBiz, "bkg_1", kOwner, a, "payment_succeeded", now});
  };
  auto confirmed = confirm(s, stripe, kNow + minutes{5});
  REQUIRE(types(confirmed.value().events) == "BookingConfirmed");
  CHECK(std::get<v1::BookingConfirmed>(confirmed.value().events[0]).reason() ==
        "payment_succeeded");
  const CalendarState after = fold(s, confirmed.value().events);
  CHECK(after.bookings.at("bkg_1").status == BookingStatus::confirmed);
  CHECK(confirm(after, stripe, kNow + minutes{6}).value().outcome == DecideOutcome::already_done);
  // A confirmed booking is live after its hold time.
  CHECK(book_code(after, book("bkg_2", mon(10), service(), kNow + minutes{20})) ==
        "slot_unavailable");

  CHECK(code_of(confirm(s, Actor{ActorKind::customer, "bkg_1"}, kNow)) == "forbidden");
  CHECK(code_of(confirm(s, kOtherOwner, kNow)) == "forbidden");
  CHECK(code_of(confirm(s, kOwnerActor, kNow)) == "ok");
  CHECK(code_of(confirm(s, kSystem, kNow)) == "ok");

  // Late payment: the slot is still free, so it is confirmed ...
  CHECK(code_of(confirm(s, stripe, kNow + minutes{20})) == "ok");
  // ... unless someone booked it meanwhile.
  const CalendarState retaken = apply(s, book("bkg_2", mon(10), service(), kNow + minutes{16}));
  CHECK(code_of(confirm(retaken, stripe, kNow + minutes{20})) == "slot_unavailable");
  const CalendarState expired = apply(s, ExpireBooking{kBiz, "bkg_1", kSystem, kNow + minutes{15}});
  // After BookingExpired only the payment provider revives it, and only if
  // the time is still free (docs/adr/0008-payments.md).
  CHECK(code_of(confirm(expired, kSystem, kNow + minutes{20})) == "invalid_state");
  CHECK(code_of(confirm(expired, kOwnerActor, kNow + minutes{20})) == "invalid_state");
  auto revived = confirm(expired, stripe, kNow + minutes{20});
  REQUIRE(code_of(revived) == "ok");
  CHECK(fold(expired, revived.value().events).bookings.at("bkg_1").status ==
        BookingStatus::confirmed);
  const CalendarState expired_retaken =
      apply(expired, book("bkg_2", mon(10), service(), kNow + minutes{16}));
  CHECK(code_of(confirm(expired_retaken, stripe, kNow + minutes{20})) == "slot_unavailable");
}

TEST_CASE("confirm: the payment reported again after the booking moved on is a duplicate") {
  const Actor stripe{ActorKind::payment_provider, "stripe"};
  const auto confirm = [&](const CalendarState& st, const Actor& a) {
    return decide(st, ConfirmBooking{kBiz, "bkg_1", kOwner, a, "payment_succeeded", mon(11)});
  };
  const CalendarState held = apply(open_calendar(), book("bkg_1", mon(10), paid()));
  const CalendarState paid_for = apply(
      held, ConfirmBooking{kBiz, "bkg_1", kOwner, stripe, "payment_succeeded", kNow + minutes{5}});
  CHECK(paid_for.bookings.at("bkg_1").confirmed_by_payment);
  const CalendarState completed =
      apply(paid_for, CompleteBooking{kBiz, "bkg_1", kOwner, kOwnerActor, mon(10, 30)});
  const CalendarState cancelled_after_paying =
      apply(paid_for, CancelBooking{kBiz, "bkg_1", kOwner, kOwnerActor, "", "", kNow});
  for (const CalendarState* st : {&completed, &cancelled_after_paying}) {
    auto again = confirm(*st, stripe);
    REQUIRE(code_of(again) == "ok");
    CHECK(again.value().outcome == DecideOutcome::already_done);
    CHECK(again.value().events.empty());
    // Anyone else confirming a finished booking is still refused.
    CHECK(code_of(confirm(*st, kOwnerActor)) == "invalid_state");
  }
  // Never confirmed by a payment: a payment after the cancellation is a
  // payment for a booking that is gone (the webhook refunds it) ...
  const CalendarState cancelled_unpaid =
      apply(held, CancelBooking{kBiz, "bkg_1", kOwner, kOwnerActor, "", "", kNow});
  CHECK(code_of(confirm(cancelled_unpaid, stripe)) == "invalid_state");
  // ... and so is one after a cancellation of a booking the owner confirmed.
  const CalendarState owner_confirmed = apply(
      held, ConfirmBooking{kBiz, "bkg_1", kOwner, kOwnerActor, "paid_in_cash", kNow + minutes{1}});
  CHECK_FALSE(owner_confirmed.bookings.at("bkg_1").confirmed_by_payment);
  const CalendarState owner_cancelled =
      apply(owner_confirmed, CancelBooking{kBiz, "bkg_1", kOwner, kOwnerActor, "", "", kNow});
  CHECK(code_of(confirm(owner_cancelled, stripe)) == "invalid_state");
}

// A payment after the hold ran out takes the time anew: the booking no
// longer counted anywhere, so it is checked as a new booking of its time
// would be (docs/adr/0008-payments.md).
TEST_CASE("confirm: a late payment is refused once the start passed, the day closed or filled") {
  const Actor stripe{ActorKind::payment_provider, "stripe"};
  BookingPolicy one_a_day = policy();
  one_a_day.max_bookings_per_day = 1;
  CreateBooking held = book("bkg_1", mon(10), paid());
  held.policy = one_a_day;
  const CalendarState s = apply(open_calendar(), held);
  const CalendarState expired = apply(s, ExpireBooking{kBiz, "bkg_1", kSystem, kNow + minutes{15}});
  const auto late = [&](const CalendarState& st, Instant now,
                        const BookingPolicy& p = BookingPolicy{}) {
    return code_of(
        decide(st, ConfirmBooking{kBiz, "bkg_1", kOwner, stripe, "payment_succeeded", now, p}));
  };
  // Still free, still open: confirmed.
  CHECK(late(expired, kNow + minutes{20}, one_a_day) == "ok");

  // Paid when the appointment had begun (or was over): refused, whether
  // the expiry was recorded or not.
  CHECK(late(expired, mon(10)) == "invalid_state");
  CHECK(late(expired, mon(12)) == "invalid_state");
  CHECK(late(s, mon(12)) == "invalid_state");

  // Another customer took the day's only place while the hold was out.
  CreateBooking other = book("bkg_2", mon(14), service(), kNow + minutes{16});
  other.policy = one_a_day;
  const CalendarState day_full = apply(expired, other);
  CHECK(late(day_full, kNow + minutes{20}, one_a_day) == "daily_limit_reached");
  CHECK(late(apply(s, other), kNow + minutes{20}, one_a_day) == "daily_limit_reached");
  BookingPolicy two_a_day = one_a_day;
  two_a_day.max_bookings_per_day = 2;
  CHECK(late(day_full, kNow + minutes{20}, two_a_day) == "ok");

  // The owner closed the day, or shortened it so the booking no longer fits.
  const CalendarState closed =
      apply(expired, SetDateOverride{kBiz, kOwner, kOwnerActor, "UTC", test::ymd(2026, 3, 2),
                                     DateOverride{true, {}}});
  CHECK(late(closed, kNow + minutes{20}) == "outside_hours");
  const CalendarState afternoon =
      apply(expired, SetDateOverride{kBiz, kOwner, kOwnerActor, "UTC", test::ymd(2026, 3, 2),
                                     DateOverride{false, {iv("10:15", "17:00")}}});
  CHECK(late(afternoon, kNow + minutes{20}) == "outside_hours");
  const CalendarState mornings = apply(
      expired,
      SetWeeklySchedule{kBiz, kOwner, kOwnerActor, "UTC", test::every_day({iv("08:00", "10:00")})});
  CHECK(late(mornings, kNow + minutes{20}) == "outside_hours");

  // Within the hold nothing changes: the booking counted all along, and a
  // payment in time confirms it even on a day closed since.
  CHECK(late(apply(s, SetDateOverride{kBiz, kOwner, kOwnerActor, "UTC", test::ymd(2026, 3, 2),
                                      DateOverride{true, {}}}),
             kNow + minutes{5}, one_a_day) == "ok");
}

TEST_CASE("cancel: the booking keeps who cancelled it and when") {
  const CalendarState s = apply(open_calendar(), book("bkg_1", mon(10), paid()));
  CHECK_FALSE(s.bookings.at("bkg_1").cancelled_at.has_value());
  auto cancelled =
      decide(s, CancelBooking{kBiz, "bkg_1", kOwner, Actor{ActorKind::customer, "bkg_1"}, kToken,
                              "", kNow + minutes{3}});
  REQUIRE(code_of(cancelled) == "ok");
  const CalendarState after = fold(s, cancelled.value().events);
  const Booking& b = after.bookings.at("bkg_1");
  CHECK(b.status == BookingStatus::cancelled);
  REQUIRE(b.cancelled_by.has_value());
  CHECK(b.cancelled_by->kind == ActorKind::customer);
  CHECK(b.cancelled_at == std::optional<Instant>(kNow + minutes{3}));
}

TEST_CASE("create: the booking keeps the cancellation terms it was made under, through moves") {
  CreateBooking c = book("bkg_1", mon(10), paid());
  c.cancellation_terms = CancellationTerms{1440, 40};
  auto decided = decide(open_calendar(), c);
  REQUIRE(code_of(decided) == "ok");
  const auto& created = std::get<v1::BookingTentativelyCreated>(decided.value().events.at(0));
  REQUIRE(created.has_cancellation_terms());
  CHECK(created.cancellation_terms().free_cancellation_cutoff_minutes() == 1440);
  CHECK(created.cancellation_terms().late_cancellation_refund_percent() == 40);
  CalendarState s = fold(open_calendar(), test::through_log(decided.value().events));
  CHECK(s.bookings.at("bkg_1").cancellation_terms ==
        std::optional<CancellationTerms>(CancellationTerms{1440, 40}));

  // A move is the same booking, whoever makes it: the terms stay.
  const Actor customer{ActorKind::customer, "bkg_1"};
  s = apply(s, RescheduleBooking{kBiz, "bkg_1", kOwner, customer, kToken, mon(12), policy(), kNow});
  s = apply(s, RescheduleBooking{kBiz, "bkg_1", kOwner, kOwnerActor, "", mon(14), policy(), kNow});
  CHECK(s.bookings.at("bkg_1").start == mon(14));
  CHECK(s.bookings.at("bkg_1").cancellation_terms ==
        std::optional<CancellationTerms>(CancellationTerms{1440, 40}));

  // An event logged before the terms existed: the booking has none.
  v1::BookingTentativelyCreated old = created;
  old.clear_cancellation_terms();
  const CalendarState legacy =
      fold(open_calendar(), test::through_log(std::vector<CalendarEvent>{old}));
  CHECK_FALSE(legacy.bookings.at("bkg_1").cancellation_terms.has_value());

  c.cancellation_terms = CancellationTerms{1440, 101};
  CHECK(book_code(open_calendar(), c) == "validation_failed");
  c.cancellation_terms = CancellationTerms{-1, 40};
  CHECK(book_code(open_calendar(), c) == "validation_failed");
}

TEST_CASE("DST: New York's repeated 01:30 on 2026-11-01 is two bookable instants") {
  CalendarState s =
      apply(CalendarState{}, SetWeeklySchedule{kBiz, kOwner, kOwnerActor, "America/New_York",
                                               test::every_day({iv("00:00", "03:00")})});
  const Instant now = utc(2026, 10, 1);
  const Instant first_0130 = utc(2026, 11, 1, 5, 30);   // 01:30 EDT
  const Instant second_0130 = utc(2026, 11, 1, 6, 30);  // 01:30 EST
  CreateBooking second = book("bkg_2", second_0130, service(), now);
  auto decided = decide(s, second);
  REQUIRE(decided.ok());
  REQUIRE(types(decided.value().events) == "BookingTentativelyCreated BookingConfirmed");
  const auto& created = std::get<v1::BookingTentativelyCreated>(decided.value().events[0]);
  CHECK(to_instant(created.start()) == second_0130);
  CHECK(to_instant(created.end()) == utc(2026, 11, 1, 7, 0));
  CHECK(created.time_zone() == "America/New_York");
  s = fold(s, decided.value().events);

  // The first 01:30 is another instant, free; the second is now taken.
  CHECK(book_code(s, book("bkg_1", first_0130, service(), now)) == "ok");
  CHECK(book_code(s, book("bkg_3", second_0130, service(), now)) == "slot_unavailable");
  CHECK(book_code(s, book("bkg_3", utc(2026, 11, 1, 6, 0), service(), now)) == "ok");
  CHECK(book_code(s, book("bkg_3", utc(2026, 11, 1, 6, 20), service(), now)) == "not_on_slot_grid");
  // Both count against the same local date for the daily limit.
  CreateBooking limited = book("bkg_1", first_0130, service(), now);
  limited.policy.max_bookings_per_day = 1;
  CHECK(book_code(s, limited) == "daily_limit_reached");
}

TEST_CASE("opening hours: weekly schedule and date overrides, owner only") {
  auto set = decide(CalendarState{}, nine_to_five("Europe/London"));
  REQUIRE(types(set.value().events) == "WeeklyScheduleSet");
  const auto& e = std::get<v1::WeeklyScheduleSet>(set.value().events[0]);
  CHECK(e.time_zone() == "Europe/London");
  CHECK(e.days_size() == 7);
  CHECK(e.days(0).weekday() == v1::WEEKDAY_MONDAY);
  CHECK(e.days(0).intervals(0).start_minute() == 540);
  CHECK(e.days(0).intervals(0).end_minute() == 1020);
  CalendarState s = fold(CalendarState{}, set.value().events);
  CHECK(s.business_id == kBiz);
  CHECK(s.time_zone == "Europe/London");
  CHECK(decide(s, nine_to_five("Europe/London")).value().outcome == DecideOutcome::already_done);

  SetWeeklySchedule bad = nine_to_five();
  bad.schedule.days[2] = {iv("09:00", "12:00"), iv("11:00", "13:00")};
  CHECK(code_of(decide(s, bad)) == "validation_failed");
  bad = nine_to_five("Europe/Londinium");
  CHECK(code_of(decide(s, bad)) == "unknown_time_zone");
  bad = nine_to_five();
  bad.actor = kOtherOwner;
  CHECK(code_of(decide(s, bad)) == "forbidden");
  bad.actor = Actor{ActorKind::customer, "bkg_1"};
  CHECK(code_of(decide(s, bad)) == "forbidden");
  bad = nine_to_five();
  bad.business_id = "biz_2";
  CHECK(code_of(decide(s, bad)) == "not_found");

  s = open_calendar();
  const LocalDate monday = test::ymd(2026, 3, 2);
  const SetDateOverride closed{kBiz, kOwner, kOwnerActor, "UTC", monday, DateOverride{true, {}}};
  auto closing = decide(s, closed);
  REQUIRE(types(closing.value().events) == "DateOverrideSet");
  CHECK(std::get<v1::DateOverrideSet>(closing.value().events[0]).local_date() == "2026-03-02");
  s = fold(s, closing.value().events);
  CHECK(book_code(s, book("bkg_1", mon(10))) == "outside_hours");
  CHECK(decide(s, closed).value().outcome == DecideOutcome::already_done);

  const SetDateOverride evening{kBiz,  kOwner, kOwnerActor,
                                "UTC", monday, DateOverride{false, {iv("18:00", "20:00")}}};
  s = apply(s, evening);
  CHECK(book_code(s, book("bkg_1", mon(10))) == "outside_hours");
  CHECK(book_code(s, book("bkg_1", mon(18, 30))) == "ok");

  const ClearDateOverride clear{kBiz, kOwner, kOwnerActor, monday};
  auto cleared = decide(s, clear);
  REQUIRE(types(cleared.value().events) == "DateOverrideCleared");
  s = fold(s, cleared.value().events);
  CHECK(book_code(s, book("bkg_1", mon(10))) == "ok");
  CHECK(decide(s, clear).value().outcome == DecideOutcome::already_done);

  SetDateOverride invalid = closed;
  invalid.date_override = DateOverride{true, {iv("09:00", "10:00")}};
  CHECK(code_of(decide(s, invalid)) == "validation_failed");
  invalid = closed;
  invalid.actor = kOtherOwner;
  CHECK(code_of(decide(s, invalid)) == "forbidden");
  ClearDateOverride not_owner = clear;
  not_owner.actor = kOtherOwner;
  CHECK(code_of(decide(s, not_owner)) == "forbidden");
}

TEST_CASE("replaying the decided events, through the log's encoding, rebuilds the state") {
  const Actor stripe{ActorKind::payment_provider, "stripe"};
  const std::vector<CalendarCommand> commands = {
      nine_to_five("Europe/Berlin"),
      SetDateOverride{kBiz, kOwner, kOwnerActor, "Europe/Berlin", test::ymd(2026, 3, 3),
                      DateOverride{false, {iv("12:00", "14:00")}}},
      SetDateOverride{kBiz, kOwner, kOwnerActor, "Europe/Berlin", test::ymd(2026, 3, 4),
                      DateOverride{true, {}}},
      ClearDateOverride{kBiz, kOwner, kOwnerActor, test::ymd(2026, 3, 4)},
      book("bkg_1", mon(9), service(30, 5, 5)),
      book("bkg_2", mon(10), paid()),
      book("bkg_3", mon(11), paid()),
      book("bkg_4", mon(12)),
      book("bkg_5", mon(13)),
      ConfirmBooking{kBiz, "bkg_2", kOwner, stripe, "payment_succeeded", kNow + minutes{3}},
      ExpireBooking{kBiz, "bkg_3", kSystem, kNow + minutes{15}},
      RescheduleBooking{kBiz, "bkg_4", kOwner, kOwnerActor, "", mon(14), policy(), kNow},
      CancelBooking{kBiz, "bkg_5", kOwner, Actor{ActorKind::customer, "bkg_5"}, kToken, "", kNow},
      CompleteBooking{kBiz, "bkg_1", kOwner, kOwnerActor, mon(9, 30)},
      MarkNoShow{kBiz, "bkg_2", kOwner, kOwnerActor, mon(10, 10)},
  };
  CalendarState running;
  std::vector<CalendarEvent> log;
  for (const CalendarCommand& c : commands) {
    CAPTURE(c.index());
    auto decided = decide(running, c);
    if (!decided.ok()) FAIL(decided.error().code << ": " << decided.error().message);
    REQUIRE(decided.value().outcome == DecideOutcome::accepted);
    REQUIRE_FALSE(decided.value().events.empty());
    running = fold(std::move(running), decided.value().events);
    log.insert(log.end(), decided.value().events.begin(), decided.value().events.end());
  }
  CHECK(log.size() == 18);
  const CalendarState replayed = fold(CalendarState{}, test::through_log(log));
  CHECK(replayed == running);
  CHECK(replayed.bookings.at("bkg_1").status == BookingStatus::completed);
  CHECK(replayed.bookings.at("bkg_2").status == BookingStatus::no_show);
  CHECK(replayed.bookings.at("bkg_3").status == BookingStatus::expired);
  CHECK(replayed.bookings.at("bkg_4").start == mon(14));
  CHECK(replayed.bookings.at("bkg_5").status == BookingStatus::cancelled);
  CHECK(replayed.overrides.size() == 1);
  CHECK(replayed.idempotency_keys.size() == 5);
}

// A confirmed booking put straight into the state (no decision), so it can
// carry the longest duration and buffers a calendar allows.
CalendarState with_booking(CalendarState s, const std::string& id, Instant start, int length,
                           int before, int after) {
  v1::BookingTentativelyCreated created;
  created.set_booking_id(id);
  created.set_business_id(kBiz);
  *created.mutable_start() = to_timestamp(start);
  *created.mutable_end() = to_timestamp(start + minutes{length});
  created.set_buffer_before_minutes(before);
  created.set_buffer_after_minutes(after);
  v1::BookingConfirmed confirmed;
  confirmed.set_booking_id(id);
  confirmed.set_business_id(kBiz);
  std::vector<CalendarEvent> events;
  events.emplace_back(std::move(created));
  events.emplace_back(std::move(confirmed));
  return fold(std::move(s), events);
}

// Twenty days of bookings from `first`, one every `step`: every
// `longest_every`-th is 8 h with `long_buffer` minutes on both sides, the
// others 45 min with 10 / 5 minutes.
CalendarState with_bookings_every(CalendarState s, Instant first, minutes step, int longest_every,
                                  int long_buffer) {
  int n = 0;
  for (Instant t = first; t < first + std::chrono::hours{24 * 20}; t += step) {
    const bool longest = n % longest_every == 0;
    s = with_booking(std::move(s), "bkg_" + std::to_string(n++), t, longest ? 480 : 45,
                     longest ? long_buffer : 10, longest ? long_buffer : 5);
  }
  return s;
}

// Compares busy_calendar_around() with busy_calendar() for a start every
// `step` in [from, until) and each candidate (length, buffer before, buffer
// after): whether it overlaps, and, for a policy that counts per day, the
// local date's count. Returns how many candidates overlapped; `most_near`
// bounds the near set's size when the policy counts per day,
// `most_near_uncounted` when it does not.
int compare_near_with_whole(const CalendarState& s, Instant now, Instant from, Instant until,
                            minutes step,
                            std::initializer_list<std::tuple<int, int, int>> candidates,
                            std::size_t most_near, std::size_t most_near_uncounted) {
  const BusyCalendar whole = busy_calendar(s, now);
  int overlapping = 0;
  for (Instant start = from; start < until; start += step) {
    CAPTURE(start.time_since_epoch().count());
    const LocalDate day = s.zone->reading(start).date;
    for (const auto& candidate : candidates) {
      const auto [length, before, after] = candidate;
      const int candidate_length = length;  // CAPTURE cannot name a structured binding
      CAPTURE(candidate_length);
      const Instant busy_from = start - minutes{before};
      const Instant busy_until = start + minutes{length + after};
      const minutes reach{length + before + after};
      const BusyCalendar counted = busy_calendar_around(s, now, start, {}, {reach, true});
      const BusyCalendar uncounted = busy_calendar_around(s, now, start, {}, {reach, false});
      CHECK(counted.intervals().size() <= most_near);
      CHECK(uncounted.intervals().size() <= most_near_uncounted);
      CHECK(counted.bookings_on(day) == whole.bookings_on(day));
      CHECK(counted.overlaps(busy_from, busy_until) == whole.overlaps(busy_from, busy_until));
      CHECK(uncounted.overlaps(busy_from, busy_until) == whole.overlaps(busy_from, busy_until));
      if (whole.overlaps(busy_from, busy_until)) ++overlapping;
    }
  }
  return overlapping;
}

TEST_CASE("busy_calendar_around gives every decision the answer of the whole calendar") {
  // Twenty days of bookings across New York's spring-forward night, some of
  // the longest kind (8 h with 24 h buffers on both sides), every 7 h 10 min.
  CalendarState s = open_calendar("America/New_York");
  const Instant first = utc(2026, 3, 1, 0);
  s = with_bookings_every(std::move(s), first, minutes{430}, 5, 1440);
  REQUIRE(s.bookings.size() > 60);
  const Instant now = first - std::chrono::hours{1};
  const std::size_t all = busy_calendar(s, now).intervals().size();
  const int overlapping = compare_near_with_whole(
      s, now, first - std::chrono::hours{48}, first + std::chrono::hours{24 * 22}, minutes{97},
      {{15, 0, 0}, {480, 1440, 1440}, {60, 240, 0}}, all - 1, all - 1);
  CHECK(overlapping > 100);  // the comparison covered blocked starts, not only free ones
  // A rescheduled booking is found near its new start only.
  const Instant old_start = s.bookings.at("bkg_5").start;
  const Instant new_start = old_start + std::chrono::hours{24 * 9};
  v1::BookingRescheduled moved;
  moved.set_booking_id("bkg_5");
  moved.set_business_id(kBiz);
  *moved.mutable_start() = to_timestamp(new_start);
  *moved.mutable_end() = to_timestamp(new_start + minutes{480});
  const CalendarState after = fold(s, std::vector<CalendarEvent>{moved});
  CHECK(after.starts.size() == after.bookings.size());
  CHECK(after.starts.contains({new_start, "bkg_5"}));
  CHECK_FALSE(after.starts.contains({old_start, "bkg_5"}));
  const DecisionScope longest{minutes{480 + 2 * 1440}, true};
  for (const Instant at : {old_start, new_start, new_start - std::chrono::hours{50}}) {
    const BusyCalendar near = busy_calendar_around(after, now, at, {}, longest);
    const BusyCalendar whole_after = busy_calendar(after, now);
    CHECK(near.overlaps(at - minutes{1440}, at + minutes{480 + 1440}) ==
          whole_after.overlaps(at - minutes{1440}, at + minutes{480 + 1440}));
    CHECK(near.bookings_on(after.zone->reading(at).date) ==
          whole_after.bookings_on(after.zone->reading(at).date));
  }
  // The booking being moved is left out as by busy_calendar().
  CHECK(busy_calendar_around(s, now, first, "bkg_0", longest)
            .bookings_on(s.zone->reading(first).date) ==
        busy_calendar(s, now, "bkg_0").bookings_on(s.zone->reading(first).date));
  CHECK(busy_calendar_around(s, now, first, "bkg_0", longest).intervals().size() ==
        busy_calendar_around(s, now, first, {}, longest).intervals().size() - 1);
}

TEST_CASE("a decision looks as far as the two reaches, a day with a daily limit, and is exact") {
  // Bookings at the service limits (8 h, 4 h buffers each side) and short
  // ones, every 2 h 10 min across London's fall-back night (a 25-hour day).
  CalendarState s = open_calendar("Europe/London");
  const DecisionScope short_uncounted{minutes{15}, false};
  const DecisionScope short_counted{minutes{15}, true};
  const DecisionScope at_limits{minutes{480 + 2 * 240}, true};
  // An empty calendar: the candidate's own reach, or a day's span.
  CHECK(decision_window(s, short_uncounted) == minutes{15});
  CHECK(decision_window(s, short_counted) == kSameLocalDateReach);
  CHECK(decision_window(s, at_limits) == kSameLocalDateReach);
  const Instant first = utc(2026, 10, 15, 0);
  s = with_bookings_every(std::move(s), first, minutes{130}, 4, 240);
  CHECK(s.longest_reach == minutes{480 + 2 * 240});
  CHECK(decision_window(s, short_uncounted) == minutes{15 + 960});
  CHECK(decision_window(s, at_limits) == kSameLocalDateReach);  // 32 h of reaches
  const Instant now = first - std::chrono::hours{1};
  // At most ~45 bookings in the 96 hours near each start with a daily limit
  // (kSameLocalDateReach each way); without one, at most the 16 h + the
  // candidate's reach each way.
  const int overlapping = compare_near_with_whole(
      s, now, first - std::chrono::hours{30}, first + std::chrono::hours{24 * 21}, minutes{53},
      {{15, 0, 0}, {480, 240, 240}, {60, 240, 0}}, 46, 32);
  CHECK(overlapping > 500);
  // A booking beyond the limits (only a foreign or old log could hold one)
  // widens the window instead of being missed.
  s = with_booking(std::move(s), "bkg_long", first + std::chrono::hours{24 * 30}, 480, 1440, 1440);
  CHECK(decision_window(s, short_uncounted) == minutes{15 + 480 + 2 * 1440});
  // Its busy time ends 32 h after its start; a start 34 h after it with a
  // 4-hour buffer before reaches back into it.
  const Instant far = first + std::chrono::hours{24 * 30} + std::chrono::hours{34};
  CHECK(busy_calendar(s, now).overlaps(far - minutes{240}, far + minutes{15}));
  CHECK(busy_calendar_around(s, now, far, {}, {minutes{255}, false})
            .overlaps(far - minutes{240}, far + minutes{15}));
}

TEST_CASE("a daily limit counts every booking of a 27-hour local date") {
  // Antarctica/Casey fell back 3 hours on 2023-03-09 (03:00 +11 -> 00:00
  // +08): that local date lasted 27 hours, so two of its bookings can start
  // more than 26 hours apart.
  CalendarState s =
      apply(CalendarState{}, SetWeeklySchedule{kBiz, kOwner, kOwnerActor, "Antarctica/Casey",
                                               test::every_day({iv("00:00", "24:00")})});
  const Instant now = utc(2023, 3, 1);
  const Instant first = utc(2023, 3, 8, 13);     // 2023-03-09 00:00 +11
  const Instant last = utc(2023, 3, 9, 15, 30);  // 2023-03-09 23:30 +08
  REQUIRE(s.zone->reading(first).date == test::ymd(2023, 3, 9));
  REQUIRE(s.zone->reading(last).date == test::ymd(2023, 3, 9));
  CreateBooking a = book("bkg_a", first, service(), now);
  a.policy.max_bookings_per_day = 1;
  s = apply(s, a);
  CreateBooking b = book("bkg_b", last, service(), now);
  b.policy.max_bookings_per_day = 1;
  // What the availability engine says over the whole calendar, and what the
  // decision says: the same.
  const BusyCalendar busy = busy_calendar(s, now);
  const BookingContext context{
      s.schedule, s.overrides, *s.zone, b.policy, b.service.service.definition.timing, busy};
  CHECK(test::outcome(check_bookable(context, last, now)) == "daily_limit_reached");
  CHECK(book_code(s, b) == "daily_limit_reached");
}

TEST_CASE("a dense calendar of short bookings without a daily limit looks at its neighbours only") {
  // 15-minute bookings back to back for three days (as a busy day looks in
  // the booking benchmark): a 15-minute candidate needs the bookings within
  // 30 minutes of its start, not the day a daily limit needs.
  CalendarState s = open_calendar("Europe/London");
  const Instant first = utc(2026, 6, 1, 0);
  for (int i = 0; i < 3 * 96; ++i) {
    s = with_booking(std::move(s), "bkg_" + std::to_string(i), first + minutes{15 * i}, 15, 0, 0);
  }
  const Instant now = first - std::chrono::hours{1};
  const Instant at = first + std::chrono::hours{36};
  const BusyCalendar near = busy_calendar_around(s, now, at, {}, {minutes{15}, false});
  CHECK(near.intervals().size() == 4);  // those starting 30 and 15 minutes before, at, 15 after
  CHECK(near.overlaps(at, at + minutes{15}));
  // With a daily limit it looks kSameLocalDateReach each way: all three days.
  CHECK(busy_calendar_around(s, now, at, {}, {minutes{15}, true}).intervals().size() == 3 * 96);
  // The free minute after the last booking is found free either way.
  const Instant after_last = first + minutes{15 * 3 * 96};
  CHECK_FALSE(busy_calendar_around(s, now, after_last, {}, {minutes{15}, false})
                  .overlaps(after_last, after_last + minutes{15}));
  CHECK(busy_calendar_around(s, now, after_last - minutes{1}, {}, {minutes{15}, false})
            .overlaps(after_last - minutes{1}, after_last + minutes{14}));
}

TEST_CASE("a copied calendar indexes its own bookings and outlives the original") {
  // The start index points into the bookings; a copy must point into its own.
  const Instant first = utc(2026, 6, 1, 9);
  auto original = std::make_unique<CalendarState>(open_calendar("Europe/London"));
  for (int i = 0; i < 10; ++i) {
    *original = with_booking(std::move(*original), "bkg_" + std::to_string(i),
                             first + std::chrono::hours{i}, 45, 10, 5);
  }
  const CalendarState copy(*original);
  CalendarState assigned;
  assigned = *original;
  CHECK(copy == *original);
  CHECK(assigned == *original);
  const CalendarState moved(std::move(*original));
  original.reset();  // frees the original's bookings
  const Instant now = first - std::chrono::hours{1};
  for (const CalendarState* s :
       std::initializer_list<const CalendarState*>{&copy, &assigned, &moved}) {
    REQUIRE(s->starts.size() == 10);
    for (const auto& [key, booking] : s->starts) {
      CHECK(booking == &s->bookings.at(key.second));  // into its own map
    }
    const BusyCalendar near =
        busy_calendar_around(*s, now, first + minutes{30}, {}, {minutes{60}, true});
    CHECK(near.overlaps(first + minutes{30}, first + minutes{45}));
    CHECK(near.intervals().size() == 10);
  }
  // A self-assignment keeps the index valid.
  CalendarState self = copy;
  const CalendarState& alias = self;
  self = alias;
  CHECK(self == copy);
  CHECK(self.starts.begin()->second == &self.bookings.at("bkg_0"));
}

}  // namespace
}  // namespace slotwise::domain
