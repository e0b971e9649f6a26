// CommandConfig: the settings of the slotwise-command process, read from a
// config file (service/config.h format) and SLOTWISE_* environment overrides.
// Every key, its default and meaning is listed in docs/command-api.md.
//
// Thread safety: plain value.
// Errors: load() returns a ConfigError naming the key and its source for an
// unknown key in the file, a malformed value, a missing/short JWT secret or
// a Stripe secret key without webhook secrets.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "auth/jwt.h"
#include "auth/password.h"
#include "common/result.h"
#include "service/config.h"

namespace slotwise::command {

struct CommandConfig {
  std::string http_host = "127.0.0.1";
  int http_port = 8081;
  std::size_t http_workers = 128;
  std::size_t max_body_bytes = std::size_t{64} * 1024;
  std::string nats_url = "nats://127.0.0.1:54222";
  // The JetStream stream of the event log (SLOTWISE_STREAM, as the
  // projector, notifier and CLI read it).
  std::string stream = "SLOTWISE";
  // Answer sw.cmd.<name> requests on NATS too.
  bool nats_commands = true;

  std::string jwt_secret_file;
  std::string jwt_issuer = "slotwise";
  std::string jwt_audience = "slotwise-api";
  std::chrono::seconds jwt_ttl{12 * 3600};

  auth::Argon2Params argon2;

  // Aggregates kept in memory per category (LRU).
  std::size_t cache_aggregates = 200000;
  // Decide-append attempts on a concurrency conflict.
  int max_attempts = 5;

  // Login attempts: a bucket per email and one per client address.
  double login_burst = 10;
  double login_refill_per_second = 0.2;
  // Signups: a bucket per client address.
  double signup_burst = 10;
  double signup_refill_per_second = 0.2;
  // Password reset requests: a bucket per email and one per client address.
  double password_reset_burst = 5;
  double password_reset_refill_per_second = 1.0 / 60;
  // How long a password reset link works.
  std::chrono::seconds password_reset_ttl{3600};
  // Public bookings (booking_limits.h): a bucket per client address and
  // one per (business, customer email), each refilling one token every
  // interval; burst 0 turns that limit off. Why these defaults:
  // docs/command-api.md#rate-limits.
  double booking_address_burst = 10;
  std::chrono::milliseconds booking_address_refill_interval = std::chrono::seconds(30);
  double booking_customer_burst = 5;
  std::chrono::milliseconds booking_customer_refill_interval = std::chrono::minutes(10);
  // Peers whose X-Forwarded-For names the client (auth/client_address.h).
  std::vector<std::string> trusted_proxies;

  // In-flight appends drained on shutdown for at most this long.
  std::chrono::milliseconds shutdown_drain{5000};

  // Stripe (docs/adr/0008-payments.md). Payments are disabled while
  // stripe_secret_key_file is empty: paid services cannot be booked (422
  // payments_disabled) and the webhook answers 422. With a key,
  // stripe_webhook_secrets must name at least one secret.
  std::string stripe_api_base = "https://api.stripe.com";
  std::string stripe_secret_key_file;
  // "whsec_a,whsec_b" (several during a rotation), or the path of a file
  // holding them (comma- or newline-separated).
  std::string stripe_webhook_secrets;
  std::chrono::seconds stripe_webhook_tolerance{300};
  std::chrono::milliseconds stripe_timeout{10000};

  // Expire unpaid holds (hold_expiry.h).
  bool hold_expiry = true;
  // Retry failed cancellation refunds (refund_reconciler.h); only with
  // payments on.
  bool refund_retry = true;
};

// Why a Stripe secret key without webhook secrets is refused.
inline constexpr const char* kWebhookSecretsRequired =
    "stripe_webhook_secrets: required when stripe_secret_key_file is set (without them every "
    "Stripe webhook is refused and no payment confirms its booking)";

// The secrets of `stripe_webhook_secrets` (the list itself, or the file's
// contents); a message when the file cannot be read or lists none. An
// empty setting yields no secrets.
[[nodiscard]] common::Result<std::vector<std::string>, std::string> read_webhook_secrets(
    const std::string& setting);

// The Stripe secret key in `path` (surrounding whitespace removed).
[[nodiscard]] common::Result<std::string, std::string> read_secret_key_file(
    const std::string& path);

// The process's configuration: `path` (may be empty: environment only).
[[nodiscard]] service::ConfigResult<CommandConfig> load_command_config(const std::string& path);

// Same, from an already parsed Config (tests).
[[nodiscard]] service::ConfigResult<CommandConfig> command_config_from(
    const service::Config& config);

}  // namespace slotwise::command
