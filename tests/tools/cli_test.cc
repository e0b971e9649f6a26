// The `slotwise` CLI against a real nats-server: streams init/status and
// audit verify, including exit codes for bad input and a tampered log.
#include <doctest/doctest.h>
#include <nats/nats.h>
#include <sys/wait.h>

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
  CHECK(cli({"audit", "verify"}).code == 2);  // neither --all nor --aggregate
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
