#include "service/config.h"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <system_error>
#include <utility>

namespace slotwise::service {
namespace {

using common::fail;

std::string_view trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t\r");
  if (first == std::string_view::npos) return {};
  const auto last = s.find_last_not_of(" \t\r");
  return s.substr(first, last - first + 1);
}

bool valid_key(std::string_view key) {
  if (key.empty() || key[0] < 'a' || key[0] > 'z') return false;
  return std::ranges::all_of(
      key, [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; });
}

// Whole-string decimal integer; false on anything else (including overflow).
bool parse_int(std::string_view text, std::int64_t& out) {
  if (!text.empty() && text[0] == '+') text.remove_prefix(1);
  if (text.empty()) return false;
  const auto res = std::from_chars(text.data(), text.data() + text.size(), out);
  return res.ec == std::errc() && res.ptr == text.data() + text.size();
}

// Splits "250ms" into 250 and "ms".
bool split_number_unit(std::string_view text, std::int64_t& number, std::string_view& unit) {
  std::size_t i = 0;
  while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i;
  if (i == 0) return false;
  unit = trim(text.substr(i));
  return parse_int(text.substr(0, i), number);
}

}  // namespace

Config::EnvLookup Config::process_env() {
  return [](const std::string& name) -> std::optional<std::string> {
    // NOLINTNEXTLINE(concurrency-mt-unsafe): configuration is read at start-up.
    const char* v = std::getenv(name.c_str());
    if (v == nullptr) return std::nullopt;
    return std::string(v);
  };
}

std::string Config::env_name(std::string_view key) {
  std::string name = "SLOTWISE_";
  for (const char c : key) name += (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
  return name;
}

ConfigResult<Config> Config::parse(std::string_view text, std::string source, EnvLookup env) {
  Config config(std::move(source), std::move(env));
  int line_number = 0;
  while (!text.empty()) {
    ++line_number;
    const auto end = text.find('\n');
    const std::string_view raw = text.substr(0, end);
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    const std::string_view line = trim(raw);
    if (line.empty() || line[0] == '#') continue;
    const std::string where = config.source_ + ":" + std::to_string(line_number);
    const auto eq = line.find('=');
    if (eq == std::string_view::npos) {
      return fail(ConfigError{where + ": expected 'key = value'"});
    }
    const std::string_view key = trim(line.substr(0, eq));
    std::string_view value = trim(line.substr(eq + 1));
    if (!valid_key(key)) {
      return fail(ConfigError{where + ": invalid key '" + std::string(key) +
                              "' (expected [a-z][a-z0-9_]*)"});
    }
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
      value = value.substr(1, value.size() - 2);
    }
    const auto [it, inserted] =
        config.file_.emplace(std::string(key), Entry{std::string(value), line_number});
    if (!inserted) {
      return fail(ConfigError{where + ": duplicate key '" + std::string(key) +
                              "' (first set on line " + std::to_string(it->second.line) + ")"});
    }
  }
  return config;
}

ConfigResult<Config> Config::load(const std::string& path, EnvLookup env) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return fail(ConfigError{"cannot open config file " + path + ": " +
                            std::error_code(errno, std::generic_category()).message()});
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return fail(ConfigError{"cannot read config file " + path});
  return parse(text.str(), path, std::move(env));
}

Config Config::from_env(EnvLookup env) { return {"<none>", std::move(env)}; }

std::optional<std::string> Config::find(std::string_view key) const {
  if (env_) {
    if (auto v = env_(env_name(key))) return v;
  }
  const auto it = file_.find(key);
  if (it == file_.end()) return std::nullopt;
  return it->second.value;
}

std::string Config::source_of(std::string_view key) const {
  const std::string env = env_name(key);
  if (env_ && env_(env)) return "env " + env;
  const auto it = file_.find(key);
  if (it != file_.end()) return source_ + ":" + std::to_string(it->second.line);
  return "default";
}

ConfigError Config::invalid(std::string_view key, const std::string& value,
                            const std::string& what) const {
  return ConfigError{"config " + std::string(key) + " (" + source_of(key) + "): '" + value + "' " +
                     what};
}

std::string Config::get_string(std::string_view key, std::string_view fallback) const {
  return find(key).value_or(std::string(fallback));
}

ConfigResult<std::string> Config::require_string(std::string_view key) const {
  auto v = find(key);
  if (!v || v->empty()) {
    return fail(ConfigError{"config " + std::string(key) + " is required (set it in " + source_ +
                            " or " + env_name(key) + ")"});
  }
  return std::move(*v);
}

ConfigResult<std::int64_t> Config::get_int(std::string_view key, std::int64_t fallback,
                                           std::int64_t min, std::int64_t max) const {
  const auto v = find(key);
  if (!v) return fallback;
  std::int64_t n = 0;
  if (!parse_int(trim(*v), n)) return fail(invalid(key, *v, "is not an integer"));
  if (n < min || n > max) {
    return fail(
        invalid(key, *v, "is out of range " + std::to_string(min) + ".." + std::to_string(max)));
  }
  return n;
}

ConfigResult<bool> Config::get_bool(std::string_view key, bool fallback) const {
  const auto v = find(key);
  if (!v) return fallback;
  const std::string_view t = trim(*v);
  if (t == "true" || t == "yes" || t == "on" || t == "1") return true;
  if (t == "false" || t == "no" || t == "off" || t == "0") return false;
  return fail(invalid(key, *v, "is not a boolean (true/false, yes/no, on/off, 1/0)"));
}

ConfigResult<std::chrono::milliseconds> Config::get_duration(
    std::string_view key, std::chrono::milliseconds fallback) const {
  const auto v = find(key);
  if (!v) return fallback;
  std::int64_t n = 0;
  std::string_view unit;
  if (!split_number_unit(trim(*v), n, unit)) {
    return fail(invalid(key, *v, "is not a duration (e.g. 250ms, 30s, 5m, 1h)"));
  }
  std::int64_t factor = 0;
  if (unit == "ms") {
    factor = 1;
  } else if (unit == "s") {
    factor = 1000;
  } else if (unit == "m") {
    factor = 60'000;
  } else if (unit == "h") {
    factor = 3'600'000;
  } else {
    return fail(invalid(key, *v, "needs a unit: ms, s, m or h"));
  }
  if (n > std::numeric_limits<std::int64_t>::max() / factor) {
    return fail(invalid(key, *v, "is too large"));
  }
  return std::chrono::milliseconds{n * factor};
}

ConfigResult<std::string> Config::get_base_url(std::string_view key) const {
  std::string v = find(key).value_or("");
  if (v.empty()) return v;
  const bool http = v.starts_with("http://") || v.starts_with("https://");
  if (!http || v.find_first_of("?# \t\r\n") != std::string::npos) {
    return fail(invalid(key, v, "is not an http:// or https:// URL without '?', '#' or spaces"));
  }
  while (v.back() == '/') v.pop_back();
  return v;
}

ConfigResult<std::uint64_t> Config::get_size(std::string_view key, std::uint64_t fallback) const {
  const auto v = find(key);
  if (!v) return fallback;
  std::int64_t n = 0;
  std::string_view unit;
  if (!split_number_unit(trim(*v), n, unit)) {
    return fail(invalid(key, *v, "is not a size (e.g. 512KiB, 64MiB, 1GiB)"));
  }
  std::uint64_t factor = 0;
  if (unit.empty() || unit == "B") {
    factor = 1;
  } else if (unit == "KiB") {
    factor = std::uint64_t{1} << 10U;
  } else if (unit == "MiB") {
    factor = std::uint64_t{1} << 20U;
  } else if (unit == "GiB") {
    factor = std::uint64_t{1} << 30U;
  } else {
    return fail(invalid(key, *v, "has an unknown unit (use B, KiB, MiB or GiB)"));
  }
  const auto count = static_cast<std::uint64_t>(n);
  if (count > std::numeric_limits<std::uint64_t>::max() / factor) {
    return fail(invalid(key, *v, "is too large"));
  }
  return count * factor;
}

ConfigResult<common::Unit> Config::reject_unknown_keys(
    std::initializer_list<std::string_view> known) const {
  for (const auto& [key, entry] : file_) {
    bool ok = false;
    for (const std::string_view k : known) ok = ok || k == key;
    if (!ok) {
      return fail(
          ConfigError{source_ + ":" + std::to_string(entry.line) + ": unknown key '" + key + "'"});
    }
  }
  return common::Unit{};
}

}  // namespace slotwise::service
