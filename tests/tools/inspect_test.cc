// `slotwise inspect` against a real nats-server: an aggregate's events and
// its state rebuilt with the domain's evolve(), now and at an earlier
// sequence or time (time travel), as JSON and as a table; bad input.
#include <doctest/doctest.h>

#include <chrono>

#include "tests/tools/cli_support.h"

using slotwise::testing::cli;
using slotwise::testing::contains;
using slotwise::testing::count_lines;

TEST_CASE("inspect rebuilds the state, now and at an earlier point") {
  slotwise::testing::StoreFixture f;
  const auto seeded = slotwise::testing::seed_log(*f.store);
  const std::string url = "--nats=" + f.nats.url();

  auto now = cli({url, "--json", "inspect", "calendar", "biz_1"});
  CHECK(now.code == 0);
  CHECK(contains(now.out, R"("subject":"sw.evt.calendar.biz_1","version":)" +
                              std::to_string(seeded.booking_cancelled) + R"(,"commits":5)"));
  CHECK(contains(now.out,
                 R"("bkg_1":{"booking_id":"bkg_1","service_id":"svc_cut","status":"cancelled")"));
  CHECK(contains(now.out, R"("bkg_2":{"booking_id":"bkg_2")"));
  CHECK(contains(now.out, R"("time_zone":"Europe/Berlin")"));

  auto earlier = cli({url, "--json", "inspect", "calendar", "biz_1", "--at-seq",
                      std::to_string(seeded.booking_confirmed)});
  CHECK(earlier.code == 0);
  CHECK(contains(earlier.out,
                 R"("version":)" + std::to_string(seeded.booking_confirmed) + R"(,"commits":3)"));
  CHECK(contains(earlier.out, R"("status":"confirmed")"));
  CHECK_FALSE(contains(earlier.out, R"("bkg_2")"));
  CHECK_FALSE(contains(earlier.out, "BookingCancelled"));

  // A sequence between two of the aggregate's commits shows the earlier one.
  auto between = cli(
      {url, "--json", "inspect", "calendar", "biz_1", "--at-seq", std::to_string(seeded.payment)});
  CHECK(contains(between.out, R"("status":"tentative")"));

  auto at_time =
      cli({url, "--json", "inspect", "calendar", "biz_1", "--at-time", "2099-01-01T00:00:00Z"});
  CHECK(contains(at_time.out, R"("status":"cancelled")"));

  auto business = cli({url, "--json", "inspect", "business", "biz_1"});
  CHECK(business.code == 0);
  CHECK(contains(business.out, R"("owner_user_id":"usr_1","slug":"olgas-salon")"));
  auto account = cli({url, "--json", "inspect", "account", "usr_1"});
  CHECK(contains(account.out, R"("email":"owner@example.com")"));
  CHECK(contains(account.out, "\"password_hash\":\"(set)\""));  // the state hides the hash
  auto payment = cli({url, "--json", "inspect", "payment", "bkg_1"});
  CHECK(payment.code == 0);
  CHECK(contains(payment.out, R"("state":null)"));

  auto table = cli(
      {url, "inspect", "calendar", "biz_1", "--at-seq", std::to_string(seeded.booking_confirmed)});
  CHECK(table.code == 0);
  CHECK(contains(table.out,
                 "version " + std::to_string(seeded.booking_confirmed) + ", 3 of 5 commits"));
  CHECK(count_lines(table.out, "BookingTentativelyCreated") == 1);
  CHECK(contains(table.out, "state at version"));
  CHECK(contains(table.out, "\"status\": \"confirmed\""));
}

TEST_CASE("inspect shows each booking's cancellation terms, or null when none were logged") {
  slotwise::testing::StoreFixture f;
  slotwise::testing::seed_log(*f.store);
  // bkg_1 and bkg_2 were logged without terms (as before they existed);
  // bkg_3 was booked under a 24-hour cutoff with a 50 % late refund.
  auto with_terms = slotwise::testing::booking_created("bkg_3", 1798794000 + 7200);
  with_terms.mutable_cancellation_terms()->set_free_cancellation_cutoff_minutes(1440);
  with_terms.mutable_cancellation_terms()->set_late_cancellation_refund_percent(50);
  slotwise::testing::append(
      *f.store, "calendar", "biz_1", {slotwise::events::pack(with_terms)},
      slotwise::testing::actor(slotwise::events::v1::ACTOR_KIND_CUSTOMER, "bkg_3"), "c-b3");
  const std::string url = "--nats=" + f.nats.url();

  auto json = cli({url, "--json", "inspect", "calendar", "biz_1"});
  CHECK(json.code == 0);
  CHECK(contains(json.out, R"("idempotency_key":"","cancellation_terms":)"
                           R"({"free_cancellation_cutoff_minutes":1440,)"
                           R"("late_cancellation_refund_percent":50},)"));
  CHECK(contains(json.out, R"("cancellation_terms":null,)"
                           R"("least_customer_move_notice_seconds":null},"bkg_2")"));  // bkg_1's
  CHECK(contains(json.out, R"("cancellation_terms":null,)"
                           R"("least_customer_move_notice_seconds":null},"bkg_3")"));  // bkg_2's

  auto table = cli({url, "inspect", "calendar", "biz_1"});
  CHECK(table.code == 0);
  CHECK(count_lines(table.out, "\"cancellation_terms\": null") == 2);  // bkg_1, bkg_2
  CHECK(contains(table.out, "\"free_cancellation_cutoff_minutes\": 1440"));
  CHECK(contains(table.out, "\"late_cancellation_refund_percent\": 50"));
}

TEST_CASE("inspect shows the least notice the customer gave when moving a booking") {
  namespace v1 = slotwise::events::v1;
  using slotwise::testing::actor;
  using slotwise::testing::ts;
  slotwise::testing::StoreFixture f;
  slotwise::testing::seed_log(*f.store);
  constexpr std::int64_t kDay = 86400;
  const std::int64_t start = 1798794000 + 7200;
  slotwise::testing::append(
      *f.store, "calendar", "biz_1",
      {slotwise::events::pack(slotwise::testing::booking_created("bkg_3", start))},
      actor(v1::ACTOR_KIND_CUSTOMER, "bkg_3"), "c-b3");
  // bkg_3 is moved by its customer three days ahead, by the owner an hour
  // ahead (not the customer's notice), then by the customer two hours ahead.
  auto move = [&](const std::string& commit_id, std::int64_t from, std::int64_t notice,
                  const v1::Actor& who) {
    v1::BookingRescheduled e;
    e.set_booking_id("bkg_3");
    e.set_business_id("biz_1");
    *e.mutable_previous_start() = ts(from);
    *e.mutable_previous_end() = ts(from + 1800);
    *e.mutable_start() = ts(from + kDay);
    *e.mutable_end() = ts(from + kDay + 1800);
    *e.mutable_rescheduled_by() = who;
    *e.mutable_rescheduled_at() = ts(from - notice);
    return slotwise::testing::append(*f.store, "calendar", "biz_1", {slotwise::events::pack(e)},
                                     who, commit_id);
  };
  const auto customer = actor(v1::ACTOR_KIND_CUSTOMER, "bkg_3");
  move("c-b3-m1", start, 3 * kDay, customer);
  move("c-b3-m2", start + kDay, 3600, actor(v1::ACTOR_KIND_OWNER, "usr_1"));
  const std::uint64_t second_customer_move = move("c-b3-m3", start + 2 * kDay, 7200, customer);
  const std::string url = "--nats=" + f.nats.url();

  auto json = cli({url, "--json", "inspect", "calendar", "biz_1"});
  CHECK(json.code == 0);
  CHECK(contains(json.out,
                 R"("cancellation_terms":null,"least_customer_move_notice_seconds":7200})"));
  // bkg_1 and bkg_2 were never moved.
  CHECK(contains(json.out, R"("least_customer_move_notice_seconds":null},"bkg_2")"));
  CHECK(contains(json.out, R"("least_customer_move_notice_seconds":null},"bkg_3")"));

  // Before the second customer move, only the first one's notice.
  auto earlier = cli({url, "--json", "inspect", "calendar", "biz_1", "--at-seq",
                      std::to_string(second_customer_move - 1)});
  CHECK(earlier.code == 0);
  CHECK(contains(earlier.out, R"("least_customer_move_notice_seconds":259200})"));

  auto table = cli({url, "inspect", "calendar", "biz_1"});
  CHECK(table.code == 0);
  CHECK(count_lines(table.out, "\"least_customer_move_notice_seconds\": null") == 2);
  CHECK(count_lines(table.out, "\"least_customer_move_notice_seconds\": 7200") == 1);
}

TEST_CASE("inspect: bad input gets a message and a non-zero exit") {
  slotwise::testing::StoreFixture f;
  const auto seeded = slotwise::testing::seed_log(*f.store);
  const std::string url = "--nats=" + f.nats.url();
  auto unknown = cli({url, "inspect", "calendar", "biz_nobody"});
  CHECK(unknown.code == 1);
  CHECK(contains(unknown.out, "no commits for calendar biz_nobody"));
  auto before = cli({url, "inspect", "calendar", "biz_1", "--at-seq", "1"});
  CHECK(before.code == 1);
  CHECK(contains(before.out, "no commits at or before sequence 1"));
  CHECK(cli({url, "inspect", "calendar", "biz_1", "--at-time", "2000-01-01T00:00:00Z"}).code == 1);
  auto category = cli({url, "inspect", "booking", "biz_1"});
  CHECK(category.code == 2);
  CHECK(contains(category.out, "unknown category"));
  CHECK(cli({url, "inspect", "calendar", "a>b"}).code == 2);
  CHECK(cli({url, "inspect", "calendar"}).code == 2);
  CHECK(cli({url, "inspect", "calendar", "biz_1", "--at-seq", "3", "--at-time",
             "2000-01-01T00:00:00Z"})
            .code == 2);
  CHECK(cli({url, "inspect", "calendar", "biz_1", "--at-time", "soon"}).code == 2);
  (void)seeded;
}

TEST_CASE("inspect on a missing stream exits 1 at once naming the stream") {
  slotwise::testing::NatsServerFixture nats;  // no stream
  const auto started = std::chrono::steady_clock::now();
  auto missing = cli({"--nats=" + nats.url(), "inspect", "calendar", "biz_1"});
  const auto took = std::chrono::steady_clock::now() - started;
  CHECK(missing.code == 1);
  CHECK(contains(missing.out, "slotwise: stream SLOTWISE does not exist"));
  CHECK(took < std::chrono::seconds(3));  // no read timeout (5 s) first
}

TEST_CASE("inspect exits 1 with a message when its output cannot be written") {
  slotwise::testing::StoreFixture f;
  slotwise::testing::seed_log(*f.store);
  auto full = slotwise::testing::cli_to_full_device(
      {"--nats=" + f.nats.url(), "--json", "inspect", "calendar", "biz_1"});
  CHECK(full.code == 1);
  CHECK(contains(full.out, "slotwise: cannot write output"));
}
