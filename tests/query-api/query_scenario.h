// A small read-model scenario for query-API tests: two businesses (studio-a
// in Europe/London with services and opening hours, other-b in UTC), twelve
// confirmed bookings of studio-a from Tuesday 2026-05-26 (bkg_100 with a
// known manage token, bkg_101 then cancelled), projected and synced; and
// helpers to read JSON replies.
#pragma once

#include <doctest/doctest.h>
#include <rapidjson/document.h>

#include <string>

#include "tests/query-api/query_fixture.h"

namespace slotwise::testing {

inline constexpr std::int64_t kMonday = 1'779'667'200;  // 2026-05-25T00:00:00Z

inline rapidjson::Document json(const httplib::Result& r) {
  rapidjson::Document d;
  REQUIRE(r);
  d.Parse(r->body.c_str());
  REQUIRE_FALSE(d.HasParseError());
  return d;
}

inline std::string error_code(const httplib::Result& r) {
  auto d = json(r);
  return d["error"]["code"].GetString();
}

struct Scenario {
  auth::ManageToken token = auth::new_manage_token().value();
};

inline Scenario build_scenario(QueryFixture& f) {
  Scenario s;
  f.append<domain::BusinessEvent>(
      "business", "biz_a",
      {business_created("biz_a", "studio-a", "usr_a", "Europe/London", policy(30, 0, 30, 0)),
       service_defined("biz_a", "svc_cut", 60, 0, 0, 4500),
       service_defined("biz_a", "svc_old", 30, 0, 0, 1000), [] {
         v1::ServiceRetired e;
         e.set_business_id("biz_a");
         e.set_service_id("svc_old");
         return domain::BusinessEvent{e};
       }()});
  f.append<domain::BusinessEvent>(
      "business", "biz_b",
      {business_created("biz_b", "other-b", "usr_b", "UTC", policy(30, 0, 30, 0))});
  f.append<domain::CalendarEvent>(
      "calendar", "biz_a",
      {schedule_set(
          "biz_a", "Europe/London",
          {{{540, 1020}}, {{540, 1020}}, {{540, 1020}}, {{540, 1020}}, {{540, 1020}}, {}, {}})});
  // 12 bookings on Tuesday 2026-05-26 and later, 09:00 London = 08:00Z.
  for (int i = 0; i < 12; ++i) {
    const std::string bkg = "bkg_" + std::to_string(100 + i);
    const std::int64_t start =
        kMonday + 86400 + 8LL * 3600 + std::int64_t{i % 8} * 3600 + std::int64_t{i / 8} * 86400;
    auto created =
        booking_created("biz_a", bkg, "svc_cut", start, 60, "Europe/London",
                        "ann" + std::to_string(i) + "@example.com", 4500, 0, 0, std::nullopt,
                        i == 0 ? s.token.sha256_hex : auth::sha256_hex("x"));
    // bkg_100 carries its cancellation terms; the others are as logged
    // before bookings kept them.
    if (i == 0) created = with_terms(std::move(created), 1440, 50);
    f.append<domain::CalendarEvent>("calendar", "biz_a",
                                    {std::move(created), confirmed("biz_a", bkg)});
  }
  f.append<domain::CalendarEvent>("calendar", "biz_a", {cancelled("biz_a", "bkg_101")});
  f.sync();
  return s;
}

}  // namespace slotwise::testing
