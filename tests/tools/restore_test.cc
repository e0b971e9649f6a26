// `slotwise restore` against real nats-servers: a complete export restored
// into an empty stream has identical content (subjects, sequences, bytes,
// chain hashes) and `audit verify --all` passes; a non-empty stream, a
// partial export and a broken export are refused, the broken one naming the
// subject and original sequence, with nothing written.
#include <doctest/doctest.h>

#include <fstream>

#include "tests/tools/cli_support.h"

using slotwise::testing::cli;
using slotwise::testing::contains;
using slotwise::testing::read_file;

namespace {

struct Row {
  std::string subject;
  std::uint64_t sequence = 0;
  std::string payload;
  std::string hash;
  std::string commit_id;
  friend bool operator==(const Row&, const Row&) = default;
};

std::vector<Row> content(const slotwise::events::EventStore& store) {
  std::vector<Row> rows;
  auto st = store.scan({}, [&](slotwise::events::Result<slotwise::events::StoredCommit>&& c) {
    REQUIRE(c.ok());
    rows.push_back({c->subject, c->sequence, c->payload, c->hash_hex, c->commit.commit_id()});
    return true;
  });
  REQUIRE(st.ok());
  return rows;
}

}  // namespace

TEST_CASE("restore into an empty stream keeps sequences, bytes and chain hashes") {
  slotwise::testing::StoreFixture source;
  slotwise::testing::seed_log(*source.store);
  slotwise::testing::TempDir dir("slotwise-restore");
  const std::string file = dir.path() + "/log.ndjson.gz";
  REQUIRE(cli({"--nats=" + source.nats.url(), "export", "--gzip", "--out", file}).code == 0);

  slotwise::testing::NatsServerFixture target;  // no stream yet: restore creates it
  const std::string url = "--nats=" + target.url();
  auto restored = cli({url, "restore", file});
  CHECK(restored.code == 0);
  CHECK(contains(restored.out, "restored 8 commits over 4 aggregates into stream SLOTWISE"));

  auto verified = cli({url, "audit", "verify", "--all"});
  CHECK(verified.code == 0);
  CHECK(contains(verified.out, "intact: 8 commits over 4 aggregates"));
  auto target_store = slotwise::testing::open_store(target.url());
  CHECK(content(*target_store) == content(*source.store));

  // The restored log keeps working: the command side appends after it.
  CHECK(target_store
            ->append(slotwise::testing::request("biz_1", slotwise::events::ExpectedVersion::any(),
                                                "after-restore"))
            .ok());
  CHECK(cli({url, "audit", "verify", "--all"}).code == 0);

  auto again = cli({url, "restore", file});
  CHECK(again.code == 1);
  CHECK(contains(again.out, "not empty"));
  CHECK(content(*target_store).size() == 9);  // nothing added or changed
}

TEST_CASE("restore refuses a broken or partial export and writes nothing") {
  slotwise::testing::StoreFixture source;
  const auto seeded = slotwise::testing::seed_log(*source.store);
  slotwise::testing::TempDir dir("slotwise-restore");
  const std::string file = dir.path() + "/log.ndjson";
  REQUIRE(cli({"--nats=" + source.nats.url(), "export", "--out", file}).code == 0);

  slotwise::testing::StoreFixture target;  // an empty, provisioned stream
  const std::string url = "--nats=" + target.nats.url();

  SUBCASE("one changed byte") {
    std::string text = read_file(file);
    std::size_t pos = 0;
    for (std::uint64_t i = 0; i < seeded.booking_confirmed; ++i) pos = text.find('\n', pos) + 1;
    pos = text.find(R"("data":")", pos) + 30;
    text[pos] = text[pos] == 'A' ? 'B' : 'A';
    std::ofstream(file, std::ios::trunc) << text;
    auto broken = cli({url, "restore", file});
    CHECK(broken.code == 1);
    CHECK(contains(broken.out, "subject sw.evt.calendar.biz_1 sequence " +
                                   std::to_string(seeded.booking_confirmed)));
    CHECK(contains(broken.out, "nothing restored"));
  }
  SUBCASE("a subject outside the stream") {
    // Ends like the commit's own subject, so only an exact check catches it
    // before the stream refuses that commit half-way through the restore.
    std::string text = read_file(file);
    const std::string subject = R"("subject":"sw.evt.business.biz_1")";
    REQUIRE(text.find(subject) != std::string::npos);
    text.replace(text.find(subject), subject.size(), R"("subject":"zz.business.biz_1")");
    std::ofstream(file, std::ios::trunc) << text;
    auto broken = cli({url, "restore", file});
    CHECK(broken.code == 1);
    CHECK(contains(broken.out, "nothing restored: BROKEN at subject zz.business.biz_1 sequence " +
                                   std::to_string(seeded.business)));
  }
  SUBCASE("a partial export") {
    const std::string partial = dir.path() + "/partial.ndjson";
    REQUIRE(
        cli({"--nats=" + source.nats.url(), "export", "--category", "calendar", "--out", partial})
            .code == 0);
    auto refused = cli({url, "restore", partial});
    CHECK(refused.code == 1);
    CHECK(contains(refused.out, "partial export"));
  }
  SUBCASE("an unreadable file") {
    auto missing = cli({url, "restore", dir.path() + "/nope.ndjson"});
    CHECK(missing.code == 1);
    CHECK(contains(missing.out, "cannot read"));
    CHECK(cli({url, "restore"}).code == 2);
  }
  auto state = target.store->state();
  REQUIRE(state.ok());
  CHECK(state->messages == 0);
}

TEST_CASE("restore refuses an empty stream with another configuration, exit 4") {
  slotwise::testing::StoreFixture source;
  slotwise::testing::seed_log(*source.store);
  slotwise::testing::TempDir dir("slotwise-restore");
  const std::string file = dir.path() + "/log.ndjson";
  REQUIRE(cli({"--nats=" + source.nats.url(), "export", "--out", file}).code == 0);

  slotwise::testing::StoreFixture target;  // empty, with a 120 s duplicate window
  auto refused = cli({"--nats=" + target.nats.url(), "--duplicate-window", "300", "restore", file});
  CHECK(refused.code == 4);
  CHECK(contains(refused.out,
                 "stream SLOTWISE exists with an incompatible configuration: "
                 "duplicate window is 120s, want 300s;"));
  auto state = target.store->state();
  REQUIRE(state.ok());
  CHECK(state->messages == 0);
}
