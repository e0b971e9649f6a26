// The booking rate limits (command-side/booking_limits.h) on the real
// slotwise-command: a burst per client address, then 429 rate_limited with
// Retry-After and nothing appended; other addresses unaffected; a limit per
// (business, customer email) across addresses; an idempotent replay
// answered with an empty bucket and costing no token; burst 0 turns a
// limit off. Buckets refill one token an hour here, so no test can see a
// refill by accident (the limiter reads the steady clock, not the
// fixture's).
#include <doctest/doctest.h>

#include <chrono>
#include <string>

#include "tests/command-side/command_fixture.h"
#include "tests/command-side/payment_test_support.h"

using slotwise::command::CommandConfig;
using slotwise::testing::ApiResponse;
using slotwise::testing::booking_request;
using slotwise::testing::CommandFixture;
using slotwise::testing::eventually;
using slotwise::testing::paid_setup;
using slotwise::testing::PaidSetup;

namespace {

constexpr auto kSlowRefill = std::chrono::hours(1);

// Requests come through a trusted proxy at 127.0.0.1 that names the client.
CommandFixture::Configure limits(double address_burst, double customer_burst) {
  return [=](CommandConfig& c) {
    c.trusted_proxies = {"127.0.0.1"};
    c.booking_address_burst = address_burst;
    c.booking_address_refill_interval = kSlowRefill;
    c.booking_customer_burst = customer_burst;
    c.booking_customer_refill_interval = kSlowRefill;
  };
}

ApiResponse book_from(CommandFixture& f, const PaidSetup& s, const std::string& client,
                      const std::string& start, const std::string& email,
                      const std::string& key = "") {
  httplib::Headers headers{{"X-Forwarded-For", client}};
  if (!key.empty()) headers.emplace("Idempotency-Key", key);
  return f.api->post("/v1/businesses/" + s.business + "/bookings",
                     booking_request(s.service, start, email), headers);
}

void check_limited(const ApiResponse& r) {
  CHECK(r.status == 429);
  CHECK(r.error_code() == "rate_limited");
  REQUIRE_FALSE(r.retry_after.empty());
  // About an hour: the time until the next token, not a fixed second.
  CHECK(std::stoi(r.retry_after) > 3000);
  CHECK(std::stoi(r.retry_after) <= 3601);
}

}  // namespace

TEST_CASE("holds from one address stop after the burst: 429 with Retry-After, nothing appended") {
  CommandFixture f(limits(3, 0));
  const PaidSetup s = paid_setup(f, "squat-biz");
  const std::string squatter = "198.51.100.7";
  auto first = book_from(f, s, squatter, f.slot(3, 9), "a@example.com");
  REQUIRE(first.status == 201);
  CHECK(first.str("status") == "pending_payment");
  CHECK(book_from(f, s, squatter, f.slot(3, 10), "b@example.com").status == 201);
  // A refused request costs its token too: probing the calendar is not free.
  CHECK(book_from(f, s, squatter, f.slot(3, 9), "c@example.com").status == 409);

  const auto before = f.last_sequence();
  check_limited(book_from(f, s, squatter, f.slot(3, 11), "d@example.com"));
  check_limited(book_from(f, s, squatter, f.slot(3, 12), "e@example.com"));
  CHECK(f.last_sequence() == before);
  CHECK(f.stripe.count("POST", "/v1/payment_intents") == 2);  // no intent for a refused one

  // Another client (behind the same trusted proxy) has its own bucket.
  CHECK(book_from(f, s, "198.51.100.8", f.slot(3, 11), "d@example.com").status == 201);
  CHECK(eventually([&] {
    return f.metric(R"(slotwise_booking_rate_limited_total{limit="client_address"})") == "2";
  }));
  CHECK(f.metric(R"(slotwise_booking_rate_limited_total{limit="customer"})") == "0");
}

TEST_CASE("one customer email is limited per business, whatever the address") {
  CommandFixture f(limits(0, 2));
  const PaidSetup s = paid_setup(f, "email-biz");
  const PaidSetup other = paid_setup(f, "email-biz-2");
  CHECK(book_from(f, s, "198.51.100.1", f.slot(3, 9), "victim@example.com").status == 201);
  CHECK(book_from(f, s, "198.51.100.2", f.slot(3, 10), "victim@example.com").status == 201);
  const auto before = f.last_sequence();
  // The email as stored (trimmed, lower-cased) is the key.
  check_limited(book_from(f, s, "198.51.100.3", f.slot(3, 11), " Victim@Example.COM"));
  CHECK(f.last_sequence() == before);
  // Another email at this business, and this email at another business.
  CHECK(book_from(f, s, "198.51.100.3", f.slot(3, 11), "other@example.com").status == 201);
  CHECK(book_from(f, other, "198.51.100.3", f.slot(3, 11), "victim@example.com").status == 201);
  CHECK(eventually(
      [&] { return f.metric(R"(slotwise_booking_rate_limited_total{limit="customer"})") == "1"; }));
}

TEST_CASE("an idempotent replay is answered with an empty bucket, and costs no token") {
  CommandFixture f(limits(2, 0));
  const PaidSetup s = paid_setup(f, "replay-biz");
  const std::string client = "198.51.100.9";
  auto first = book_from(f, s, client, f.slot(3, 9), "a@example.com", "key-1");
  REQUIRE(first.status == 201);

  // Replays with a token left give it back: a client retrying after lost
  // answers does not use up its bookings.
  for (int i = 0; i < 3; ++i) {
    auto again = book_from(f, s, client, f.slot(3, 9), "a@example.com", "key-1");
    CHECK(again.status == 201);
    CHECK(again.str("booking_id") == first.str("booking_id"));
  }
  REQUIRE(book_from(f, s, client, f.slot(3, 10), "b@example.com", "key-2").status == 201);

  // The bucket is empty now: new bookings are refused, replays still answered.
  const auto before = f.last_sequence();
  check_limited(book_from(f, s, client, f.slot(3, 11), "c@example.com", "key-3"));
  auto replay = book_from(f, s, client, f.slot(3, 9), "a@example.com", "key-1");
  CHECK(replay.status == 201);
  CHECK(replay.str("booking_id") == first.str("booking_id"));
  CHECK(replay.str("manage_token") == first.str("manage_token"));
  CHECK(replay.str("status") == "pending_payment");
  // The same key with another body is no replay: refused like a new booking.
  check_limited(book_from(f, s, client, f.slot(3, 12), "a@example.com", "key-1"));
  check_limited(book_from(f, s, client, f.slot(3, 12), "a@example.com"));
  CHECK(f.last_sequence() == before);
}

TEST_CASE("a burst of 0 turns a limit off") {
  CommandFixture f(limits(0, 0));
  const PaidSetup s = paid_setup(f, "unlimited-biz");
  for (int hour = 9; hour < 17; ++hour) {
    CAPTURE(hour);
    CHECK(book_from(f, s, "198.51.100.1", f.slot(3, hour), "same@example.com").status == 201);
  }
  for (int hour = 9; hour < 17; ++hour) {
    CHECK(book_from(f, s, "198.51.100.1", f.slot(4, hour), "same@example.com").status == 201);
  }
}
