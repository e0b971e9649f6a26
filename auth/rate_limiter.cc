#include "auth/rate_limiter.h"

#include <algorithm>
#include <cassert>
#include <cmath>

namespace slotwise::auth {
namespace {

// Idle buckets checked per call: enough to keep up with insertions.
constexpr int kIdleChecksPerCall = 2;

}  // namespace

RateLimiter::RateLimiter(const Options& options)
    : options_(options),
      max_keys_per_shard_(std::max<std::size_t>(1, (options.max_keys + kShards - 1) / kShards)) {
  assert(options_.burst > 0);
  assert(options_.refill_per_second > 0);
}

double RateLimiter::refilled(const Bucket& b, Clock::time_point now) const {
  // A clock that went backwards (it cannot with steady_clock, but callers
  // inject time) refills nothing rather than draining.
  const double elapsed = std::max(0.0, std::chrono::duration<double>(now - b.updated).count());
  return std::min(options_.burst, b.tokens + elapsed * options_.refill_per_second);
}

void RateLimiter::evict_idle(Shard& shard, Clock::time_point now) const {
  for (int i = 0; i < kIdleChecksPerCall && !shard.lru.empty(); ++i) {
    const Bucket& oldest = shard.lru.back();
    // Stop at the first bucket still refilling: amortised, not exhaustive.
    if (refilled(oldest, now) < options_.burst) return;
    shard.index.erase(oldest.key);
    shard.lru.pop_back();
  }
}

RateLimiter::Decision RateLimiter::acquire(std::string_view key, Clock::time_point now,
                                           double cost) {
  Shard& shard = shards_[std::hash<std::string_view>{}(key) % kShards];
  const std::lock_guard<std::mutex> lock(shard.mu);
  evict_idle(shard, now);

  auto it = shard.index.find(key);
  if (it == shard.index.end()) {
    if (shard.lru.size() >= max_keys_per_shard_) {
      shard.index.erase(shard.lru.back().key);
      shard.lru.pop_back();
    }
    shard.lru.push_front(Bucket{std::string(key), options_.burst, now});
    // The index key views the string owned by the list node, which never moves.
    it = shard.index.emplace(shard.lru.front().key, shard.lru.begin()).first;
  } else {
    shard.lru.splice(shard.lru.begin(), shard.lru, it->second);
  }

  Bucket& bucket = *it->second;
  bucket.tokens = refilled(bucket, now);
  bucket.updated = std::max(bucket.updated, now);
  Decision d;
  if (bucket.tokens >= cost) {
    bucket.tokens -= cost;
    d.allowed = true;
  } else {
    const double missing = cost - bucket.tokens;
    d.retry_after = std::chrono::milliseconds{
        static_cast<long long>(std::ceil(missing / options_.refill_per_second * 1000.0))};
  }
  d.remaining = static_cast<long>(std::floor(bucket.tokens));
  return d;
}

void RateLimiter::refund(std::string_view key, Clock::time_point now, double cost) {
  Shard& shard = shards_[std::hash<std::string_view>{}(key) % kShards];
  const std::lock_guard<std::mutex> lock(shard.mu);
  const auto it = shard.index.find(key);
  if (it == shard.index.end()) return;
  Bucket& bucket = *it->second;
  bucket.tokens = std::min(options_.burst, refilled(bucket, now) + cost);
  bucket.updated = std::max(bucket.updated, now);
}

std::size_t RateLimiter::size() const {
  std::size_t n = 0;
  for (const Shard& shard : shards_) {
    const std::lock_guard<std::mutex> lock(shard.mu);
    n += shard.lru.size();
  }
  return n;
}

}  // namespace slotwise::auth
