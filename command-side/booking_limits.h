// BookingLimits: the rate limits of the public booking endpoint
// (POST /v1/businesses/{id}/bookings), two token buckets a new booking
// takes one token from each of:
//   client_address  per client address (request.client_address): one
//                   machine cannot fill a calendar with holds or fake
//                   bookings;
//   customer        per (business, normalized customer email): one email
//                   cannot be booked again and again at one business, nor
//                   sent its confirmation mail over and over.
// A bucket with burst 0 is off. Buckets are per process (docs/adr/0007).
//
// acquire() charges a request up front and tells which buckets it took a
// token from; refund() gives those back (create_booking does for an
// idempotent replay, which makes no booking). Time is passed in (a
// steady_clock time point), as for auth::RateLimiter.
//
// Thread safety: all methods may be called concurrently.
// Errors: none; a refusal is a value (Admission::refused).
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "auth/rate_limiter.h"

namespace slotwise::command {

struct BookingLimitOptions {
  // burst 0: that limit is off.
  auth::RateLimiter::Options by_client_address{0, 1, 100000};
  auth::RateLimiter::Options by_customer{0, 1, 100000};
};

class BookingLimits {
 public:
  using Clock = auth::RateLimiter::Clock;

  // Which limit refused (the label of slotwise_booking_rate_limited_total).
  enum class Limit { client_address = 0, customer = 1 };
  static constexpr std::array<Limit, 2> kLimits{Limit::client_address, Limit::customer};
  [[nodiscard]] static std::string_view name(Limit limit);

  struct Refusal {
    Limit limit = Limit::client_address;
    std::chrono::milliseconds retry_after{0};
  };

  // What acquire() did: the buckets charged (to refund), and the refusal
  // when a bucket was empty.
  struct Admission {
    bool charged_address = false;
    bool charged_customer = false;
    std::optional<Refusal> refused;
  };

  explicit BookingLimits(const BookingLimitOptions& options);

  // Takes a token from the address bucket, then from the customer bucket;
  // stops at the first that is empty (a token already taken stays taken:
  // a refused request costs like any other).
  [[nodiscard]] Admission acquire(std::string_view client_address, std::string_view business_id,
                                  std::string_view customer_email, Clock::time_point now);

  // Gives back the tokens `admission` took.
  void refund(const Admission& admission, std::string_view client_address,
              std::string_view business_id, std::string_view customer_email, Clock::time_point now);

  // Counts a request answered 429 because `limit` refused it.
  void count_refusal(Limit limit) {
    refusals_[static_cast<std::size_t>(limit)].fetch_add(1, std::memory_order_relaxed);
  }
  // Requests answered 429 because of `limit` (cumulative, for /metrics).
  [[nodiscard]] std::uint64_t refusals(Limit limit) const {
    return refusals_[static_cast<std::size_t>(limit)].load(std::memory_order_relaxed);
  }

 private:
  std::optional<auth::RateLimiter> by_address_;
  std::optional<auth::RateLimiter> by_customer_;
  std::array<std::atomic<std::uint64_t>, 2> refusals_{};
};

}  // namespace slotwise::command
