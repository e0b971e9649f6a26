// Reading: by aggregate from a version, by global position range, corrupt data.
#include <doctest/doctest.h>

#include <nats/nats.h>

#include "events/commit_codec.h"
#include "tests/events/store_fixture.h"

using slotwise::events::ErrorCode;
using slotwise::events::ExpectedVersion;
using slotwise::events::Result;
using slotwise::events::ScanRange;
using slotwise::events::StoredCommit;
using slotwise::testing::request;
using slotwise::testing::StoreFixture;

namespace {
// Publishes raw bytes on a subject, bypassing the event store, as a buggy or
// hostile writer would.
void publish_raw(const std::string& url, const std::string& subject, const std::string& bytes) {
  natsConnection* nc = nullptr;
  REQUIRE(natsConnection_ConnectTo(&nc, url.c_str()) == NATS_OK);
  jsCtx* js = nullptr;
  REQUIRE(natsConnection_JetStream(&js, nc, nullptr) == NATS_OK);
  jsPubAck* pa = nullptr;
  REQUIRE(js_Publish(&pa, js, subject.c_str(), bytes.data(), static_cast<int>(bytes.size()),
                     nullptr, nullptr) == NATS_OK);
  jsPubAck_Destroy(pa);
  jsCtx_Destroy(js);
  natsConnection_Destroy(nc);
}
}  // namespace

TEST_CASE_FIXTURE(StoreFixture, "read from a version returns only later commits") {
  std::uint64_t v = 0;
  std::vector<std::uint64_t> seqs;
  for (int i = 0; i < 5; ++i) {
    auto r = store->append(request("biz_r", ExpectedVersion::exact(v), "r" + std::to_string(i)));
    REQUIRE(r.ok());
    v = r->position;
    seqs.push_back(v);
    REQUIRE(
        store->append(request("biz_other", ExpectedVersion::any(), "o" + std::to_string(i))).ok());
  }
  auto all = store->read({"calendar", "biz_r"});
  REQUIRE(all->size() == 5);
  auto tail = store->read({"calendar", "biz_r"}, seqs[2]);
  REQUIRE(tail.ok());
  REQUIRE(tail->size() == 2);
  CHECK((*tail)[0].sequence == seqs[3]);
  CHECK((*tail)[1].sequence == seqs[4]);
  CHECK(store->read({"calendar", "biz_r"}, seqs[4])->empty());
  CHECK(store->read({"calendar", "nobody"})->empty());
}

TEST_CASE_FIXTURE(StoreFixture, "scan by global position range and by category") {
  for (int i = 0; i < 30; ++i) {
    auto r =
        request("biz_s" + std::to_string(i % 3), ExpectedVersion::any(), "s" + std::to_string(i));
    if (i % 2 == 1) r.aggregate.category = "business";
    REQUIRE(store->append(r).ok());
  }
  std::vector<std::uint64_t> seen;
  ScanRange range;
  range.from_sequence = 10;
  range.to_sequence = 20;
  range.batch = 4;  // several fetches
  REQUIRE(store
              ->scan(range,
                     [&](Result<StoredCommit>&& c) {
                       REQUIRE(c.ok());
                       seen.push_back(c->sequence);
                       return true;
                     })
              .ok());
  REQUIRE(seen.size() == 11);
  for (std::size_t i = 0; i < seen.size(); ++i) CHECK(seen[i] == 10 + i);

  int business = 0;
  ScanRange by_category;
  by_category.filter_subject = "sw.evt.business.>";
  REQUIRE(store
              ->scan(by_category,
                     [&](Result<StoredCommit>&& c) {
                       CHECK(c->aggregate.category == "business");
                       ++business;
                       return true;
                     })
              .ok());
  CHECK(business == 15);

  int stopped_after = 0;
  REQUIRE(
      store->scan(ScanRange{}, [&](Result<StoredCommit>&&) { return ++stopped_after < 3; }).ok());
  CHECK(stopped_after == 3);
}

TEST_CASE_FIXTURE(StoreFixture, "corrupt bytes give a DecodeError naming subject and sequence") {
  REQUIRE(store->append(request("biz_c", ExpectedVersion::any(), "good-1")).ok());
  publish_raw(nats.url(), "sw.evt.calendar.biz_c", std::string("\xff\x01garbage", 9));
  REQUIRE(store->append(request("biz_c2", ExpectedVersion::any(), "good-2")).ok());

  std::vector<std::string> outcomes;
  REQUIRE(store
              ->scan(ScanRange{},
                     [&](Result<StoredCommit>&& c) {
                       if (c.ok()) {
                         outcomes.push_back("ok:" + std::to_string(c->sequence));
                       } else {
                         CHECK(c.error().code == ErrorCode::kDecodeError);
                         outcomes.push_back("bad:" + c.error().subject + "@" +
                                            std::to_string(c.error().sequence));
                       }
                       return true;  // a consumer carries on past a bad message
                     })
              .ok());
  CHECK(outcomes == std::vector<std::string>{"ok:1", "bad:sw.evt.calendar.biz_c@2", "ok:3"});

  auto agg = store->read({"calendar", "biz_c"});
  REQUIRE_FALSE(agg.ok());
  CHECK(agg.error().code == ErrorCode::kDecodeError);
  CHECK(agg.error().subject == "sw.evt.calendar.biz_c");
  CHECK(agg.error().sequence == 2);
}

TEST_CASE_FIXTURE(StoreFixture,
                  "an empty commit or one filed under another aggregate is a DecodeError") {
  slotwise::events::v1::Commit empty;
  empty.set_commit_id("e");
  empty.set_category("calendar");
  empty.set_aggregate_id("biz_e");
  publish_raw(nats.url(), "sw.evt.calendar.biz_e", empty.SerializeAsString());
  auto r = store->read({"calendar", "biz_e"});
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == ErrorCode::kDecodeError);

  auto misfiled = request("biz_m", ExpectedVersion::any(), "m");
  auto encoded = slotwise::events::encode_commit(misfiled, 0, slotwise::events::zero_digest(),
                                                 std::chrono::system_clock::now());
  publish_raw(nats.url(), "sw.evt.calendar.biz_elsewhere", encoded.payload);
  auto m = store->read({"calendar", "biz_elsewhere"});
  REQUIRE_FALSE(m.ok());
  CHECK(m.error().code == ErrorCode::kDecodeError);
  CHECK(m.error().sequence == 2);
}
