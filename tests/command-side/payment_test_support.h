// Helpers for the payment tests: a business with a paid service, bookings,
// the booking's status as the calendar holds it, the payment aggregate's
// event types as the log holds them, and waiting for a condition.
#pragma once

#include "tests/support/eventually.h"

#include <doctest/doctest.h>

#include <chrono>
#include <functional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "domain/booking.h"
#include "tests/command-side/command_fixture.h"

namespace slotwise::testing {

struct PaidSetup {
  std::string token;
  std::string business;
  std::string service;
};

// A business (`currency`, UTC, 09:00-17:00 daily) with a 60-minute service
// that takes `price_minor` in full; `policy` is merged into a PATCH of the
// business's policy when not empty (e.g. "free_cancellation_cutoff_minutes":1440).
inline PaidSetup paid_setup(CommandFixture& f, const std::string& slug,
                            const std::string& policy = "", int price_minor = 5000,
                            const std::string& currency = "EUR") {
  auto [user, token] = f.signup(slug + "@example.com");
  (void)user;
  auto [biz, svc] =
      f.business_with_hours(token, slug, "UTC", R"(,"payment_mode":"full")", currency);
  if (price_minor != 5000) {
    auto r = f.api->send("PATCH", "/v1/businesses/" + biz + "/services/" + svc,
                         R"({"price_minor":)" + std::to_string(price_minor) + "}", bearer(token));
    REQUIRE(r.status == 200);
  }
  if (!policy.empty()) {
    auto r = f.api->send("PATCH", "/v1/businesses/" + biz, R"({"policy":{)" + policy + "}}",
                         bearer(token));
    REQUIRE_MESSAGE(r.status == 200, r.body);
  }
  return {token, biz, svc};
}

inline std::string booking_request(const std::string& service_id, const std::string& start,
                                   const std::string& email = "client@example.com") {
  return R"({"service_id":")" + service_id + R"(","start":")" + start +
         R"(","customer":{"name":"Client","email":")" + email + R"("}})";
}

inline ApiResponse book(CommandFixture& f, const PaidSetup& s, const std::string& start,
                        const std::string& key = "",
                        const std::string& email = "client@example.com") {
  httplib::Headers headers;
  if (!key.empty()) headers.emplace("Idempotency-Key", key);
  return f.api->post("/v1/businesses/" + s.business + "/bookings",
                     booking_request(s.service, start, email), headers);
}

// The booking's status in the calendar, read from the log.
inline std::string booking_status(CommandFixture& f, const std::string& business_id,
                                  const std::string& booking_id) {
  auto loaded = f.server->context().calendars().load(business_id);
  REQUIRE(loaded.ok());
  auto it = loaded->first.bookings.find(booking_id);
  if (it == loaded->first.bookings.end()) return "missing";
  return std::string(domain::to_string(it->second.status));
}

// "PaymentIntentCreated PaymentSucceeded ..." of the booking's payment
// aggregate, read from the log by a separate connection.
inline std::string payment_events(CommandFixture& f, const std::string& booking_id) {
  auto commits = f.reader->read({"payment", booking_id}, 0);
  REQUIRE(commits.ok());
  std::string out;
  for (const auto& c : commits.value()) {
    for (const auto& e : c.commit.events()) {
      std::string type = e.payload().type_url();
      if (!out.empty()) out += ' ';
      out += type.substr(type.rfind('.') + 1);
    }
  }
  return out;
}

// Books slot(days, hour) and pays (payment_intent.succeeded delivered to
// the webhook); returns {booking id, manage token}.
inline std::pair<std::string, std::string> book_and_pay(CommandFixture& f, const PaidSetup& s,
                                                        int days, int hour = 10) {
  auto r = book(f, s, f.slot(days, hour));
  const std::string why = r.body + " at " + f.slot(days, hour);
  REQUIRE_MESSAGE(r.status == 201, why);
  const std::string booking = r.str("booking_id");
  const auto intent = *f.stripe.intent_for_booking(booking);
  REQUIRE(f.deliver_webhook(FakeStripe::intent_event("evt_pay_" + booking,
                                                     "payment_intent.succeeded", intent)) == 200);
  return {booking, r.str("manage_token")};
}

// A cancellation policy: free until 48 hours before, then 40 % back.
inline const std::string kLateRefundPolicy =
    R"("free_cancellation_cutoff_minutes":2880,"late_cancellation_refund_percent":40)";

// POST /v1/bookings/{booking}/cancel as the customer (manage token); its status.
inline int cancel_as_customer(CommandFixture& f, const std::string& booking,
                              const std::string& token) {
  return f.api->post("/v1/bookings/" + booking + "/cancel", "", {{"X-Manage-Token", token}}).status;
}

// Past the default 15-minute payment hold.
inline constexpr auto kPastHold = std::chrono::minutes(16);

// What a late payment meets when its time was taken: a booking of
// slot(3, 10) whose hold expired unpaid, and another customer's booking of
// the same time.
struct TakenHold {
  std::string booking;
  FakeStripe::Intent intent;
  std::string taker;
};

inline TakenHold expired_and_taken(CommandFixture& f, const PaidSetup& s) {
  const std::string at = f.slot(3, 10);
  auto r = book(f, s, at);
  REQUIRE(r.status == 201);
  TakenHold t{r.str("booking_id"), *f.stripe.intent_for_booking(r.str("booking_id")), ""};
  f.advance(kPastHold);
  REQUIRE(eventually([&] { return booking_status(f, s.business, t.booking) == "expired"; }));
  auto taker = book(f, s, at, "", "taker@example.com");
  REQUIRE(taker.status == 201);
  t.taker = taker.str("booking_id");
  return t;
}

}  // namespace slotwise::testing
