// A running nats-server plus an EventStore provisioned on it, and helpers to
// build events, shared by the event store's integration tests.
#pragma once

#include <doctest/doctest.h>

#include <nats/nats.h>

#include <cstdint>
#include <memory>
#include <string>

#include "events/event_store.h"
#include "slotwise/events/v1/calendar.pb.h"
#include "tests/support/nats_server.h"

namespace slotwise::testing {

inline events::StoreOptions store_options(const std::string& url) {
  events::StoreOptions o;
  o.connection.url = url;
  o.connection.name = "slotwise-test";
  o.pipeline.ack_timeout = std::chrono::milliseconds(2000);
  o.pipeline.append_deadline = std::chrono::milliseconds(20000);
  return o;
}

// Opens a store with `options`; provisions the stream unless told not to
// (a test of appends before the stream exists).
inline std::unique_ptr<events::EventStore> open_store(const events::StoreOptions& options,
                                                      bool provision = true) {
  auto store = events::EventStore::open(options);
  REQUIRE_MESSAGE(store.ok(), (store.ok() ? "" : store.error().describe()));
  if (provision) {
    auto provisioned = store.value()->provision();
    REQUIRE_MESSAGE(provisioned.ok(), (provisioned.ok() ? "" : provisioned.error().describe()));
  }
  return std::move(store).value();
}

inline std::unique_ptr<events::EventStore> open_store(const std::string& url) {
  return open_store(store_options(url));
}

struct StoreFixture {
  NatsServerFixture nats;
  std::unique_ptr<events::EventStore> store = open_store(nats.url());
};

inline events::PackedEvent cancelled_event(const std::string& booking_id, const std::string& why) {
  slotwise::events::v1::BookingCancelled e;
  e.set_booking_id(booking_id);
  e.set_business_id("biz_test");
  e.set_reason(why);
  return events::pack(e);
}

inline events::AppendRequest request(const std::string& aggregate_id,
                                     events::ExpectedVersion expected, const std::string& commit_id,
                                     int n_events = 1) {
  events::AppendRequest r;
  r.aggregate = {"calendar", aggregate_id};
  r.expected = expected;
  r.commit_id = commit_id;
  r.metadata.source = "slotwise-test";
  for (int i = 0; i < n_events; ++i) {
    r.events.push_back(cancelled_event("bkg_" + std::to_string(i), commit_id));
  }
  return r;
}

// Bytes that are not a commit at all.
inline const std::string kGarbage = "\x01\x02not a commit\xff";

// Publishes `bytes` raw on `subject`, bypassing the event store, as a buggy
// or hostile writer would; returns the message's stream sequence.
inline std::uint64_t publish_raw(const events::EventStore& store, const std::string& subject,
                                 const std::string& bytes = kGarbage) {
  jsPubAck* ack = nullptr;
  auto code = static_cast<jsErrCode>(0);
  REQUIRE(js_Publish(&ack, store.js(), subject.c_str(), bytes.data(),
                     static_cast<int>(bytes.size()), nullptr, &code) == NATS_OK);
  const std::uint64_t sequence = ack->Sequence;
  jsPubAck_Destroy(ack);
  return sequence;
}

// Appends a well-formed commit to calendar `business_id` whose one event
// claims to be a BookingConfirmed but holds bytes that do not parse;
// returns its position.
inline std::uint64_t append_undecodable(events::EventStore& store, const std::string& business_id) {
  events::AppendRequest bad;
  bad.aggregate = {"calendar", business_id};
  bad.commit_id = "bad-bytes";
  bad.events.push_back(events::PackedEvent{"slotwise.events.v1.BookingConfirmed", "\x0a\xff"});
  auto appended = store.append(bad);
  REQUIRE(appended.ok());
  return appended.value().position;
}

}  // namespace slotwise::testing
