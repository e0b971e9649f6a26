// The private calendar feed's tokens: the URL the owner is given works until
// the owner resets it (CalendarFeedReset); after a reset only the newest
// token opens the feed, and a business that was never reset keeps the token
// derivation issued before resets existed.
#include <doctest/doctest.h>

#include <rapidjson/document.h>

#include "tests/query-api/query_fixture.h"

namespace slotwise::testing {
namespace {

domain::BusinessEvent feed_reset(const std::string& business_id, std::int64_t generation) {
  v1::CalendarFeedReset e;
  e.set_business_id(business_id);
  e.set_generation(generation);
  return domain::BusinessEvent{e};
}

}  // namespace

TEST_CASE_FIXTURE(QueryFixture, "a calendar feed reset revokes every earlier feed token") {
  append<domain::BusinessEvent>(
      "business", "biz_f",
      {business_created("biz_f", "feed-f", "usr_f", "UTC", policy(15, 0, 30, 0))});
  sync();
  const auto token_now = [&] {
    auto r = get_as("usr_f", "/v1/businesses/biz_f/calendar-feed");
    REQUIRE(r);
    REQUIRE(r->status == 200);
    rapidjson::Document d;
    d.Parse(r->body.c_str());
    return std::string(d["token"].GetString());
  };
  const auto feed_status = [&](const std::string& token) {
    auto r = get("/v1/businesses/biz_f/calendar.ics?token=" + token);
    REQUIRE(r);
    return r->status;
  };

  // Never reset: the token is the one issued before resets existed.
  const std::string original = token_now();
  CHECK(original == access.feed_token("biz_f", 0));
  CHECK(feed_status(original) == 200);

  append<domain::BusinessEvent>("business", "biz_f", {feed_reset("biz_f", 1)});
  sync();
  const std::string second = token_now();
  CHECK(second != original);
  CHECK(feed_status(original) == 404);
  CHECK(feed_status(second) == 200);

  append<domain::BusinessEvent>("business", "biz_f", {feed_reset("biz_f", 2)});
  sync();
  const std::string third = token_now();
  CHECK(third != second);
  CHECK(third != original);
  CHECK(feed_status(original) == 404);
  CHECK(feed_status(second) == 404);
  CHECK(feed_status(third) == 200);
  // A token of the same shape that differs in one character, or none at all.
  std::string altered = third;
  altered[0] = altered[0] == 'A' ? 'B' : 'A';
  CHECK(feed_status(altered) == 404);
  CHECK(feed_status("") == 404);
}

}  // namespace slotwise::testing
