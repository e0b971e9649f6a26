// A running nats-server plus an EventStore provisioned on it, and helpers to
// build events, shared by the event store's integration tests.
#pragma once

#include <doctest/doctest.h>

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

}  // namespace slotwise::testing
