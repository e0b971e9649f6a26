#include "command-side/command_config.h"

#include <fstream>
#include <optional>
#include <sstream>
#include <string_view>
#include <utility>

namespace slotwise::command {
namespace {

using service::ConfigError;
using service::ConfigResult;

// Stores `result`'s value in `out`, or returns its error.
template <class T, class V>
[[nodiscard]] std::optional<ConfigError> set(T& out, ConfigResult<V> result) {
  if (!result) return result.error();
  out = static_cast<T>(*result);
  return std::nullopt;
}

// A booking limit's `<name>_burst` (0: off) and `<name>_refill_interval`,
// at least 1s (it is the time one token takes to come back).
[[nodiscard]] std::optional<ConfigError> set_booking_limit(const service::Config& config,
                                                           const std::string& name, double& burst,
                                                           std::chrono::milliseconds& interval) {
  if (auto e = set(
          burst, config.get_int(name + "_burst", static_cast<std::int64_t>(burst), 0, 1'000'000))) {
    return e;
  }
  const std::string interval_key = name + "_refill_interval";
  if (auto e = set(interval, config.get_duration(interval_key, interval))) return e;
  if (interval < std::chrono::seconds(1)) {
    return ConfigError{"config " + interval_key + ": must be at least 1s"};
  }
  return std::nullopt;
}

// Both booking limits (booking_limits.h).
[[nodiscard]] std::optional<ConfigError> set_booking_limits(const service::Config& config,
                                                            CommandConfig& c) {
  if (auto e = set_booking_limit(config, "booking_address", c.booking_address_burst,
                                 c.booking_address_refill_interval)) {
    return e;
  }
  return set_booking_limit(config, "booking_customer", c.booking_customer_burst,
                           c.booking_customer_refill_interval);
}

std::string trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t\r\n");
  return std::string(text.substr(first, last - first + 1));
}

// The non-empty items of `text` split at any of `separators`, trimmed.
std::vector<std::string> split_list(std::string_view text, std::string_view separators) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    std::size_t end = text.find_first_of(separators, pos);
    if (end == std::string_view::npos) end = text.size();
    std::string item = trim(text.substr(pos, end - pos));
    if (!item.empty()) out.push_back(std::move(item));
    pos = end + 1;
  }
  return out;
}

// A token bucket's `<name>_burst` and `<name>_refill_per_minute` keys.
[[nodiscard]] std::optional<ConfigError> set_bucket(const service::Config& config,
                                                    const std::string& name,
                                                    std::int64_t default_burst,
                                                    std::int64_t default_per_minute, double& burst,
                                                    double& refill_per_second) {
  if (auto e = set(burst, config.get_int(name + "_burst", default_burst, 1, 1'000'000))) return e;
  std::int64_t per_minute = 0;
  if (auto e = set(per_minute, config.get_int(name + "_refill_per_minute", default_per_minute, 1,
                                              60'000'000))) {
    return e;
  }
  refill_per_second = static_cast<double>(per_minute) / 60.0;
  return std::nullopt;
}

// password_reset_ttl: long enough to read the email, short enough that an
// old mailbox is no way in.
[[nodiscard]] std::optional<ConfigError> set_reset_ttl(const service::Config& config,
                                                       std::chrono::seconds& ttl) {
  std::chrono::milliseconds value{};
  if (auto e = set(value, config.get_duration("password_reset_ttl", ttl))) return e;
  ttl = std::chrono::duration_cast<std::chrono::seconds>(value);
  if (ttl < std::chrono::minutes(1) || ttl > std::chrono::hours(24 * 7)) {
    return ConfigError{"config password_reset_ttl: must be 1m to 168h"};
  }
  return std::nullopt;
}

}  // namespace

ConfigResult<CommandConfig> command_config_from(const service::Config& config) {
  auto known = config.reject_unknown_keys({"http_host",
                                           "http_port",
                                           "http_workers",
                                           "max_body_bytes",
                                           "nats_url",
                                           "stream",
                                           "nats_commands",
                                           "jwt_secret_file",
                                           "jwt_issuer",
                                           "jwt_audience",
                                           "jwt_ttl",
                                           "argon2_memory_kib",
                                           "argon2_time_cost",
                                           "cache_aggregates",
                                           "max_attempts",
                                           "login_burst",
                                           "login_refill_per_minute",
                                           "signup_burst",
                                           "signup_refill_per_minute",
                                           "password_reset_burst",
                                           "password_reset_refill_per_minute",
                                           "password_reset_ttl",
                                           "booking_address_burst",
                                           "booking_address_refill_interval",
                                           "booking_customer_burst",
                                           "booking_customer_refill_interval",
                                           "trusted_proxies",
                                           "shutdown_drain",
                                           "stripe_api_base",
                                           "stripe_secret_key_file",
                                           "stripe_webhook_secrets",
                                           "stripe_webhook_tolerance",
                                           "stripe_timeout",
                                           "hold_expiry",
                                           "refund_retry"});
  if (!known) return common::fail(known.error());

  CommandConfig c;
  c.http_host = config.get_string("http_host", c.http_host);
  if (auto e = set(c.http_port, config.get_int("http_port", c.http_port, 0, 65535)))
    return common::fail(*e);
  if (auto e = set(c.http_workers, config.get_int("http_workers", 128, 1, 4096)))
    return common::fail(*e);
  if (auto e = set(c.max_body_bytes, config.get_size("max_body_bytes", c.max_body_bytes)))
    return common::fail(*e);
  c.nats_url = config.get_string("nats_url", c.nats_url);
  c.stream = config.get_string("stream", c.stream);
  if (auto e = set(c.nats_commands, config.get_bool("nats_commands", c.nats_commands)))
    return common::fail(*e);
  auto secret = config.require_string("jwt_secret_file");
  if (!secret) return common::fail(secret.error());
  c.jwt_secret_file = *secret;
  c.jwt_issuer = config.get_string("jwt_issuer", c.jwt_issuer);
  c.jwt_audience = config.get_string("jwt_audience", c.jwt_audience);
  std::chrono::milliseconds ttl{};
  if (auto e = set(ttl, config.get_duration("jwt_ttl", c.jwt_ttl))) return common::fail(*e);
  c.jwt_ttl = std::chrono::duration_cast<std::chrono::seconds>(ttl);
  if (c.jwt_ttl < std::chrono::minutes(1)) {
    return common::fail(ConfigError{"config jwt_ttl: must be at least 1m"});
  }
  if (auto e = set(c.argon2.memory_kib, config.get_int("argon2_memory_kib", c.argon2.memory_kib, 8,
                                                       std::int64_t{4} * 1024 * 1024))) {
    return common::fail(*e);
  }
  if (auto e =
          set(c.argon2.time_cost, config.get_int("argon2_time_cost", c.argon2.time_cost, 1, 100))) {
    return common::fail(*e);
  }
  if (auto e =
          set(c.cache_aggregates, config.get_int("cache_aggregates", 200000, 16, 100'000'000))) {
    return common::fail(*e);
  }
  if (auto e = set(c.max_attempts, config.get_int("max_attempts", c.max_attempts, 1, 100)))
    return common::fail(*e);
  if (auto e = set_bucket(config, "login", 10, 12, c.login_burst, c.login_refill_per_second))
    return common::fail(*e);
  if (auto e = set_bucket(config, "signup", 10, 12, c.signup_burst, c.signup_refill_per_second))
    return common::fail(*e);
  if (auto e = set_bucket(config, "password_reset", 5, 1, c.password_reset_burst,
                          c.password_reset_refill_per_second))
    return common::fail(*e);
  if (auto e = set_reset_ttl(config, c.password_reset_ttl)) return common::fail(*e);
  if (auto e = set_booking_limits(config, c)) return common::fail(*e);
  c.trusted_proxies = split_list(config.get_string("trusted_proxies", ""), ",");
  if (auto e = set(c.shutdown_drain, config.get_duration("shutdown_drain", c.shutdown_drain)))
    return common::fail(*e);
  c.stripe_api_base = config.get_string("stripe_api_base", c.stripe_api_base);
  c.stripe_secret_key_file = config.get_string("stripe_secret_key_file", "");
  c.stripe_webhook_secrets = config.get_string("stripe_webhook_secrets", "");
  std::chrono::milliseconds tolerance{};
  if (auto e = set(tolerance,
                   config.get_duration("stripe_webhook_tolerance", c.stripe_webhook_tolerance)))
    return common::fail(*e);
  c.stripe_webhook_tolerance = std::chrono::duration_cast<std::chrono::seconds>(tolerance);
  if (c.stripe_webhook_tolerance < std::chrono::seconds(1)) {
    return common::fail(ConfigError{"config stripe_webhook_tolerance: must be at least 1s"});
  }
  if (auto e = set(c.stripe_timeout, config.get_duration("stripe_timeout", c.stripe_timeout)))
    return common::fail(*e);
  if (!c.stripe_secret_key_file.empty() && trim(c.stripe_webhook_secrets).empty()) {
    return common::fail(ConfigError{std::string("config ") + kWebhookSecretsRequired});
  }
  if (auto e = set(c.hold_expiry, config.get_bool("hold_expiry", c.hold_expiry)))
    return common::fail(*e);
  if (auto e = set(c.refund_retry, config.get_bool("refund_retry", c.refund_retry)))
    return common::fail(*e);
  return c;
}

ConfigResult<CommandConfig> load_command_config(const std::string& path) {
  if (path.empty()) return command_config_from(service::Config::from_env());
  auto config = service::Config::load(path);
  if (!config) return common::fail(config.error());
  return command_config_from(*config);
}

namespace {

common::Result<std::string, std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return common::fail("cannot read " + path);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

}  // namespace

common::Result<std::vector<std::string>, std::string> read_webhook_secrets(
    const std::string& setting) {
  std::string list = setting;
  if (!setting.empty() && trim(setting).rfind("whsec_", 0) != 0) {
    auto contents = read_file(setting);
    if (!contents) return common::fail("stripe_webhook_secrets: " + contents.error());
    list = std::move(*contents);
  }
  std::vector<std::string> secrets = split_list(list, ",\n");
  if (secrets.empty() && !setting.empty()) {
    return common::fail("stripe_webhook_secrets: " + setting + " lists no secret");
  }
  return secrets;
}

common::Result<std::string, std::string> read_secret_key_file(const std::string& path) {
  auto contents = read_file(path);
  if (!contents) return common::fail("stripe_secret_key_file: " + contents.error());
  std::string key = trim(*contents);
  if (key.empty()) return common::fail("stripe_secret_key_file: " + path + " is empty");
  return key;
}

}  // namespace slotwise::command
