// Where the CLI finds its servers: --nats beats SLOTWISE_NATS_URL, which
// beats the services' config file (--config, key nats_url), which beats the
// default; a missing or malformed config file is a usage error.
#include <doctest/doctest.h>

#include <cstdlib>
#include <fstream>

#include "tests/tools/cli_support.h"

using slotwise::testing::cli;
using slotwise::testing::contains;

TEST_CASE("--config, SLOTWISE_NATS_URL and --nats, in that order of precedence") {
  slotwise::testing::StoreFixture f;
  slotwise::testing::TempDir dir("slotwise-config");
  const std::string good = dir.path() + "/good.conf";
  const std::string bad_url = "nats://127.0.0.1:" + std::to_string(slotwise::testing::free_port());
  std::ofstream(good) << "# slotwise.conf\nnats_url = " << f.nats.url() << "\nhttp_port = 8081\n";
  const std::string wrong = dir.path() + "/wrong.conf";
  std::ofstream(wrong) << "nats_url = " << bad_url << "\n";

  auto from_file = cli({"streams", "status", "--config", good});
  CHECK(from_file.code == 0);
  CHECK(contains(from_file.out, "stream SLOTWISE"));
  CHECK(cli({"--config", wrong, "streams", "status"}).code == 3);
  CHECK(cli({"--config", wrong, "--nats", f.nats.url(), "streams", "status"}).code == 0);

  // NOLINTNEXTLINE(concurrency-mt-unsafe): single-threaded test; children inherit it
  REQUIRE(setenv("SLOTWISE_NATS_URL", f.nats.url().c_str(), 1) == 0);
  CHECK(cli({"--config", wrong, "streams", "status"}).code == 0);
  CHECK(cli({"streams", "status"}).code == 0);
  CHECK(cli({"--nats", bad_url, "streams", "status"}).code == 3);
  // NOLINTNEXTLINE(concurrency-mt-unsafe): as above
  REQUIRE(unsetenv("SLOTWISE_NATS_URL") == 0);

  auto missing = cli({"--config", dir.path() + "/nope.conf", "streams", "status"});
  CHECK(missing.code == 2);
  CHECK(contains(missing.out, "cannot open config file"));
  const std::string malformed = dir.path() + "/bad.conf";
  std::ofstream(malformed) << "this is not a setting\n";
  auto bad = cli({"--config", malformed, "streams", "status"});
  CHECK(bad.code == 2);
  CHECK(contains(bad.out, "bad.conf:1"));
}
