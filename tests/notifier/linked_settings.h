// Shared by the notifier's flow tests that run the real command side:
// notifier settings with links on, as ops/run gives them (public_base_url
// and the command side's key file as manage_key_file).
#pragma once

#include <doctest/doctest.h>

#include <optional>
#include <string>

#include "notifier/notifier_config.h"
#include "service/config.h"
#include "tests/command-side/command_fixture.h"
#include "tests/notifier/notifier_fixture.h"

namespace slotwise::testing {

inline notifier::NotifierSettings linked_settings(const CommandFixture& f, const std::string& db,
                                                  const std::string& smtp_url) {
  auto settings = notifier_settings(f.nats.url(), db, smtp_url);
  const auto no_env = [](const std::string&) -> std::optional<std::string> { return std::nullopt; };
  auto config = service::Config::parse(
      "public_base_url = http://localhost:8080\nmanage_key_file = " + f.secret_file + "\n", "test",
      no_env);
  REQUIRE(config.ok());
  auto loaded = notifier::load_settings(config.value());
  REQUIRE(loaded.ok());
  settings.planner.plan.links = loaded.value().planner.plan.links;
  return settings;
}

}  // namespace slotwise::testing
