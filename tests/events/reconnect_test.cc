// nats-server restarted (and killed) mid-stream: the client reconnects by
// itself and no acknowledged commit is lost.
#include <doctest/doctest.h>

#include <atomic>
#include <csignal>
#include <mutex>
#include <set>
#include <thread>

#include "tests/events/store_fixture.h"

using slotwise::events::AppendResult;
using slotwise::events::ExpectedVersion;
using slotwise::events::Result;
using slotwise::testing::request;

namespace {

void restart_mid_stream(int signal) {
  slotwise::testing::NatsServerFixture nats;
  auto store = slotwise::testing::open_store(nats.url());
  std::mutex mu;
  std::set<std::string> acknowledged;
  std::atomic<int> failures{0};
  std::atomic<bool> stop{false};
  std::thread writer([&] {
    for (int i = 0; !stop && i < 100000; ++i) {
      const std::string id = "w" + std::to_string(i);
      store->append_async(request("biz_w" + std::to_string(i % 16), ExpectedVersion::any(), id),
                          [&, id](const Result<AppendResult>& r) {
                            std::lock_guard<std::mutex> lock(mu);
                            if (r.ok()) {
                              acknowledged.insert(id);
                            } else {
                              ++failures;
                            }
                          });
      if (i % 50 == 0) std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  nats.restart(signal);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  stop = true;
  writer.join();
  REQUIRE(store->drain(std::chrono::seconds(30)));

  std::set<std::string> in_log;
  REQUIRE(store
              ->scan(slotwise::events::ScanRange{},
                     [&](Result<slotwise::events::StoredCommit>&& c) {
                       REQUIRE(c.ok());
                       in_log.insert(c->commit.commit_id());
                       return true;
                     })
              .ok());
  std::lock_guard<std::mutex> lock(mu);
  CHECK(acknowledged.size() > 100);
  for (const auto& id : acknowledged) {
    INFO("acknowledged commit missing from the log: " << id);
    CHECK(in_log.count(id) == 1);
  }
  // Retries reuse the message id, so nothing is written twice.
  CHECK(in_log.size() == store->state()->messages);
  MESSAGE("acknowledged=" << acknowledged.size() << " failed=" << failures.load()
                          << " stats.retries=" << store->stats().retries);
}

}  // namespace

TEST_CASE("graceful nats-server restart mid-stream loses no acknowledged commit") {
  restart_mid_stream(SIGTERM);
}

TEST_CASE("nats-server killed (SIGKILL) mid-stream loses no acknowledged commit") {
  restart_mid_stream(SIGKILL);
}
