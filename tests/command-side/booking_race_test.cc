// Bookings never collide: 64 clients POST at once for the same slot, and
// for overlapping slots, of one business; then the same across 100
// businesses at once. Exactly one 201 per contested interval, the rest 409,
// and the log (read back from JetStream, not from the server's cache)
// holds exactly the accepted bookings, none overlapping.
#include <doctest/doctest.h>

#include <atomic>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "domain/calendar.h"
#include "domain/event_conversion.h"
#include "tests/command-side/command_fixture.h"

using slotwise::testing::ApiClient;
using slotwise::testing::CommandFixture;

namespace {

std::string body(const std::string& service, const std::string& start, int i) {
  return R"({"service_id":")" + service + R"(","start":")" + start +
         R"(","customer":{"name":"C","email":"c)" + std::to_string(i) + R"(@example.com"}})";
}

// The calendar as the log has it.
slotwise::domain::CalendarState calendar_from_log(slotwise::events::EventStore& store,
                                                  const std::string& business) {
  slotwise::domain::CalendarState state;
  auto commits = store.read({"calendar", business});
  REQUIRE(commits.ok());
  for (const auto& c : *commits) {
    for (const auto& rec : c.commit.events()) {
      auto e = slotwise::domain::from_any<slotwise::domain::CalendarEvent>(rec.payload());
      REQUIRE(e.ok());
      REQUIRE(e->has_value());
      state = slotwise::domain::evolve(std::move(state), **e);
    }
  }
  return state;
}

void check_no_overlap(const slotwise::domain::CalendarState& state, std::size_t expected) {
  std::vector<const slotwise::domain::Booking*> live;
  for (const auto& [id, b] : state.bookings) live.push_back(&b);
  CHECK(live.size() == expected);
  for (std::size_t i = 0; i < live.size(); ++i) {
    for (std::size_t j = i + 1; j < live.size(); ++j) {
      const bool overlap = live[i]->start < live[j]->end && live[j]->start < live[i]->end;
      CHECK_FALSE(overlap);
    }
  }
}

}  // namespace

TEST_CASE_FIXTURE(CommandFixture, "64 clients, one slot: exactly one booking") {
  auto [user, token] = signup("race@example.com");
  auto [biz, svc] = business_with_hours(token, "race-biz");
  std::atomic<int> created{0};
  std::atomic<int> conflicts{0};
  std::atomic<int> other{0};
  std::vector<std::thread> threads;
  threads.reserve(64);
  for (int i = 0; i < 64; ++i) {
    threads.emplace_back([&, i, b = biz, s = svc] {
      ApiClient client(port);
      auto r = client.post("/v1/businesses/" + b + "/bookings", body(s, slot(3, 10), i));
      if (r.status == 201) {
        ++created;
      } else if (r.status == 409 && r.error_code() == "slot_unavailable") {
        ++conflicts;
      } else {
        ++other;
      }
    });
  }
  for (auto& t : threads) t.join();
  CHECK(created == 1);
  CHECK(conflicts == 63);
  CHECK(other == 0);
  check_no_overlap(calendar_from_log(*reader, biz), 1);
}

TEST_CASE_FIXTURE(CommandFixture, "64 clients, overlapping slots: accepted ones never overlap") {
  auto [user, token] = signup("overlap@example.com");
  auto [biz, svc] = business_with_hours(token, "overlap-biz");
  // 60-minute bookings starting every 15 minutes from 10:00 to 12:00: the
  // winners must be at least an hour apart.
  std::atomic<int> created{0};
  std::atomic<int> conflicts{0};
  std::vector<std::thread> threads;
  threads.reserve(64);
  for (int i = 0; i < 64; ++i) {
    threads.emplace_back([&, i, b = biz, s = svc] {
      ApiClient client(port);
      const int quarter = i % 9;
      auto r = client.post("/v1/businesses/" + b + "/bookings",
                           body(s, slot(3, 10 + quarter / 4, (quarter % 4) * 15), i));
      if (r.status == 201) ++created;
      if (r.status == 409) ++conflicts;
    });
  }
  for (auto& t : threads) t.join();
  CHECK(created + conflicts == 64);
  CHECK(created >= 1);
  CHECK(created <= 3);  // 10:00..12:00 fits at most three one-hour bookings
  check_no_overlap(calendar_from_log(*reader, biz), static_cast<std::size_t>(created.load()));
}

TEST_CASE_FIXTURE(CommandFixture, "100 businesses raced at once: one booking each") {
  constexpr int kBusinesses = 100;
  auto [user, token] = signup("many@example.com");
  std::vector<std::pair<std::string, std::string>> businesses;
  businesses.reserve(kBusinesses);
  for (int i = 0; i < kBusinesses; ++i) {
    businesses.push_back(business_with_hours(token, "many-biz-" + std::to_string(i)));
  }
  std::vector<std::atomic<int>> created(kBusinesses);
  std::atomic<int> conflicts{0};
  std::vector<std::thread> threads;
  threads.reserve(64);
  // 64 clients, each posting to every business in its own order.
  for (int c = 0; c < 64; ++c) {
    threads.emplace_back([&, c] {
      ApiClient client(port);
      for (int k = 0; k < kBusinesses; ++k) {
        const int i = (k + c * 7) % kBusinesses;
        const auto& [biz, svc] = businesses[static_cast<std::size_t>(i)];
        auto r = client.post("/v1/businesses/" + biz + "/bookings", body(svc, slot(3, 14), c));
        if (r.status == 201) ++created[static_cast<std::size_t>(i)];
        if (r.status == 409) ++conflicts;
      }
    });
  }
  for (auto& t : threads) t.join();
  for (int i = 0; i < kBusinesses; ++i) {
    CAPTURE(i);
    CHECK(created[static_cast<std::size_t>(i)] == 1);
  }
  CHECK(conflicts == 64 * kBusinesses - kBusinesses);
  for (int i = 0; i < kBusinesses; i += 9) {
    check_no_overlap(calendar_from_log(*reader, businesses[static_cast<std::size_t>(i)].first), 1);
  }
}
