// Durable pull subscriptions (explicit ack, batch fetch, redelivery) and
// ordered tail subscriptions.
#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include "events/subscription.h"
#include "tests/events/store_fixture.h"

using slotwise::events::ConsumerSpec;
using slotwise::events::DurableSubscription;
using slotwise::events::ExpectedVersion;
using slotwise::events::TailStart;
using slotwise::events::TailSubscription;
using slotwise::testing::request;
using slotwise::testing::StoreFixture;

TEST_CASE_FIXTURE(StoreFixture, "a durable consumer resumes after the last acknowledged commit") {
  for (int i = 0; i < 10; ++i) {
    REQUIRE(
        store->append(request("biz_sub", ExpectedVersion::any(), "s" + std::to_string(i))).ok());
  }
  const ConsumerSpec spec{"test-durable", "sw.evt.calendar.>", std::chrono::seconds(1)};
  {
    auto sub = DurableSubscription::open(*store, spec);
    REQUIRE(sub.ok());
    auto batch = sub.value()->fetch(4, std::chrono::seconds(2));
    REQUIRE(batch.ok());
    REQUIRE(batch->size() == 4);
    for (std::size_t i = 0; i < batch->size(); ++i) {
      auto& d = (*batch)[i];
      CHECK(d.sequence == i + 1);
      REQUIRE(d.commit.ok());
      CHECK(d.commit->commit.commit_id() == "s" + std::to_string(i));
      REQUIRE(sub.value()->ack_sync(d).ok());
    }
    // Fetch two more but do not acknowledge them: they must come back.
    auto unacked = sub.value()->fetch(2, std::chrono::seconds(2));
    REQUIRE(unacked->size() == 2);
  }
  auto again = DurableSubscription::open(*store, spec);
  REQUIRE(again.ok());
  std::vector<std::uint64_t> seqs;
  for (int attempt = 0; attempt < 10 && seqs.size() < 6; ++attempt) {
    auto batch = again.value()->fetch(10, std::chrono::seconds(2));
    REQUIRE(batch.ok());
    for (auto& d : *batch) {
      seqs.push_back(d.sequence);
      REQUIRE(again.value()->ack_sync(d).ok());
    }
  }
  // Redeliveries of 5 and 6 may come after 7..10; each arrives exactly once here.
  std::sort(seqs.begin(), seqs.end());
  CHECK(seqs == std::vector<std::uint64_t>{5, 6, 7, 8, 9, 10});
  auto empty = again.value()->fetch(10, std::chrono::milliseconds(200));
  REQUIRE(empty.ok());
  CHECK(empty->empty());
}

TEST_CASE_FIXTURE(StoreFixture,
                  "an idle fetch returns the first new commit without waiting for a full batch") {
  const ConsumerSpec spec{"test-eager", "sw.evt.calendar.>", std::chrono::seconds(5)};
  auto sub = DurableSubscription::open(*store, spec);
  REQUIRE(sub.ok());
  std::thread appender([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    (void)store->append(request("biz_eager", ExpectedVersion::any(), "e0"));
  });
  const auto t0 = std::chrono::steady_clock::now();
  auto got = sub.value()->fetch(100, std::chrono::seconds(10));
  const auto waited = std::chrono::steady_clock::now() - t0;
  appender.join();
  REQUIRE(got.ok());
  REQUIRE(got->size() == 1);
  CHECK((*got)[0].commit->commit.commit_id() == "e0");
  // nats.c's plain Fetch would hold the delivery until 100 had arrived or
  // the 10 s passed.
  CHECK(waited < std::chrono::seconds(5));
  // Ready deliveries come back together, up to the batch size.
  for (int i = 1; i <= 5; ++i) {
    REQUIRE(
        store->append(request("biz_eager", ExpectedVersion::any(), "e" + std::to_string(i))).ok());
  }
  auto ready = sub.value()->fetch(3, std::chrono::seconds(2));
  REQUIRE(ready.ok());
  REQUIRE(ready->size() == 3);
  CHECK((*ready)[0].sequence == 2);
  CHECK((*ready)[2].sequence == 4);
}

TEST_CASE_FIXTURE(StoreFixture, "a tail subscription sees history then new commits in order") {
  REQUIRE(store->append(request("biz_t", ExpectedVersion::any(), "t0")).ok());
  REQUIRE(store->append(request("biz_t", ExpectedVersion::any(), "t1")).ok());
  auto tail = TailSubscription::open(*store, "", TailStart{TailStart::Kind::kFromSequence, 2, 0});
  REQUIRE(tail.ok());
  auto first = tail.value()->next(std::chrono::seconds(2));
  REQUIRE(first.ok());
  REQUIRE(first->has_value());
  CHECK((*first)->sequence == 2);
  REQUIRE(store->append(request("biz_t", ExpectedVersion::any(), "t2")).ok());
  auto second = tail.value()->next(std::chrono::seconds(2));
  REQUIRE(second->has_value());
  CHECK((*second)->sequence == 3);
  CHECK((*second)->commit->commit.commit_id() == "t2");
  auto none = tail.value()->next(std::chrono::milliseconds(200));
  REQUIRE(none.ok());
  CHECK_FALSE(none->has_value());

  auto only_new = TailSubscription::open(*store, "sw.evt.calendar.>", TailStart{});
  REQUIRE(only_new.ok());
  REQUIRE(store->append(request("biz_t", ExpectedVersion::any(), "t3")).ok());
  auto fresh = only_new.value()->next(std::chrono::seconds(2));
  REQUIRE(fresh->has_value());
  CHECK((*fresh)->commit->commit.commit_id() == "t3");
}
