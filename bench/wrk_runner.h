// Runs Debian's wrk against one URL and returns what bench/wrk_report.lua's
// done() prints: requests, rate, non-2xx and socket errors, latency
// percentiles. Used by the query benchmark; wrk is a benchmark-only
// dependency (ops/deps/apt-packages.txt).
//
// Thread safety: none (benchmark programs). Errors: std::runtime_error.
#pragma once

#include <rapidjson/document.h>

#include <sys/wait.h>

#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>

#include "tests/support/process.h"

namespace slotwise::bench {

struct WrkResult {
  long requests = 0;
  double seconds = 0;
  long non2xx = 0;
  long socket_errors = 0;
  double p50_ms = 0;
  double p90_ms = 0;
  double p99_ms = 0;
  double max_ms = 0;
  [[nodiscard]] double rate() const {
    return seconds > 0 ? static_cast<double>(requests) / seconds : 0;
  }
};

struct WrkOptions {
  int threads = 2;
  int connections = 32;
  int seconds = 10;
};

// v[key], throwing when v is not an object or has no such member
// (rapidjson's operator[] asserts instead).
inline const rapidjson::Value& json_member(const rapidjson::Value& v, const char* key) {
  if (!v.IsObject()) throw std::runtime_error(std::string("not a JSON object at ") + key);
  const auto it = v.FindMember(key);
  if (it == v.MemberEnd()) throw std::runtime_error(std::string("no JSON member ") + key);
  return it->value;
}

// A Lua string literal of s (ids, paths, tokens: no quotes or backslashes).
inline std::string lua_string(const std::string& s) { return "\"" + s + "\""; }

// `script` is a Lua file that ends up loading wrk_report.lua; wrk's output
// goes to `log_path` (appended: one file per call).
inline WrkResult run_wrk(const std::string& url, const std::string& script,
                         const std::string& log_path, const WrkOptions& o) {
  testing::Process wrk(
      {"wrk", "-t" + std::to_string(o.threads), "-c" + std::to_string(o.connections),
       "-d" + std::to_string(o.seconds) + "s", "--timeout", "10s", "-s", script, url},
      log_path);
  if (const int status = wrk.wait(); !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    throw std::runtime_error("wrk failed; see " + log_path);
  }
  std::ifstream in(log_path);
  const std::string out((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::size_t at = out.find("WRK_JSON ");
  if (at == std::string::npos) throw std::runtime_error("wrk printed no result; see " + log_path);
  const std::string line = out.substr(at + 9, out.find('\n', at) - at - 9);
  rapidjson::Document d;
  d.Parse(line.c_str());
  if (d.HasParseError() || !d.IsObject()) throw std::runtime_error("wrk result: " + line);
  const auto ms = [&](const char* k) { return json_member(d, k).GetDouble() / 1000.0; };
  WrkResult r;
  r.requests = json_member(d, "requests").GetInt64();
  r.seconds = json_member(d, "duration_us").GetDouble() / 1e6;
  r.non2xx = json_member(d, "non2xx").GetInt64();
  r.socket_errors = json_member(d, "socket_errors").GetInt64();
  r.p50_ms = ms("p50_us");
  r.p90_ms = ms("p90_us");
  r.p99_ms = ms("p99_us");
  r.max_ms = ms("max_us");
  return r;
}

}  // namespace slotwise::bench
