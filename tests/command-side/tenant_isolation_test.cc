// An owner's token acts only on that owner's businesses: every owner
// endpoint, called with another owner's token on someone else's business or
// booking, is refused with 403 and appends nothing.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "tests/command-side/command_fixture.h"

using slotwise::testing::bearer;
using slotwise::testing::CommandFixture;

TEST_CASE_FIXTURE(CommandFixture, "no owner endpoint lets one tenant touch another's data") {
  auto [alice, alice_token] = signup("alice@example.com");
  auto [mallory, mallory_token] = signup("mallory@example.com");
  auto [biz, svc] = business_with_hours(alice_token, "alice-studio");
  auto booking = api->post("/v1/businesses/" + biz + "/bookings",
                           R"({"service_id":")" + svc + R"(","start":")" + slot(3, 10) +
                               R"(","customer":{"name":"C","email":"c@example.com"}})");
  REQUIRE(booking.status == 201);
  const std::string bkg = booking.str("booking_id");
  // Mallory's own business, so she is a genuine owner with a valid token.
  business_with_hours(mallory_token, "mallory-studio");

  struct Call {
    const char* method;
    std::string path;
    std::string body;
  };
  const std::vector<Call> calls{
      {"PATCH", "/v1/businesses/" + biz, R"({"name":"Owned"})"},
      {"PATCH", "/v1/businesses/" + biz, R"({"policy":{"min_notice_minutes":0}})"},
      {"POST", "/v1/businesses/" + biz + "/services",
       R"({"name":"X","duration_minutes":30,"price_minor":0})"},
      {"PATCH", "/v1/businesses/" + biz + "/services/" + svc, R"({"price_minor":1})"},
      {"DELETE", "/v1/businesses/" + biz + "/services/" + svc, ""},
      {"POST", "/v1/businesses/" + biz + "/calendar-feed/reset", ""},
      {"PUT", "/v1/businesses/" + biz + "/schedule", R"({"days":{}})"},
      {"PUT", "/v1/businesses/" + biz + "/overrides/2027-01-04", R"({"closed":true})"},
      {"DELETE", "/v1/businesses/" + biz + "/overrides/2027-01-04", ""},
      {"POST", "/v1/bookings/" + bkg + "/cancel", ""},
      {"POST", "/v1/bookings/" + bkg + "/reschedule", R"({"start":")" + slot(3, 12) + R"("})"},
      {"POST", "/v1/bookings/" + bkg + "/complete", ""},
      {"POST", "/v1/bookings/" + bkg + "/no-show", ""},
  };
  const auto before = last_sequence();
  for (const Call& c : calls) {
    CAPTURE(c.method);
    CAPTURE(c.path);
    auto r = api->send(c.method, c.path, c.body, bearer(mallory_token));
    CHECK(r.status == 403);
    CHECK(r.error_code() == "forbidden");
    // And without any token: 401.
    CHECK(api->send(c.method, c.path, c.body).status == 401);
  }
  CHECK(last_sequence() == before);
  // Alice still can.
  CHECK(api->send("PATCH", "/v1/businesses/" + biz, R"({"name":"Mine"})", bearer(alice_token))
            .status == 200);
}
