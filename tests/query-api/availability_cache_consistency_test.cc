// The availability cache over the real projector, PostgreSQL and listener:
// repeated requests are served from memory, yet never stale where it
// matters. A booking hides its slot for every request carrying the booking's
// position; the clock (holds expiring, notice) moves the answer without any
// notice; a lost listener connection makes requests read the database until
// it is back; an "everything changed" notice empties the cache; a malformed
// notice is ignored.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdio>

#include "tests/query-api/query_scenario.h"
#include "tests/support/metric_value.h"

namespace slotwise::testing {
namespace {

// studio-a (Europe/London, BST = UTC+1 in May): 09:00-17:00 on weekdays,
// svc_cut 60 min on a 30-min grid, no notice; Thursday 2026-05-28 is free.
constexpr std::int64_t kThursday = kMonday + 3 * 86400LL;
constexpr std::int64_t kFriday = kMonday + 4 * 86400LL;
const std::string kThursdayPath =
    "/v1/businesses/studio-a/availability?service_id=svc_cut&from=2026-05-28&to=2026-05-28";
const std::string kFridayPath =
    "/v1/businesses/studio-a/availability?service_id=svc_cut&from=2026-05-29&to=2026-05-29";

std::vector<std::string> slots_of(const httplib::Result& r) {
  REQUIRE(r);
  REQUIRE(r->status == 200);
  auto d = json(r);
  std::vector<std::string> out;
  for (const auto& s : d["days"][0]["slots"].GetArray()) out.emplace_back(s.GetString());
  return out;
}

bool has(const std::vector<std::string>& slots, const std::string& slot) {
  return std::find(slots.begin(), slots.end(), slot) != slots.end();
}

std::string local(const char* date, int hour, int minute) {
  char buf[40];
  (void)std::snprintf(buf, sizeof buf, "%sT%02d:%02d:00+01:00", date, hour, minute);
  return buf;
}
std::string london(int hour, int minute = 0) { return local("2026-05-28", hour, minute); }
std::string friday(int hour, int minute = 0) { return local("2026-05-29", hour, minute); }

std::uint64_t counter(const service::MetricsRegistry& m, const std::string& result) {
  const std::string value = metric_value(
      m.render(), "slotwise_query_availability_cache_total{result=\"" + result + "\"}");
  REQUIRE(!value.empty());
  return std::stoull(value);
}

}  // namespace

TEST_CASE_FIXTURE(QueryFixture,
                  "cached availability never lists a booked slot to a request at the booking's "
                  "position, and follows the clock") {
  build_scenario(*this);
  const auto first = get(kThursdayPath);
  const auto all = slots_of(first);
  REQUIRE(all.size() == 15);  // 09:00 .. 16:00 every 30 minutes
  const auto again = get(kThursdayPath);
  CHECK(again->body == first->body);
  CHECK(again->get_header_value("ETag") == first->get_header_value("ETag"));
  CHECK(counter(metrics, "hit") >= 1);

  // Book the day hour by hour; after each booking the request that carries
  // its position must not list the slot, though the key is hot.
  for (int hour = 9; hour <= 16; ++hour) {
    const std::string bkg = "bkg_c" + std::to_string(hour);
    CHECK(has(slots_of(get(kThursdayPath)), london(hour)));
    const std::uint64_t position = append<domain::CalendarEvent>(
        "calendar", "biz_a",
        {booking_created("biz_a", bkg, "svc_cut", kThursday + (hour - 1) * 3600LL, 60,
                         "Europe/London", bkg + "@example.com", 4500),
         confirmed("biz_a", bkg)});
    const auto fresh =
        slots_of(get(kThursdayPath, {{"SlotWise-Min-Position", std::to_string(position)}}));
    CAPTURE(hour);
    CHECK_FALSE(has(fresh, london(hour)));
    if (hour > 9) CHECK_FALSE(has(fresh, london(hour - 1, 30)));  // would overlap it
  }
  sync();
  CHECK(slots_of(get(kThursdayPath)).empty());
  CHECK(counter(metrics, "hit") >= 8);

  // The clock moves a cached answer without any notice. A 15-minute hold on
  // Friday 10:00 London, expiring at 09:15Z Monday:
  const std::int64_t hold_until = kMonday + 9 * 3600LL + 15LL * 60;
  append<domain::CalendarEvent>(
      "calendar", "biz_a",
      {booking_created("biz_a", "bkg_hold", "svc_cut", kFriday + 9 * 3600LL, 60, "Europe/London",
                       "h@example.com", 4500, 0, 0, hold_until)});
  sync();
  CHECK_FALSE(has(slots_of(get(kFridayPath)), friday(10)));
  const std::uint64_t hits = counter(metrics, "hit");
  CHECK_FALSE(has(slots_of(get(kFridayPath)), friday(10)));
  CHECK(counter(metrics, "hit") == hits + 1);
  now_seconds = hold_until - 1;
  CHECK_FALSE(has(slots_of(get(kFridayPath)), friday(10)));
  now_seconds = hold_until;  // the hold has expired: the slot is free again
  CHECK(has(slots_of(get(kFridayPath)), friday(10)));
  // Later that Friday: slots before now are gone (no notice configured).
  now_seconds = kFriday + 11 * 3600LL + 1;  // 12:00:01 London
  const auto later = slots_of(get(kFridayPath));
  REQUIRE_FALSE(later.empty());
  CHECK(later.front() == friday(12, 30));
  CHECK(counter(metrics, "hit") == hits + 4);
}

TEST_CASE_FIXTURE(QueryFixture,
                  "without its listener the cache steps aside until it is back; notices that "
                  "everything changed empty it") {
  build_scenario(*this);
  (void)get(kThursdayPath);
  REQUIRE(counter(metrics, "miss") == 1);
  {
    pqxx::connection admin(db);
    pqxx::nontransaction tx(admin);
    const auto killed = tx.exec(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
        " WHERE application_name = 'slotwise-query-listener'");
    REQUIRE(killed.size() == 1);
  }
  REQUIRE(eventually([&] { return !cache.stats().connected; }));
  // Until the listener is back, requests read the database (bypass); a
  // booking made meanwhile is seen at once.
  const std::uint64_t bypassed = counter(metrics, "bypass");
  const std::uint64_t position = append<domain::CalendarEvent>(
      "calendar", "biz_a",
      {booking_created("biz_a", "bkg_gap", "svc_cut", kThursday + 8 * 3600LL, 60, "Europe/London",
                       "g@example.com", 4500),
       confirmed("biz_a", "bkg_gap")});
  REQUIRE(projector->wait_for(position));
  const auto during =
      slots_of(get(kThursdayPath, {{"SlotWise-Min-Position", std::to_string(position)}}));
  CHECK_FALSE(has(during, london(9)));
  CHECK(counter(metrics, "bypass") == bypassed + 1);
  REQUIRE(wait_cache_connected());
  // Reconnected: everything cached before is gone; reads are cached again.
  const std::uint64_t misses = counter(metrics, "miss");
  CHECK_FALSE(has(slots_of(get(kThursdayPath)), london(9)));
  CHECK(counter(metrics, "miss") == misses + 1);
  const std::uint64_t hits = counter(metrics, "hit");
  CHECK_FALSE(has(slots_of(get(kThursdayPath)), london(9)));
  CHECK(counter(metrics, "hit") == hits + 1);

  // An everything-changed notice (a rebuild's swap, a reset) empties the
  // cache; a malformed notice is ignored.
  REQUIRE(cache.stats().entries == 1);
  const auto invalidations = cache.stats().invalidations;
  {
    pqxx::connection admin(db);
    pqxx::nontransaction tx(admin);
    tx.exec("SELECT pg_notify('slotwise_read_models', 'main|not-a-number|biz_a')");
    tx.exec("SELECT pg_notify('slotwise_read_models', 'main|0|*')");
  }
  REQUIRE(eventually([&] { return cache.stats().position == std::optional<std::uint64_t>(0); }));
  CHECK(cache.stats().invalidations == invalidations + 1);
  const std::uint64_t misses_before = counter(metrics, "miss");
  (void)get(kThursdayPath);
  CHECK(counter(metrics, "miss") == misses_before + 1);
}

}  // namespace slotwise::testing
