// Logger: structured JSON-lines logging to stderr, one object per line.
//
// Every long-running SlotWise process logs through one Logger so that lines
// can be shipped and queried uniformly:
//   {"ts":"2026-03-14T08:30:00.123Z","level":"info","service":"slotwise-command",
//    "trace_id":"4bf92f3577b34da6a3ce929d0e0e4736","msg":"booking accepted","booking_id":"bkg_…"}
// `ts` is RFC 3339 UTC with milliseconds; `trace_id` is always present ("" when
// the line belongs to no request). Extra fields are strings, integers, doubles
// or booleans. A field named "trace_id" fills the core key instead of being
// repeated; a field named like another core key (ts, level, service, msg) is
// written as "x_<key>" so a line never has duplicate keys. Strings are escaped
// by RapidJSON's writer, and invalid UTF-8 is replaced by U+FFFD first, so
// every line is valid JSON whatever a client sent.
//
// The minimum level comes from SLOTWISE_LOG_LEVEL (debug, info, warn, error;
// default info) through log_level_from_env(), which refuses any other value
// (a configuration error, like a malformed setting); lines below it cost one
// atomic load.
//
// Thread safety: all members are safe to call concurrently. Lines are built
// outside the lock and handed to the sink under it, one whole line at a time,
// so lines from different threads never interleave and a sink need not be
// thread-safe.
// Errors: logging never fails visibly; a write error on stderr is ignored (a
// logger that cannot write has nowhere to report it).
#pragma once

#include <atomic>
#include <chrono>
#include <concepts>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "common/result.h"

namespace slotwise::service {

enum class LogLevel { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3 };

// "debug", "info", "warn", "error".
[[nodiscard]] const char* to_string(LogLevel level);
// Accepts the names above (and "warning"), case-insensitively.
[[nodiscard]] std::optional<LogLevel> parse_log_level(std::string_view text);
// SLOTWISE_LOG_LEVEL, or `fallback` when unset; a message naming the
// variable and its value when it is set to something else than a level name
// (a misspelt level would otherwise silently log at the fallback).
[[nodiscard]] common::Result<LogLevel, std::string> log_level_from_env(
    LogLevel fallback = LogLevel::kInfo);

// One extra key/value of a log line. String values are views: they must stay
// alive until the logging call returns (they are copied into the line).
class LogField {
 public:
  using Value = std::variant<std::string_view, std::int64_t, std::uint64_t, double, bool>;

  LogField(std::string_view key, std::string_view value) : key_(key), value_(value) {}
  LogField(std::string_view key, const char* value) : key_(key), value_(std::string_view{value}) {}
  LogField(std::string_view key, const std::string& value)
      : key_(key), value_(std::string_view{value}) {}
  template <std::signed_integral T>
  LogField(std::string_view key, T value) : key_(key), value_(static_cast<std::int64_t>(value)) {}
  template <std::unsigned_integral T>
  requires(!std::same_as<T, bool>) LogField(std::string_view key, T value)
      : key_(key), value_(static_cast<std::uint64_t>(value)) {}
  LogField(std::string_view key, double value) : key_(key), value_(value) {}
  LogField(std::string_view key, bool value) : key_(key), value_(value) {}

  [[nodiscard]] std::string_view key() const { return key_; }
  [[nodiscard]] const Value& value() const { return value_; }

 private:
  std::string_view key_;
  Value value_;
};

class Logger {
 public:
  // Receives each complete line, newline included, under the logger's lock.
  using Sink = std::function<void(std::string_view line)>;

  // An empty `sink` writes to stderr (file descriptor 2).
  explicit Logger(std::string service, LogLevel min_level = LogLevel::kInfo, Sink sink = {});

  Logger(const Logger&) = delete;
  Logger& operator=(const Logger&) = delete;
  Logger(Logger&&) = delete;
  Logger& operator=(Logger&&) = delete;
  ~Logger() = default;

  [[nodiscard]] bool enabled(LogLevel level) const {
    return static_cast<int>(level) >= min_level_.load(std::memory_order_relaxed);
  }
  void set_level(LogLevel level) {
    min_level_.store(static_cast<int>(level), std::memory_order_relaxed);
  }
  [[nodiscard]] const std::string& service() const { return service_; }

  void log(LogLevel level, std::string_view msg, std::initializer_list<LogField> fields = {});
  void debug(std::string_view msg, std::initializer_list<LogField> fields = {}) {
    log(LogLevel::kDebug, msg, fields);
  }
  void info(std::string_view msg, std::initializer_list<LogField> fields = {}) {
    log(LogLevel::kInfo, msg, fields);
  }
  void warn(std::string_view msg, std::initializer_list<LogField> fields = {}) {
    log(LogLevel::kWarn, msg, fields);
  }
  void error(std::string_view msg, std::initializer_list<LogField> fields = {}) {
    log(LogLevel::kError, msg, fields);
  }

  // The line log() would emit at time `now`, without the newline: for tests
  // and for callers that batch lines themselves.
  [[nodiscard]] std::string format_line(LogLevel level, std::string_view msg,
                                        std::initializer_list<LogField> fields,
                                        std::chrono::system_clock::time_point now) const;

 private:
  const std::string service_;
  std::atomic<int> min_level_;
  Sink sink_;
  std::mutex mu_;  // serialises calls to sink_
};

}  // namespace slotwise::service
