// The availability cache's exactness rules without any server: which
// entries survive which notices, when the cache may answer at all, how it
// stays bounded, and the per-second memo of rendered answers.
#include "query-api/availability_cache.h"

#include <doctest/doctest.h>

namespace slotwise::query {
namespace {

using projections::ChangeNotice;

AvailabilityData rows_of(const std::string& business_id) {
  AvailabilityData d;
  d.business.business_id = business_id;
  d.service.service_id = "svc_1";
  return d;
}

ChangeNotice changed(std::vector<std::string> businesses, std::optional<std::uint64_t> position,
                     std::string projection = "main") {
  return ChangeNotice{std::move(projection), position, false, std::move(businesses), {}};
}

const domain::Instant kReadAt{std::chrono::seconds{1'000'000}};

// Reads "the database" (the rows) the way the API does: token first.
void cache_rows(AvailabilityCache& c, const std::string& key, const std::string& business) {
  const std::uint64_t token = c.read_token();
  (void)c.insert(key, token, kReadAt, rows_of(business));
}

std::shared_ptr<const AvailabilityCache::Entry> find(AvailabilityCache& c, const std::string& key) {
  return c.find(key, kReadAt);
}

}  // namespace

TEST_CASE("an entry whose read started before its business's notice is dropped") {
  AvailabilityCache c("main", 10);
  c.connected(10);
  const std::uint64_t token = c.read_token();
  // The projector commits and its notice is applied while the read runs.
  c.apply(changed({"biz_a"}, 11));
  (void)c.insert("k", token, kReadAt, rows_of("biz_a"));
  CHECK(find(c, "k") == nullptr);
  // Read again after the notice: kept and found.
  cache_rows(c, "k", "biz_a");
  auto hit = find(c, "k");
  REQUIRE(hit != nullptr);
  CHECK(hit->data().business.business_id == "biz_a");
  // A later notice for the business drops it.
  c.apply(changed({"biz_a"}, 12));
  CHECK(find(c, "k") == nullptr);
}

TEST_CASE("notices for other businesses or another projection leave an entry alone") {
  AvailabilityCache c("main", 10);
  c.connected(0);
  cache_rows(c, "k", "biz_a");
  c.apply(changed({"biz_b", "biz_c"}, 5));
  c.apply(changed({"biz_a"}, 6, "other"));
  CHECK(find(c, "k") != nullptr);
  CHECK(c.stats().invalidations == 3);  // connected + biz_b + biz_c
}

TEST_CASE("a notice that everything changed drops every entry") {
  AvailabilityCache c("main", 10);
  c.connected(0);
  cache_rows(c, "k1", "biz_a");
  cache_rows(c, "k2", "biz_b");
  c.apply(ChangeNotice{"main", 0, true, {}, {}});
  CHECK(find(c, "k1") == nullptr);
  CHECK(find(c, "k2") == nullptr);
  CHECK(c.stats().position == std::optional<std::uint64_t>(0));
}

TEST_CASE("the cache answers only while connected and caught up with the requested position") {
  AvailabilityCache c("main", 10);
  CHECK_FALSE(c.usable(std::nullopt));
  cache_rows(c, "k", "biz_a");  // not connected: not kept
  c.connected(10);
  CHECK(find(c, "k") == nullptr);
  CHECK(c.usable(std::nullopt));
  CHECK(c.usable(10));
  CHECK_FALSE(c.usable(11));
  c.apply(changed({}, 11));
  CHECK(c.usable(11));
  // A notice without position (more ids follow) does not move it.
  c.apply(changed({"biz_a"}, std::nullopt));
  CHECK_FALSE(c.usable(12));

  cache_rows(c, "k", "biz_a");
  REQUIRE(find(c, "k") != nullptr);
  c.disconnected();
  CHECK_FALSE(c.usable(std::nullopt));
  c.connected(20);
  // Notices may have been missed while disconnected: nothing older survives.
  CHECK(find(c, "k") == nullptr);
  CHECK(c.usable(20));
}

TEST_CASE("a reset moves the position back, so requests ahead of it read the database") {
  AvailabilityCache c("main", 10);
  c.connected(500);
  CHECK(c.usable(400));
  c.apply(ChangeNotice{"main", 0, true, {}, {}});
  CHECK_FALSE(c.usable(400));
  c.apply(changed({"biz_a"}, 400));
  CHECK(c.usable(400));
}

TEST_CASE("rows read for a later clock do not serve a request whose clock reads earlier") {
  AvailabilityCache c("main", 10);
  c.connected(0);
  cache_rows(c, "k", "biz_a");
  CHECK(c.find("k", kReadAt + std::chrono::hours(24 * 30)) != nullptr);
  CHECK(c.find("k", kReadAt - std::chrono::seconds(1)) == nullptr);
  CHECK(c.find("k", kReadAt) != nullptr);  // and it was not dropped
}

TEST_CASE("at most `capacity` entries, the least recently used evicted") {
  AvailabilityCache c("main", 2);
  c.connected(0);
  cache_rows(c, "k1", "biz_a");
  cache_rows(c, "k2", "biz_b");
  REQUIRE(find(c, "k1") != nullptr);  // k2 is now the least recently used
  cache_rows(c, "k3", "biz_c");
  CHECK(c.stats().entries == 2);
  CHECK(find(c, "k2") == nullptr);
  CHECK(find(c, "k1") != nullptr);
  CHECK(find(c, "k3") != nullptr);
}

TEST_CASE("at most about `max_bytes` of rows and answers, the least recently used evicted") {
  // Rows of a busy business: 2,000 bookings with their strings.
  const auto busy = [](const std::string& business) {
    AvailabilityData d = rows_of(business);
    for (int i = 0; i < 2000; ++i) {
      BookingRow r;
      r.booking_id = "bkg_" + std::string(40, 'x') + std::to_string(i);
      r.time_zone = "America/Argentina/Buenos_Aires";
      d.bookings.push_back(r);
    }
    return d;
  };
  const std::size_t one = AvailabilityCache::Entry(1, kReadAt, busy("biz_x")).bytes();
  CHECK(one > 2000 * (sizeof(BookingRow) + 40));
  AvailabilityCache c("main", 100, 2 * one + one / 2);  // room for two
  c.connected(0);
  const auto insert = [&](const std::string& key, const std::string& business) {
    return c.insert(key, c.read_token(), kReadAt, busy(business));
  };
  (void)insert("k1", "biz_a");
  (void)insert("k2", "biz_b");
  CHECK(c.stats().bytes == 2 * one);
  REQUIRE(find(c, "k1") != nullptr);  // k2 is now the least recently used
  (void)insert("k3", "biz_c");
  CHECK(c.stats().entries == 2);
  CHECK(c.stats().bytes == 2 * one);
  CHECK(find(c, "k2") == nullptr);
  // An answer rendered for an entry counts as soon as it is kept...
  auto k3 = find(c, "k3");
  REQUIRE(k3 != nullptr);
  k3->remember("", kReadAt, kReadAt + std::chrono::seconds(60),
               std::make_shared<const AvailabilityCache::Rendered>(
                   AvailabilityCache::Rendered{std::string(one, 'b'), "\"1\""}));
  CHECK(c.stats().bytes > 3 * one);
  // ...and the next insert evicts down to the budget: k1 and then k3 (the
  // least recently used first) leave, the new entry stays.
  (void)insert("k4", "biz_d");
  CHECK(c.stats().entries == 1);
  CHECK(c.stats().bytes == one);
  CHECK(find(c, "k4") != nullptr);
  // An entry dropped by a notice no longer counts; a reader still holding
  // an evicted one does not count it back when it renders.
  c.apply(changed({"biz_d"}, 1));
  CHECK(find(c, "k4") == nullptr);
  CHECK(c.stats().bytes == 0);
  k3->remember("UTC", kReadAt, kReadAt + std::chrono::seconds(60),
               std::make_shared<const AvailabilityCache::Rendered>(
                   AvailabilityCache::Rendered{std::string(1000, 'c'), "\"2\""}));
  CHECK(c.stats().bytes == 0);
  // One entry larger than the whole budget is still kept (and answers).
  AvailabilityCache tiny("main", 100, 1);
  tiny.connected(0);
  (void)tiny.insert("k", tiny.read_token(), kReadAt, busy("biz_a"));
  CHECK(tiny.stats().entries == 1);
  CHECK(find(tiny, "k") != nullptr);
}

TEST_CASE("per-business invalidations are folded into one when they outgrow the bound") {
  AvailabilityCache c("main", 1);
  c.connected(0);
  cache_rows(c, "k", "biz_keep");
  // 4 x capacity numbers are kept; the fifth business folds them into an
  // "everything" invalidation, which also drops the unrelated entry.
  c.apply(changed({"b1", "b2", "b3", "b4"}, 1));
  CHECK(find(c, "k") != nullptr);
  c.apply(changed({"b5"}, 2));
  CHECK(find(c, "k") == nullptr);
  cache_rows(c, "k", "biz_keep");
  CHECK(find(c, "k") != nullptr);
}

TEST_CASE(
    "a rendered answer is kept per display zone for the span of clock readings it holds for") {
  AvailabilityCache::Entry e(1, kReadAt, rows_of("biz_a"));
  using Rendered = AvailabilityCache::Rendered;
  const auto at = [](std::int64_t s) { return domain::Instant{std::chrono::seconds{s}}; };
  CHECK(e.rendered("", at(100)) == nullptr);
  e.remember("", at(100), at(160), std::make_shared<const Rendered>(Rendered{"a", "\"1\""}));
  e.remember("Europe/London", at(100), at(101),
             std::make_shared<const Rendered>(Rendered{"b", "\"2\""}));
  REQUIRE(e.rendered("", at(100)) != nullptr);
  CHECK(e.rendered("", at(100))->body == "a");
  CHECK(e.rendered("", at(159))->body == "a");
  CHECK(e.rendered("", at(160)) == nullptr);  // past its span: render again
  CHECK(e.rendered("", at(99)) == nullptr);   // a clock set back: render again
  CHECK(e.rendered("Europe/London", at(100))->body == "b");
  CHECK(e.rendered("Europe/London", at(101)) == nullptr);
  e.remember("", at(160), at(200), std::make_shared<const Rendered>(Rendered{"c", "\"3\""}));
  CHECK(e.rendered("", at(120)) == nullptr);
  CHECK(e.rendered("", at(170))->body == "c");
  // A slow renderer finishing for an older reading does not replace the newer answer.
  e.remember("", at(100), at(160), std::make_shared<const Rendered>(Rendered{"old", "\"4\""}));
  CHECK(e.rendered("", at(170))->body == "c");
}

}  // namespace slotwise::query
