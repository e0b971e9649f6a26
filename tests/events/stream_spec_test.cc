// Provisioning: idempotent creation, verification, refusal to change silently.
#include <doctest/doctest.h>

#include <nats/nats.h>

#include <array>

#include "events/stream_spec.h"
#include "tests/events/store_fixture.h"

using slotwise::events::ConsumerSpec;
using slotwise::events::ErrorCode;
using slotwise::events::StreamSpec;

TEST_CASE("provisioning creates the stream once, then verifies it") {
  slotwise::testing::NatsServerFixture nats;
  auto store = slotwise::events::EventStore::open(slotwise::testing::store_options(nats.url()));
  REQUIRE(store.ok());
  auto first = store.value()->provision();
  REQUIRE(first.ok());
  CHECK(first->created);
  auto second = store.value()->provision();
  REQUIRE(second.ok());
  CHECK_FALSE(second->created);

  jsStreamInfo* si = nullptr;
  REQUIRE(js_GetStreamInfo(&si, store.value()->js(), "SLOTWISE", nullptr, nullptr) == NATS_OK);
  CHECK(si->Config->DenyDelete);
  CHECK(si->Config->DenyPurge);
  CHECK(si->Config->AllowDirect);
  CHECK(si->Config->Storage == js_FileStorage);
  CHECK(si->Config->MaxAge == 0);
  CHECK(std::string(si->Config->Subjects[0]) == "sw.evt.>");
  jsStreamInfo_Destroy(si);

  // DenyPurge is enforced by the server.
  auto code = static_cast<jsErrCode>(0);
  CHECK(js_PurgeStream(store.value()->js(), "SLOTWISE", nullptr, &code) != NATS_OK);
}

TEST_CASE("an existing stream with an incompatible configuration is refused, not changed") {
  slotwise::testing::NatsServerFixture nats;
  auto store = slotwise::events::EventStore::open(slotwise::testing::store_options(nats.url()));
  REQUIRE(store.ok());
  jsStreamConfig cfg;
  jsStreamConfig_Init(&cfg);
  std::array<const char*, 1> subjects = {"sw.evt.>"};
  cfg.Name = "SLOTWISE";
  cfg.Subjects = subjects.data();
  cfg.SubjectsLen = 1;
  cfg.Storage = js_FileStorage;
  cfg.MaxAge = 3600LL * 1000000000LL;  // would silently expire events
  REQUIRE(js_AddStream(nullptr, store.value()->js(), &cfg, nullptr, nullptr) == NATS_OK);

  auto r = store.value()->provision();
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == ErrorCode::kConfigMismatch);
  CHECK(r.error().message.find("max_age") != std::string::npos);
  CHECK(r.error().message.find("deny_delete") != std::string::npos);

  jsStreamInfo* si = nullptr;
  REQUIRE(js_GetStreamInfo(&si, store.value()->js(), "SLOTWISE", nullptr, nullptr) == NATS_OK);
  CHECK(si->Config->MaxAge == 3600LL * 1000000000LL);  // untouched
  jsStreamInfo_Destroy(si);
}

TEST_CASE("a different duplicate window or replica count is a mismatch") {
  slotwise::testing::NatsServerFixture nats;
  auto store = slotwise::testing::open_store(nats.url());
  StreamSpec other;
  other.duplicate_window = std::chrono::seconds(600);
  auto r = slotwise::events::ensure_stream(store->js(), other);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == ErrorCode::kConfigMismatch);
  CHECK(r.error().message.find("duplicate window") != std::string::npos);
}

TEST_CASE("durable consumers are created once and verified") {
  slotwise::testing::NatsServerFixture nats;
  auto store = slotwise::testing::open_store(nats.url());
  ConsumerSpec spec{"projector-calendar", "sw.evt.calendar.>"};
  auto a = slotwise::events::ensure_consumer(store->js(), store->stream(), spec);
  REQUIRE(a.ok());
  CHECK(a->created);
  auto b = slotwise::events::ensure_consumer(store->js(), store->stream(), spec);
  REQUIRE(b.ok());
  CHECK_FALSE(b->created);
  ConsumerSpec changed{"projector-calendar", "sw.evt.business.>"};
  auto c = slotwise::events::ensure_consumer(store->js(), store->stream(), changed);
  REQUIRE_FALSE(c.ok());
  CHECK(c.error().code == ErrorCode::kConfigMismatch);
  ConsumerSpec bad{"has.dot", ""};
  CHECK(slotwise::events::ensure_consumer(store->js(), store->stream(), bad).error().code ==
        ErrorCode::kInvalidArgument);
}

TEST_CASE("no server: open fails with Unavailable") {
  auto options = slotwise::testing::store_options("nats://127.0.0.1:" +
                                                  std::to_string(slotwise::testing::free_port()));
  options.connection.connect_timeout = std::chrono::milliseconds(300);
  auto store = slotwise::events::EventStore::open(options);
  REQUIRE_FALSE(store.ok());
  CHECK(store.error().code == ErrorCode::kUnavailable);
}
