// Config: a process's settings from a small text file plus environment
// overrides, read through typed getters with defaults.
//
// File format (chosen over JSON so operators can comment and diff it):
//
//   # slotwise-command.conf
//   http_port = 8081
//   http_workers = 16
//   jwt_secret_file = /etc/slotwise/jwt.key
//   greeting = "  kept with its spaces  "
//
//  - one `key = value` per line; blank lines and lines whose first non-blank
//    character is '#' are ignored. A '#' elsewhere is part of the value (so
//    URLs and secrets may contain it);
//  - keys are [a-z][a-z0-9_]*; a key may appear only once;
//  - values are trimmed; an outermost pair of double quotes is removed, which
//    keeps leading/trailing spaces (no escape sequences);
//  - any other line is an error naming the file and line number.
//
// Environment overrides: the variable SLOTWISE_<KEY_UPPER> (key `http_port`
// -> SLOTWISE_HTTP_PORT) wins over the file, and may set keys the file does
// not mention. Its value is taken verbatim (not trimmed or unquoted).
//
// Getter value syntax: integers are decimal with an optional sign; booleans
// are true/false, yes/no, on/off, 1/0; durations are an integer with a unit
// ms, s, m or h ("250ms", "30s"); sizes are an integer with an optional unit
// B, KiB, MiB or GiB ("64MiB"; no unit = bytes).
//
// Thread safety: a Config is immutable after construction; const methods may
// be called concurrently. The default environment lookup calls getenv(), which
// must not race with setenv() (read config at start-up).
// Errors: ConfigError with a message naming the key, where its value came
// from, and what is wrong: "config http_port (env SLOTWISE_HTTP_PORT): 'x' is
// not an integer".
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "common/result.h"

namespace slotwise::service {

struct ConfigError {
  std::string message;
};

template <class T>
using ConfigResult = common::Result<T, ConfigError>;

class Config {
 public:
  // Looks up an environment variable by its full name; nullopt when unset.
  using EnvLookup = std::function<std::optional<std::string>(const std::string& name)>;

  // getenv()-based lookup: the default.
  [[nodiscard]] static EnvLookup process_env();

  // Parses `text` (the file format above); `source` names it in messages.
  [[nodiscard]] static ConfigResult<Config> parse(std::string_view text, std::string source,
                                                  EnvLookup env = process_env());
  // Reads and parses the file at `path`.
  [[nodiscard]] static ConfigResult<Config> load(const std::string& path,
                                                 EnvLookup env = process_env());
  // No file: environment overrides and defaults only.
  [[nodiscard]] static Config from_env(EnvLookup env = process_env());

  // "SLOTWISE_" + the key in upper case.
  [[nodiscard]] static std::string env_name(std::string_view key);

  // The raw value of `key` (environment first, then file), or nullopt.
  [[nodiscard]] std::optional<std::string> find(std::string_view key) const;
  // "env SLOTWISE_X", "<file>:<line>" or "default": for start-up logs.
  [[nodiscard]] std::string source_of(std::string_view key) const;

  [[nodiscard]] std::string get_string(std::string_view key, std::string_view fallback) const;
  [[nodiscard]] ConfigResult<std::string> require_string(std::string_view key) const;
  [[nodiscard]] ConfigResult<std::int64_t> get_int(
      std::string_view key, std::int64_t fallback,
      std::int64_t min = std::numeric_limits<std::int64_t>::min(),
      std::int64_t max = std::numeric_limits<std::int64_t>::max()) const;
  [[nodiscard]] ConfigResult<bool> get_bool(std::string_view key, bool fallback) const;
  [[nodiscard]] ConfigResult<std::chrono::milliseconds> get_duration(
      std::string_view key, std::chrono::milliseconds fallback) const;
  [[nodiscard]] ConfigResult<std::uint64_t> get_size(std::string_view key,
                                                     std::uint64_t fallback) const;
  // An origin that paths are appended to ("https://book.example.com"): ""
  // when unset or empty; else an http:// or https:// URL without '?', '#'
  // or white space (either would swallow the path after it), its trailing
  // '/' dropped so "<base>/v1/..." has one.
  [[nodiscard]] ConfigResult<std::string> get_base_url(std::string_view key) const;

  // Fails on the first key in the FILE that is not in `known`, so a misspelt
  // setting is reported instead of silently ignored. (Environment variables
  // are not checked: SLOTWISE_* is shared by every process.)
  [[nodiscard]] ConfigResult<common::Unit> reject_unknown_keys(
      std::initializer_list<std::string_view> known) const;

 private:
  struct Entry {
    std::string value;
    int line = 0;
  };
  Config(std::string source, EnvLookup env) : source_(std::move(source)), env_(std::move(env)) {}
  [[nodiscard]] ConfigError invalid(std::string_view key, const std::string& value,
                                    const std::string& what) const;

  std::string source_;
  EnvLookup env_;
  std::map<std::string, Entry, std::less<>> file_;
};

}  // namespace slotwise::service
