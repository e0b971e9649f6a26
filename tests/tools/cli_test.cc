// The `slotwise` CLI against a real nats-server: streams init/status and
// audit verify, including exit codes for bad input, a tampered log and a
// log with deleted commits (sequence gaps).
#include <doctest/doctest.h>
#include <nats/nats.h>
#include <sys/wait.h>

#include <array>
#include <fstream>
#include <sstream>

#include "events/commit_codec.h"
#include "tests/events/store_fixture.h"

using slotwise::events::ExpectedVersion;

namespace {

struct Run {
  int code = -1;
  std::string out;
};

Run cli(const std::vector<std::string>& args) {
  slotwise::testing::TempDir dir("slotwise-cli");
  const std::string log = dir.path() + "/out";
  std::vector<std::string> argv = {SLOTWISE_CLI_PATH};
  argv.insert(argv.end(), args.begin(), args.end());
  Run r;
  r.code = slotwise::testing::run_command(argv, log);
  std::ifstream in(log);
  std::stringstream ss;
  ss << in.rdbuf();
  r.out = ss.str();
  return r;
}

// A SLOTWISE stream without DenyDelete (a misconfigured deployment), holding
// one commit each of `aggregates` in that order, so a test can delete some.
std::unique_ptr<slotwise::events::EventStore> deletable_log(
    const std::string& url, const std::vector<std::string>& aggregates) {
  auto store = slotwise::testing::open_store(slotwise::testing::store_options(url), false);
  jsStreamConfig cfg;
  jsStreamConfig_Init(&cfg);
  std::array<const char*, 1> subjects = {"sw.evt.>"};
  cfg.Name = "SLOTWISE";
  cfg.Subjects = subjects.data();
  cfg.SubjectsLen = 1;
  cfg.Storage = js_FileStorage;
  cfg.AllowDirect = true;
  REQUIRE(js_AddStream(nullptr, store->js(), &cfg, nullptr, nullptr) == NATS_OK);
  for (const auto& id : aggregates) {
    REQUIRE(store->append(slotwise::testing::request(id, ExpectedVersion::any(), "c-" + id)).ok());
  }
  return store;
}

void delete_message(const slotwise::events::EventStore& store, std::uint64_t sequence) {
  REQUIRE(js_DeleteMsg(store.js(), "SLOTWISE", sequence, nullptr, nullptr) == NATS_OK);
}

}  // namespace

TEST_CASE("streams init creates, status reports, and a second init verifies") {
  slotwise::testing::NatsServerFixture nats;
  const std::string url = "--nats=" + nats.url();
  auto missing = cli({url, "streams", "status"});
  CHECK(missing.code == 1);
  CHECK(missing.out.find("slotwise streams init") != std::string::npos);

  auto init = cli({url, "streams", "init", "--consumer", "projector=sw.evt.calendar.>"});
  CHECK(init.code == 0);
  CHECK(init.out.find("(created)") != std::string::npos);
  auto again = cli({url, "--json", "streams", "status"});
  CHECK(again.code == 0);
  CHECK(again.out.find(R"("name":"projector")") != std::string::npos);
  CHECK(again.out.find(R"("messages":0)") != std::string::npos);
}

TEST_CASE("bad arguments and an unreachable server give distinct exit codes") {
  CHECK(cli({"streams"}).code == 2);
  CHECK(cli({"no-such-command"}).code == 2);
  CHECK(cli({"--replicas=2", "streams", "status"}).code == 2);
  auto down = cli({"--nats=nats://127.0.0.1:" + std::to_string(slotwise::testing::free_port()),
                   "streams", "status"});
  CHECK(down.code == 3);
  CHECK(down.out.find("cannot reach NATS") != std::string::npos);
  CHECK(cli({"audit", "verify", "--all", "--aggregate", "x"}).code == 2);
  CHECK(cli({"audit", "verify", "--aggregate", "a.b"}).code == 2);  // not a token
}

TEST_CASE("audit verify: intact log exits 0; a forged commit exits 1 naming subject and sequence") {
  slotwise::testing::NatsServerFixture nats;
  auto store = slotwise::testing::open_store(nats.url());
  for (int i = 0; i < 5; ++i) {
    REQUIRE(
        store
            ->append(slotwise::testing::request("biz_a" + std::to_string(i % 2),
                                                ExpectedVersion::any(), "a" + std::to_string(i)))
            .ok());
  }
  const std::string url = "--nats=" + nats.url();
  auto ok = cli({url, "audit", "verify", "--all"});
  CHECK(ok.code == 0);
  CHECK(ok.out.find("intact: 5 commits over 2 aggregates") != std::string::npos);
  // Neither --all nor --aggregate: the whole log, as --all.
  auto bare = cli({url, "audit", "verify"});
  CHECK(bare.code == 0);
  CHECK(bare.out == ok.out);
  CHECK(cli({url, "audit", "verify", "--aggregate", "biz_a1"}).code == 0);
  CHECK(cli({url, "audit", "verify", "--aggregate", "biz_nobody"}).code == 1);

  // A writer that bypasses the library appends a commit whose hash does not
  // chain (as an attacker rewriting history would have to).
  auto forged = slotwise::testing::request("biz_a0", ExpectedVersion::any(), "forged");
  auto last = store->version({"calendar", "biz_a0"});
  REQUIRE(last.ok());
  auto encoded = slotwise::events::encode_commit(
      forged, last.value(), slotwise::events::zero_digest(), std::chrono::system_clock::now());
  auto msg = slotwise::events::build_message("sw.evt.calendar.biz_a0", forged, encoded,
                                             last.value(), std::chrono::system_clock::now());
  REQUIRE(msg.ok());
  jsPubAck* pa = nullptr;
  REQUIRE(js_PublishMsg(&pa, store->js(), msg.value().get(), nullptr, nullptr) == NATS_OK);
  const auto forged_seq = pa->Sequence;
  jsPubAck_Destroy(pa);

  auto broken = cli({url, "audit", "verify", "--all"});
  CHECK(broken.code == 1);
  CHECK(broken.out.find("subject sw.evt.calendar.biz_a0 sequence " + std::to_string(forged_seq)) !=
        std::string::npos);
  auto json = cli({url, "--json", "audit", "verify", "--aggregate", "biz_a0"});
  CHECK(json.code == 1);
  CHECK(json.out.find(R"("intact":false)") != std::string::npos);
  CHECK(json.out.find(R"("sequence":)" + std::to_string(forged_seq)) != std::string::npos);
}

TEST_CASE("audit verify --all breaks at a gap in the log's sequences") {
  slotwise::testing::NatsServerFixture nats;
  auto store = deletable_log(nats.url(), {"biz_x", "biz_y", "biz_z"});
  delete_message(*store, 2);  // biz_y's only commit: no chain notices
  auto gap = cli({"--nats=" + nats.url(), "audit", "verify", "--all"});
  CHECK(gap.code == 1);
  CHECK(gap.out ==
        "BROKEN at subject sw.evt.calendar.biz_z sequence 3: sequence gap: the log jumps from 1 "
        "to 3 (commits were deleted)\n");
}

TEST_CASE("audit verify --all breaks when the log does not start at sequence 1") {
  slotwise::testing::NatsServerFixture nats;
  auto store = deletable_log(nats.url(), {"biz_x", "biz_y"});
  delete_message(*store, 1);
  auto late = cli({"--nats=" + nats.url(), "audit", "verify", "--all"});
  CHECK(late.code == 1);
  CHECK(late.out ==
        "BROKEN at subject sw.evt.calendar.biz_y sequence 2: the log starts at sequence 2, not 1 "
        "(commits were deleted or purged)\n");
}

TEST_CASE("audit verify --all breaks when the last commits were deleted") {
  slotwise::testing::NatsServerFixture nats;
  auto store = deletable_log(nats.url(), {"biz_x", "biz_y", "biz_z"});
  delete_message(*store, 3);
  auto json = cli({"--nats=" + nats.url(), "--json", "audit", "verify", "--all"});
  CHECK(json.code == 1);
  CHECK(json.out == R"({"intact":false,"subject":"","sequence":3,"commits_verified":2})"
                    "\n");
  auto text = cli({"--nats=" + nats.url(), "audit", "verify", "--all"});
  CHECK(text.out ==
        "BROKEN at sequence 3: the stream holds 2 messages and its last sequence is 3, but "
        "sequences 1..2 were read (commits were deleted)\n");
}
