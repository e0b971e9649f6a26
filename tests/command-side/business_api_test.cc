// Business setup over HTTP: creation with slug rules and races, PATCH of
// profile and policy, services, weekly hours and date overrides.
#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <thread>
#include <vector>

#include "command-side/business_commands.h"
#include "command-side/handler_support.h"
#include "domain/event_conversion.h"
#include "tests/command-side/command_fixture.h"

using slotwise::testing::ApiClient;
using slotwise::testing::bearer;
using slotwise::testing::CommandFixture;

namespace {
std::string business_body(const std::string& slug, const std::string& extra = "") {
  return R"({"slug":")" + slug +
         R"(","name":"Studio","time_zone":"Europe/London","currency":"GBP")" + extra + "}";
}
}  // namespace

TEST_CASE_FIXTURE(CommandFixture, "creating a business answers 201 with its id and position") {
  auto [user, token] = signup("owner@example.com");
  auto r = api->post("/v1/businesses", business_body("studio-one"), bearer(token));
  REQUIRE(r.status == 201);
  CHECK(r.str("business_id").rfind("biz_", 0) == 0);
  CHECK(r.str("slug") == "studio-one");
  CHECK(std::stoull(r.position_header) == last_sequence());
}

TEST_CASE_FIXTURE(CommandFixture, "slugs are validated, reserved words refused, taken ones 409") {
  auto [user, token] = signup("owner@example.com");
  const auto before = last_sequence();
  for (const char* bad : {"ab", "Has-Upper", "under_score", "-lead", "x!y"}) {
    CAPTURE(bad);
    auto r = api->post("/v1/businesses", business_body(bad), bearer(token));
    CHECK(r.status == 422);
    CHECK(r.error_code() == "validation_failed");
  }
  auto reserved = api->post("/v1/businesses", business_body("admin"), bearer(token));
  CHECK(reserved.status == 422);
  CHECK(reserved.error_code() == "slug_reserved");
  auto zone = api->post("/v1/businesses",
                        R"({"slug":"ok-slug","name":"S","time_zone":"Mars/Base","currency":"GBP"})",
                        bearer(token));
  CHECK(zone.error_code() == "unknown_time_zone");
  auto cur = api->post("/v1/businesses",
                       R"({"slug":"ok-slug","name":"S","time_zone":"UTC","currency":"XXQ"})",
                       bearer(token));
  CHECK(cur.error_code() == "unknown_currency");
  CHECK(last_sequence() == before);  // nothing claimed by refused requests

  CHECK(api->post("/v1/businesses", business_body("taken-slug"), bearer(token)).status == 201);
  auto again = api->post("/v1/businesses", business_body("taken-slug"), bearer(token));
  CHECK(again.status == 409);
  CHECK(again.error_code() == "slug_taken");
}

TEST_CASE_FIXTURE(CommandFixture, "of 16 concurrent creates with one slug exactly one wins") {
  auto [user, token] = signup("owner@example.com");
  std::atomic<int> created{0};
  std::atomic<int> taken{0};
  std::vector<std::thread> threads;
  threads.reserve(64);
  for (int i = 0; i < 16; ++i) {
    threads.emplace_back([&, t = token] {
      ApiClient client(port);
      auto r = client.post("/v1/businesses", business_body("contested"), bearer(t));
      if (r.status == 201) ++created;
      if (r.status == 409 && r.error_code() == "slug_taken") ++taken;
    });
  }
  for (auto& t : threads) t.join();
  CHECK(created == 1);
  CHECK(taken == 15);
}

TEST_CASE_FIXTURE(CommandFixture,
                  "a create retried with its Idempotency-Key finishes one business") {
  auto [user, token] = signup("owner@example.com");
  auto headers = bearer(token);
  headers.emplace("Idempotency-Key", "create-1");
  auto first = api->post("/v1/businesses", business_body("retry-me"), headers);
  auto second = api->post("/v1/businesses", business_body("retry-me"), headers);
  REQUIRE(first.status == 201);
  CHECK(second.status == 201);
  CHECK(first.str("business_id") == second.str("business_id"));
}

TEST_CASE_FIXTURE(CommandFixture,
                  "an Idempotency-Key reused with another slug is refused and leaves that slug "
                  "free") {
  auto [user, token] = signup("owner@example.com");
  auto [other_user, other_token] = signup("other@example.com");
  (void)other_user;
  auto keyed = bearer(token);
  keyed.emplace("Idempotency-Key", "create-1");
  REQUIRE(api->post("/v1/businesses", business_body("first-slug"), keyed).status == 201);
  const auto before = last_sequence();
  for (const char* slug : {"second-slug", "third-slug"}) {
    CAPTURE(slug);
    auto reused = api->post("/v1/businesses", business_body(slug), keyed);
    CHECK(reused.status == 409);
    CHECK(reused.error_code() == "invalid_state");
  }
  CHECK(last_sequence() == before);  // nothing claimed
  // The slugs are free: for the same owner without the key, and for others.
  auto mine = api->post("/v1/businesses", business_body("second-slug"), bearer(token));
  CHECK_MESSAGE(mine.status == 201, mine.body);
  auto theirs = api->post("/v1/businesses", business_body("third-slug"), bearer(other_token));
  CHECK_MESSAGE(theirs.status == 201, theirs.body);
}

TEST_CASE_FIXTURE(CommandFixture,
                  "a slug claimed for a keyed business made with another slug is given back") {
  auto [user, token] = signup("owner@example.com");
  auto [other_user, other_token] = signup("other@example.com");
  (void)other_user;
  auto keyed = bearer(token);
  keyed.emplace("Idempotency-Key", "create-1");
  REQUIRE(api->post("/v1/businesses", business_body("kept-slug"), keyed).status == 201);
  // What the losing request of two sent at once with this key and another
  // slug leaves (both claimed before either business existed): its slug
  // claimed for the business that got the first slug.
  const std::string id = slotwise::command::new_business_id(user, "", "create-1");
  auto claimed = server->context().slugs().execute(
      "orphan-slug",
      [&](const slotwise::domain::SlugClaimState& s) {
        return slotwise::domain::decide(s, slotwise::domain::ClaimSlug{"orphan-slug", id});
      },
      slotwise::command::new_commit_id(), {});
  REQUIRE(claimed.ok());
  CHECK(
      api->post("/v1/businesses", business_body("orphan-slug"), bearer(other_token)).error_code() ==
      "slug_taken");
  // The key sent again with that slug is refused as before, and gives the
  // slug back; the business keeps its own slug.
  auto reused = api->post("/v1/businesses", business_body("orphan-slug"), keyed);
  CHECK(reused.status == 409);
  CHECK(reused.error_code() == "invalid_state");
  auto theirs = api->post("/v1/businesses", business_body("orphan-slug"), bearer(other_token));
  CHECK_MESSAGE(theirs.status == 201, theirs.body);
  CHECK(server->context().slugs().load("kept-slug").value().first.business_id == id);
}

TEST_CASE_FIXTURE(CommandFixture,
                  "of creates sent at once with one key and different slugs, only the winner's "
                  "slug stays taken") {
  auto [user, token] = signup("owner@example.com");
  auto [other_user, other_token] = signup("other@example.com");
  (void)other_user;
  for (int round = 0; round < 8; ++round) {
    CAPTURE(round);
    const std::string key = "race-" + std::to_string(round);
    const std::vector<std::string> slugs{"race-" + std::to_string(round) + "-a",
                                         "race-" + std::to_string(round) + "-b",
                                         "race-" + std::to_string(round) + "-c"};
    std::vector<int> status(slugs.size(), 0);
    std::vector<std::thread> threads;
    threads.reserve(slugs.size());
    for (std::size_t i = 0; i < slugs.size(); ++i) {
      threads.emplace_back([&, i, t = token] {
        ApiClient client(port);
        auto headers = bearer(t);
        headers.emplace("Idempotency-Key", key);
        status[i] = client.post("/v1/businesses", business_body(slugs[i]), headers).status;
      });
    }
    for (auto& t : threads) t.join();
    CHECK(std::count(status.begin(), status.end(), 201) == 1);
    // Every other slug is free for another owner.
    for (std::size_t i = 0; i < slugs.size(); ++i) {
      if (status[i] == 201) continue;
      CAPTURE(slugs[i]);
      CHECK(status[i] == 409);
      auto theirs = api->post("/v1/businesses", business_body(slugs[i]), bearer(other_token));
      CHECK_MESSAGE(theirs.status == 201, theirs.body);
    }
  }
}

TEST_CASE_FIXTURE(CommandFixture,
                  "a create without a key that failed after claiming its slug finishes when sent "
                  "again") {
  auto [user, token] = signup("owner@example.com");
  auto [other_user, other_token] = signup("other@example.com");
  (void)other_user;
  // What a create that died between its two appends leaves: the slug
  // claimed for the business id it derived, and no business.
  const std::string id = slotwise::command::new_business_id(user, "half-made", "");
  auto claimed = server->context().slugs().execute(
      "half-made",
      [&](const slotwise::domain::SlugClaimState& s) {
        return slotwise::domain::decide(s, slotwise::domain::ClaimSlug{"half-made", id});
      },
      slotwise::command::new_commit_id(), {});
  REQUIRE(claimed.ok());
  // Another owner cannot have it.
  auto theirs = api->post("/v1/businesses", business_body("half-made"), bearer(other_token));
  CHECK(theirs.status == 409);
  CHECK(theirs.error_code() == "slug_taken");
  // The owner sending the create again gets the business.
  auto again = api->post("/v1/businesses", business_body("half-made"), bearer(token));
  REQUIRE_MESSAGE(again.status == 201, again.body);
  CHECK(again.str("business_id") == id);
  CHECK(server->context().businesses().load(id).value().first.slug == "half-made");
  // Once made, sending it again is 409, as for anyone else.
  const auto before = last_sequence();
  auto twice = api->post("/v1/businesses", business_body("half-made"), bearer(token));
  CHECK(twice.status == 409);
  CHECK(twice.error_code() == "slug_taken");
  CHECK(last_sequence() == before);
}

TEST_CASE_FIXTURE(CommandFixture, "PATCH merges profile and policy fields and validates them") {
  auto [user, token] = signup("owner@example.com");
  auto b = api->post("/v1/businesses", business_body("patch-me"), bearer(token));
  const std::string path = "/v1/businesses/" + b.str("business_id");
  auto ok =
      api->send("PATCH", path, R"({"description":"Cuts","policy":{"min_notice_minutes":120}})",
                bearer(token));
  CHECK(ok.status == 200);
  CHECK(std::stoull(ok.position_header) == last_sequence());
  auto loaded = server->context().businesses().load(b.str("business_id"));
  REQUIRE(loaded.ok());
  CHECK(loaded->first.profile.description == "Cuts");
  CHECK(loaded->first.profile.name == "Studio");  // untouched
  CHECK(loaded->first.policy.booking.min_notice_minutes == 120);
  CHECK(loaded->first.policy.booking.slot_interval_minutes == 15);  // default kept

  auto bad = api->send("PATCH", path, R"({"policy":{"slot_interval_minutes":0}})", bearer(token));
  CHECK(bad.status == 422);
  auto typo = api->send("PATCH", path, R"({"polcy":{}})", bearer(token));
  CHECK(typo.status == 400);
  auto missing =
      api->send("PATCH", "/v1/businesses/biz_0000000000000000000000", "{}", bearer(token));
  CHECK(missing.status == 404);
}

TEST_CASE_FIXTURE(CommandFixture, "services are defined, updated and retired") {
  auto [user, token] = signup("owner@example.com");
  auto b = api->post("/v1/businesses", business_body("svc-biz"), bearer(token));
  const std::string base = "/v1/businesses/" + b.str("business_id") + "/services";
  auto s = api->post(base,
                     R"({"name":"Cut","duration_minutes":45,"price_minor":2500,)"
                     R"("payment_mode":"deposit","deposit_minor":500,"buffer_after_minutes":10})",
                     bearer(token));
  REQUIRE(s.status == 201);
  const std::string sid = s.str("service_id");
  CHECK(sid.rfind("svc_", 0) == 0);
  CHECK(api->send("PATCH", base + "/" + sid, R"({"duration_minutes":60})", bearer(token)).status ==
        200);
  auto state = server->context().businesses().load(b.str("business_id")).value().first;
  CHECK(state.services.at(sid).definition.timing.duration_minutes == 60);
  CHECK(state.services.at(sid).definition.price.currency == "GBP");

  CHECK(api->post(base, R"({"name":"X","duration_minutes":4,"price_minor":0})", bearer(token))
            .status == 422);
  CHECK(api->post(base, R"({"name":"X","duration_minutes":30})", bearer(token)).status == 400);
  CHECK(api->post(base, R"({"name":"X","duration_minutes":30,"price_minor":-1})", bearer(token))
            .status == 400);
  CHECK(api->post(base,
                  R"({"name":"X","duration_minutes":30,"price_minor":1,"payment_mode":"card"})",
                  bearer(token))
            .status == 400);

  CHECK(api->send("DELETE", base + "/" + sid, "", bearer(token)).status == 200);
  auto retired = server->context().businesses().load(b.str("business_id")).value().first;
  CHECK_FALSE(retired.services.at(sid).active);
  auto update_retired = api->send("PATCH", base + "/" + sid, R"({"name":"New"})", bearer(token));
  CHECK(update_retired.status == 422);
  CHECK(update_retired.error_code() == "service_retired");
  CHECK(api->send("DELETE", base + "/svc_0000000000000000000000", "", bearer(token)).status == 404);
}

TEST_CASE_FIXTURE(CommandFixture,
                  "PATCH with active true restores a retired service, changes and all, in one "
                  "commit, and it is bookable again") {
  auto [user, token] = signup("owner@example.com");
  const auto ids = business_with_hours(token, "restore-biz");
  const std::string biz = ids.first;
  const std::string sid = ids.second;
  const std::string path = "/v1/businesses/" + biz + "/services/" + sid;
  const std::string book = "/v1/businesses/" + biz + "/bookings";
  auto booking = [&](int hour) {
    return R"({"service_id":")" + sid + R"(","start":")" + slot(2, hour) +
           R"(","customer":{"name":"Ann","email":"ann@example.com"}})";
  };
  REQUIRE(api->send("DELETE", path, "", bearer(token)).status == 200);
  CHECK(api->post(book, booking(10)).error_code() == "service_retired");

  // Changing it without restoring it is still refused, and says how.
  auto update = api->send("PATCH", path, R"({"name":"Trim"})", bearer(token));
  CHECK(update.status == 422);
  CHECK(update.error_code() == "service_retired");
  CHECK(std::string(update.json["error"]["message"].GetString()).find("\"active\": true") !=
        std::string::npos);
  CHECK(api->send("PATCH", path, R"({"active":"yes"})", bearer(token)).status == 400);
  const std::uint64_t before = last_sequence();
  CHECK(api->send("PATCH", path, R"({"active":false})", bearer(token)).status == 200);
  CHECK(last_sequence() == before);  // retiring a retired service changes nothing

  auto restored =
      api->send("PATCH", path, R"({"active":true,"duration_minutes":30})", bearer(token));
  REQUIRE(restored.status == 200);
  CHECK(std::stoull(restored.position_header) == last_sequence());
  auto commits = reader->read(slotwise::events::AggregateRef{"business", biz});
  REQUIRE(commits);
  const auto& last = commits.value().back().commit;
  REQUIRE(last.events_size() == 2);
  CHECK(slotwise::domain::type_name_of(last.events(0).payload()) ==
        "slotwise.events.v1.ServiceRestored");
  CHECK(slotwise::domain::type_name_of(last.events(1).payload()) ==
        "slotwise.events.v1.ServiceUpdated");
  auto state = server->context().businesses().load(biz).value().first;
  CHECK(state.services.at(sid).active);
  CHECK(state.services.at(sid).definition.timing.duration_minutes == 30);

  CHECK(api->post(book, booking(10)).status == 201);
  // Restoring an active service is a no-op; active false retires it again.
  const std::uint64_t after = last_sequence();
  CHECK(api->send("PATCH", path, R"({"active":true})", bearer(token)).status == 200);
  CHECK(last_sequence() == after);
  CHECK(api->send("PATCH", path, R"({"active":false})", bearer(token)).status == 200);
  CHECK_FALSE(server->context().businesses().load(biz).value().first.services.at(sid).active);
  CHECK(api->post(book, booking(12)).error_code() == "service_retired");
}

TEST_CASE_FIXTURE(CommandFixture,
                  "each calendar feed reset moves the business to a new generation") {
  auto [user, token] = signup("owner@example.com");
  auto b = api->post("/v1/businesses", business_body("feed-biz"), bearer(token));
  const std::string id = b.str("business_id");
  const std::string path = "/v1/businesses/" + id + "/calendar-feed/reset";
  auto first = api->post(path, "", bearer(token));
  REQUIRE(first.status == 200);
  CHECK(std::stoull(first.position_header) == last_sequence());
  CHECK(server->context().businesses().load(id).value().first.feed_generation == 1);
  auto second = api->post(path, "", bearer(token));
  REQUIRE(second.status == 200);
  CHECK(std::stoull(second.position_header) > std::stoull(first.position_header));
  CHECK(server->context().businesses().load(id).value().first.feed_generation == 2);
  CHECK(
      api->post("/v1/businesses/biz_0000000000000000000000/calendar-feed/reset", "", bearer(token))
          .status == 404);
}

TEST_CASE_FIXTURE(CommandFixture, "weekly hours and date overrides are set and cleared") {
  auto [user, token] = signup("owner@example.com");
  auto b = api->post("/v1/businesses", business_body("hours-biz"), bearer(token));
  const std::string base = "/v1/businesses/" + b.str("business_id");
  auto h = api->send(
      "PUT", base + "/schedule",
      R"({"days":{"monday":[{"start":"09:00","end":"12:00"},{"start":"13:00","end":"24:00"}]}})",
      bearer(token));
  CHECK(h.status == 200);
  auto cal = server->context().calendars().load(b.str("business_id")).value().first;
  CHECK(cal.time_zone == "Europe/London");
  CHECK(cal.schedule.days[0].size() == 2);
  CHECK(cal.schedule.days[0][1].end_minute == 1440);

  const auto before = last_sequence();
  CHECK(api->send("PUT", base + "/schedule",
                  R"({"days":{"monday":[{"start":"12:00","end":"09:00"}]}})", bearer(token))
            .status == 422);
  CHECK(api->send("PUT", base + "/schedule",
                  R"({"days":{"monday":[{"start":"9:00","end":"12:00"}]}})", bearer(token))
            .status == 400);
  CHECK(api->send("PUT", base + "/schedule", R"({"days":{"funday":[]}})", bearer(token)).status ==
        400);
  CHECK(api->send("PUT", base + "/overrides/2026-02-30", R"({"closed":true})", bearer(token))
            .status == 400);
  CHECK(
      api->send("PUT", base + "/overrides/tomorrow", R"({"closed":true})", bearer(token)).status ==
      400);
  CHECK(api->send("PUT", base + "/overrides/2027-01-04",
                  R"({"closed":true,"intervals":[{"start":"09:00","end":"10:00"}]})", bearer(token))
            .status == 422);
  CHECK(last_sequence() == before);

  CHECK(api->send("PUT", base + "/overrides/2027-01-04",
                  R"({"intervals":[{"start":"10:00","end":"11:00"}]})", bearer(token))
            .status == 200);
  CHECK(api->send("PUT", base + "/overrides/2027-01-05", R"({"closed":true})", bearer(token))
            .status == 200);
  cal = server->context().calendars().load(b.str("business_id")).value().first;
  CHECK(cal.overrides.size() == 2);
  CHECK(api->send("DELETE", base + "/overrides/2027-01-05", "", bearer(token)).status == 200);
  cal = server->context().calendars().load(b.str("business_id")).value().first;
  CHECK(cal.overrides.size() == 1);
}

TEST_CASE_FIXTURE(CommandFixture, "changing the business's zone moves the opening hours with it") {
  auto [user, token] = signup("owner@example.com");
  auto b = api->post("/v1/businesses", business_body("zone-biz"), bearer(token));
  const std::string base = "/v1/businesses/" + b.str("business_id");
  REQUIRE(api->send("PUT", base + "/schedule",
                    R"({"days":{"monday":[{"start":"09:00","end":"17:00"}]}})", bearer(token))
              .status == 200);
  auto r = api->send("PATCH", base, R"({"time_zone":"America/New_York"})", bearer(token));
  CHECK(r.status == 200);
  auto cal = server->context().calendars().load(b.str("business_id")).value().first;
  CHECK(cal.time_zone == "America/New_York");
  CHECK(cal.schedule.days[0].size() == 1);
}

TEST_CASE_FIXTURE(CommandFixture,
                  "a zone change whose calendar commit failed is finished by a retry") {
  auto [user, token] = signup("owner@example.com");
  auto b = api->post("/v1/businesses", business_body("zone-retry"), bearer(token));
  const std::string id = b.str("business_id");
  const std::string base = "/v1/businesses/" + id;
  REQUIRE(api->send("PUT", base + "/schedule",
                    R"({"days":{"monday":[{"start":"09:00","end":"17:00"}]}})", bearer(token))
              .status == 200);
  // What a PATCH that failed between its two commits leaves: the business
  // in the new zone, its calendar in the old one.
  auto& ctx = server->context();
  const std::string owner = user;
  auto moved = ctx.businesses().execute(
      id,
      [&](const slotwise::domain::BusinessState& s) {
        return slotwise::domain::decide(
            s, slotwise::domain::BusinessCommand{
                   slotwise::domain::UpdateProfile{id, owner, s.profile, "Asia/Tokyo"}});
      },
      slotwise::command::new_commit_id(), {});
  REQUIRE(moved.ok());
  REQUIRE(ctx.calendars().load(id).value().first.time_zone == "Europe/London");
  // The owner sends the PATCH again: the business has the zone already,
  // and the hours move now.
  auto r = api->send("PATCH", base, R"({"time_zone":"Asia/Tokyo"})", bearer(token));
  CHECK(r.status == 200);
  auto cal = ctx.calendars().load(id).value().first;
  CHECK(cal.time_zone == "Asia/Tokyo");
  CHECK(cal.schedule.days[0].size() == 1);
}
