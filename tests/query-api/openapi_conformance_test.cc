// Responses of the query API match schemas/openapi.yaml: every GET endpoint
// is called for its successes and for each error status it can produce
// (including 503 projection_behind), the exchanges are recorded with their
// route pattern and checked with Ajv by tests/contract/check-responses.mjs.
// Undocumented statuses, paths or methods fail too.
#include <doctest/doctest.h>
#include <rapidjson/document.h>

#include <string>

#include "tests/query-api/query_scenario.h"
#include "tests/support/exchange_log.h"
#include "tests/support/process.h"

namespace slotwise::testing {
namespace {

struct ShortWaitFixture : QueryFixture {
  ShortWaitFixture() : QueryFixture(std::chrono::milliseconds(300)) {}
  TempDir dir;
};

// Calls the query API and records the exchange for the spec check.
class Recorder {
 public:
  Recorder(QueryFixture& f, const std::string& dir) : f_(f), log_(dir) {}

  int call(const std::string& pattern, const std::string& path,
           const httplib::Headers& headers = {}) {
    auto r = f_.get(path, headers);
    REQUIRE(r);
    // Only JSON bodies are checked; calendar.ics answers text/calendar.
    const bool is_json = r->get_header_value("Content-Type").find("json") != std::string::npos;
    log_.record("GET", pattern, r->status, is_json ? r->body : std::string());
    return r->status;
  }
  [[nodiscard]] int count() const { return log_.count(); }
  [[nodiscard]] ExchangeLog::Report check() { return log_.check(); }

 private:
  QueryFixture& f_;
  ExchangeLog log_;
};

httplib::Headers owner(const std::string& user) {
  return {{"Authorization", "Bearer " + QueryFixture::token_for(user)}};
}

}  // namespace

TEST_CASE_FIXTURE(ShortWaitFixture, "every query response conforms to the OpenAPI document") {
  const Scenario s = build_scenario(*this);
  Recorder rec(*this, dir.path());
  const std::string biz = "/v1/businesses/{id}";
  const std::string avail = "/v1/businesses/{id}/availability";
  const std::string bookings = "/v1/businesses/{id}/bookings";
  const std::string booking = "/v1/bookings/{id}";
  const std::string stats = "/v1/businesses/{id}/stats";
  const std::string feed = "/v1/businesses/{id}/calendar-feed";
  const std::string ics = "/v1/businesses/{id}/calendar.ics";

  CHECK(rec.call(biz, "/v1/businesses/studio-a") == 200);
  CHECK(rec.call(biz, "/v1/businesses/biz_a") == 200);
  const std::string etag = get("/v1/businesses/studio-a")->get_header_value("ETag");
  CHECK(rec.call(biz, "/v1/businesses/studio-a", {{"If-None-Match", etag}}) == 304);
  CHECK(rec.call(biz, "/v1/businesses/nope") == 404);
  CHECK(rec.call(biz, "/v1/businesses/studio-a", {{"SlotWise-Min-Position", "soon"}}) == 400);

  const std::string week = "?service_id=svc_cut&from=2026-05-26&to=2026-05-29";
  CHECK(rec.call(avail, "/v1/businesses/studio-a/availability" + week) == 200);
  CHECK(rec.call(avail, "/v1/businesses/studio-a/availability" + week + "&tz=America/New_York") ==
        200);
  CHECK(rec.call(avail, "/v1/businesses/studio-a/availability?service_id=svc_cut") == 400);
  CHECK(rec.call(avail, "/v1/businesses/studio-a/availability" + week + "&tz=Mars/Base") == 400);
  CHECK(rec.call(avail,
                 "/v1/businesses/studio-a/availability?service_id=svc_none&from=2026-05-26"
                 "&to=2026-05-27") == 404);
  CHECK(rec.call(avail, "/v1/businesses/nope/availability" + week) == 404);
  // The reschedule variant: private, for the owner or the manage token.
  const std::string move = "/v1/businesses/studio-a/availability?from=2026-05-26&to=2026-05-29";
  CHECK(rec.call(avail, move + "&reschedule=bkg_100&manage_token=" + s.token.token) == 200);
  CHECK(rec.call(avail, move + "&reschedule=bkg_100&service_id=svc_cut", owner("usr_a")) == 200);
  CHECK(rec.call(avail, move + "&reschedule=bkg_100") == 401);
  CHECK(rec.call(avail, move + "&reschedule=bkg_100", owner("usr_b")) == 404);
  CHECK(rec.call(avail, move + "&reschedule=bkg_101", owner("usr_a")) == 409);  // cancelled
  CHECK(rec.call(avail, move + "&reschedule=bkg_100&service_id=svc_old", owner("usr_a")) == 400);

  const std::string list = "/v1/businesses/biz_a/bookings?from=2026-05-26&to=2026-05-28&limit=5";
  CHECK(rec.call(bookings, list, owner("usr_a")) == 200);
  CHECK(rec.call(bookings, "/v1/businesses/biz_a/bookings?status=cancelled", owner("usr_a")) ==
        200);
  CHECK(rec.call(bookings, list) == 401);
  CHECK(rec.call(bookings, list, owner("usr_b")) == 403);
  CHECK(rec.call(bookings, "/v1/businesses/biz_a/bookings?status=lost", owner("usr_a")) == 400);
  CHECK(rec.call(bookings, "/v1/businesses/biz_zz/bookings", owner("usr_a")) / 100 == 4);

  CHECK(rec.call(booking, "/v1/bookings/bkg_100?manage_token=" + s.token.token) == 200);
  CHECK(rec.call(booking, "/v1/bookings/bkg_100", owner("usr_a")) == 200);
  CHECK(rec.call(booking, "/v1/bookings/bkg_101", owner("usr_a")) == 200);  // cancelled
  CHECK(rec.call(booking, "/v1/bookings/bkg_100") == 401);
  CHECK(rec.call(booking, "/v1/bookings/bkg_100", owner("usr_b")) == 404);
  CHECK(rec.call(booking, "/v1/bookings/bkg_100?manage_token=" + std::string(43, 'A')) == 404);

  CHECK(rec.call(stats, "/v1/businesses/biz_a/stats?from=2026-05-26&to=2026-05-31",
                 owner("usr_a")) == 200);
  CHECK(rec.call(stats, "/v1/businesses/biz_a/stats?from=2026-05-26", owner("usr_a")) == 400);
  CHECK(rec.call(stats, "/v1/businesses/biz_a/stats?from=2026-05-26&to=2026-05-31") == 401);
  CHECK(rec.call(stats, "/v1/businesses/biz_a/stats?from=2026-05-26&to=2026-05-31",
                 owner("usr_b")) == 403);

  CHECK(rec.call(feed, "/v1/businesses/biz_a/calendar-feed", owner("usr_a")) == 200);
  CHECK(rec.call(feed, "/v1/businesses/biz_a/calendar-feed") == 401);
  CHECK(rec.call(feed, "/v1/businesses/biz_a/calendar-feed", owner("usr_b")) == 403);
  CHECK(rec.call(ics, "/v1/businesses/biz_a/calendar.ics?token=wrong") == 404);
  CHECK(rec.call(ics, "/v1/businesses/biz_a/calendar.ics?token=%FF") == 400);  // not UTF-8
  auto feed_reply = get("/v1/businesses/biz_a/calendar-feed", owner("usr_a"));
  REQUIRE(feed_reply);
  rapidjson::Document feed_json;
  feed_json.Parse(feed_reply->body.c_str());
  REQUIRE(feed_json.IsObject());
  const std::string feed_token = feed_json["token"].GetString();
  CHECK(rec.call(ics, "/v1/businesses/biz_a/calendar.ics?token=" + feed_token) == 200);
  CHECK(rec.call(ics, "/v1/businesses/biz_a/calendar.ics?token=" + feed_token,
                 {{"SlotWise-Min-Position", "soon"}}) == 400);

  const std::string hours = "/v1/businesses/{id}/schedule";
  CHECK(rec.call(hours, "/v1/businesses/studio-a/schedule") == 200);
  CHECK(rec.call(hours, "/v1/businesses/other-b/schedule?from=2026-05-01&to=2026-05-31") == 200);
  const std::string hours_etag = get("/v1/businesses/studio-a/schedule")->get_header_value("ETag");
  CHECK(rec.call(hours, "/v1/businesses/studio-a/schedule", {{"If-None-Match", hours_etag}}) ==
        304);
  CHECK(rec.call(hours, "/v1/businesses/studio-a/schedule?from=someday") == 400);
  CHECK(rec.call(hours, "/v1/businesses/nope/schedule") == 404);

  const std::string customers = "/v1/businesses/{id}/customers";
  CHECK(rec.call(customers, "/v1/businesses/biz_a/customers?limit=5", owner("usr_a")) == 200);
  CHECK(rec.call(customers, "/v1/businesses/biz_a/customers?cursor=x", owner("usr_a")) == 400);
  CHECK(rec.call(customers, "/v1/businesses/biz_a/customers") == 401);
  CHECK(rec.call(customers, "/v1/businesses/biz_a/customers", owner("usr_b")) == 403);
  CHECK(rec.call(bookings, "/v1/businesses/biz_a/bookings?customer=ann0@example.com",
                 owner("usr_a")) == 200);
  CHECK(rec.call(bookings, "/v1/businesses/biz_a/bookings?customer=ann0", owner("usr_a")) == 400);

  const std::string services = "/v1/businesses/{id}/services";
  CHECK(rec.call(services, "/v1/businesses/biz_a/services", owner("usr_a")) == 200);
  CHECK(rec.call(services, "/v1/businesses/biz_a/services") == 401);
  CHECK(rec.call(services, "/v1/businesses/biz_a/services", owner("usr_b")) == 403);
  CHECK(rec.call(services, "/v1/businesses/biz_nope/services", owner("usr_a")) == 404);

  const std::string mine = "/v1/me/businesses";
  CHECK(rec.call(mine, "/v1/me/businesses", owner("usr_a")) == 200);
  CHECK(rec.call(mine, "/v1/me/businesses") == 401);

  // The projector stops: a position it has not reached is a 503 with a body.
  projector->stop();
  v1::BusinessProfileUpdated update;
  update.set_business_id("biz_a");
  update.mutable_profile()->set_name("Renamed");
  update.set_time_zone("Europe/London");
  const std::uint64_t later =
      append<domain::BusinessEvent>("business", "biz_a", {domain::BusinessEvent{update}});
  CHECK(rec.call(biz, "/v1/businesses/studio-a",
                 {{"SlotWise-Min-Position", std::to_string(later)}}) == 503);

  CHECK(rec.count() >= 30);
  const auto report = rec.check();
  CAPTURE(report.text);
  CHECK(report.exit_status == 0);
}

}  // namespace slotwise::testing
