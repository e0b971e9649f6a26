// Read-your-writes: SlotWise-Min-Position makes a request wait until the
// projection has applied that position, and answers 503 with Retry-After
// when it does not get there within the bound.
#include <doctest/doctest.h>

#include <future>

#include <rapidjson/document.h>

#include "tests/query-api/query_fixture.h"
#include "tests/support/metric_value.h"

namespace slotwise::testing {
namespace {

struct SlowFixture : QueryFixture {
  SlowFixture() : QueryFixture(std::chrono::milliseconds(1500)) {}
};

}  // namespace

TEST_CASE_FIXTURE(SlowFixture, "SlotWise-Min-Position waits for the projection or answers 503") {
  const std::uint64_t created = append<domain::BusinessEvent>(
      "business", "biz_m",
      {business_created("biz_m", "min-m", "usr_m", "UTC", policy(15, 0, 30, 0))});
  sync();
  const auto header = [](std::uint64_t p) {
    return httplib::Headers{{"SlotWise-Min-Position", std::to_string(p)}};
  };
  CHECK(get("/v1/businesses/min-m", header(created))->status == 200);
  CHECK(get("/v1/businesses/min-m", {{"SlotWise-Min-Position", "soon"}})->status == 400);

  // The projector is down: a later position is not reached in time.
  projector->stop();
  v1::BusinessProfileUpdated update;
  update.set_business_id("biz_m");
  update.mutable_profile()->set_name("Renamed");
  update.set_time_zone("UTC");
  const std::uint64_t renamed =
      append<domain::BusinessEvent>("business", "biz_m", {domain::BusinessEvent{update}});
  auto late = get("/v1/businesses/min-m", header(renamed));
  REQUIRE(late);
  CHECK(late->status == 503);
  CHECK(late->get_header_value("Retry-After") == "1");
  CHECK(late->body.find("projection_behind") != std::string::npos);
  // Without the header the (stale) read model answers at once.
  auto stale = get("/v1/businesses/min-m");
  CHECK(stale->body.find("Renamed") == std::string::npos);

  // A request that arrives before the projector catches up waits for it.
  auto waiting = std::async(std::launch::async, [&] {
    httplib::Client c("127.0.0.1", server->port());
    c.set_tcp_nodelay(true);
    auto r = c.Get("/v1/businesses/min-m", header(renamed));
    return r ? std::make_pair(r->status, r->body) : std::make_pair(-1, std::string());
  });
  projector = std::make_unique<RunningProjector>(*store, db, "projector-main");
  const auto [status, body] = waiting.get();
  CHECK(status == 200);
  CHECK(body.find("Renamed") != std::string::npos);
  CHECK(metric_value(metrics.render(), "slotwise_query_min_position_timeouts_total") == "1");
}

TEST_CASE_FIXTURE(SlowFixture,
                  "a request that can never succeed is refused without waiting for the position") {
  const httplib::Headers ahead{{"SlotWise-Min-Position", "1000000000"}};
  const auto refused = [&](const std::string& path) {
    auto r = get(path, ahead);
    REQUIRE(r);
    CAPTURE(path);
    CAPTURE(r->body);
    return r->status;
  };
  CHECK(refused("/v1/businesses/min-x/availability?from=2030-01-01&to=2030-01-07") == 400);
  CHECK(refused("/v1/businesses/min-x/availability?service_id=svc_x&from=2030-01-07&to=x") == 400);
  CHECK(refused("/v1/businesses/min-x/bookings") == 401);
  CHECK(refused("/v1/businesses/min-x/bookings?limit=0") == 400);
  CHECK(refused("/v1/businesses/min-x/stats?from=2030-01-07") == 400);
  CHECK(refused("/v1/businesses/min-x/notifications") == 401);
  CHECK(refused("/v1/businesses/min-x/calendar-feed") == 401);
  CHECK(refused("/v1/businesses/min-x/calendar.ics?token=wrong") == 404);
  CHECK(refused("/v1/bookings/bkg_x") == 401);
  // None of them waited the 1.5 s bound out.
  CHECK(metric_value(metrics.render(), "slotwise_query_min_position_timeouts_total") == "0");
  // A request that may succeed still waits, and then answers 503.
  CHECK(refused("/v1/businesses/min-x") == 503);
  CHECK(metric_value(metrics.render(), "slotwise_query_min_position_timeouts_total") == "1");
}

}  // namespace slotwise::testing
