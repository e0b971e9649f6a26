// RateLimiter: token buckets keyed by string (an email, an IP address), for
// login attempts and other abuse-prone endpoints.
//
// Each key has a bucket of `burst` tokens that refills continuously at
// `refill_per_second`; a request takes `cost` tokens (1 by default) or is
// refused with the time until enough tokens will be there (for Retry-After).
// refund() gives tokens back to a request that turned out not to count (a
// booking request answered as an idempotent replay).
// Time is passed in by the caller (a steady_clock time point), so tests drive
// it exactly and nothing here reads a clock.
//
// Memory is bounded: at most `max_keys` buckets are kept. A bucket idle long
// enough to be full again is indistinguishable from a new one and is dropped
// (checked a few least-recently-used keys per call, so the cost is amortised
// O(1)); when the table is full anyway, the least recently used bucket is
// dropped. That last case forgets a partially drained bucket, so size
// max_keys well above the number of keys active within one refill period.
//
// Keys are spread over 16 shards, each with its own mutex, so concurrent
// requests for different keys rarely contend.
//
// Thread safety: all methods may be called concurrently.
// Errors: none. Preconditions: burst > 0, refill_per_second > 0 (checked by
// assert; a zero rate would make retry_after infinite). A cost above burst is
// never allowed.
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <functional>
#include <list>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace slotwise::auth {

class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;

  struct Options {
    double burst = 5;                // bucket capacity in tokens
    double refill_per_second = 0.2;  // one token every 5 s
    std::size_t max_keys = 100000;   // across all shards
  };

  struct Decision {
    bool allowed = false;
    // How long until the same request would be allowed; zero when allowed.
    std::chrono::milliseconds retry_after{0};
    // Tokens left after this request (rounded down).
    long remaining = 0;
  };

  explicit RateLimiter(const Options& options);

  // Takes `cost` tokens from `key`'s bucket at time `now` if it has them.
  Decision acquire(std::string_view key, Clock::time_point now, double cost = 1.0);

  // Gives `cost` tokens back to `key`'s bucket (never beyond burst). A
  // bucket no longer held was dropped full or evicted, so there is nothing
  // to give back to: a new bucket starts full.
  void refund(std::string_view key, Clock::time_point now, double cost = 1.0);

  // Buckets currently held (for metrics and tests).
  [[nodiscard]] std::size_t size() const;

 private:
  static constexpr std::size_t kShards = 16;

  struct Bucket {
    std::string key;
    double tokens = 0;
    Clock::time_point updated;
  };
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  // Buckets in least-recently-used order (front = most recent), indexed by key.
  struct Shard {
    mutable std::mutex mu;
    std::list<Bucket> lru;
    std::unordered_map<std::string_view, std::list<Bucket>::iterator, Hash, std::equal_to<>> index;
  };

  // Tokens in `b` at `now`, capped at burst.
  [[nodiscard]] double refilled(const Bucket& b, Clock::time_point now) const;
  void evict_idle(Shard& shard, Clock::time_point now) const;

  Options options_;
  std::size_t max_keys_per_shard_;
  std::array<Shard, kShards> shards_;
};

}  // namespace slotwise::auth
