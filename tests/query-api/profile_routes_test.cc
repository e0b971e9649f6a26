// The profile routes (query-api/profile_routes.cc): an owner's own
// businesses, a business's opening hours in the shape the schedule PUT
// takes, its customers paged by name, the bookings of one customer, and
// every service of a business for its owner, retired ones included.
#include <doctest/doctest.h>

#include <set>
#include <string>
#include <vector>

#include "tests/query-api/query_scenario.h"

namespace slotwise::testing {
namespace {

// The intervals of a JSON array of {"start","end"} as "HH:MM-HH:MM" texts.
std::vector<std::string> spans(const rapidjson::Value& list) {
  std::vector<std::string> out;
  for (const auto& i : list.GetArray()) {
    out.push_back(std::string(i["start"].GetString()) + "-" + i["end"].GetString());
  }
  return out;
}

// A confirmed booking of biz_c by a customer named `name` at `email`.
void book_c(QueryFixture& f, const std::string& bkg, const std::string& name,
            const std::string& email, std::int64_t start) {
  auto created = booking_created("biz_c", bkg, "svc_c", start, 60, "UTC", email, 1000);
  std::get<v1::BookingTentativelyCreated>(created).mutable_customer()->set_name(name);
  f.append<domain::CalendarEvent>("calendar", "biz_c",
                                  {std::move(created), confirmed("biz_c", bkg)});
}

// Every page of /v1/businesses/biz_c/customers with `limit`, as "name <email> count".
std::vector<std::string> all_customers(QueryFixture& f, int limit, int& pages) {
  std::vector<std::string> out;
  std::string cursor;
  pages = 0;
  while (true) {
    std::string path = "/v1/businesses/biz_c/customers?limit=" + std::to_string(limit);
    if (!cursor.empty()) path += "&cursor=" + cursor;
    auto r = f.get_as("usr_a", path);
    REQUIRE(r);
    REQUIRE(r->status == 200);
    const auto d = json(r);
    ++pages;
    for (const auto& c : d["items"].GetArray()) {
      out.push_back(std::string(c["name"].GetString()) + " <" + c["email"].GetString() + "> " +
                    std::to_string(c["bookings_count"].GetInt64()));
    }
    if (d["next_cursor"].IsNull()) break;
    cursor = d["next_cursor"].GetString();
    REQUIRE(pages < 20);
  }
  return out;
}

}  // namespace

TEST_CASE_FIXTURE(QueryFixture, "an owner lists their own businesses by name, and no one else's") {
  build_scenario(*this);
  append<domain::BusinessEvent>(
      "business", "biz_c",
      {business_created("biz_c", "alpha-c", "usr_a", "UTC", policy(15, 0, 30, 0))});
  sync();
  auto r = get_as("usr_a", "/v1/me/businesses");
  REQUIRE(r);
  CHECK(r->status == 200);
  CHECK(r->get_header_value("Cache-Control") == "private, no-store");
  auto d = json(r);
  CHECK(std::string(d["user_id"].GetString()) == "usr_a");
  REQUIRE(d["businesses"].Size() == 2);
  // By name: "Studio alpha-c" before "Studio studio-a" (business_created
  // names a business "Studio <slug>").
  std::vector<std::string> ids;
  for (const auto& b : d["businesses"].GetArray()) ids.emplace_back(b["id"].GetString());
  CHECK(ids == std::vector<std::string>{"biz_c", "biz_a"});
  const auto& second = d["businesses"][1];
  CHECK(std::string(second["slug"].GetString()) == "studio-a");
  CHECK(std::string(second["name"].GetString()) == "Studio studio-a");
  CHECK(std::string(second["time_zone"].GetString()) == "Europe/London");
  CHECK(std::string(second["currency"].GetString()) == "EUR");

  auto other = json(get_as("usr_b", "/v1/me/businesses"));
  REQUIRE(other["businesses"].Size() == 1);
  CHECK(std::string(other["businesses"][0]["id"].GetString()) == "biz_b");
  CHECK(json(get_as("usr_nobody", "/v1/me/businesses"))["businesses"].Size() == 0);
  auto anonymous = get("/v1/me/businesses");
  REQUIRE(anonymous);
  CHECK(anonymous->status == 401);
  CHECK(error_code(anonymous) == "unauthorized");
}

TEST_CASE_FIXTURE(QueryFixture, "opening hours come back as the schedule PUT takes them") {
  build_scenario(*this);
  // Today is Monday 2026-05-25 (fixed_now): an override of yesterday is
  // not listed by default, tomorrow's closed day and a later custom day are.
  append<domain::CalendarEvent>(
      "calendar", "biz_a",
      {override_set("biz_a", "Europe/London", "2026-05-24", true, {}),
       override_set("biz_a", "Europe/London", "2026-05-26", true, {}),
       override_set("biz_a", "Europe/London", "2026-06-01", false, {{600, 780}, {1380, 1440}}),
       override_set("biz_a", "Europe/London", "2027-06-01", true, {})});
  sync();
  auto r = get("/v1/businesses/studio-a/schedule");
  REQUIRE(r);
  REQUIRE(r->status == 200);
  CHECK_FALSE(r->get_header_value("ETag").empty());
  auto d = json(r);
  CHECK(std::string(d["business_id"].GetString()) == "biz_a");
  CHECK(std::string(d["time_zone"].GetString()) == "Europe/London");
  CHECK(spans(d["days"]["monday"]) == std::vector<std::string>{"09:00-17:00"});
  CHECK(spans(d["days"]["friday"]) == std::vector<std::string>{"09:00-17:00"});
  CHECK(d["days"]["saturday"].Size() == 0);
  CHECK(d["days"]["sunday"].Size() == 0);
  CHECK(std::string(d["from"].GetString()) == "2026-05-25");
  CHECK(std::string(d["to"].GetString()) == "2027-05-25");  // 366 days
  REQUIRE(d["overrides"].Size() == 2);
  CHECK(std::string(d["overrides"][0]["date"].GetString()) == "2026-05-26");
  CHECK(d["overrides"][0]["closed"].GetBool());
  CHECK(d["overrides"][0]["intervals"].Size() == 0);
  CHECK(std::string(d["overrides"][1]["date"].GetString()) == "2026-06-01");
  CHECK_FALSE(d["overrides"][1]["closed"].GetBool());
  CHECK(spans(d["overrides"][1]["intervals"]) ==
        std::vector<std::string>{"10:00-13:00", "23:00-24:00"});

  // A range of the owner's choosing, by id.
  auto past = json(get("/v1/businesses/biz_a/schedule?from=2026-05-01&to=2026-05-31"));
  REQUIRE(past["overrides"].Size() == 2);
  CHECK(std::string(past["overrides"][0]["date"].GetString()) == "2026-05-24");
  CHECK(std::string(past["overrides"][1]["date"].GetString()) == "2026-05-26");
  auto later = json(get("/v1/businesses/biz_a/schedule?from=2027-01-01"));
  REQUIRE(later["overrides"].Size() == 1);
  CHECK(std::string(later["to"].GetString()) == "2028-01-01");

  // A business that never set hours is closed every day.
  auto none = json(get("/v1/businesses/other-b/schedule"));
  CHECK(std::string(none["time_zone"].GetString()) == "UTC");
  for (const char* name :
       {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}) {
    CHECK(none["days"][name].Size() == 0);
  }
  CHECK(none["overrides"].Size() == 0);

  const auto status = [&](const std::string& path) {
    auto reply = get(path);
    REQUIRE(reply);
    return reply->status;
  };
  CHECK(status("/v1/businesses/nope/schedule") == 404);
  CHECK(status("/v1/businesses/studio-a/schedule?from=2026-13-01") == 400);
  CHECK(status("/v1/businesses/studio-a/schedule?from=2026-06-02&to=2026-06-01") == 400);
  CHECK(status("/v1/businesses/studio-a/schedule?from=2026-01-01&to=2027-01-02") == 400);
  CHECK(status("/v1/businesses/studio-a/schedule?from=2026-01-01&to=2027-01-01") == 200);
  auto again =
      get("/v1/businesses/studio-a/schedule", {{"If-None-Match", r->get_header_value("ETag")}});
  REQUIRE(again);
  CHECK(again->status == 304);
}

TEST_CASE_FIXTURE(QueryFixture, "customers are paged by name, case-insensitively, with a cursor") {
  build_scenario(*this);
  append<domain::BusinessEvent>(
      "business", "biz_c",
      {business_created("biz_c", "alpha-c", "usr_a", "UTC", policy(15, 0, 30, 0)),
       service_defined("biz_c", "svc_c", 60, 0, 0, 1000)});
  const std::int64_t day = kMonday + std::int64_t{7} * 86400;
  book_c(*this, "bkg_c1", "zoe", "zoe@example.com", day);
  book_c(*this, "bkg_c2", "Adam", "adam.b@example.com", day + 3600);
  book_c(*this, "bkg_c3", "adam", "adam.a@example.com", day + 7200);
  book_c(*this, "bkg_c4", "Émile | x", "emile@example.com", day + 10800);
  book_c(*this, "bkg_c5", "Bea", "bea@example.com", day + 14400);
  // Bea books again under a new name, with her address in capitals: one
  // customer, named as in the latest booking.
  book_c(*this, "bkg_c6", "Beatrice", "BEA@Example.com", day + 86400);
  book_c(*this, "bkg_c7", "mo", "mo@example.com", day + 18000);
  sync();
  int pages = 0;
  const std::vector<std::string> expected{
      "adam <adam.a@example.com> 1",  "Adam <adam.b@example.com> 1",
      "Beatrice <BEA@Example.com> 2", "mo <mo@example.com> 1",
      "zoe <zoe@example.com> 1",      "Émile | x <emile@example.com> 1"};
  const auto one_page = all_customers(*this, 50, pages);
  CHECK(pages == 1);
  // PostgreSQL's collation decides where "émile" sorts; everything else is fixed.
  std::vector<std::string> ascii(one_page.begin(), one_page.end());
  std::erase_if(ascii, [](const std::string& s) { return s.starts_with("É"); });
  std::string listed;
  for (const auto& c : one_page) listed += c + "; ";
  CAPTURE(listed);
  CHECK(ascii == std::vector<std::string>(expected.begin(), expected.end() - 1));
  CHECK(std::set<std::string>(one_page.begin(), one_page.end()) ==
        std::set<std::string>(expected.begin(), expected.end()));
  // Pages of two and of one give the same customers in the same order.
  CHECK(all_customers(*this, 2, pages) == one_page);
  CHECK(pages == 3);
  CHECK(all_customers(*this, 1, pages) == one_page);
  CHECK(pages == 6);

  auto first = json(get_as("usr_a", "/v1/businesses/biz_c/customers?limit=1"));
  CHECK(std::string(first["business_id"].GetString()) == "biz_c");
  CHECK(std::string(first["items"][0]["last_booking_at"].GetString()) == "2026-06-01T02:00:00Z");
  CHECK(std::string(first["items"][0]["phone"].GetString()).empty());

  const auto status = [&](const std::string& user, const std::string& path) {
    auto reply = user.empty() ? get(path) : get_as(user, path);
    REQUIRE(reply);
    return reply->status;
  };
  CHECK(status("", "/v1/businesses/biz_c/customers") == 401);
  CHECK(status("usr_b", "/v1/businesses/biz_c/customers") == 403);
  CHECK(status("usr_a", "/v1/businesses/biz_c/customers?limit=0") == 400);
  CHECK(status("usr_a", "/v1/businesses/biz_c/customers?cursor=%%%") == 400);
  CHECK(status("usr_a", "/v1/businesses/biz_c/customers?cursor=bm9uZXdsaW5l") ==
        400);                                                                 // "nonewline"
  CHECK(status("usr_a", "/v1/businesses/biz_c/customers?cursor=_w") == 400);  // byte 0xFF
}

TEST_CASE_FIXTURE(QueryFixture, "the bookings list shows one customer's bookings") {
  build_scenario(*this);
  // ann0 (bkg_100) books twice more; ann1 (bkg_101) was cancelled.
  for (int i = 0; i < 2; ++i) {
    const std::string bkg = "bkg_20" + std::to_string(i);
    append<domain::CalendarEvent>(
        "calendar", "biz_a",
        {booking_created("biz_a", bkg, "svc_cut",
                         kMonday + std::int64_t{14} * 86400 + std::int64_t{i} * 3600, 60,
                         "Europe/London", "ann0@example.com", 4500),
         confirmed("biz_a", bkg)});
  }
  sync();
  const auto ids = [&](const std::string& query) {
    auto r = get_as("usr_a", "/v1/businesses/biz_a/bookings?" + query);
    REQUIRE(r);
    REQUIRE(r->status == 200);
    std::vector<std::string> out;
    auto d = json(r);
    for (const auto& b : d["items"].GetArray()) out.emplace_back(b["id"].GetString());
    return out;
  };
  CHECK(ids("customer=ann0@example.com") ==
        std::vector<std::string>{"bkg_100", "bkg_200", "bkg_201"});
  // The address as the customer typed it, in any case.
  CHECK(ids("customer=%20ANN0@Example.COM") ==
        std::vector<std::string>{"bkg_100", "bkg_200", "bkg_201"});
  CHECK(ids("customer=ann0@example.com&from=2026-06-01") ==
        std::vector<std::string>{"bkg_200", "bkg_201"});
  CHECK(ids("customer=ann1@example.com&status=cancelled") == std::vector<std::string>{"bkg_101"});
  CHECK(ids("customer=ann1@example.com&status=confirmed").empty());
  CHECK(ids("customer=nobody@example.com").empty());
  // Pages of one, continued with the cursor.
  auto page =
      json(get_as("usr_a", "/v1/businesses/biz_a/bookings?customer=ann0@example.com&limit=2"));
  REQUIRE(page["items"].Size() == 2);
  REQUIRE(page["next_cursor"].IsString());
  CHECK(ids(std::string("customer=ann0@example.com&limit=2&cursor=") +
            page["next_cursor"].GetString()) == std::vector<std::string>{"bkg_201"});

  auto bad = get_as("usr_a", "/v1/businesses/biz_a/bookings?customer=not-an-email");
  REQUIRE(bad);
  CHECK(bad->status == 400);
  CHECK(error_code(bad) == "invalid_request");
  auto other = get_as("usr_b", "/v1/businesses/biz_a/bookings?customer=ann0@example.com");
  REQUIRE(other);
  CHECK(other->status == 403);
}

}  // namespace slotwise::testing

namespace slotwise::testing {
namespace {

constexpr const char* kOldSlots =
    "/v1/businesses/studio-a/availability?service_id=svc_old&from=2026-05-26&to=2026-05-26";

// "id:active" of the owner's service list, in order.
std::vector<std::string> owner_services(QueryFixture& f) {
  auto r = f.get_as("usr_a", "/v1/businesses/biz_a/services");
  REQUIRE(r);
  REQUIRE(r->status == 200);
  CHECK(r->get_header_value("Cache-Control") == "private, no-store");
  const auto d = json(r);
  CHECK(std::string(d["business_id"].GetString()) == "biz_a");
  std::vector<std::string> out;
  for (const auto& s : d["services"].GetArray()) {
    out.push_back(std::string(s["id"].GetString()) + ":" + (s["active"].GetBool() ? "on" : "off"));
  }
  return out;
}

}  // namespace

TEST_CASE_FIXTURE(QueryFixture,
                  "an owner lists every service, retired ones last, and sees a restored one "
                  "offered again") {
  build_scenario(*this);
  sync();
  CHECK(owner_services(*this) == std::vector<std::string>{"svc_cut:on", "svc_old:off"});
  auto full = json(get_as("usr_a", "/v1/businesses/studio-a/services"));
  const auto& old = full["services"][1];
  CHECK(std::string(old["name"].GetString()) == "Service svc_old");
  CHECK(old["duration_minutes"].GetInt() == 30);
  CHECK(old["price"]["amount_minor"].GetInt64() == 1000);
  CHECK(json(get(kOldSlots))["days"][0]["slots"].Size() == 0);  // retired: no slots

  v1::ServiceRestored restored;
  restored.set_business_id("biz_a");
  restored.set_service_id("svc_old");
  append<domain::BusinessEvent>("business", "biz_a", {restored});
  sync();
  // Both on offer now, by name: "Service svc_cut" before "Service svc_old".
  CHECK(owner_services(*this) == std::vector<std::string>{"svc_cut:on", "svc_old:on"});
  auto profile = json(get("/v1/businesses/studio-a"));
  CHECK(profile["services"].Size() == 2);
  CHECK(json(get(kOldSlots))["days"][0]["slots"].Size() > 0);

  auto stranger = get_as("usr_b", "/v1/businesses/biz_a/services");
  REQUIRE(stranger);
  CHECK(stranger->status == 403);
  auto anonymous = get("/v1/businesses/biz_a/services");
  REQUIRE(anonymous);
  CHECK(anonymous->status == 401);
  auto unknown = get_as("usr_a", "/v1/businesses/biz_nope/services");
  REQUIRE(unknown);
  CHECK(unknown->status == 404);
}

}  // namespace slotwise::testing
