// CommandContext: what every command handler works with — the event store,
// one AggregateRepository per aggregate category, the JWT codec, the
// password hasher, the login, signup, password reset and booking rate
// limiters, the manage-token key (which also derives password reset tokens)
// and the clock. Built once by the process (main.cc) or a test, then shared
// by all handlers on all worker threads. Payments (Stripe client, webhook
// secrets) are on when a Stripe secret key is configured; stripe() is null
// otherwise.
//
// Categories (subjects sw.evt.<category>.<id>, docs/adr/0002):
//   account  <usr_id>                 AccountState
//   email    <sha256(email)>          EmailClaimState
//   business <biz_id>                 BusinessState
//   slug     <slug>                   SlugClaimState
//   calendar <biz_id>                 CalendarState (schedule + bookings)
//   payment  <bkg_id>                 PaymentState (Stripe intent, events, refunds)
//
// Thread safety: thread-safe (every member is).
// Errors: none here; handlers return CommandReply.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "auth/jwt.h"
#include "auth/password.h"
#include "auth/rate_limiter.h"
#include "command-side/aggregate_repository.h"
#include "command-side/booking_limits.h"
#include "command-side/stripe_client.h"
#include "domain/account.h"
#include "domain/business.h"
#include "domain/calendar.h"
#include "domain/email_claim.h"
#include "domain/payment.h"
#include "domain/slug_claim.h"
#include "events/event_store.h"
#include "service/log.h"

namespace slotwise::command {

using AccountRepository = AggregateRepository<domain::AccountState, domain::AccountEvent>;
using EmailRepository = AggregateRepository<domain::EmailClaimState, domain::EmailClaimEvent>;
using BusinessRepository = AggregateRepository<domain::BusinessState, domain::BusinessEvent>;
using SlugRepository = AggregateRepository<domain::SlugClaimState, domain::SlugClaimEvent>;
using CalendarRepository = AggregateRepository<domain::CalendarState, domain::CalendarEvent>;
using PaymentRepository = AggregateRepository<domain::PaymentState, domain::PaymentEvent>;

inline constexpr const char* kAccountCategory = "account";
inline constexpr const char* kEmailCategory = "email";
inline constexpr const char* kBusinessCategory = "business";
inline constexpr const char* kSlugCategory = "slug";
inline constexpr const char* kCalendarCategory = "calendar";
inline constexpr const char* kPaymentCategory = "payment";

// Stripe settings (docs/command-api.md#configuration). Payments are
// disabled while stripe.secret_key is empty.
struct PaymentOptions {
  StripeClientOptions stripe;
  // Webhook endpoint secrets ("whsec_..."); several during a rotation.
  std::vector<std::string> webhook_secrets;
  std::chrono::seconds webhook_tolerance{300};
};

struct CommandContextOptions {
  std::size_t cache_aggregates = 200000;
  int max_attempts = 5;
  auth::Argon2Params argon2;
  std::chrono::seconds jwt_ttl{12 * 3600};
  auth::RateLimiter::Options login_limits;
  auth::RateLimiter::Options signup_limits;
  // Password reset requests, per email and per client address.
  auth::RateLimiter::Options password_reset_limits;
  // How long a password reset link works.
  std::chrono::seconds password_reset_ttl{3600};
  // Public bookings per client address and per (business, customer email);
  // burst 0 turns a limit off (booking_limits.h).
  BookingLimitOptions booking_limits;
  // Peers whose X-Forwarded-For names the client (auth/client_address.h).
  std::vector<std::string> trusted_proxies;
  // ce-source of every commit.
  std::string source = "slotwise-command";
  PaymentOptions payments;
};

class CommandContext {
 public:
  using Clock = std::function<std::chrono::sys_seconds()>;

  // `store` and `logger` must outlive the context. `manage_key` (>= 32
  // bytes) derives manage tokens; `clock` defaults to the system clock.
  CommandContext(events::EventStore& store, auth::JwtCodec jwt, std::string manage_key,
                 service::Logger& logger, const CommandContextOptions& options, Clock clock = {});

  [[nodiscard]] events::EventStore& store() const { return store_; }
  [[nodiscard]] AccountRepository& accounts() { return accounts_; }
  [[nodiscard]] EmailRepository& emails() { return emails_; }
  [[nodiscard]] BusinessRepository& businesses() { return businesses_; }
  [[nodiscard]] SlugRepository& slugs() { return slugs_; }
  [[nodiscard]] CalendarRepository& calendars() { return calendars_; }
  [[nodiscard]] PaymentRepository& payments() { return payments_; }
  // Null when payments are disabled (no Stripe secret key).
  [[nodiscard]] const StripeClient* stripe() const { return stripe_.get(); }
  [[nodiscard]] const std::vector<std::string>& webhook_secrets() const { return webhook_secrets_; }
  [[nodiscard]] std::chrono::seconds webhook_tolerance() const { return webhook_tolerance_; }
  [[nodiscard]] const auth::JwtCodec& jwt() const { return jwt_; }
  [[nodiscard]] const auth::PasswordHasher& passwords() const { return passwords_; }
  [[nodiscard]] auth::RateLimiter& login_by_email() { return login_by_email_; }
  [[nodiscard]] auth::RateLimiter& login_by_address() { return login_by_address_; }
  [[nodiscard]] auth::RateLimiter& signup_by_address() { return signup_by_address_; }
  [[nodiscard]] auth::RateLimiter& reset_by_email() { return reset_by_email_; }
  [[nodiscard]] auth::RateLimiter& reset_by_address() { return reset_by_address_; }
  [[nodiscard]] std::chrono::seconds password_reset_ttl() const { return password_reset_ttl_; }
  [[nodiscard]] BookingLimits& booking_limits() { return booking_limits_; }
  [[nodiscard]] const std::vector<std::string>& trusted_proxies() const { return trusted_proxies_; }
  [[nodiscard]] const std::string& manage_key() const { return manage_key_; }
  [[nodiscard]] std::chrono::seconds jwt_ttl() const { return jwt_ttl_; }
  [[nodiscard]] const std::string& source() const { return source_; }
  [[nodiscard]] service::Logger& logger() const { return logger_; }
  [[nodiscard]] std::chrono::sys_seconds now() const { return clock_(); }

  // Where a cancelled booking whose refund failed goes to be retried
  // without the client (RefundReconciler). Set once, before the context
  // serves requests; without it only a repeated cancel retries.
  using RefundRetry =
      std::function<void(const std::string& business_id, const std::string& booking_id)>;
  void set_refund_retry(RefundRetry retry) { refund_retry_ = std::move(retry); }
  void retry_refund_later(const std::string& business_id, const std::string& booking_id) const {
    if (refund_retry_) refund_retry_(business_id, booking_id);
  }

  // Refunds Stripe reported failed or canceled that this process recorded
  // (cumulative; slotwise_refunds_failed_total, command_metrics.h).
  void count_refund_failure() { refund_failures_.fetch_add(1, std::memory_order_relaxed); }
  [[nodiscard]] std::uint64_t refund_failures() const {
    return refund_failures_.load(std::memory_order_relaxed);
  }

 private:
  events::EventStore& store_;
  AccountRepository accounts_;
  EmailRepository emails_;
  BusinessRepository businesses_;
  SlugRepository slugs_;
  CalendarRepository calendars_;
  PaymentRepository payments_;
  std::unique_ptr<StripeClient> stripe_;
  std::vector<std::string> webhook_secrets_;
  std::chrono::seconds webhook_tolerance_;
  auth::JwtCodec jwt_;
  auth::PasswordHasher passwords_;
  auth::RateLimiter login_by_email_;
  auth::RateLimiter login_by_address_;
  auth::RateLimiter signup_by_address_;
  auth::RateLimiter reset_by_email_;
  auth::RateLimiter reset_by_address_;
  std::chrono::seconds password_reset_ttl_;
  BookingLimits booking_limits_;
  std::vector<std::string> trusted_proxies_;
  std::string manage_key_;
  std::chrono::seconds jwt_ttl_;
  std::string source_;
  service::Logger& logger_;
  Clock clock_;
  RefundRetry refund_retry_;
  std::atomic<std::uint64_t> refund_failures_{0};
};

}  // namespace slotwise::command
