// The business watch (command_server.h): a booking taken by one command
// process sees a service or policy change another process made as soon as
// that commit is in the log, not after the cached snapshot's 10 s age.
#include <doctest/doctest.h>

#include <chrono>
#include <string>
#include <thread>

#include "tests/command-side/command_fixture.h"

using slotwise::testing::ApiClient;
using slotwise::testing::ApiResponse;
using slotwise::testing::bearer;
using slotwise::testing::CommandFixture;

namespace {

std::string booking_body(const std::string& service_id, const std::string& start) {
  return R"({"service_id":")" + service_id + R"(","start":")" + start +
         R"(","customer":{"name":"Client","email":"client@example.com"}})";
}

// Books hourly slots on `api` until one is refused or `within` passes;
// returns the refusal (status 0 when every attempt succeeded).
ApiResponse book_until_refused(CommandFixture& f, ApiClient& api, const std::string& business,
                               const std::string& service, int& hour,
                               std::chrono::milliseconds within) {
  const auto until = std::chrono::steady_clock::now() + within;
  while (std::chrono::steady_clock::now() < until) {
    ApiResponse r = api.post("/v1/businesses/" + business + "/bookings",
                             booking_body(service, f.slot(3 + hour / 8, 9 + hour % 8)));
    ++hour;
    if (r.status != 201) return r;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return {};
}

}  // namespace

TEST_CASE_FIXTURE(CommandFixture,
                  "a service retired through one process is refused by another within moments") {
  const OtherProcess other = start_other_process();
  ApiClient& other_api = *other.api;

  auto [user, token] = signup("watch@example.com");
  auto [business, service] = business_with_hours(token, "watched", "UTC");
  int hour = 0;
  // The other process books, so it holds the business in its cache.
  auto first =
      other_api.post("/v1/businesses/" + business + "/bookings", booking_body(service, slot(3, 9)));
  REQUIRE(first.status == 201);
  ++hour;
  REQUIRE(
      book_until_refused(*this, other_api, business, service, hour, std::chrono::milliseconds(200))
          .status == 0);

  // Retired through this process: the other refuses it well before its
  // cached snapshot would have aged out (10 s).
  REQUIRE(
      api->send("DELETE", "/v1/businesses/" + business + "/services/" + service, "", bearer(token))
          .status == 200);
  const auto retired_at = std::chrono::steady_clock::now();
  const ApiResponse refused = book_until_refused(*this, other_api, business, service, hour,
                                                 std::chrono::milliseconds(5000));
  CHECK(refused.status == 422);
  CHECK(refused.error_code() == "service_retired");
  CHECK(std::chrono::steady_clock::now() - retired_at < std::chrono::seconds(5));
  other.server->stop();
}
