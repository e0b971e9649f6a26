// The real slotwise-command, -projector, -query and -notifier binaries refuse
// a bad configuration before they start anything, and say so as a JSON log
// line like every other line they write: a key in the config file that the
// process does not know (a misspelt `http_prot`), an SLOTWISE_LOG_LEVEL that
// names no level, a malformed config file and an unknown argument.
#include <doctest/doctest.h>
#include <rapidjson/document.h>
#include <sys/wait.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/process.h"

namespace slotwise::testing {
namespace {

struct Binary {
  const char* name;
  const char* path;
  const char* config_flag;  // "" when the file is the only argument
  int config_exit;          // exit status for a configuration error
};

const std::vector<Binary>& binaries() {
  static const std::vector<Binary> all = {
      {"slotwise-command", SLOTWISE_COMMAND_BIN, "--config", 1},
      {"slotwise-projector", SLOTWISE_PROJECTOR_BIN, "", 2},
      {"slotwise-query", SLOTWISE_QUERY_BIN, "", 2},
      {"slotwise-notifier", SLOTWISE_NOTIFIER_BIN, "", 2},
  };
  return all;
}

struct Outcome {
  int exit_code = -1;  // -1: killed, or still running after the bound
  std::vector<std::string> lines;
};

// Runs the binary with `args`; a process that has not exited within 20 s has
// started despite the error, and is killed.
Outcome run(const Binary& b, const std::vector<std::string>& args, const TempDir& dir) {
  std::vector<std::string> argv = {b.path};
  argv.insert(argv.end(), args.begin(), args.end());
  const std::string log = dir.path() + "/" + b.name + ".log";
  Outcome out;
  {
    Process p(argv, log);
    const auto status = p.wait_for(std::chrono::seconds(20));
    if (status && WIFEXITED(*status)) out.exit_code = WEXITSTATUS(*status);
    if (!status) p.stop(SIGKILL);
  }
  std::ifstream in(log);
  for (std::string line; std::getline(in, line);) out.lines.push_back(line);
  return out;
}

std::vector<std::string> config_args(const Binary& b, const std::string& file) {
  if (std::string(b.config_flag).empty()) return {file};
  return {b.config_flag, file};
}

// Every line is a JSON object; returns the text of the first error line's
// fields (msg, error/reason), "" when there is none.
std::string error_line(const Outcome& out) {
  std::string found;
  for (const auto& line : out.lines) {
    rapidjson::Document doc;
    doc.Parse(line.c_str());
    INFO("line: ", line);
    REQUIRE(!doc.HasParseError());
    REQUIRE(doc.IsObject());
    if (!found.empty() || !doc.HasMember("level") ||
        std::string(doc["level"].GetString()) != "error") {
      continue;
    }
    found = doc["msg"].GetString();
    for (const char* key : {"error", "reason"}) {
      if (doc.HasMember(key) && doc[key].IsString())
        found += std::string(": ") + doc[key].GetString();
    }
  }
  return found;
}

}  // namespace

TEST_CASE("a misspelt key in the config file is refused, as a JSON log line, by every process") {
  TempDir dir("slotwise-startup-errors");
  const std::string file = dir.path() + "/misspelt.conf";
  std::ofstream(file) << "http_prot = 28999\n";
  for (const Binary& b : binaries()) {
    CAPTURE(b.name);
    const Outcome out = run(b, config_args(b, file), dir);
    CHECK(out.exit_code == b.config_exit);
    const std::string error = error_line(out);
    CHECK(error.find("bad configuration") != std::string::npos);
    CHECK(error.find("http_prot") != std::string::npos);
  }
}

TEST_CASE(
    "an SLOTWISE_LOG_LEVEL that is no level is refused, as a JSON log line, by every process") {
  TempDir dir("slotwise-startup-errors");
  // NOLINTNEXTLINE(concurrency-mt-unsafe): single-threaded test; the children inherit it
  ::setenv("SLOTWISE_LOG_LEVEL", "verbose", 1);
  for (const Binary& b : binaries()) {
    CAPTURE(b.name);
    const Outcome out = run(b, {}, dir);
    CHECK(out.exit_code == b.config_exit);
    const std::string error = error_line(out);
    CHECK(error.find("bad configuration") != std::string::npos);
    CHECK(error.find("SLOTWISE_LOG_LEVEL") != std::string::npos);
    CHECK(error.find("verbose") != std::string::npos);
  }
  // NOLINTNEXTLINE(concurrency-mt-unsafe): single-threaded test
  ::unsetenv("SLOTWISE_LOG_LEVEL");
}

TEST_CASE("a malformed config file is reported as a JSON log line by every process") {
  TempDir dir("slotwise-startup-errors");
  const std::string file = dir.path() + "/malformed.conf";
  std::ofstream(file) << "this line is no setting\n";
  for (const Binary& b : binaries()) {
    CAPTURE(b.name);
    const Outcome out = run(b, config_args(b, file), dir);
    CHECK(out.exit_code == b.config_exit);
    const std::string error = error_line(out);
    CHECK(error.find("bad configuration") != std::string::npos);
    CHECK(error.find("malformed.conf") != std::string::npos);
  }
}

TEST_CASE("slotwise-command reports an unknown argument as a JSON log line") {
  TempDir dir("slotwise-startup-errors");
  const Outcome out = run(binaries()[0], {"--bogus"}, dir);
  CHECK(out.exit_code == 2);
  CHECK(error_line(out).find("unknown argument '--bogus'") != std::string::npos);
}

TEST_CASE("slotwise-query refuses a public_base_url its feed URLs could not start with") {
  const Binary& query = binaries().at(2);
  REQUIRE(std::string(query.name) == "slotwise-query");
  for (const std::string url :
       {"localhost:8082", "https://x.example/?a=1", "https://x.example/#top"}) {
    CAPTURE(url);
    TempDir dir("slotwise-startup-errors");  // its own log file
    const std::string file = dir.path() + "/base-url.conf";
    std::ofstream(file) << "public_base_url = \"" << url << "\"\n";
    const Outcome out = run(query, {file}, dir);
    CHECK(out.exit_code == 1);
    const std::string error = error_line(out);
    CHECK(error.find("public_base_url") != std::string::npos);
    CHECK(error.find(url) != std::string::npos);
  }
}

}  // namespace slotwise::testing
