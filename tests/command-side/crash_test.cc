// kill -9 of the real slotwise-command process under load, then restart:
// every 201 a client received is in the log, and clients retrying with the
// same Idempotency-Key get the booking that was made (or make it now) —
// never a second one.
#include <doctest/doctest.h>

#include <atomic>
#include <csignal>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "domain/calendar.h"
#include "domain/event_conversion.h"
#include "tests/command-side/command_fixture.h"

using slotwise::testing::ApiClient;
using slotwise::testing::bearer;

namespace {

struct Attempt {
  std::string business;
  std::string key;
  std::string body;
  int status = 0;
  std::string booking_id;
};

slotwise::testing::Process start_command(const std::string& config, const std::string& log,
                                         int port) {
  slotwise::testing::Process p({SLOTWISE_COMMAND_BINARY, "--config", config}, log);
  REQUIRE(slotwise::testing::wait_for_port(port, std::chrono::seconds(20)));
  return p;
}

std::string at(int day, int hour) {
  const auto d = date::floor<date::days>(std::chrono::system_clock::now()) + date::days(day);
  return date::format("%Y-%m-%dT%H:00:00Z", std::chrono::time_point_cast<std::chrono::seconds>(
                                                d + std::chrono::hours(hour)));
}

// 8 businesses of one owner, open every day 00:00-24:00, one-hour service.
std::vector<std::pair<std::string, std::string>> setup_businesses(ApiClient& api) {
  auto owner = api.post("/v1/auth/signup",
                        R"({"email":"crash@example.com","password":"correct horse","name":"C"})");
  REQUIRE(owner.status == 201);
  const std::string token = owner.str("token");
  std::string days;
  for (const char* d :
       {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}) {
    days +=
        std::string(days.empty() ? "" : ",") + "\"" + d + R"(":[{"start":"00:00","end":"24:00"}])";
  }
  std::vector<std::pair<std::string, std::string>> businesses;
  for (int i = 0; i < 8; ++i) {
    auto b = api.post(
        "/v1/businesses",
        R"({"slug":"crash-)" + std::to_string(i) +
            R"(","name":"C","time_zone":"UTC","currency":"EUR","policy":{"slot_interval_minutes":60,"horizon_days":90}})",
        bearer(token));
    REQUIRE(b.status == 201);
    const std::string biz = b.str("business_id");
    auto s = api.post("/v1/businesses/" + biz + "/services",
                      R"({"name":"S","duration_minutes":60,"price_minor":0})", bearer(token));
    REQUIRE(s.status == 201);
    REQUIRE(api.send("PUT", "/v1/businesses/" + biz + "/schedule", R"({"days":{)" + days + "}}",
                     bearer(token))
                .status == 200);
    businesses.emplace_back(biz, s.str("service_id"));
  }
  return businesses;
}

// Every booking the log holds, as idempotency key -> booking id; a key seen
// twice (a duplicate booking) fails the test.
std::map<std::string, std::string> bookings_in_log(
    const std::string& nats_url,
    const std::vector<std::pair<std::string, std::string>>& businesses) {
  slotwise::events::StoreOptions options;
  options.connection.url = nats_url;
  auto store = slotwise::events::EventStore::open(options);
  REQUIRE(store.ok());
  std::map<std::string, std::string> key_to_booking;
  for (const auto& [biz, svc] : businesses) {
    auto commits = (*store)->read({"calendar", biz});
    REQUIRE(commits.ok());
    for (const auto& commit : *commits) {
      for (const auto& rec : commit.commit.events()) {
        slotwise::events::v1::BookingTentativelyCreated created;
        if (!rec.payload().UnpackTo(&created)) continue;
        CHECK(key_to_booking.emplace(created.idempotency_key(), created.booking_id()).second);
      }
    }
  }
  return key_to_booking;
}

}  // namespace

TEST_CASE("every acknowledged booking survives kill -9; retries create no duplicates") {
  slotwise::testing::NatsServerFixture nats;
  slotwise::testing::TempDir dir("slotwise-crash-test");
  const int port = slotwise::testing::free_port();
  const std::string config = dir.path() + "/command.conf";
  const std::string secret = dir.path() + "/jwt.key";
  std::ofstream(secret) << "crash-test-secret-of-at-least-thirty-two-bytes\n";
  std::ofstream(config) << "nats_url = " << nats.url() << "\nhttp_port = " << port
                        << "\njwt_secret_file = " << secret
                        << "\nargon2_memory_kib = 64\nargon2_time_cost = 1\nhttp_workers = 64"
                        // 16 clients book 400 times each from one address.
                        << "\nbooking_address_burst = 0\nbooking_customer_burst = 0\n";
  const std::string log = dir.path() + "/command.log";
  auto process = start_command(config, log, port);

  // Setup: 8 businesses, open every day 00:00-24:00, one-hour service.
  ApiClient api(port);
  const auto businesses = setup_businesses(api);

  // Load: 16 clients, each with its own slots, until the process dies.
  constexpr int kClients = 16;
  std::vector<std::vector<Attempt>> attempts(kClients);
  std::atomic<bool> killed{false};
  std::atomic<int> acknowledged{0};
  std::vector<std::thread> clients;
  clients.reserve(64);
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&, c] {
      ApiClient client(port);
      for (int n = 0; n < 400 && !killed; ++n) {
        // Client c owns hour c (UTC) of every day: its slots never collide.
        const auto& [biz, svc] = businesses[static_cast<std::size_t>(n % 8)];
        Attempt a;
        a.business = biz;
        a.key = "client-" + std::to_string(c) + "-" + std::to_string(n);
        a.body = R"({"service_id":")" + svc + R"(","start":")" + at(2 + n / 8, c) +
                 R"(","customer":{"name":"C","email":"c@example.com"}})";
        auto r = client.post("/v1/businesses/" + biz + "/bookings", a.body,
                             {{"Idempotency-Key", a.key}});
        a.status = r.status;
        a.booking_id = r.str("booking_id");
        if (r.status == 201) ++acknowledged;
        attempts[static_cast<std::size_t>(c)].push_back(std::move(a));
      }
    });
  }
  while (acknowledged < 200) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  process.stop(SIGKILL);
  killed = true;
  for (auto& t : clients) t.join();

  process = start_command(config, log, port);
  // Clients retry every request that got no answer, with the same key.
  ApiClient retry(port);
  int retried = 0;
  for (auto& list : attempts) {
    for (auto& a : list) {
      if (a.status != 0) continue;
      auto r = retry.post("/v1/businesses/" + a.business + "/bookings", a.body,
                          {{"Idempotency-Key", a.key}});
      CHECK(r.status == 201);
      a.status = r.status;
      a.booking_id = r.str("booking_id");
      ++retried;
    }
  }
  MESSAGE("acknowledged before the kill: " << acknowledged.load() << ", retried: " << retried);

  // The log, read back from JetStream.
  auto key_to_booking = bookings_in_log(nats.url(), businesses);
  int checked = 0;
  for (const auto& list : attempts) {
    for (const auto& a : list) {
      REQUIRE(a.status == 201);
      CHECK(key_to_booking[a.key] == a.booking_id);
      ++checked;
    }
  }
  CHECK(checked >= 200);
  CHECK(key_to_booking.size() == static_cast<std::size_t>(checked));
  process.stop(SIGTERM);
}
