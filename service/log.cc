#include "service/log.h"

#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <utility>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "service/rfc3339.h"
#include "service/utf8.h"

namespace slotwise::service {
namespace {

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

void write_string(JsonWriter& w, std::string_view s) {
  if (is_valid_utf8(s)) {
    w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
    return;
  }
  const std::string clean = sanitize_utf8(s);
  w.String(clean.data(), static_cast<rapidjson::SizeType>(clean.size()));
}

void write_key(JsonWriter& w, std::string_view key) {
  // Keys that would collide with a core key get a prefix (see log.h).
  if (key == "ts" || key == "level" || key == "service" || key == "msg") {
    const std::string renamed = "x_" + std::string(key);
    w.Key(renamed.data(), static_cast<rapidjson::SizeType>(renamed.size()));
    return;
  }
  write_string(w, key);
}

struct ValueWriter {
  JsonWriter& w;
  void operator()(std::string_view s) const { write_string(w, s); }
  void operator()(std::int64_t i) const { w.Int64(i); }
  void operator()(std::uint64_t u) const { w.Uint64(u); }
  void operator()(double d) const {
    // JSON has no NaN or infinity; null keeps the line valid.
    if (std::isfinite(d)) {
      w.Double(d);
    } else {
      w.Null();
    }
  }
  void operator()(bool b) const { w.Bool(b); }
};

void write_stderr(std::string_view line) {
  while (!line.empty()) {
    const ssize_t n = ::write(STDERR_FILENO, line.data(), line.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return;  // nowhere to report a failing stderr
    }
    line.remove_prefix(static_cast<std::size_t>(n));
  }
}

}  // namespace

const char* to_string(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug:
      return "debug";
    case LogLevel::kInfo:
      return "info";
    case LogLevel::kWarn:
      return "warn";
    case LogLevel::kError:
      return "error";
  }
  return "info";
}

std::optional<LogLevel> parse_log_level(std::string_view text) {
  std::string lower;
  lower.reserve(text.size());
  for (const char c : text) {
    lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  if (lower == "debug") return LogLevel::kDebug;
  if (lower == "info") return LogLevel::kInfo;
  if (lower == "warn" || lower == "warning") return LogLevel::kWarn;
  if (lower == "error") return LogLevel::kError;
  return std::nullopt;
}

common::Result<LogLevel, std::string> log_level_from_env(LogLevel fallback) {
  // NOLINTNEXTLINE(concurrency-mt-unsafe): read once at start-up, before threads.
  const char* value = std::getenv("SLOTWISE_LOG_LEVEL");
  if (value == nullptr) return fallback;
  if (auto level = parse_log_level(value)) return *level;
  return common::fail("env SLOTWISE_LOG_LEVEL: '" + std::string(value) +
                      "' is not a level (debug, info, warn, error)");
}

Logger::Logger(std::string service, LogLevel min_level, Sink sink)
    : service_(std::move(service)),
      min_level_(static_cast<int>(min_level)),
      sink_(sink ? std::move(sink) : Sink(write_stderr)) {}

std::string Logger::format_line(LogLevel level, std::string_view msg,
                                std::initializer_list<LogField> fields,
                                std::chrono::system_clock::time_point now) const {
  std::string_view trace_id;
  for (const LogField& f : fields) {
    if (f.key() == "trace_id" && std::holds_alternative<std::string_view>(f.value())) {
      trace_id = std::get<std::string_view>(f.value());
    }
  }
  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  w.StartObject();
  w.Key("ts");
  const std::string ts = format_rfc3339_millis(now);
  w.String(ts.data(), static_cast<rapidjson::SizeType>(ts.size()));
  w.Key("level");
  w.String(to_string(level));
  w.Key("service");
  write_string(w, service_);
  w.Key("trace_id");
  write_string(w, trace_id);
  w.Key("msg");
  write_string(w, msg);
  for (const LogField& f : fields) {
    if (f.key() == "trace_id") continue;
    write_key(w, f.key());
    std::visit(ValueWriter{w}, f.value());
  }
  w.EndObject();
  return {buf.GetString(), buf.GetSize()};
}

void Logger::log(LogLevel level, std::string_view msg, std::initializer_list<LogField> fields) {
  if (!enabled(level)) return;
  std::string line = format_line(level, msg, fields, std::chrono::system_clock::now());
  line += '\n';
  const std::lock_guard<std::mutex> lock(mu_);
  sink_(line);
}

}  // namespace slotwise::service
