// The command side's settings: webhook secrets (comma- or
// newline-separated) and trusted proxies (comma-separated) become their
// trimmed, non-empty items; a Stripe key needs at least one webhook secret;
// the stream comes from SLOTWISE_STREAM like the other processes'; the rate
// limits and the reset link lifetime have defaults and bounds; the booking
// rate limits are on by default, 0 turns one off.
#include "command-side/command_config.h"

#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace slotwise::command {

TEST_CASE("webhook secrets are split at commas and newlines, trimmed, empty items dropped") {
  auto secrets = read_webhook_secrets("whsec_a, whsec_b\n whsec_c ,,\n");
  REQUIRE(secrets.ok());
  CHECK(secrets.value() == std::vector<std::string>{"whsec_a", "whsec_b", "whsec_c"});
  auto none = read_webhook_secrets("");
  REQUIRE(none.ok());
  CHECK(none.value().empty());
}

TEST_CASE("trusted proxies are split at commas, trimmed, empty items dropped") {
  const auto no_env = [](const std::string&) -> std::optional<std::string> { return std::nullopt; };
  auto config = service::Config::parse(
      "jwt_secret_file = /dev/null\ntrusted_proxies = \" 10.0.0.1, ,::1 \"\n", "test", no_env);
  REQUIRE(config.ok());
  auto parsed = command_config_from(config.value());
  REQUIRE(parsed.ok());
  CHECK(parsed.value().trusted_proxies == std::vector<std::string>{"10.0.0.1", "::1"});
  auto plain = service::Config::parse("jwt_secret_file = /dev/null\n", "test", no_env);
  REQUIRE(plain.ok());
  CHECK(command_config_from(plain.value()).value().trusted_proxies.empty());
}

TEST_CASE("rate limits and the reset link lifetime: defaults, overrides, bounds") {
  const auto no_env = [](const std::string&) -> std::optional<std::string> { return std::nullopt; };
  const auto load = [&](const std::string& text) {
    auto config = service::Config::parse("jwt_secret_file = /dev/null\n" + text, "test", no_env);
    REQUIRE(config.ok());
    return command_config_from(config.value());
  };
  const CommandConfig defaults = load("").value();
  CHECK(defaults.login_burst == 10);
  CHECK(defaults.login_refill_per_second == doctest::Approx(12.0 / 60));
  CHECK(defaults.signup_burst == 10);
  CHECK(defaults.password_reset_burst == 5);
  CHECK(defaults.password_reset_refill_per_second == doctest::Approx(1.0 / 60));
  CHECK(defaults.password_reset_ttl == std::chrono::hours(1));
  const CommandConfig set = load(
                                "password_reset_burst = 3\npassword_reset_refill_per_minute = 6\n"
                                "password_reset_ttl = 30m\nlogin_burst = 4\n")
                                .value();
  CHECK(set.password_reset_burst == 3);
  CHECK(set.password_reset_refill_per_second == doctest::Approx(0.1));
  CHECK(set.password_reset_ttl == std::chrono::minutes(30));
  CHECK(set.login_burst == 4);
  for (const char* text :
       {"password_reset_ttl = 30s\n", "password_reset_ttl = 169h\n", "password_reset_burst = 0\n",
        "password_reset_refill_per_minute = 0\n"}) {
    CAPTURE(text);
    CHECK_FALSE(load(text).ok());
  }
}

TEST_CASE("a Stripe secret key without webhook secrets is a configuration error") {
  const auto no_env = [](const std::string&) -> std::optional<std::string> { return std::nullopt; };
  const auto load = [&](const std::string& text) {
    auto config = service::Config::parse("jwt_secret_file = /dev/null\n" + text, "test", no_env);
    REQUIRE(config.ok());
    return command_config_from(config.value());
  };
  // The server would take money and refuse every webhook that confirms it.
  for (const char* text : {"stripe_secret_key_file = /run/sk\n",
                           "stripe_secret_key_file = /run/sk\nstripe_webhook_secrets = \" \"\n"}) {
    CAPTURE(text);
    auto refused = load(text);
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error().message.find("stripe_webhook_secrets: required") != std::string::npos);
  }
  CHECK(load("stripe_secret_key_file = /run/sk\nstripe_webhook_secrets = whsec_a\n").ok());
  CHECK(load("").ok());  // payments off: no secrets needed

  // A secrets file that lists none is refused when it is read.
  const std::filesystem::path empty =
      std::filesystem::temp_directory_path() / ("slotwise-whsec-" + std::to_string(::getpid()));
  std::ofstream(empty) << " \n,\n";
  auto none = read_webhook_secrets(empty.string());
  std::filesystem::remove(empty);
  REQUIRE_FALSE(none.ok());
  CHECK(none.error().find("lists no secret") != std::string::npos);
}

TEST_CASE("SLOTWISE_STREAM names the stream, as for the projector, notifier and CLI") {
  const auto env = [](const std::string& name) -> std::optional<std::string> {
    if (name == "SLOTWISE_STREAM") return "SLOTWISE_ALT";
    return std::nullopt;
  };
  auto config = service::Config::parse("jwt_secret_file = /dev/null\n", "test", env);
  REQUIRE(config.ok());
  auto parsed = command_config_from(config.value());
  REQUIRE(parsed.ok());
  CHECK(parsed.value().stream == "SLOTWISE_ALT");

  const auto no_env = [](const std::string&) -> std::optional<std::string> { return std::nullopt; };
  auto plain = service::Config::parse("jwt_secret_file = /dev/null\n", "test", no_env);
  REQUIRE(plain.ok());
  CHECK(command_config_from(plain.value()).value().stream == "SLOTWISE");
}

TEST_CASE("booking rate limits: on by default, set per key, burst 0 turns one off") {
  const auto no_env = [](const std::string&) -> std::optional<std::string> { return std::nullopt; };
  const auto load = [&](const std::string& text) {
    auto config = service::Config::parse("jwt_secret_file = /dev/null\n" + text, "test", no_env);
    REQUIRE(config.ok());
    return command_config_from(config.value());
  };
  auto defaults = load("");
  REQUIRE(defaults.ok());
  CHECK(defaults.value().booking_address_burst == 10);
  CHECK(defaults.value().booking_address_refill_interval == std::chrono::seconds(30));
  CHECK(defaults.value().booking_customer_burst == 5);
  CHECK(defaults.value().booking_customer_refill_interval == std::chrono::minutes(10));

  auto set = load(
      "booking_address_burst = 0\nbooking_address_refill_interval = 2m\n"
      "booking_customer_burst = 3\nbooking_customer_refill_interval = 1h\n");
  REQUIRE(set.ok());
  CHECK(set.value().booking_address_burst == 0);
  CHECK(set.value().booking_address_refill_interval == std::chrono::minutes(2));
  CHECK(set.value().booking_customer_burst == 3);
  CHECK(set.value().booking_customer_refill_interval == std::chrono::hours(1));

  for (const char* text :
       {"booking_address_burst = -1\n", "booking_customer_burst = many\n",
        "booking_address_refill_interval = 500ms\n", "booking_customer_refill_interval = 0s\n"}) {
    CAPTURE(text);
    auto refused = load(text);
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error().message.find("booking_") != std::string::npos);
  }
}

}  // namespace slotwise::command
