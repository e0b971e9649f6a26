// The example analytics consumer in JavaScript (tools/examples/js-consumer,
// npm nats + protobufjs) against a live stream: it decodes every event of a
// seeded log from schemas/*.proto. Skipped, with a message, only when node
// is not installed (ctest reports it as skipped).
#include <doctest/doctest.h>
#include <unistd.h>

#include <cstdlib>
#include <sstream>

#include "tests/tools/cli_support.h"

using slotwise::testing::contains;
using slotwise::testing::count_lines;

namespace {

std::string find_on_path(const std::string& name) {
  const char* path = std::getenv("PATH");  // NOLINT(concurrency-mt-unsafe): single-threaded test
  std::istringstream dirs(path == nullptr ? "" : path);
  for (std::string dir; std::getline(dirs, dir, ':');) {
    std::string candidate = dir;
    candidate += "/";
    candidate += name;
    if (!dir.empty() && access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return {};
}

}  // namespace

TEST_CASE("the JavaScript consumer decodes a live stream from schemas/") {
  const std::string node = find_on_path("node");
  if (node.empty()) {
    MESSAGE("SKIPPED: node not found on PATH (install nodejs to run the JavaScript consumer)");
    return;
  }
  slotwise::testing::StoreFixture f;
  const auto seeded = slotwise::testing::seed_log(*f.store);
  slotwise::testing::TempDir dir("slotwise-js");
  const std::string log = dir.path() + "/out";
  const std::string script =
      std::string(SLOTWISE_SOURCE_DIR) + "/tools/examples/js-consumer/consume.js";

  const int code = slotwise::testing::run_command(
      {node, script, "--nats", f.nats.url(), "--idle-ms", "1500"}, log);
  const std::string out = slotwise::testing::read_file(log);
  INFO(out);
  REQUIRE_MESSAGE(!contains(out, "Cannot find module"),
                  "npm packages missing: run `npm ci` in the repository root");
  CHECK(code == 0);
  CHECK(count_lines(out, R"("type":"slotwise.events.v1.)") == 8);
  CHECK(contains(out, R"("sequence":)" + std::to_string(seeded.booking_created) +
                          R"(,"subject":"sw.evt.calendar.biz_1")"));
  CHECK(contains(out, R"("commit_id":"c-b1")"));
  CHECK(contains(out, R"("actor":"customer:bkg_1")"));
  CHECK(contains(out, R"("bookingId":"bkg_1")"));
  CHECK(contains(out, R"("start":"2027-01-01T09:00:00Z")"));
  CHECK(contains(out, R"("reason":"owner ill")"));
  CHECK(contains(out, R"("providerEventId":"evt_stripe_1")"));

  // Filtered and limited, as an analytics job would start.
  const int limited = slotwise::testing::run_command(
      {node, script, "--nats", f.nats.url(), "--subject", "sw.evt.calendar.>", "--limit", "2"},
      log + ".2");
  CHECK(limited == 0);
  const std::string two = slotwise::testing::read_file(log + ".2");
  CHECK(count_lines(two, R"("type":)") == 2);
  CHECK(count_lines(two, R"("subject":"sw.evt.calendar.biz_1")") == 2);

  CHECK(slotwise::testing::run_command({node, script, "--bogus"}, log + ".3") == 1);
}
