// RateLimiter: bursts, refill with injected time, independent keys, bounded
// memory.
#include "auth/rate_limiter.h"

#include <doctest/doctest.h>

#include <chrono>
#include <string>

using slotwise::auth::RateLimiter;
using std::chrono::milliseconds;
using std::chrono::seconds;

namespace {
const RateLimiter::Clock::time_point kT0{seconds{1000}};

RateLimiter limiter(double burst, double per_second, std::size_t max_keys = 1000) {
  return RateLimiter(RateLimiter::Options{burst, per_second, max_keys});
}
}  // namespace

TEST_CASE("a burst is allowed, then requests are refused with the time to wait") {
  RateLimiter rl = limiter(3, 1);
  for (int i = 0; i < 3; ++i) {
    const auto d = rl.acquire("a@example.com", kT0);
    CHECK(d.allowed);
    CHECK(d.remaining == 2 - i);
  }
  const auto refused = rl.acquire("a@example.com", kT0);
  CHECK_FALSE(refused.allowed);
  CHECK(refused.retry_after == milliseconds{1000});
  CHECK(refused.remaining == 0);
}

TEST_CASE("tokens refill with time, never beyond the burst") {
  RateLimiter rl = limiter(3, 1);
  for (int i = 0; i < 3; ++i) REQUIRE(rl.acquire("k", kT0).allowed);
  const auto half = rl.acquire("k", kT0 + milliseconds{500});
  CHECK_FALSE(half.allowed);
  CHECK(half.retry_after == milliseconds{500});
  CHECK(rl.acquire("k", kT0 + seconds{1}).allowed);
  CHECK_FALSE(rl.acquire("k", kT0 + seconds{1}).allowed);
  // A long pause refills to the burst, not more.
  const auto later = kT0 + seconds{3600};
  for (int i = 0; i < 3; ++i) CHECK(rl.acquire("k", later).allowed);
  CHECK_FALSE(rl.acquire("k", later).allowed);
}

TEST_CASE("slow refill: one token every five seconds") {
  RateLimiter rl = limiter(1, 0.2);
  CHECK(rl.acquire("ip:10.0.0.1", kT0).allowed);
  const auto d = rl.acquire("ip:10.0.0.1", kT0 + seconds{1});
  CHECK_FALSE(d.allowed);
  CHECK(d.retry_after == milliseconds{4000});
  CHECK(rl.acquire("ip:10.0.0.1", kT0 + seconds{5}).allowed);
}

TEST_CASE("keys have independent buckets") {
  RateLimiter rl = limiter(1, 1);
  CHECK(rl.acquire("a", kT0).allowed);
  CHECK_FALSE(rl.acquire("a", kT0).allowed);
  CHECK(rl.acquire("b", kT0).allowed);
}

TEST_CASE("a cost above one takes several tokens") {
  RateLimiter rl = limiter(5, 1);
  CHECK(rl.acquire("k", kT0, 4).allowed);
  const auto d = rl.acquire("k", kT0, 2);
  CHECK_FALSE(d.allowed);
  CHECK(d.retry_after == milliseconds{1000});
}

TEST_CASE("a refund gives a token back, never beyond the burst") {
  RateLimiter rl = limiter(2, 0.001);
  REQUIRE(rl.acquire("k", kT0).allowed);
  REQUIRE(rl.acquire("k", kT0).allowed);
  REQUIRE_FALSE(rl.acquire("k", kT0).allowed);
  rl.refund("k", kT0);
  CHECK(rl.acquire("k", kT0).allowed);
  CHECK_FALSE(rl.acquire("k", kT0).allowed);
  // Refunds beyond what was taken fill the bucket to the burst, not more.
  for (int i = 0; i < 5; ++i) rl.refund("k", kT0);
  CHECK(rl.acquire("k", kT0).remaining == 1);
  CHECK(rl.acquire("k", kT0).allowed);
  CHECK_FALSE(rl.acquire("k", kT0).allowed);
}

TEST_CASE("a refund to a bucket not held creates none") {
  RateLimiter rl = limiter(2, 1);
  rl.refund("never-seen", kT0);
  CHECK(rl.size() == 0);
}

TEST_CASE("time going backwards refills nothing") {
  RateLimiter rl = limiter(1, 1);
  CHECK(rl.acquire("k", kT0).allowed);
  CHECK_FALSE(rl.acquire("k", kT0 - seconds{10}).allowed);
  CHECK(rl.acquire("k", kT0 + seconds{1}).allowed);
}

TEST_CASE("memory stays bounded: at most max_keys buckets are kept") {
  RateLimiter rl = limiter(2, 0.001, 32);  // 2 per shard
  for (int i = 0; i < 10000; ++i) (void)rl.acquire("key-" + std::to_string(i), kT0);
  CHECK(rl.size() <= 32);
  CHECK(rl.size() > 0);
}

TEST_CASE("buckets idle long enough to be full again are dropped") {
  RateLimiter rl = limiter(2, 1, 100000);
  for (int i = 0; i < 100; ++i) (void)rl.acquire("key-" + std::to_string(i), kT0);
  CHECK(rl.size() == 100);
  // Two seconds later every bucket is full again. Each call sweeps up to two
  // idle buckets of its shard, so 1,000 new keys (about 60 per shard) sweep
  // out all 100 idle ones (about 6 per shard).
  const auto later = kT0 + seconds{2};
  for (int i = 0; i < 1000; ++i) (void)rl.acquire("fresh-" + std::to_string(i), later);
  CHECK(rl.size() == 1000);
  // A dropped bucket comes back full: nothing was lost by dropping it.
  CHECK(rl.acquire("key-0", later).remaining == 1);
}
