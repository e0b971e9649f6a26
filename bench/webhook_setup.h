// webhook_bench's untimed parts: the real slotwise-command process wired to
// an in-process FakeStripe, businesses with a paid service, bookings left
// pending_payment (each with its PaymentIntent at the fake), and the count,
// read back from the log, of what the webhooks actually did — so the
// benchmark's figures cannot come from requests that were answered 200 but
// changed nothing (the handler answers 200 to events it ignores).
//
// Thread safety: none (benchmark program). Errors: std::runtime_error.
#pragma once

#include <httplib.h>
#include <rapidjson/document.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <cstdint>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <date/date.h>

#include "bench/http_load.h"
#include "events/event_store.h"
#include "slotwise/events/v1/calendar.pb.h"
#include "slotwise/events/v1/payment.pb.h"
#include "tests/support/fake_stripe.h"
#include "tests/support/process.h"

namespace slotwise::bench {

inline constexpr const char* kWebhookSecret = "whsec_bench_0123456789abcdef";

struct CommandProcess {
  testing::Process process;
  int port = 0;
};

// slotwise-command with payments on: Stripe API at `stripe`, webhook secret
// kWebhookSecret, enough HTTP workers for `connections` clients.
inline CommandProcess start_command(const std::string& binary, const std::string& nats_url,
                                    const testing::FakeStripe& stripe, int connections,
                                    const testing::TempDir& dir) {
  CommandProcess c;
  c.port = testing::free_port();
  const std::string jwt = dir.path() + "/jwt.key";
  std::ofstream(jwt) << "bench-secret-of-at-least-thirty-two-bytes-xxxxxxxx\n";
  const std::string key = dir.path() + "/stripe.key";
  std::ofstream(key) << stripe.secret_key() << "\n";
  const std::string config = dir.path() + "/command.conf";
  // All the pending bookings come from this machine: booking limits off.
  std::ofstream(config) << "nats_url = " << nats_url << "\nhttp_port = " << c.port
                        << "\njwt_secret_file = " << jwt << "\nhttp_workers = " << connections + 16
                        << "\nstripe_api_base = " << stripe.base_url()
                        << "\nstripe_secret_key_file = " << key
                        << "\nstripe_webhook_secrets = " << kWebhookSecret
                        << "\nbooking_address_burst = 0\nbooking_customer_burst = 0\n";
  c.process = testing::Process({binary, "--config", config}, dir.path() + "/command.log");
  require(testing::wait_for_port(c.port, std::chrono::seconds(20)), "command start");
  return c;
}

// The member `name` of a JSON object (nullptr when absent or not an object).
// FindMember, not operator[]: the latter's missing-member path is what
// clang-analyzer flags inside rapidjson.
inline const rapidjson::Value* member(const rapidjson::Value& object, const char* name) {
  if (!object.IsObject()) return nullptr;
  const auto it = object.FindMember(name);
  return it == object.MemberEnd() ? nullptr : &it->value;
}

inline std::string string_member(const rapidjson::Value& object, const char* name) {
  const rapidjson::Value* v = member(object, name);
  return v != nullptr && v->IsString() ? v->GetString() : std::string();
}

inline std::string json_string(const std::string& body, const char* name) {
  rapidjson::Document d;
  d.Parse(body.c_str(), body.size());
  return string_member(d, name);
}

inline std::string signup(int port) {
  httplib::Client client("127.0.0.1", port);
  auto r = client.Post("/v1/auth/signup",
                       R"({"email":"bench@example.com","password":"benchmark","name":"B"})",
                       "application/json");
  require(r && r->status == 201, "signup");
  return json_string(r->body, "token");
}

struct PaidBusiness {
  std::string id;
  std::string service;
};

// `count` businesses open 24/7 with a 15-minute service paid in full
// (50.00 EUR); holds last a day so none expires during the run.
inline std::vector<PaidBusiness> create_paid_businesses(int port, const std::string& token,
                                                        int count) {
  std::vector<PaidBusiness> out(static_cast<std::size_t>(count));
  const std::string schedule = open_all_week_schedule_json();
  const httplib::Headers auth{{"Authorization", "Bearer " + token}};
  httplib::Client client("127.0.0.1", port);
  client.set_tcp_nodelay(true);
  client.set_keep_alive(true);
  for (std::size_t i = 0; i < out.size(); ++i) {
    auto b = client.Post(
        "/v1/businesses", auth,
        R"({"slug":"pay-bench-)" + std::to_string(i) +
            R"(","name":"B","time_zone":"UTC","currency":"EUR","policy":{"slot_interval_minutes":15,"min_notice_minutes":0,"horizon_days":365,"hold_minutes":1440}})",
        "application/json");
    require(b && b->status == 201, "create business");
    out[i].id = json_string(b->body, "business_id");
    auto s = client.Post(
        "/v1/businesses/" + out[i].id + "/services", auth,
        R"({"name":"S","duration_minutes":15,"price_minor":5000,"payment_mode":"full"})",
        "application/json");
    require(s && s->status == 201, "define service");
    out[i].service = json_string(s->body, "service_id");
    auto h =
        client.Put("/v1/businesses/" + out[i].id + "/schedule", auth, schedule, "application/json");
    require(h && h->status == 200, "schedule");
  }
  return out;
}

// Slot k of a business: 15-minute steps from tomorrow 00:00 UTC.
inline std::string slot_start(std::size_t k) {
  const auto base = date::floor<date::days>(std::chrono::system_clock::now()) + date::days(1);
  return date::format("%Y-%m-%dT%H:%M:%SZ",
                      std::chrono::time_point_cast<std::chrono::seconds>(
                          base + std::chrono::minutes(15 * static_cast<std::int64_t>(k))));
}

// Books `count` slots, booking i on business i % businesses.size() (so
// consecutive webhooks touch different calendars), over `threads` clients;
// every booking must answer pending_payment with a PaymentIntent. Returns
// the intents as the fake Stripe's webhook events describe them.
inline std::vector<testing::FakeStripe::Intent> create_pending_bookings(
    int port, const std::vector<PaidBusiness>& businesses, std::size_t count, int threads) {
  std::vector<testing::FakeStripe::Intent> out(count);
  std::atomic<std::size_t> next{0};
  std::vector<std::thread> pool;
  pool.reserve(static_cast<std::size_t>(threads));
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&] {
      httplib::Client client("127.0.0.1", port);
      client.set_tcp_nodelay(true);
      client.set_keep_alive(true);
      client.set_read_timeout(std::chrono::seconds(30));
      for (std::size_t i = next++; i < count; i = next++) {
        const PaidBusiness& biz = businesses[i % businesses.size()];
        auto r = client.Post("/v1/businesses/" + biz.id + "/bookings",
                             R"({"service_id":")" + biz.service + R"(","start":")" +
                                 slot_start(i / businesses.size()) +
                                 R"(","customer":{"name":"C","email":"c@example.com"}})",
                             "application/json");
        require(r && r->status == 201, "booking: " + (r ? r->body : std::string("no answer")));
        rapidjson::Document d;
        d.Parse(r->body.c_str(), r->body.size());
        const rapidjson::Value* p = member(d, "payment");
        const rapidjson::Value* amount = p != nullptr ? member(*p, "amount_minor") : nullptr;
        require(string_member(d, "status") == "pending_payment" && amount != nullptr &&
                    amount->IsInt64(),
                "booking is not pending_payment with a payment: " + r->body);
        testing::FakeStripe::Intent& intent = out[i];
        intent.id = string_member(*p, "payment_intent_id");
        intent.client_secret = string_member(*p, "client_secret");
        intent.amount = amount->GetInt64();
        intent.currency = string_member(*p, "currency");
        // Stripe spells currencies in lower case.
        std::transform(intent.currency.begin(), intent.currency.end(), intent.currency.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        intent.booking_id = string_member(d, "booking_id");
        intent.business_id = biz.id;
      }
    });
  }
  for (auto& t : pool) t.join();
  return out;
}

// What the log says the webhooks did, per booking.
struct Effects {
  std::map<std::string, int> payments_succeeded;  // PaymentSucceeded events
  std::map<std::string, int> confirmed;           // BookingConfirmed "payment_succeeded"
  std::uint64_t last_sequence = 0;
};

inline Effects read_effects(events::EventStore& store) {
  Effects e;
  const auto scan = [&](const std::string& category, auto&& on_event) {
    events::ScanRange range;
    range.filter_subject = store.stream().subject_prefix + "." + category + ".>";
    auto st = store.scan(range, [&](events::Result<events::StoredCommit>&& c) {
      require(c.ok(), "scan: undecodable commit");
      for (const auto& ev : c->commit.events()) on_event(ev.payload());
      return true;
    });
    require(st.ok(), "scan " + category);
  };
  scan("payment", [&](const google::protobuf::Any& any) {
    events::v1::PaymentSucceeded p;
    if (any.UnpackTo(&p)) ++e.payments_succeeded[p.booking_id()];
  });
  scan("calendar", [&](const google::protobuf::Any& any) {
    events::v1::BookingConfirmed c;
    if (any.UnpackTo(&c) && c.reason() == "payment_succeeded") ++e.confirmed[c.booking_id()];
  });
  auto state = store.state();
  require(state.ok(), "stream state");
  e.last_sequence = state->last_sequence;
  return e;
}

// Bookings of `intents` that the log shows paid and confirmed exactly once.
inline long confirmed_once(const Effects& e,
                           const std::vector<testing::FakeStripe::Intent>& intents) {
  long n = 0;
  for (const auto& i : intents) {
    const auto p = e.payments_succeeded.find(i.booking_id);
    const auto c = e.confirmed.find(i.booking_id);
    n += p != e.payments_succeeded.end() && p->second == 1 && c != e.confirmed.end() &&
                 c->second == 1
             ? 1
             : 0;
  }
  return n;
}

}  // namespace slotwise::bench
