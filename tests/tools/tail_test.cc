// `slotwise tail` against a real nats-server: decoded events with their
// envelope, filters, start positions, --limit / --until-idle, following live
// appends, a clean exit on SIGINT/SIGTERM, exit 1 when its output is lost
// (a full device, a pipe whose reader has gone), and bad input.
#include <doctest/doctest.h>
#include <sys/wait.h>

#include <csignal>
#include <thread>

#include "tests/tools/cli_support.h"

using slotwise::testing::cli;
using slotwise::testing::contains;
using slotwise::testing::count_lines;
using slotwise::testing::read_file;

TEST_CASE("tail decodes every event with its envelope, and filters") {
  slotwise::testing::StoreFixture f;
  const auto seeded = slotwise::testing::seed_log(*f.store);
  const std::string url = "--nats=" + f.nats.url();

  auto all = cli({url, "tail", "--from-seq", "1", "--format", "ndjson", "--until-idle", "1000"});
  CHECK(all.code == 0);
  CHECK(count_lines(all.out, R"("type":"slotwise.events.v1.)") == 8);
  // Envelope of the first booking's commit.
  CHECK(contains(all.out, R"("sequence":)" + std::to_string(seeded.booking_created) +
                              R"(,"subject":"sw.evt.calendar.biz_1")"));
  CHECK(contains(all.out, R"("commit_id":"c-b1")"));
  CHECK(contains(all.out, R"("correlation_id":"corr-c-b1","causation_id":"cmd-c-b1")"));
  CHECK(contains(all.out, R"("actor":"customer:bkg_1")"));
  CHECK(contains(all.out, R"("version":)" + std::to_string(seeded.booking_created)));
  // The event itself in the proto3 JSON mapping (lowerCamelCase, RFC 3339 times).
  CHECK(contains(all.out, R"("bookingId":"bkg_1")"));
  CHECK(contains(all.out, R"("start":"2027-01-01T09:00:00Z")"));
  CHECK(contains(all.out, R"("providerEventId":"evt_stripe_1")"));

  auto calendar =
      cli({url, "tail", "--from-seq", "1", "--category", "calendar", "--until-idle", "800"});
  CHECK(calendar.code == 0);
  CHECK(count_lines(calendar.out, R"("subject":"sw.evt.calendar.biz_1")") == 5);
  CHECK(count_lines(calendar.out, R"("type":)") == 5);

  auto one = cli({url, "tail", "--from-seq", "1", "--aggregate", "usr_1", "--until-idle", "800"});
  CHECK(one.code == 0);
  CHECK(count_lines(one.out, R"("type":)") == 1);
  CHECK(contains(one.out, "slotwise.events.v1.UserRegistered"));

  auto both = cli({url, "tail", "--from-seq", "1", "--category", "business", "--aggregate", "biz_1",
                   "--until-idle", "800"});
  CHECK(count_lines(both.out, R"("type":)") == 1);

  auto from =
      cli({url, "tail", "--from-seq", std::to_string(seeded.other_booking), "--until-idle", "800"});
  CHECK(count_lines(from.out, R"("type":)") == 2);

  auto limited = cli({url, "tail", "--from-seq", "1", "--limit", "3"});
  CHECK(limited.code == 0);
  CHECK(count_lines(limited.out, R"("type":)") == 3);

  auto future = cli({url, "tail", "--from-time", "2099-01-01T00:00:00Z", "--until-idle", "600"});
  CHECK(future.code == 0);
  CHECK(count_lines(future.out, R"("type":)") == 0);

  auto table = cli({url, "tail", "--from-seq", "1", "--format", "table", "--limit", "8"});
  CHECK(table.code == 0);
  CHECK(contains(table.out, "BookingCancelled"));
  CHECK(contains(table.out, "owner:usr_1"));

  auto pretty = cli({url, "tail", "--from-seq", "1", "--format", "json", "--limit", "1"});
  CHECK(contains(pretty.out, "\n  \"sequence\": 1,"));
}

TEST_CASE("tail follows new appends live and stops cleanly on SIGINT and SIGTERM") {
  slotwise::testing::StoreFixture f;
  for (const int sig : {SIGINT, SIGTERM}) {
    CAPTURE(sig);
    slotwise::testing::TempDir dir("slotwise-tail");
    const std::string log = dir.path() + "/tail.out";
    slotwise::testing::Process tail(
        {SLOTWISE_CLI_PATH, "--nats=" + f.nats.url(), "tail", "--new", "--format", "ndjson"}, log);
    // The consumer exists once tail says it is following (a slow start under
    // sanitizers must not make the append below come first).
    bool following = false;
    for (int i = 0; i < 600 && !following; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      following = contains(slotwise::testing::read_file(log), "slotwise tail: following");
    }
    REQUIRE(following);
    const std::string id = "live" + std::to_string(sig);
    REQUIRE(f.store
                ->append(slotwise::testing::request(
                    "biz_" + id, slotwise::events::ExpectedVersion::any(), "c-" + id))
                .ok());
    bool seen = false;
    for (int i = 0; i < 100 && !seen; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      seen = contains(slotwise::testing::read_file(log), "sw.evt.calendar.biz_" + id);
    }
    CHECK(seen);
    const int status = tail.stop(sig);
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
    // --new: the earlier commit (of the first round) is not replayed.
    CHECK(count_lines(slotwise::testing::read_file(log), R"("type":)") == 1);
  }
}

TEST_CASE("tail: bad input gets a message and a non-zero exit") {
  slotwise::testing::NatsServerFixture nats;
  const std::string url = "--nats=" + nats.url();
  auto missing = cli({url, "tail", "--until-idle", "200"});
  CHECK(missing.code == 1);
  CHECK(contains(missing.out, "does not exist"));
  auto store = slotwise::testing::open_store(nats.url());
  auto category = cli({url, "tail", "--category", "nope", "--until-idle", "200"});
  CHECK(category.code == 2);
  CHECK(contains(category.out, "unknown category 'nope'"));
  CHECK(cli({url, "tail", "--aggregate", "a.b", "--until-idle", "200"}).code == 2);
  CHECK(cli({url, "tail", "--from-seq", "1", "--new"}).code == 2);
  CHECK(cli({url, "tail", "--from-seq", "0"}).code == 2);
  auto time = cli({url, "tail", "--from-time", "yesterday"});
  CHECK(time.code == 2);
  CHECK(contains(time.out, "--from-time"));
  CHECK(cli({url, "tail", "--format", "xml"}).code == 2);
  CHECK(cli({"--nats=nats://127.0.0.1:" + std::to_string(slotwise::testing::free_port()), "tail",
             "--until-idle", "200"})
            .code == 3);
  auto help = cli({"tail", "--help"});
  CHECK(help.code == 0);
  CHECK(contains(help.out, "--until-idle"));
}

TEST_CASE("tail exits 1 with a message when its output cannot be written") {
  slotwise::testing::StoreFixture f;
  slotwise::testing::seed_log(*f.store);
  auto full = slotwise::testing::cli_to_full_device(
      {"--nats=" + f.nats.url(), "tail", "--from-seq", "1", "--limit", "3"});
  CHECK(full.code == 1);
  CHECK(contains(full.out, "slotwise: cannot write output: No space left on device"));
}

TEST_CASE("tail ends with exit 1 when the reader of its pipe goes away") {
  slotwise::testing::StoreFixture f;
  slotwise::testing::seed_log(*f.store);
  slotwise::testing::TempDir dir("slotwise-tail");
  const std::string log = dir.path() + "/pipe.out";
  // `head -n 1` exits after the first line; tail then writes into a pipe
  // nobody reads (EPIPE: nats.c ignores SIGPIPE) as soon as a commit arrives.
  // `timeout` ends a tail that never notices (status 124), so none outlives the test.
  slotwise::testing::Process shell(
      {"/bin/bash", "-c",
       R"(timeout 30 "$0" "$@" | head -n 1; echo "tail exited ${PIPESTATUS[0]}")",
       SLOTWISE_CLI_PATH, "--nats=" + f.nats.url(), "tail", "--from-seq", "1", "--format",
       "ndjson"},
      log);
  bool ended = false;
  for (int i = 0; i < 100 && !ended; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    if (!contains(read_file(log), R"("type":)")) continue;  // head has not printed yet
    // Whether head has already gone is unknown here: append until tail notices.
    REQUIRE(
        f.store
            ->append(slotwise::testing::request(
                "biz_pipe", slotwise::events::ExpectedVersion::any(), "c-pipe" + std::to_string(i)))
            .ok());
    ended = !shell.running();
  }
  CHECK(ended);
  const std::string out = read_file(log);
  CHECK(count_lines(out, R"("type":)") == 1);
  CHECK(contains(out, "slotwise: cannot write output: Broken pipe"));
  CHECK(contains(out, "tail exited 1"));
}
