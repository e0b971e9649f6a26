// The query API's endpoints over real read models: public profile and
// availability with ETags, booking access by manage token or owner JWT,
// tenant isolation, keyset pagination, stats, the calendar feed, parameter
// validation, and the read-only database role.
#include <doctest/doctest.h>

#include "auth/base64url.h"
#include "tests/query-api/query_scenario.h"

namespace slotwise::testing {

TEST_CASE_FIXTURE(QueryFixture, "query API endpoints") {
  const Scenario s = build_scenario(*this);

  {
    INFO("public business profile by slug or id, with ETag and 304");
    auto r = get("/v1/businesses/studio-a");
    REQUIRE(r);
    CHECK(r->status == 200);
    auto d = json(r);
    CHECK(std::string(d["id"].GetString()) == "biz_a");
    CHECK(d["services"].Size() == 1);  // the retired one is not offered
    CHECK(std::string(d["services"][0]["id"].GetString()) == "svc_cut");
    CHECK(r->get_header_value("Cache-Control").find("public") != std::string::npos);
    // A browser's copy must not answer a read-your-writes request.
    CHECK(r->get_header_value("Vary") == "SlotWise-Min-Position");
    const std::string etag = r->get_header_value("ETag");
    REQUIRE_FALSE(etag.empty());
    auto by_id = get("/v1/businesses/biz_a");
    CHECK(by_id->body == r->body);
    auto cached = get("/v1/businesses/studio-a", {{"If-None-Match", etag}});
    CHECK(cached->status == 304);
    CHECK(cached->body.empty());
    auto stale = get("/v1/businesses/studio-a", {{"If-None-Match", "\"nope\""}});
    CHECK(stale->status == 200);
    auto missing = get("/v1/businesses/nope");
    CHECK(missing->status == 404);
    CHECK(error_code(missing) == "not_found");
  }

  {
    INFO("availability lists free slots and validates its parameters");
    auto r = get(
        "/v1/businesses/studio-a/availability?service_id=svc_cut&from=2026-05-26&to=2026-05-27");
    REQUIRE(r);
    CHECK(r->status == 200);
    auto d = json(r);
    REQUIRE(d["days"].Size() == 2);
    CHECK(std::string(d["days"][0]["date"].GetString()) == "2026-05-26");
    // 09:00-17:00 on a 30-minute grid, 60-minute service: 15 starts; 8 booked
    // hours (one cancelled, freeing 10:00) block 09:00..16:00 except around 10:00.
    std::vector<std::string> tuesday;
    for (const auto& v : d["days"][0]["slots"].GetArray()) tuesday.emplace_back(v.GetString());
    CHECK(tuesday == std::vector<std::string>{"2026-05-26T10:00:00+01:00"});
    CHECK(std::string(d["time_zone"].GetString()) == "Europe/London");
    auto utc =
        json(get("/v1/businesses/biz_a/"
                 "availability?service_id=svc_cut&from=2026-05-26&to=2026-05-26&tz=UTC"));
    CHECK(std::string(utc["days"][0]["slots"][0].GetString()) == "2026-05-26T09:00:00Z");
    auto etag = r->get_header_value("ETag");
    CHECK(
        get("/v1/businesses/studio-a/availability?service_id=svc_cut&from=2026-05-26&to=2026-05-27",
            {{"If-None-Match", etag}})
            ->status == 304);

    const std::string svc = "/v1/businesses/studio-a/availability?service_id=svc_cut";
    const std::vector<std::string> bad = {
        "/v1/businesses/studio-a/availability?from=2026-05-26&to=2026-05-27",
        svc + "&from=2026-5-26&to=2026-05-27",
        svc + "&from=2026-05-27&to=2026-05-26",
        svc + "&from=2026-05-01&to=2026-07-02",
        svc + "&from=2026-05-26&to=2026-05-27&tz=Mars/Base",
    };
    for (const std::string& path : bad) {
      CAPTURE(path);
      auto b = get(path);
      CHECK(b->status == 400);
      CHECK(error_code(b) == "invalid_request");
    }
    // 62 days is the most allowed.
    CHECK(
        get("/v1/businesses/studio-a/availability?service_id=svc_cut&from=2026-05-01&to=2026-07-01")
            ->status == 200);
    CHECK(get("/v1/businesses/studio-a/"
              "availability?service_id=svc_nope&from=2026-05-26&to=2026-05-27")
              ->status == 404);
    // A retired service has no slots.
    auto old = json(get(
        "/v1/businesses/studio-a/availability?service_id=svc_old&from=2026-05-26&to=2026-05-26"));
    CHECK(old["days"][0]["slots"].Size() == 0);
  }

  {
    INFO("a booking is visible with its manage token or to its owner only");
    const std::string path = "/v1/bookings/bkg_100";
    CHECK(get(path)->status == 401);
    auto by_query = get(path + "?manage_token=" + s.token.token);
    REQUIRE(by_query->status == 200);
    auto d = json(by_query);
    CHECK(std::string(d["status"].GetString()) == "confirmed");
    CHECK(std::string(d["start"].GetString()) == "2026-05-26T09:00:00+01:00");
    // The terms it was booked under, for the customer to see.
    REQUIRE(d["cancellation_terms"].IsObject());
    CHECK(d["cancellation_terms"]["free_cancellation_cutoff_minutes"].GetInt() == 1440);
    CHECK(d["cancellation_terms"]["late_cancellation_refund_percent"].GetInt() == 50);
    CHECK(json(get_as("usr_a", "/v1/bookings/bkg_102"))["cancellation_terms"].IsNull());
    CHECK(d["history"].Size() == 2);
    CHECK(std::string(d["history"][0]["type"].GetString()) == "BookingTentativelyCreated");
    CHECK_FALSE(d["history"][0]["detail"].HasMember("manage_token_sha256"));
    CHECK_FALSE(d["history"][0]["detail"].HasMember("idempotency_key"));
    // Details in the API's conventions (query-api/history_detail.h), not
    // protobuf's JSON mapping: numbers as numbers, enums by short name.
    CHECK(d["history"][0]["detail"]["price"]["amount_minor"].IsInt64());
    CHECK(std::string(d["history"][0]["detail"]["created_by"]["kind"].GetString()) ==
          d["history"][0]["actor"]["kind"].GetString());
    CHECK(by_query->get_header_value("Cache-Control").find("no-store") != std::string::npos);
    CHECK(get(path, {{"X-Manage-Token", s.token.token}})->status == 200);
    CHECK(get("/v1/bookings/bkg_101?manage_token=" + s.token.token)->status == 404);
    CHECK(get(path + "?manage_token=" + std::string(43, 'A'))->status == 404);
    CHECK(get_as("usr_a", path)->status == 200);
    CHECK(get_as("usr_b", path)->status == 404);  // another tenant sees nothing
    CHECK(get(path, {{"Authorization", "Bearer not.a.jwt"}})->status == 401);
    CHECK(get_as("usr_a", "/v1/bookings/bkg_nope")->status == 404);
  }

  {
    INFO("owners page through their bookings with a cursor");
    const std::string base = "/v1/businesses/biz_a/bookings?from=2026-05-26&to=2026-05-27&limit=5";
    CHECK(get(base)->status == 401);
    auto other = get_as("usr_b", base);
    CHECK(other->status == 403);
    CHECK(error_code(other) == "forbidden");
    // Every page of `first` (following next_cursor): the ids in order.
    const auto all_pages = [&](const std::string& first) {
      std::vector<std::string> out;
      std::string cursor;
      for (int page = 0; page < 20; ++page) {
        std::string path = first;
        if (!cursor.empty()) path += "&cursor=" + cursor;
        auto r = get_as("usr_a", path);
        REQUIRE(r->status == 200);
        auto d = json(r);
        for (const auto& item : d["items"].GetArray()) out.emplace_back(item["id"].GetString());
        if (d["next_cursor"].IsNull()) break;
        cursor = d["next_cursor"].GetString();
      }
      return out;
    };
    const std::vector<std::string> ids = all_pages(base);
    CHECK(ids.size() == 12);
    CHECK(ids.front() == "bkg_100");
    auto cancelled_only = json(get_as("usr_a", "/v1/businesses/biz_a/bookings?status=cancelled"));
    REQUIRE(cancelled_only["items"].Size() == 1);
    CHECK(std::string(cancelled_only["items"][0]["id"].GetString()) == "bkg_101");
    // Status pages are read per status and merged: several statuses (one
    // listed twice) paged 5 at a time give the unfiltered list, in order,
    // each booking once; one status paged 1 at a time ends after its one.
    CHECK(all_pages(base + "&status=confirmed,cancelled,confirmed") == ids);
    CHECK(all_pages(base + "&status=cancelled,confirmed") == ids);
    std::vector<std::string> confirmed = ids;
    std::erase(confirmed, "bkg_101");
    CHECK(all_pages(base + "&status=confirmed") == confirmed);
    CHECK(all_pages("/v1/businesses/biz_a/bookings?status=cancelled&limit=1") ==
          std::vector<std::string>{"bkg_101"});
    CHECK(all_pages(base + "&status=tentative,no_show").empty());
    // The command side's name for a running payment hold reads the same rows.
    CHECK(all_pages(base + "&status=pending_payment").empty());
    CHECK(all_pages(base + "&status=pending_payment,cancelled") ==
          std::vector<std::string>{"bkg_101"});
    CHECK(get_as("usr_a", "/v1/businesses/biz_a/bookings?status=lost")->status == 400);
    CHECK(get_as("usr_a", "/v1/businesses/biz_a/bookings?cursor=%%%")->status == 400);
    // Cursors that decode but were not ours: a start beyond year 9999, an
    // id that is not UTF-8 text (PostgreSQL would refuse both: no 500).
    for (const std::string& raw :
         {std::string("9223372036854775807|bkg_101"), std::string("1790000000|bkg_\xFF")}) {
      CAPTURE(raw);
      auto r = get_as(
          "usr_a", "/v1/businesses/biz_a/bookings?cursor=" + slotwise::auth::base64url_encode(raw));
      CHECK(r->status == 400);
      CHECK(error_code(r) == "invalid_request");
    }
    // Bytes that are not UTF-8 in a path or a parameter: 400, not 500.
    for (const std::string& path :
         {std::string("/v1/businesses/%FF"),
          std::string("/v1/businesses/studio-a/availability?service_id=%FF&from=2026-05-26"
                      "&to=2026-05-27"),
          std::string("/v1/bookings/bkg_%C3?manage_token=x")}) {
      CAPTURE(path);
      auto r = get(path);
      CHECK(r->status == 400);
      CHECK(error_code(r) == "invalid_request");
    }
    CHECK(get_as("usr_a", "/v1/businesses/biz_a/bookings?from=yesterday")->status == 400);
  }

  {
    INFO("owners read daily stats");
    auto r = get_as("usr_a", "/v1/businesses/biz_a/stats?from=2026-05-26&to=2026-05-31");
    REQUIRE(r->status == 200);
    auto d = json(r);
    CHECK(d["totals"]["total"].GetInt() == 12);
    CHECK(d["totals"]["cancelled"].GetInt() == 1);
    CHECK(d["totals"]["confirmed"].GetInt() == 11);
    CHECK(d["totals"]["revenue_minor"].GetInt64() == 11 * 4500);
    CHECK(get_as("usr_b", "/v1/businesses/biz_a/stats?from=2026-05-26&to=2026-05-31")->status ==
          403);
    CHECK(get_as("usr_a", "/v1/businesses/biz_a/stats?from=2026-05-26")->status == 400);
  }

  {
    INFO("the calendar feed is RFC 5545 behind its token");
    auto feed = get_as("usr_a", "/v1/businesses/biz_a/calendar-feed");
    REQUIRE(feed->status == 200);
    auto d = json(feed);
    const std::string token = d["token"].GetString();
    CHECK(std::string(d["url"].GetString()) == "/v1/businesses/biz_a/calendar.ics?token=" + token);
    CHECK(get_as("usr_b", "/v1/businesses/biz_a/calendar-feed")->status == 403);
    auto ics = get("/v1/businesses/biz_a/calendar.ics?token=" + token);
    REQUIRE(ics->status == 200);
    CHECK(ics->get_header_value("Content-Type").find("text/calendar") == 0);
    const std::string& body = ics->body;
    CHECK(body.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"));
    CHECK(body.find("UID:bkg_100@slotwise\r\n") != std::string::npos);
    CHECK(body.find("DTSTART:20260526T080000Z\r\n") != std::string::npos);
    CHECK(body.find("STATUS:CANCELLED\r\n") != std::string::npos);
    // Every line ends in CRLF and is at most 75 octets.
    std::size_t at = 0;
    while (at < body.size()) {
      const std::size_t end = body.find("\r\n", at);
      REQUIRE(end != std::string::npos);
      CHECK(end - at <= 75);
      at = end + 2;
    }
    CHECK(get("/v1/businesses/biz_a/calendar.ics?token=wrong")->status == 404);
    // More bookings than the feed holds: the upcoming ones come first, then
    // the latest past ones (bkg_100..107 on Tuesday 08:00Z-15:00Z,
    // bkg_108..111 on Wednesday 08:00Z-11:00Z; "now" is Wednesday 00:00Z).
    const domain::Instant wednesday{std::chrono::seconds{kMonday + 2LL * 86400}};
    const auto feed_ids = [&](int limit) {
      auto rows = read_store.feed("biz_a", wednesday - std::chrono::days{90}, wednesday, limit);
      REQUIRE(rows.ok());
      std::vector<std::string> ids;
      for (const auto& r : rows.value()) ids.push_back(r.booking_id);
      return ids;
    };
    CHECK(feed_ids(3) == std::vector<std::string>{"bkg_108", "bkg_109", "bkg_110"});
    CHECK(feed_ids(6) == std::vector<std::string>{"bkg_106", "bkg_107", "bkg_108", "bkg_109",
                                                  "bkg_110", "bkg_111"});
    CHECK(feed_ids(5000).size() == 12);
    CHECK(get("/v1/businesses/biz_b/calendar.ics?token=" + token)->status == 404);
  }

  {
    INFO("owners are remembered, unknown businesses are not: one created later is found");
    CHECK(get_as("usr_c", "/v1/businesses/biz_c/bookings")->status == 404);
    CHECK(get_as("usr_c", "/v1/businesses/later-c/bookings")->status == 404);
    append<domain::BusinessEvent>(
        "business", "biz_c",
        {business_created("biz_c", "later-c", "usr_c", "UTC", policy(30, 0, 30, 0))});
    sync();
    CHECK(get_as("usr_c", "/v1/businesses/biz_c/bookings")->status == 200);
    CHECK(get_as("usr_c", "/v1/businesses/later-c/bookings")->status == 200);
    // Remembered now, and still only for its owner.
    CHECK(get_as("usr_a", "/v1/businesses/biz_c/bookings")->status == 403);
    CHECK(get_as("usr_a", "/v1/businesses/later-c/bookings")->status == 403);
    CHECK(get_as("usr_c", "/v1/businesses/biz_a/bookings")->status == 403);
  }

  {
    INFO("the query role can read but not write");
    pqxx::connection c(query::with_user(db, "slotwise_query"));
    pqxx::work tx(c);
    CHECK(tx.exec1("SELECT count(*) FROM businesses")[0].as<int>() == 3);
    CHECK_THROWS_AS(tx.exec0("DELETE FROM bookings"), pqxx::insufficient_privilege);
  }
}

}  // namespace slotwise::testing
