// Bookings over HTTP: confirmed and pending-payment creation, the
// availability rejections, Idempotency-Key semantics, and the actions
// (cancel, reschedule, complete, no-show) with owner and manage-token
// permissions.
#include <doctest/doctest.h>

#include <string>

#include "tests/command-side/command_fixture.h"

using slotwise::testing::bearer;
using slotwise::testing::CommandFixture;

namespace {

std::string booking_body(const std::string& service_id, const std::string& start,
                         const std::string& email = "client@example.com") {
  return R"({"service_id":")" + service_id + R"(","start":")" + start +
         R"(","customer":{"name":"Client","email":")" + email + R"("},"notes":"first visit"})";
}

struct Setup {
  std::string token;
  std::string business;
  std::string service;
};

Setup setup(CommandFixture& f, const std::string& slug, const std::string& extra = "") {
  auto [user, token] = f.signup(slug + "@example.com");
  auto [biz, svc] = f.business_with_hours(token, slug, "UTC", extra);
  return {token, biz, svc};
}

}  // namespace

TEST_CASE_FIXTURE(CommandFixture, "a booking for a free service is confirmed at once") {
  const Setup s = setup(*this, "free-biz");
  auto r = api->post("/v1/businesses/" + s.business + "/bookings",
                     booking_body(s.service, slot(3, 10)), {{"Idempotency-Key", "k-1"}});
  REQUIRE(r.status == 201);
  CHECK(r.str("status") == "confirmed");
  CHECK(r.str("booking_id").rfind("bkg_", 0) == 0);
  CHECK(r.str("start") == slot(3, 10));
  CHECK(r.str("end") == slot(3, 11));
  CHECK(r.str("manage_token").size() == 43);
  CHECK(r.json["position"].GetUint64() == std::stoull(r.position_header));
  CHECK(r.json["position"].GetUint64() == last_sequence());
}

TEST_CASE_FIXTURE(CommandFixture, "a service that takes payment holds the slot pending payment") {
  const Setup s = setup(*this, "paid-biz", R"(,"payment_mode":"deposit","deposit_minor":1000)");
  auto r =
      api->post("/v1/businesses/" + s.business + "/bookings", booking_body(s.service, slot(3, 10)));
  REQUIRE(r.status == 201);
  CHECK(r.str("status") == "pending_payment");
  CHECK_FALSE(r.str("hold_expires_at").empty());
  CHECK(r.json["amount_due"]["amount_minor"].GetInt64() == 1000);
  // The hold blocks the slot.
  auto other = api->post("/v1/businesses/" + s.business + "/bookings",
                         booking_body(s.service, slot(3, 10, 30)));
  CHECK(other.status == 409);
  CHECK(other.error_code() == "slot_unavailable");
}

TEST_CASE_FIXTURE(CommandFixture, "times outside hours, notice, horizon or grid are 422") {
  const Setup s = setup(*this, "rules-biz");
  const std::string path = "/v1/businesses/" + s.business + "/bookings";
  const auto before = last_sequence();
  auto check = [&](const std::string& start, const char* code) {
    CAPTURE(start);
    auto r = api->post(path, booking_body(s.service, start));
    CHECK(r.status == 422);
    CHECK(r.error_code() == code);
  };
  check(slot(3, 8), "outside_hours");
  check(slot(3, 16, 30), "outside_hours");  // ends after 17:00
  check(slot(3, 10, 5), "not_on_slot_grid");
  check(slot(90, 10), "beyond_horizon");
  check(slot(-1, 10), "too_soon");
  CHECK(last_sequence() == before);
  auto unknown = api->post(path, booking_body("svc_0000000000000000000000", slot(3, 10)));
  CHECK(unknown.status == 404);
  auto no_biz = api->post("/v1/businesses/biz_0000000000000000000000/bookings",
                          booking_body(s.service, slot(3, 10)));
  CHECK(no_biz.status == 404);
}

TEST_CASE_FIXTURE(CommandFixture, "an Idempotency-Key replays the first answer or refuses reuse") {
  const Setup s = setup(*this, "idem-biz");
  const std::string path = "/v1/businesses/" + s.business + "/bookings";
  const httplib::Headers key{{"Idempotency-Key", "order-42"}};
  auto first = api->post(path, booking_body(s.service, slot(3, 10)), key);
  REQUIRE(first.status == 201);
  const auto after_first = last_sequence();
  auto replay = api->post(path, booking_body(s.service, slot(3, 10)), key);
  CHECK(replay.status == 201);
  CHECK(replay.str("booking_id") == first.str("booking_id"));
  CHECK(replay.str("manage_token") == first.str("manage_token"));
  CHECK(replay.str("status") == first.str("status"));
  CHECK(last_sequence() == after_first);
  auto reused = api->post(path, booking_body(s.service, slot(3, 12)), key);
  CHECK(reused.status == 422);
  CHECK(reused.error_code() == "idempotency_key_reused");
  auto bad_key = api->post(path, booking_body(s.service, slot(3, 12)),
                           {{"Idempotency-Key", std::string(300, 'k')}});
  CHECK(bad_key.status == 400);
  CHECK(last_sequence() == after_first);
}

TEST_CASE_FIXTURE(CommandFixture,
                  "an Idempotency-Key replays the first response after the booking moved") {
  // Issue 4: the same key with the same body returns the same response:
  // the first answer's times, status, hold and position, not the booking
  // and the calendar as they are now.
  for (const bool paid : {false, true}) {
    CAPTURE(paid);
    const Setup s = setup(*this, paid ? "replay-paid" : "replay-free",
                          paid ? R"(,"payment_mode":"deposit","deposit_minor":1000)" : "");
    const std::string bookings = "/v1/businesses/" + s.business + "/bookings";
    const httplib::Headers key{{"Idempotency-Key", "replay-1"}};
    const std::string body = booking_body(s.service, slot(3, 10));
    auto first = api->post(bookings, body, key);
    REQUIRE(first.status == 201);
    CHECK(first.str("status") == (paid ? "pending_payment" : "confirmed"));
    // Later commits: the booking moved, and another booking.
    auto moved = api->post("/v1/bookings/" + first.str("booking_id") + "/reschedule",
                           R"({"start":")" + slot(3, 12) + R"("})", bearer(s.token));
    REQUIRE_MESSAGE(moved.status == 200, moved.body);
    REQUIRE(api->post(bookings, booking_body(s.service, slot(3, 14), "b@example.com")).status ==
            201);
    REQUIRE(last_sequence() > std::stoull(first.position_header));

    auto replay = api->post(bookings, body, key);
    CHECK(replay.status == 201);
    CHECK(replay.body == first.body);
    CHECK(replay.position_header == first.position_header);
  }
}

TEST_CASE_FIXTURE(CommandFixture, "a customer cancels with the manage token; others may not") {
  const Setup s = setup(*this, "cancel-biz");
  auto b =
      api->post("/v1/businesses/" + s.business + "/bookings", booking_body(s.service, slot(3, 10)));
  REQUIRE(b.status == 201);
  const std::string path = "/v1/bookings/" + b.str("booking_id") + "/cancel";
  auto no_credentials = api->post(path, "");
  CHECK(no_credentials.status == 401);
  auto wrong = api->post(path, R"({"manage_token":"wrongwrongwrongwrongwrongwrongwrongwrongwro"})");
  CHECK(wrong.status == 403);
  auto other_owner = signup("intruder@example.com");
  CHECK(api->post(path, "", bearer(other_owner.second)).status == 403);

  auto ok = api->post(path, R"({"reason":"sick"})", {{"X-Manage-Token", b.str("manage_token")}});
  REQUIRE(ok.status == 200);
  CHECK(ok.str("status") == "cancelled");
  // The slot is free again.
  auto again = api->post("/v1/businesses/" + s.business + "/bookings",
                         booking_body(s.service, slot(3, 10), "next@example.com"));
  CHECK(again.status == 201);
}

TEST_CASE_FIXTURE(CommandFixture, "rescheduling moves the booking in one step or not at all") {
  const Setup s = setup(*this, "move-biz");
  const std::string bookings = "/v1/businesses/" + s.business + "/bookings";
  auto a = api->post(bookings, booking_body(s.service, slot(3, 10)));
  auto b = api->post(bookings, booking_body(s.service, slot(3, 13), "b@example.com"));
  REQUIRE(a.status == 201);
  REQUIRE(b.status == 201);
  const std::string path = "/v1/bookings/" + a.str("booking_id") + "/reschedule";
  auto taken = api->post(path, R"({"start":")" + slot(3, 13) + R"("})", bearer(s.token));
  CHECK(taken.status == 409);
  auto moved = api->post(path, R"({"start":")" + slot(3, 10, 30) + R"(","manage_token":")" +
                                   a.str("manage_token") + R"("})");
  REQUIRE(moved.status == 200);
  CHECK(moved.str("start") == slot(3, 10, 30));
  // 10:30-11:30 is taken now; 09:00-10:00 no longer touches the booking.
  CHECK(api->post(bookings, booking_body(s.service, slot(3, 10), "c@example.com")).status == 409);
  CHECK(api->post(bookings, booking_body(s.service, slot(3, 9), "c@example.com")).status == 201);
}

TEST_CASE_FIXTURE(CommandFixture, "complete and no-show are for the owner after the start") {
  const Setup s = setup(*this, "done-biz");
  const std::string bookings = "/v1/businesses/" + s.business + "/bookings";
  auto a = api->post(bookings, booking_body(s.service, slot(3, 10)));
  auto b = api->post(bookings, booking_body(s.service, slot(3, 12), "b@example.com"));
  REQUIRE(a.status == 201);
  const std::string complete = "/v1/bookings/" + a.str("booking_id") + "/complete";
  auto early = api->post(complete, "", bearer(s.token));
  CHECK(early.status == 409);
  CHECK(early.error_code() == "invalid_state");
  advance(std::chrono::hours(24 * 4));
  // The fixture's slots count from the day it started, not from the moved
  // clock: the same name is the same instant (and a run across midnight UTC
  // cannot shift it).
  CHECK(slot(3, 10) == a.str("start"));
  CHECK(api->post(complete, "", bearer(s.token)).status == 401);  // the token expired meanwhile
  auto login =
      api->post("/v1/auth/login", R"({"email":"done-biz@example.com","password":"correct horse"})");
  REQUIRE(login.status == 200);
  const std::string token = login.str("token");
  CHECK(api->post(complete, "", {{"X-Manage-Token", a.str("manage_token")}}).status == 401);
  auto done = api->post(complete, "", bearer(token));
  CHECK(done.status == 200);
  CHECK(done.str("status") == "completed");
  auto no_show = api->post("/v1/bookings/" + b.str("booking_id") + "/no-show", "{}", bearer(token));
  CHECK(no_show.status == 200);
  CHECK(no_show.str("status") == "no_show");
  CHECK(api->post("/v1/bookings/bkg_nope/complete", "", bearer(token)).status == 404);
}
