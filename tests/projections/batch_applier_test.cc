// BatchApplier's exactly-once bookkeeping against real servers: redelivered
// commits are skipped, a delivery after a hole stops the batch with nothing
// written, and effects translated ahead (by the prefetcher) are used only
// when they are exactly the commits after the checkpoint.
#include <doctest/doctest.h>

#include "events/subscription.h"
#include "projections/batch_applier.h"
#include "projections/migrations.h"
#include "tests/read_side/read_side_fixture.h"

namespace slotwise::testing {
namespace {

using events::Delivery;
using projections::BatchApplier;

constexpr int kBookings = 8;

struct ApplierFixture : ReadSideFixture {
  ApplierFixture() {
    append<domain::BusinessEvent>(
        "business", "biz_q",
        {business_created("biz_q", "applier-q", "usr_q", "Europe/Paris", policy(15, 0, 30, 0))});
    for (int i = 0; i < kBookings; ++i) {
      const std::string bkg = "bkg_q" + std::to_string(i);
      std::vector<domain::CalendarEvent> evs{
          booking_created("biz_q", bkg, "svc", 1'790'000'000 + std::int64_t{i} * 3600, 30,
                          "Europe/Paris", "c" + std::to_string(i % 3) + "@example.com", 1000 + i)};
      if (i % 2 == 0) evs.push_back(confirmed("biz_q", bkg));
      append<domain::CalendarEvent>("calendar", "biz_q", evs);
    }
    // The owner's account, its password changed twice: a session
    // generation counted once per commit, however often it is delivered.
    append<domain::AccountEvent>("account", "usr_q", {user_registered("usr_q", 1'790'000'000)});
    append<domain::AccountEvent>("account", "usr_q", {password_changed("usr_q", 1'790'000'060)});
    append<domain::AccountEvent>("account", "usr_q", {password_changed("usr_q", 1'790'000'120)});
  }

  // Every commit of the log, fetched through a fresh durable consumer (a
  // fresh copy each call, as a redelivery would be).
  std::vector<Delivery> deliveries() {
    auto sub = events::DurableSubscription::open(
        *store, {"applier-" + std::to_string(++consumers), "sw.evt.>", std::chrono::seconds(30)});
    REQUIRE(sub.ok());
    std::vector<Delivery> all;
    while (all.size() < last_position()) {
      auto got = sub.value()->fetch(100, std::chrono::seconds(2));
      REQUIRE(got.ok());
      REQUIRE_FALSE(got->empty());
      for (auto& d : *got) all.push_back(std::move(d));
    }
    return all;
  }

  // Deliveries [first, first + n) of a fresh copy of the log.
  std::vector<Delivery> slice(std::size_t first, std::size_t n) {
    std::vector<Delivery> all = deliveries();
    std::vector<Delivery> out;
    for (std::size_t i = first; i < first + n; ++i) out.push_back(std::move(all.at(i)));
    return out;
  }

  std::unique_ptr<pqxx::connection> connect(const std::string& url, BatchApplier& applier) {
    auto c = std::make_unique<pqxx::connection>(url);
    REQUIRE(projections::apply_migrations(*c, projections::embedded_migrations()).ok());
    REQUIRE(applier.prepare(*c).ok());
    REQUIRE(applier.resume(*c).ok());
    return c;
  }

  // The tables as one batch of the whole log leaves them.
  std::string reference() {
    const std::string url = create_database("reference");
    BatchApplier applier("main");
    auto c = connect(url, applier);
    auto all = deliveries();
    auto out = applier.apply(*c, all);
    REQUIRE(out.ok());
    REQUIRE(out->applied_commits == last_position());
    return dump(url);
  }

  int consumers = 0;
};

}  // namespace

TEST_CASE_FIXTURE(ApplierFixture, "redelivered commits are skipped and the rest applied once") {
  const std::string expected = reference();
  const std::string url = create_database("redelivered");
  BatchApplier applier("main");
  auto c = connect(url, applier);

  auto first = applier.apply(*c, slice(0, 4));
  REQUIRE(first.ok());
  CHECK(first->applied_commits == 4);
  CHECK(first->checkpoint.position == 4);

  // Commits 3..6 again: 3 and 4 were applied, 5 and 6 were not.
  auto again = applier.apply(*c, slice(2, 4));
  REQUIRE(again.ok());
  CHECK(again->skipped == 2);
  CHECK(again->applied_commits == 2);
  CHECK(again->handled == 4);
  CHECK(again->checkpoint.position == 6);

  // All of it once more, then the tail: nothing doubles.
  auto all = applier.apply(*c, deliveries());
  REQUIRE(all.ok());
  CHECK(all->skipped == 6);
  CHECK(all->applied_commits == last_position() - 6);
  CHECK(count(url, "SELECT count(*) FROM bookings") == kBookings);
  CHECK(count(url, "SELECT count(*) FROM booking_history") == kBookings + kBookings / 2);
  CHECK(count(url, "SELECT session_generation FROM accounts WHERE user_id = 'usr_q'") == 2);
  CHECK(dump(url) == expected);
}

TEST_CASE_FIXTURE(ApplierFixture, "a delivery after a hole stops the batch with nothing written") {
  const std::string url = create_database("hole");
  BatchApplier applier("main");
  auto c = connect(url, applier);
  REQUIRE(applier.apply(*c, slice(0, 2)).ok());

  // Commit 3 is missing: 4 and 5 must not be applied.
  auto out = applier.apply(*c, slice(3, 2));
  REQUIRE(out.ok());
  CHECK(out->gap);
  CHECK(out->handled == 0);
  CHECK(out->applied_commits == 0);
  CHECK(count(url, "SELECT position FROM projection_checkpoints") == 2);
  CHECK(count(url, "SELECT count(*) FROM bookings") == 1);  // commit 2 only
}

TEST_CASE_FIXTURE(ApplierFixture,
                  "from checkpoint 0 the first commit must be the log's first, when it is known") {
  // Commits 1..3 taken by another consumer session (a former leader still
  // pulling after a reset): the batch that starts at 4 is a gap, translated
  // ahead or not, and nothing is written.
  const std::string url = create_database("log-start");
  BatchApplier applier("main");
  applier.set_log_start(1);
  auto c = connect(url, applier);
  projections::BatchEffects ahead = projections::translate(slice(3, 3));
  for (projections::BatchEffects* translated :
       {&ahead, static_cast<projections::BatchEffects*>(nullptr)}) {
    auto out = applier.apply(*c, slice(3, 3), false, translated);
    REQUIRE(out.ok());
    CHECK(out->gap);
    CHECK(out->applied_commits == 0);
    CHECK(count(url, "SELECT position FROM projection_checkpoints") == 0);
    CHECK(count(url, "SELECT count(*) FROM bookings") == 0);
  }
  // From the log's first commit it applies.
  auto from_start = applier.apply(*c, slice(0, 6));
  REQUIRE(from_start.ok());
  CHECK_FALSE(from_start->gap);
  CHECK(from_start->checkpoint.position == 6);
  // Without a known start (the default) any first sequence is accepted.
  const std::string any_url = create_database("any-start");
  BatchApplier lenient("main");
  auto d = connect(any_url, lenient);
  auto out = lenient.apply(*d, slice(3, 3));
  REQUIRE(out.ok());
  CHECK_FALSE(out->gap);
  CHECK(out->checkpoint.position == 6);
}

TEST_CASE_FIXTURE(ApplierFixture, "effects translated ahead are used only when they fit") {
  const std::string expected = reference();
  const std::string url = create_database("translated");
  BatchApplier applier("main");
  auto c = connect(url, applier);
  REQUIRE(applier.apply(*c, slice(0, 2)).ok());

  // Translated for commits 1..4, but the checkpoint is at 2 and the batch is
  // 3..6: the applier must translate the batch itself. (Using the stale
  // effects would write history rows again and fail on their primary key.)
  projections::BatchEffects stale = projections::translate(slice(0, 4));
  auto mismatched = applier.apply(*c, slice(2, 4), false, &stale);
  REQUIRE(mismatched.ok());
  CHECK(mismatched->applied_commits == 4);
  CHECK(mismatched->checkpoint.position == 6);

  // Translated for exactly the commits after the checkpoint: used.
  const std::size_t rest = last_position() - 6;
  projections::BatchEffects ahead = projections::translate(slice(6, rest));
  CHECK(ahead.commits == rest);
  auto fitting = applier.apply(*c, slice(6, rest), false, &ahead);
  REQUIRE(fitting.ok());
  CHECK(fitting->applied_commits == rest);
  CHECK(dump(url) == expected);
}

}  // namespace slotwise::testing
