// Config: the key = value format, environment overrides and typed getters.
#include "service/config.h"

#include <doctest/doctest.h>

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <string>

using slotwise::service::Config;

namespace {

// A fake environment, so tests never touch the real one.
Config::EnvLookup env(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](const std::string& name) -> std::optional<std::string> {
    const auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

Config parsed(const std::string& text, std::map<std::string, std::string> vars = {}) {
  auto c = Config::parse(text, "test.conf", env(std::move(vars)));
  REQUIRE_MESSAGE(c.ok(), c.error().message);
  return std::move(c).value();
}

std::string parse_error(const std::string& text) {
  auto c = Config::parse(text, "test.conf", env({}));
  REQUIRE_FALSE(c.ok());
  return c.error().message;
}

constexpr const char* kText =
    "# SlotWise command side\n"
    "\n"
    "http_port = 8081\n"
    "  http_workers=16   \n"
    "nats_url = nats://127.0.0.1:4222#not-a-comment\n"
    "greeting = \"  spaced  \"\n"
    "empty =\n"
    "cache_size = 64MiB\n"
    "drain_timeout = 30s\n"
    "strict = yes\n";

}  // namespace

TEST_CASE("the file format: comments, blanks, trimming, quotes, '#' inside values") {
  const Config c = parsed(kText);
  CHECK(c.get_string("http_port", "") == "8081");
  CHECK(c.get_string("http_workers", "") == "16");
  CHECK(c.get_string("nats_url", "") == "nats://127.0.0.1:4222#not-a-comment");
  CHECK(c.get_string("greeting", "") == "  spaced  ");
  CHECK(c.get_string("empty", "fallback") == "");
  CHECK(c.get_string("absent", "fallback") == "fallback");
}

TEST_CASE("typed getters read ints, bools, durations and sizes") {
  const Config c = parsed(kText);
  CHECK(c.get_int("http_port", 0, 1, 65535).value() == 8081);
  CHECK(c.get_int("absent", 7).value() == 7);
  CHECK(c.get_bool("strict", false).value());
  CHECK(c.get_duration("drain_timeout", std::chrono::milliseconds{0}).value() ==
        std::chrono::seconds{30});
  CHECK(c.get_size("cache_size", 0).value() == 64ULL * 1024 * 1024);
  CHECK(c.get_size("absent", 5).value() == 5);
}

TEST_CASE("SLOTWISE_<KEY> overrides the file and may add keys") {
  const Config c = parsed(kText, {{"SLOTWISE_HTTP_PORT", "9090"}, {"SLOTWISE_EXTRA", "x"}});
  CHECK(c.get_int("http_port", 0).value() == 9090);
  CHECK(c.source_of("http_port") == "env SLOTWISE_HTTP_PORT");
  CHECK(c.source_of("http_workers") == "test.conf:4");
  CHECK(c.source_of("absent") == "default");
  CHECK(c.get_string("extra", "") == "x");
  CHECK(Config::env_name("jwt_secret_file") == "SLOTWISE_JWT_SECRET_FILE");
  const Config only_env = Config::from_env(env({{"SLOTWISE_HTTP_PORT", "1"}}));
  CHECK(only_env.get_int("http_port", 0).value() == 1);
}

TEST_CASE("bad values are errors naming the key, its source and the problem") {
  const Config c = parsed(
      "port = 70000\nworkers = lots\nflag = maybe\nwait = 30\nsize = 3 PB\nbig = "
      "99999999999999999999\n",
      {{"SLOTWISE_ENV_PORT", "x1"}});
  CHECK(c.get_int("port", 0, 1, 65535).error().message ==
        "config port (test.conf:1): '70000' is out of range 1..65535");
  CHECK(c.get_int("workers", 0).error().message ==
        "config workers (test.conf:2): 'lots' is not an integer");
  CHECK(c.get_int("env_port", 0).error().message ==
        "config env_port (env SLOTWISE_ENV_PORT): 'x1' is not an integer");
  CHECK(c.get_bool("flag", false).error().message ==
        "config flag (test.conf:3): 'maybe' is not a boolean (true/false, yes/no, on/off, 1/0)");
  CHECK(c.get_duration("wait", std::chrono::milliseconds{0}).error().message ==
        "config wait (test.conf:4): '30' needs a unit: ms, s, m or h");
  CHECK(c.get_size("size", 0).error().message ==
        "config size (test.conf:5): '3 PB' has an unknown unit (use B, KiB, MiB or GiB)");
  CHECK(c.get_int("big", 0).error().message ==
        "config big (test.conf:6): '99999999999999999999' is not an integer");
  CHECK(c.require_string("missing").error().message ==
        "config missing is required (set it in test.conf or SLOTWISE_MISSING)");
}

TEST_CASE("a base URL is an http(s) origin without its trailing slash, or empty") {
  const Config c = parsed(
      "site = https://book.example.com/\nplain = http://localhost:8082\nnone =\n"
      "bare = localhost:8082\nquery = https://x.example/?a=1\nspace = https://x.example/a b\n");
  CHECK(c.get_base_url("site").value() == "https://book.example.com");
  CHECK(c.get_base_url("plain").value() == "http://localhost:8082");
  CHECK(c.get_base_url("none").value().empty());
  CHECK(c.get_base_url("absent").value().empty());
  CHECK(c.get_base_url("bare").error().message ==
        "config bare (test.conf:4): 'localhost:8082' is not an http:// or https:// URL without "
        "'?', '#' or spaces");
  CHECK_FALSE(c.get_base_url("query"));
  CHECK_FALSE(c.get_base_url("space"));
}

TEST_CASE("malformed files are errors with the line number") {
  CHECK(parse_error("a = 1\nno equals sign\n") == "test.conf:2: expected 'key = value'");
  CHECK(parse_error("Bad-Key = 1\n") ==
        "test.conf:1: invalid key 'Bad-Key' (expected [a-z][a-z0-9_]*)");
  CHECK(parse_error("a = 1\n\na = 2\n") == "test.conf:3: duplicate key 'a' (first set on line 1)");
}

TEST_CASE("unknown keys in the file can be refused") {
  const Config c = parsed("http_port = 1\nhttp_wrokers = 2\n");
  CHECK(c.reject_unknown_keys({"http_port", "http_workers"}).error().message ==
        "test.conf:2: unknown key 'http_wrokers'");
  CHECK(c.reject_unknown_keys({"http_port", "http_wrokers"}).ok());
}

TEST_CASE("load() reads a file and reports a missing one") {
  const std::string path = "/tmp/slotwise_config_test_" + std::to_string(::getpid()) + ".conf";
  {
    std::ofstream out(path);
    out << "http_port = 8081\n";
  }
  auto c = Config::load(path, env({}));
  REQUIRE(c.ok());
  CHECK(c.value().get_int("http_port", 0).value() == 8081);
  CHECK(c.value().source_of("http_port") == path + ":1");
  CHECK(std::remove(path.c_str()) == 0);
  auto missing = Config::load(path, env({}));
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().message ==
        "cannot open config file " + path + ": No such file or directory");
}
