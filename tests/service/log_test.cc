// Logger: one valid JSON object per line, escaped, filtered by level, never
// interleaved across threads.
#include "service/log.h"

#include <doctest/doctest.h>
#include <rapidjson/document.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

using slotwise::service::Logger;
using slotwise::service::LogLevel;
using slotwise::service::parse_log_level;

namespace {

// Collects lines; the logger calls the sink under its own lock.
struct Captured {
  std::vector<std::string> lines;
  Logger::Sink sink() {
    return [this](std::string_view line) { lines.emplace_back(line); };
  }
};

rapidjson::Document parse_line(const std::string& line) {
  REQUIRE(!line.empty());
  CHECK(line.back() == '\n');
  CHECK(line.find('\n') == line.size() - 1);  // exactly one line
  rapidjson::Document doc;
  doc.Parse(line.c_str(), line.size() - 1);
  REQUIRE_MESSAGE(!doc.HasParseError(), line);
  REQUIRE(doc.IsObject());
  return doc;
}

std::chrono::system_clock::time_point fixed_time() {
  return std::chrono::system_clock::time_point{
      std::chrono::sys_days{std::chrono::year{2026} / 3 / 14} + std::chrono::hours{8} +
      std::chrono::milliseconds{1234}};
}

}  // namespace

TEST_CASE("a line has the core keys in a fixed order, then the fields") {
  const Logger log("slotwise-test");
  const std::string line = log.format_line(LogLevel::kInfo, "booking accepted",
                                           {{"trace_id", "4bf92f3577b34da6a3ce929d0e0e4736"},
                                            {"booking_id", "bkg_1"},
                                            {"position", std::uint64_t{42}},
                                            {"delta", -3},
                                            {"ok", true},
                                            {"ratio", 0.5}},
                                           fixed_time());
  CHECK(line == R"({"ts":"2026-03-14T08:00:01.234Z","level":"info","service":"slotwise-test",)"
                R"("trace_id":"4bf92f3577b34da6a3ce929d0e0e4736","msg":"booking accepted",)"
                R"("booking_id":"bkg_1","position":42,"delta":-3,"ok":true,"ratio":0.5})");
}

TEST_CASE("trace_id is present and empty outside a request") {
  const Logger log("svc");
  CHECK(
      log.format_line(LogLevel::kWarn, "m", {}, fixed_time()) ==
      R"({"ts":"2026-03-14T08:00:01.234Z","level":"warn","service":"svc","trace_id":"","msg":"m"})");
}

TEST_CASE("quotes, backslashes, control characters and invalid UTF-8 are escaped into valid JSON") {
  Captured out;
  Logger log("svc", LogLevel::kDebug, out.sink());
  const std::string nasty = "say \"hi\"\\ \n\t\x01 caf\xC3\xA9 \xFF end";
  log.error(nasty, {{"path", nasty}, {"k\"ey", "v"}});
  REQUIRE(out.lines.size() == 1);
  const auto doc = parse_line(out.lines[0]);
  CHECK(std::string(doc["level"].GetString()) == "error");
  const std::string expected = "say \"hi\"\\ \n\t\x01 caf\xC3\xA9 \xEF\xBF\xBD end";
  CHECK(std::string(doc["msg"].GetString(), doc["msg"].GetStringLength()) == expected);
  CHECK(std::string(doc["path"].GetString(), doc["path"].GetStringLength()) == expected);
  CHECK(std::string(doc["k\"ey"].GetString()) == "v");
  CHECK(out.lines[0].find("\\u0001") != std::string::npos);
}

TEST_CASE("fields named like core keys are renamed, so keys stay unique") {
  const Logger log("svc");
  CHECK(log.format_line(LogLevel::kInfo, "m", {{"msg", "x"}, {"level", 1}}, fixed_time()) ==
        R"({"ts":"2026-03-14T08:00:01.234Z","level":"info","service":"svc","trace_id":"",)"
        R"("msg":"m","x_msg":"x","x_level":1})");
}

TEST_CASE("lines below the minimum level are dropped") {
  Captured out;
  Logger log("svc", LogLevel::kWarn, out.sink());
  log.debug("d");
  log.info("i");
  log.warn("w");
  log.error("e");
  REQUIRE(out.lines.size() == 2);
  CHECK(std::string(parse_line(out.lines[0])["msg"].GetString()) == "w");
  CHECK(std::string(parse_line(out.lines[1])["msg"].GetString()) == "e");
  log.set_level(LogLevel::kDebug);
  log.debug("d2");
  CHECK(out.lines.size() == 3);
}

TEST_CASE(
    "level names parse case-insensitively; the environment sets the level and a non-level is "
    "refused") {
  CHECK(parse_log_level("DEBUG") == LogLevel::kDebug);
  CHECK(parse_log_level("Warning") == LogLevel::kWarn);
  CHECK(parse_log_level("error") == LogLevel::kError);
  CHECK_FALSE(parse_log_level("verbose").has_value());
  // NOLINTNEXTLINE(concurrency-mt-unsafe): single-threaded test
  ::setenv("SLOTWISE_LOG_LEVEL", "error", 1);
  CHECK(slotwise::service::log_level_from_env().value() == LogLevel::kError);
  // NOLINTNEXTLINE(concurrency-mt-unsafe): single-threaded test
  ::setenv("SLOTWISE_LOG_LEVEL", "nonsense", 1);
  const auto refused = slotwise::service::log_level_from_env(LogLevel::kWarn);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().find("SLOTWISE_LOG_LEVEL") != std::string::npos);
  CHECK(refused.error().find("'nonsense'") != std::string::npos);
  // NOLINTNEXTLINE(concurrency-mt-unsafe): single-threaded test
  ::unsetenv("SLOTWISE_LOG_LEVEL");
  CHECK(slotwise::service::log_level_from_env().value() == LogLevel::kInfo);
  CHECK(slotwise::service::log_level_from_env(LogLevel::kWarn).value() == LogLevel::kWarn);
}

TEST_CASE("concurrent writers produce whole lines only") {
  Captured out;
  Logger log("svc", LogLevel::kInfo, out.sink());
  constexpr int kThreads = 8;
  constexpr int kLines = 200;
  std::vector<std::thread> threads;
  threads.reserve(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&log, t] {
      for (int i = 0; i < kLines; ++i) log.info("line", {{"thread", t}, {"i", i}});
    });
  }
  for (auto& th : threads) th.join();
  REQUIRE(out.lines.size() == static_cast<std::size_t>(kThreads * kLines));
  std::vector<int> per_thread(kThreads, 0);
  for (const std::string& line : out.lines) {
    const auto doc = parse_line(line);
    ++per_thread.at(static_cast<std::size_t>(doc["thread"].GetInt()));
  }
  for (const int n : per_thread) CHECK(n == kLines);
}
