// Pipelined appends: many in flight, per-append completion, per-aggregate order.
#include <doctest/doctest.h>

#include <signal.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include "tests/events/store_fixture.h"

using slotwise::events::AggregateRef;
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
  const auto store = slotwise::testing::open_store(options);
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

TEST_CASE("appends before the stream exists are retried and land once it is provisioned") {
  slotwise::testing::NatsServerFixture nats;
  auto options = slotwise::testing::store_options(nats.url());
  const auto store = slotwise::testing::open_store(options, /*provision=*/false);
  // No stream takes the subjects yet: the server answers each publish with a
  // "503 no responders" status on the pipeline's inbox, which is retried.
  std::atomic<int> ok{0};
  std::atomic<std::uint64_t> max_position{0};
  for (int i = 0; i < 3; ++i) {
    store->append_async(request("biz_n" + std::to_string(i), ExpectedVersion::no_stream(),
                                "n-" + std::to_string(i)),
                        [&](const Result<AppendResult>& r) {
                          if (r.ok()) {
                            ++ok;
                            max_position = std::max(max_position.load(), r->position);
                          }
                        });
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (store->stats().retries < 3 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  CHECK(store->stats().retries >= 3);
  CHECK(ok == 0);
  REQUIRE(store->provision().ok());
  REQUIRE(store->drain(std::chrono::seconds(30)));
  CHECK(ok == 3);
  CHECK(max_position == 3);
  CHECK(store->state()->messages == 3);
}

TEST_CASE("an append to a stream that never appears fails as unavailable at its deadline") {
  slotwise::testing::NatsServerFixture nats;
  auto options = slotwise::testing::store_options(nats.url());
  options.pipeline.append_deadline = std::chrono::milliseconds(300);
  const auto store = slotwise::testing::open_store(options, /*provision=*/false);
  auto r = store->append(request("biz_u", ExpectedVersion::no_stream(), "u-1"));
  REQUIRE(!r.ok());
  CHECK(r.error().code == slotwise::events::ErrorCode::kUnavailable);
  CHECK_MESSAGE(r.error().message.find("No responders") != std::string::npos, r.error().message);
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

TEST_CASE("appends whose acks do not come in time are retried and stored exactly once") {
  slotwise::testing::NatsServerFixture nats;
  auto options = slotwise::testing::store_options(nats.url());
  options.pipeline.ack_timeout = std::chrono::milliseconds(100);
  const auto store = slotwise::testing::open_store(options);
  constexpr int kAppends = 40;
  std::atomic<int> ok{0};
  // A frozen server reads nothing and acknowledges nothing; the publishes wait
  // in the socket buffers. Every ack deadline passes, so every append is
  // republished; once the server runs again it stores each first attempt and
  // deduplicates the retries by message id.
  REQUIRE(::kill(nats.pid(), SIGSTOP) == 0);
  // "No stream" first, then "any" with the tail the pipeline caches from each
  // ack: no tail lookup (a request to the frozen server) is needed.
  for (int i = 0; i < kAppends; ++i) {
    const auto expected = i < 7 ? ExpectedVersion::no_stream() : ExpectedVersion::any();
    store->append_async(
        request("biz_t" + std::to_string(i % 7), expected, "t-" + std::to_string(i)),
        [&](const Result<AppendResult>& r) {
          if (r.ok()) ++ok;
        });
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(600));
  CHECK(store->stats().retries > 0);
  REQUIRE(::kill(nats.pid(), SIGCONT) == 0);
  REQUIRE(store->drain(std::chrono::seconds(30)));
  CHECK(ok == kAppends);
  CHECK(store->state()->messages == kAppends);
  // Whatever the mix of first-attempt and deduplicated acks, each aggregate's
  // commits are in submission order with no gaps.
  for (int a = 0; a < 7; ++a) {
    auto commits = store->read(AggregateRef{"calendar", "biz_t" + std::to_string(a)}, 0);
    REQUIRE(commits.ok());
    int expected_i = a;
    for (const auto& c : commits.value()) {
      CHECK(c.commit.commit_id() == "t-" + std::to_string(expected_i));
      expected_i += 7;
    }
    CHECK(expected_i >= kAppends);
  }
}

TEST_CASE("a store closed while appends wait on a frozen server fails each of them, once") {
  slotwise::testing::NatsServerFixture nats;
  auto options = slotwise::testing::store_options(nats.url());
  options.request_timeout = std::chrono::milliseconds(400);
  options.shutdown_drain = std::chrono::milliseconds(100);
  std::atomic<int> callbacks{0};
  std::atomic<int> ok{0};
  {
    const auto store = slotwise::testing::open_store(options);
    REQUIRE(::kill(nats.pid(), SIGSTOP) == 0);
    // No cached tail: each attempt looks the tail up, which waits for the
    // frozen server; a failed lookup is retried on the timer thread.
    for (int i = 0; i < 3; ++i) {
      store->append_async(
          request("biz_f" + std::to_string(i), ExpectedVersion::exact(3), "f-" + std::to_string(i)),
          [&](const Result<AppendResult>& r) {
            ++callbacks;
            if (r.ok()) ++ok;
          });
    }
    // Close the store while retries are scheduled or running: the drain
    // times out and every append is failed exactly once. (Closing it while
    // a retry is inside its tail lookup, the case EventStore's destructor
    // now waits for, is not forced here: the timing is not controllable
    // from outside, and this test did not catch the old order under ASan.)
    std::this_thread::sleep_for(std::chrono::milliseconds(700));
  }
  REQUIRE(::kill(nats.pid(), SIGCONT) == 0);
  CHECK(callbacks == 3);
  CHECK(ok == 0);
}
