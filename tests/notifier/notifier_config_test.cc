// The links' settings: public_base_url turns links on and then needs
// manage_key_file, read at start like the command side's jwt_secret_file
// (trailing newline dropped, at least 32 bytes); each mistake is a
// configuration error naming the key.
#include "notifier/notifier_config.h"

#include <doctest/doctest.h>

#include <fstream>

#include "tests/support/process.h"

namespace slotwise::notifier {
namespace {

service::ConfigResult<NotifierSettings> load(const std::string& text) {
  const auto no_env = [](const std::string&) -> std::optional<std::string> { return std::nullopt; };
  auto config = service::Config::parse(text, "test", no_env);
  REQUIRE(config.ok());
  return load_settings(config.value());
}

// The error's message, or "" when the settings loaded.
std::string error_of(const std::string& text) {
  auto s = load(text);
  return s.ok() ? std::string() : s.error().message;
}

constexpr const char* kKey = "test-secret-of-at-least-thirty-two-bytes-0123456789";

}  // namespace

TEST_CASE("without public_base_url there are no links and no key is read") {
  auto s = load("manage_key_file = /nonexistent/jwt.key\n");
  REQUIRE(s.ok());
  CHECK(s.value().planner.plan.links.public_base_url.empty());
  CHECK(s.value().planner.plan.links.manage_key.empty());
}

TEST_CASE("public_base_url with a readable key file turns links on") {
  testing::TempDir dir;
  const std::string file = dir.path() + "/jwt.key";
  std::ofstream(file) << kKey << "\n";
  auto s = load("public_base_url = http://localhost:8080/\nmanage_key_file = " + file + "\n");
  REQUIRE_MESSAGE(s.ok(), s.error().message);
  CHECK(s.value().planner.plan.links.public_base_url == "http://localhost:8080");
  CHECK(s.value().planner.plan.links.manage_key == kKey);  // as the command side reads it
}

TEST_CASE("public_base_url without a usable manage_key_file is a configuration error") {
  testing::TempDir dir;
  const std::string base = "public_base_url = https://book.example.com\n";
  const std::string missing = error_of(base);
  CHECK(missing.find("manage_key_file") != std::string::npos);
  CHECK(missing.find("required when public_base_url is set") != std::string::npos);

  const std::string absent = error_of(base + "manage_key_file = " + dir.path() + "/none.key\n");
  CHECK(absent.find("manage_key_file") != std::string::npos);
  CHECK(absent.find("cannot open") != std::string::npos);

  const std::string short_file = dir.path() + "/short.key";
  std::ofstream(short_file) << "too short\n";
  const std::string too_short = error_of(base + "manage_key_file = " + short_file + "\n");
  CHECK(too_short.find("manage_key_file") != std::string::npos);
  CHECK(too_short.find("32") != std::string::npos);
}

TEST_CASE("a public_base_url that is no http(s) URL, or holds '?' or '#', is refused") {
  testing::TempDir dir;
  const std::string file = dir.path() + "/jwt.key";
  std::ofstream(file) << kKey;
  for (const char* url : {"localhost:8080", "ftp://x.example", "https://x.example/?a=1",
                          "https://x.example/#top", "https://x.example/a b"}) {
    CAPTURE(url);
    const std::string e =
        error_of(std::string("public_base_url = \"") + url + "\"\nmanage_key_file = " + file);
    CHECK(e.find("public_base_url") != std::string::npos);
  }
}

}  // namespace slotwise::notifier
