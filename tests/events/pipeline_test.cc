// Pipelined appends: many in flight, per-append completion, per-aggregate order.
#include <doctest/doctest.h>

#include <condition_variable>
#include <map>
#include <mutex>
#include <vector>

#include "tests/events/store_fixture.h"

using slotwise::events::AppendResult;
using slotwise::events::ExpectedVersion;
using slotwise::events::Result;
using slotwise::testing::request;
using slotwise::testing::StoreFixture;

TEST_CASE_FIXTURE(StoreFixture,
                  "pipelined appends keep per-aggregate order and complete each once") {
  constexpr int kAggregates = 20;
  constexpr int kPerAggregate = 50;
  std::mutex mu;
  std::condition_variable cv;
  int completed = 0;
  int failed = 0;
  std::map<std::string, std::vector<std::uint64_t>> positions;  // by commit id order
  for (int i = 0; i < kPerAggregate; ++i) {
    for (int a = 0; a < kAggregates; ++a) {
      const std::string agg = "biz_p" + std::to_string(a);
      const std::string id = agg + "-" + std::to_string(i);
      store->append_async(request(agg, ExpectedVersion::any(), id),
                          [&, agg](const Result<AppendResult>& r) {
                            std::lock_guard<std::mutex> lock(mu);
                            if (r.ok()) {
                              positions[agg].push_back(r->position);
                            } else {
                              ++failed;
                            }
                            ++completed;
                            cv.notify_all();
                          });
    }
  }
  {
    std::unique_lock<std::mutex> lock(mu);
    REQUIRE(cv.wait_for(lock, std::chrono::seconds(60),
                        [&] { return completed == kAggregates * kPerAggregate; }));
  }
  CHECK(failed == 0);
  for (int a = 0; a < kAggregates; ++a) {
    const std::string agg = "biz_p" + std::to_string(a);
    auto commits = store->read({"calendar", agg});
    REQUIRE(commits.ok());
    REQUIRE(commits->size() == kPerAggregate);
    std::uint64_t prev = 0;
    for (int i = 0; i < kPerAggregate; ++i) {
      const auto& c = (*commits)[static_cast<std::size_t>(i)];
      // Submission order == log order == completion order, per aggregate.
      CHECK(c.commit.commit_id() == agg + "-" + std::to_string(i));
      CHECK(c.commit.previous_version() == prev);
      CHECK(positions[agg][static_cast<std::size_t>(i)] == c.sequence);
      prev = c.sequence;
    }
  }
  CHECK(store->drain(std::chrono::seconds(1)));
  CHECK(store->stats().appended == kAggregates * kPerAggregate);
}

TEST_CASE("more appends than the in-flight limit all complete") {
  slotwise::testing::NatsServerFixture nats;
  auto options = slotwise::testing::store_options(nats.url());
  options.pipeline.max_in_flight = 4;
  auto opened = slotwise::events::EventStore::open(options);
  REQUIRE(opened.ok());
  auto& store = opened.value();
  REQUIRE(store->provision().ok());
  std::atomic<int> ok{0};
  for (int i = 0; i < 500; ++i) {
    store->append_async(
        request("biz_l" + std::to_string(i % 37), ExpectedVersion::any(), "l-" + std::to_string(i)),
        [&](const Result<AppendResult>& r) {
          if (r.ok()) ++ok;
        });
  }
  REQUIRE(store->drain(std::chrono::seconds(60)));
  CHECK(ok == 500);
  CHECK(store->state()->messages == 500);
}

TEST_CASE("destroying the store with appends queued completes every callback") {
  slotwise::testing::NatsServerFixture nats;
  std::atomic<int> callbacks{0};
  {
    auto store = slotwise::testing::open_store(nats.url());
    for (int i = 0; i < 200; ++i) {
      store->append_async(request("biz_d", ExpectedVersion::any(), "d-" + std::to_string(i)),
                          [&](const Result<AppendResult>&) { ++callbacks; });
    }
  }
  CHECK(callbacks == 200);
}
