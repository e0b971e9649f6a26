// Appending: round trip, optimistic concurrency, idempotent commit ids.
#include <doctest/doctest.h>

#include <atomic>
#include <set>
#include <thread>
#include <vector>

#include "tests/events/store_fixture.h"

using slotwise::events::ErrorCode;
using slotwise::events::ExpectedVersion;
using slotwise::testing::request;
using slotwise::testing::StoreFixture;

TEST_CASE_FIXTURE(StoreFixture, "a commit of several events reads back exactly as appended") {
  auto req = request("biz_round", ExpectedVersion::no_stream(), "c-1", 3);
  req.metadata.correlation_id = "corr-1";
  req.metadata.causation_id = "cause-1";
  req.metadata.actor.set_kind(slotwise::events::v1::ACTOR_KIND_OWNER);
  req.metadata.actor.set_id("usr_1");
  auto appended = store->append(req);
  REQUIRE(appended.ok());
  CHECK_FALSE(appended->duplicate);
  CHECK(appended->position == 1);

  auto commits = store->read({"calendar", "biz_round"});
  REQUIRE(commits.ok());
  REQUIRE(commits->size() == 1);
  const auto& c = commits->front();
  CHECK(c.subject == "sw.evt.calendar.biz_round");
  CHECK(c.sequence == appended->position);
  CHECK(c.commit.commit_id() == "c-1");
  CHECK(c.commit.previous_version() == 0);
  CHECK(c.commit.correlation_id() == "corr-1");
  CHECK(c.commit.causation_id() == "cause-1");
  CHECK(c.commit.actor().id() == "usr_1");
  REQUIRE(c.commit.events_size() == 3);
  for (int i = 0; i < 3; ++i) {
    slotwise::events::v1::BookingCancelled e;
    REQUIRE(c.commit.events(i).payload().UnpackTo(&e));
    CHECK(e.booking_id() == "bkg_" + std::to_string(i));
    CHECK(c.commit.events(i).event_id() == "c-1:" + std::to_string(i));
  }
  CHECK(store->version({"calendar", "biz_round"}).value() == appended->position);
  CHECK(store->version({"calendar", "nobody"}).value() == 0);
}

TEST_CASE_FIXTURE(StoreFixture, "expected versions: no stream, exact and any") {
  auto first = store->append(request("biz_v", ExpectedVersion::no_stream(), "v-1"));
  REQUIRE(first.ok());

  SUBCASE("no stream on an existing aggregate conflicts and reports the current version") {
    auto again = store->append(request("biz_v", ExpectedVersion::no_stream(), "v-2"));
    REQUIRE_FALSE(again.ok());
    CHECK(again.error().code == ErrorCode::kConcurrencyConflict);
    CHECK(again.error().current_version == first->position);
  }
  SUBCASE("a stale exact version conflicts") {
    auto second = store->append(request("biz_v", ExpectedVersion::exact(first->position), "v-2"));
    REQUIRE(second.ok());
    auto stale = store->append(request("biz_v", ExpectedVersion::exact(first->position), "v-3"));
    REQUIRE_FALSE(stale.ok());
    CHECK(stale.error().code == ErrorCode::kConcurrencyConflict);
    CHECK(stale.error().current_version == second->position);
  }
  SUBCASE("a version from the future conflicts without writing") {
    auto future = store->append(request("biz_v", ExpectedVersion::exact(999), "v-4"));
    REQUIRE_FALSE(future.ok());
    CHECK(future.error().code == ErrorCode::kConcurrencyConflict);
    CHECK(future.error().current_version == first->position);
  }
  SUBCASE("a cold cache still detects conflicts (server-side check)") {
    // A second store has no cached tail and must look it up.
    auto other = slotwise::testing::open_store(nats.url());
    auto ok = other->append(request("biz_v", ExpectedVersion::exact(first->position), "v-5"));
    REQUIRE(ok.ok());
    auto stale = store->append(request("biz_v", ExpectedVersion::exact(first->position), "v-6"));
    REQUIRE_FALSE(stale.ok());
    CHECK(stale.error().code == ErrorCode::kConcurrencyConflict);
    CHECK(stale.error().current_version == ok->position);
  }
  SUBCASE("any appends after whatever is there") {
    auto other = slotwise::testing::open_store(nats.url());
    REQUIRE(other->append(request("biz_v", ExpectedVersion::any(), "v-7")).ok());
    auto any = store->append(request("biz_v", ExpectedVersion::any(), "v-8"));
    REQUIRE(any.ok());
    auto commits = store->read({"calendar", "biz_v"});
    REQUIRE(commits->size() == 3);
    CHECK(commits->back().commit.previous_version() == (*commits)[1].sequence);
  }
  auto stats = store->stats();
  CHECK(stats.in_flight == 0);
}

TEST_CASE_FIXTURE(StoreFixture,
                  "N threads at one expected version: exactly one wins each version") {
  constexpr int kThreads = 8;
  constexpr int kRounds = 25;
  std::uint64_t version = 0;
  std::vector<std::uint64_t> winners;
  for (int round = 0; round < kRounds; ++round) {
    std::atomic<int> wins{0};
    std::atomic<int> conflicts{0};
    std::atomic<std::uint64_t> won_at{0};
    std::vector<std::thread> threads;
    threads.reserve(kThreads);
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        // Each thread has its own store: separate connections, separate caches.
        auto r = store->append(request("biz_race", ExpectedVersion::exact(version),
                                       "r" + std::to_string(round) + "-t" + std::to_string(t)));
        if (r.ok()) {
          ++wins;
          won_at = r->position;
        } else if (r.error().code == ErrorCode::kConcurrencyConflict) {
          ++conflicts;
        }
      });
    }
    for (auto& th : threads) th.join();
    REQUIRE(wins == 1);
    REQUIRE(conflicts == kThreads - 1);
    version = won_at;
    winners.push_back(version);
  }
  auto commits = store->read({"calendar", "biz_race"});
  REQUIRE(commits.ok());
  REQUIRE(commits->size() == kRounds);
  std::uint64_t prev = 0;
  for (std::size_t i = 0; i < commits->size(); ++i) {
    CHECK((*commits)[i].sequence == winners[i]);
    CHECK((*commits)[i].commit.previous_version() == prev);  // no gaps in the chain
    prev = (*commits)[i].sequence;
  }
}

TEST_CASE_FIXTURE(StoreFixture, "threads with separate connections race at one version") {
  auto other = slotwise::testing::open_store(nats.url());
  std::atomic<int> wins{0};
  std::atomic<int> conflicts{0};
  std::thread a([&] {
    for (int i = 0; i < 50; ++i) {
      auto r =
          store->append(request("biz_two", ExpectedVersion::exact(0), "a" + std::to_string(i)));
      if (r.ok()) {
        ++wins;
      } else if (r.error().code == ErrorCode::kConcurrencyConflict) {
        ++conflicts;
      }
    }
  });
  std::thread b([&] {
    for (int i = 0; i < 50; ++i) {
      auto r =
          other->append(request("biz_two", ExpectedVersion::exact(0), "b" + std::to_string(i)));
      if (r.ok()) {
        ++wins;
      } else if (r.error().code == ErrorCode::kConcurrencyConflict) {
        ++conflicts;
      }
    }
  });
  a.join();
  b.join();
  CHECK(wins == 1);
  CHECK(conflicts == 99);
  CHECK(store->read({"calendar", "biz_two"})->size() == 1);
}

TEST_CASE_FIXTURE(StoreFixture,
                  "a repeated commit id returns the original position and writes nothing") {
  auto first = store->append(request("biz_idem", ExpectedVersion::no_stream(), "same-id"));
  REQUIRE(first.ok());

  SUBCASE("within the duplicate window, same expectation") {
    auto again = store->append(request("biz_idem", ExpectedVersion::no_stream(), "same-id"));
    REQUIRE(again.ok());
    CHECK(again->duplicate);
    CHECK(again->position == first->position);
  }
  SUBCASE("after the aggregate moved on (found in the log, not only the NATS window)") {
    REQUIRE(
        store->append(request("biz_idem", ExpectedVersion::exact(first->position), "next")).ok());
    auto fresh = slotwise::testing::open_store(nats.url());  // cold cache
    auto again = fresh->append(request("biz_idem", ExpectedVersion::no_stream(), "same-id"));
    REQUIRE(again.ok());
    CHECK(again->duplicate);
    CHECK(again->position == first->position);
  }
  SUBCASE("with expected version any") {
    auto again = store->append(request("biz_idem", ExpectedVersion::any(), "same-id"));
    REQUIRE(again.ok());
    CHECK(again->duplicate);
    CHECK(again->position == first->position);
  }
  auto commits = store->read({"calendar", "biz_idem"});
  REQUIRE(commits.ok());
  for (const auto& c : *commits)
    CHECK((c.commit.commit_id() != "same-id" || c.sequence == first->position));
  auto state = store->state();
  REQUIRE(state.ok());
  CHECK(state->messages == commits->size());
}

TEST_CASE_FIXTURE(StoreFixture, "bad requests are refused without writing") {
  auto empty = request("biz_bad", ExpectedVersion::any(), "x", 0);
  auto r1 = store->append(empty);
  REQUIRE_FALSE(r1.ok());
  CHECK(r1.error().code == ErrorCode::kInvalidArgument);

  auto dotted = request("biz.bad", ExpectedVersion::any(), "x");
  auto r2 = store->append(dotted);
  REQUIRE_FALSE(r2.ok());
  CHECK(r2.error().code == ErrorCode::kInvalidArgument);

  auto wildcard = request("biz_bad", ExpectedVersion::any(), "x");
  wildcard.aggregate.category = "*";
  CHECK(store->append(wildcard).error().code == ErrorCode::kInvalidArgument);

  auto no_id = request("biz_bad", ExpectedVersion::any(), "");
  CHECK(store->append(no_id).error().code == ErrorCode::kInvalidArgument);

  auto newline = request("biz_bad", ExpectedVersion::any(), "a\r\nNats-Msg-Id: x");
  CHECK(store->append(newline).error().code == ErrorCode::kInvalidArgument);

  CHECK(store->state()->messages == 0);
}
