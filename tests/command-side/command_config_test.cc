// The command side's settings: webhook secrets (comma- or
// newline-separated) and trusted proxies (comma-separated) become their
// trimmed, non-empty items; the stream comes from SLOTWISE_STREAM like the
// other processes'.
#include "command-side/command_config.h"

#include <doctest/doctest.h>

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

}  // namespace slotwise::command
