// Stripe webhook benchmark (issue 7). Not a test: prints a table and writes
// JSON, each figure with its baselines measured in the same run.
//
//   webhook_bench --command BIN [--bookings N] [--businesses B]
//                 [--connections K] [--seconds S] [--json PATH]
//
// Phases:
//  1. baseline: raw JetStream sync publish, one publisher, S seconds, on its
//     own fresh nats-server;
//  2. setup, not timed: a fresh nats-server, the fake Stripe of the tests
//     in-process, the real slotwise-command process using both; B businesses
//     with a paid service; N bookings left pending_payment, booking i on
//     business i % B so concurrent webhooks touch different calendars;
//  3. baseline: signature verification alone — the command side's
//     verify_stripe_signature over the run's N signed events, one thread;
//  4. baseline: the trivial cpp-httplib handler, sent the same N signed
//     requests by the same client over K connections, cycled for at least
//     S seconds (one pass is too short to time);
//  5. webhooks: the N payment_intent.succeeded events, each signed with the
//     fake Stripe's signer (the real Stripe-Signature scheme), POSTed over K
//     keep-alive connections; a request counts when it answers 200 and was
//     not ignored. Then the log must show every booking paid and confirmed
//     exactly once;
//  6. redelivery: the same N events again, re-signed (Stripe signs every
//     delivery anew); afterwards the stream must not have grown and the log
//     must still show one payment and one confirmation per booking.
//
// Signing happens before each clock starts, so the client's HMAC is not
// part of any figure.
#include <CLI/CLI.hpp>

#include <chrono>
#include <csignal>
#include <cstdint>
#include <exception>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "bench/http_load.h"
#include "bench/webhook_setup.h"
#include "command-side/stripe_signature.h"
#include "events/event_store.h"
#include "tests/support/fake_stripe.h"
#include "tests/support/nats_server.h"
#include "tests/support/process.h"

namespace {

using slotwise::bench::Load;
using slotwise::bench::Request;
using slotwise::testing::FakeStripe;

struct Options {
  std::string command_binary;
  int bookings = 10000;
  int businesses = 500;
  int connections = 32;
  int seconds = 5;
  std::string json_path;
};

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// One POST per intent, its Stripe-Signature made now.
std::vector<Request> signed_deliveries(const std::vector<std::string>& payloads) {
  std::vector<Request> out;
  out.reserve(payloads.size());
  const std::int64_t t = unix_now();
  for (const auto& payload : payloads) {
    out.push_back({"/v1/webhooks/stripe",
                   payload,
                   {{"Stripe-Signature",
                     FakeStripe::signature_header(slotwise::bench::kWebhookSecret, t, payload)}}});
  }
  return out;
}

// Verifications per second of the command side's own verifier over the
// run's real requests (header parse, HMAC-SHA256 of "<t>.<payload>",
// constant-time compare), one thread, for `seconds`.
double verify_rate(const std::vector<Request>& requests, int seconds) {
  const std::vector<std::string> secrets{slotwise::bench::kWebhookSecret};
  const auto now =
      std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
  long n = 0;
  const auto t0 = slotwise::bench::LoadClock::now();
  while (slotwise::bench::seconds_since(t0) < seconds) {
    const Request& r = requests[static_cast<std::size_t>(n) % requests.size()];
    const auto verified =
        slotwise::command::verify_stripe_signature(r.headers.find("Stripe-Signature")->second,
                                                   r.body, secrets, std::chrono::seconds(300), now);
    slotwise::bench::require(verified.ok(), "a bench signature does not verify");
    ++n;
  }
  return static_cast<double>(n) / slotwise::bench::seconds_since(t0);
}

bool accepted(int status, const std::string& body) {
  return status == 200 && body.find(R"("ignored":false)") != std::string::npos;
}

std::string row(const std::string& name, const Load& l, double baseline) {
  std::ostringstream out;
  out << std::fixed << std::setprecision(1) << "| " << name << " | " << l.rate() << " | "
      << l.p50_ms << " | " << l.p99_ms << " | " << l.failed << " | " << std::setprecision(2);
  if (baseline > 0) out << l.rate() / baseline;
  out << " |\n";
  return out.str();
}

using Fields = std::vector<std::pair<std::string, std::string>>;

template <class T>
std::string num(T value) {
  std::ostringstream out;
  out << value;
  return out.str();
}

// {"name":value,...}; values are JSON already.
std::string json_object(const Fields& fields) {
  std::string out = "{";
  for (const auto& [name, value] : fields) {
    if (out.size() > 1) out += ',';
    out.append(1, '"').append(name).append(R"(":)").append(value);
  }
  return out + "}";
}

std::string load_json(const Load& l) {
  return json_object({{"per_s", num(l.rate())},
                      {"ok", num(l.ok)},
                      {"failed", num(l.failed)},
                      {"seconds", num(l.seconds)},
                      {"p50_ms", num(l.p50_ms)},
                      {"p99_ms", num(l.p99_ms)}});
}

}  // namespace

int main(int argc, char** argv) {
  namespace sb = slotwise::bench;
  try {
    Options o;
    CLI::App app{"webhook benchmark (issue 7): signed payment webhooks/s through slotwise-command"};
    app.add_option("--command", o.command_binary, "the slotwise-command binary")->required();
    app.add_option("--bookings", o.bookings, "pending bookings to confirm")
        ->check(CLI::PositiveNumber);
    app.add_option("--businesses", o.businesses, "businesses they belong to")
        ->check(CLI::PositiveNumber);
    app.add_option("--connections", o.connections, "HTTP connections")->check(CLI::PositiveNumber);
    app.add_option("--seconds", o.seconds, "seconds for the baselines")->check(CLI::PositiveNumber);
    app.add_option("--json", o.json_path, "where to write the JSON results");
    CLI11_PARSE(app, argc, argv);
    double raw_rate = 0;
    {
      slotwise::testing::NatsServerFixture nats;
      raw_rate = sb::raw_sync_publish_rate(nats.url(), o.seconds);
    }

    slotwise::testing::NatsServerFixture nats;
    FakeStripe stripe;
    slotwise::testing::TempDir dir("slotwise-webhook-bench");
    sb::CommandProcess cmd =
        sb::start_command(o.command_binary, nats.url(), stripe, o.connections, dir);
    const auto setup_t0 = sb::LoadClock::now();
    const auto businesses =
        sb::create_paid_businesses(cmd.port, sb::signup(cmd.port), o.businesses);
    const auto intents =
        sb::create_pending_bookings(cmd.port, businesses, static_cast<std::size_t>(o.bookings), 16);
    const double setup_seconds = sb::seconds_since(setup_t0);
    std::vector<std::string> payloads;
    payloads.reserve(intents.size());
    for (const auto& i : intents) {
      payloads.push_back(
          FakeStripe::intent_event("evt_bench_" + i.booking_id, "payment_intent.succeeded", i));
    }

    auto requests = signed_deliveries(payloads);
    const double verify_per_s = verify_rate(requests, o.seconds);
    Load trivial;
    {
      sb::TrivialServer server("/v1/webhooks/stripe", o.connections);
      trivial = sb::send_all(
          server.port(), o.connections, requests,
          [](int status, const std::string&) { return status == 200; }, o.seconds);
    }

    slotwise::events::StoreOptions store_options;
    store_options.connection.url = nats.url();
    auto store = slotwise::events::EventStore::open(store_options);
    sb::require(store.ok(), "open the log");
    const sb::Effects before = sb::read_effects(**store);
    requests = signed_deliveries(payloads);
    const Load first = sb::send_all(cmd.port, o.connections, requests, accepted);
    const sb::Effects after_first = sb::read_effects(**store);
    const long confirmed = sb::confirmed_once(after_first, intents);

    requests = signed_deliveries(payloads);
    const Load again = sb::send_all(cmd.port, o.connections, requests, accepted);
    const sb::Effects after_again = sb::read_effects(**store);
    const long still_once = sb::confirmed_once(after_again, intents);
    const auto appended_by_redelivery =
        static_cast<long>(after_again.last_sequence - after_first.last_sequence);
    cmd.process.stop(SIGTERM);

    std::ostringstream table;
    table << "| figure | per s | p50 ms | p99 ms | failed | ratio to trivial handler |\n"
          << "|---|---:|---:|---:|---:|---:|\n";
    table << "| raw JetStream sync publish (1 publisher) | " << static_cast<long>(raw_rate)
          << " | | | | |\n";
    table << "| Stripe-Signature verification alone (1 thread) | "
          << static_cast<long>(verify_per_s) << " | | | | |\n";
    table << row("trivial cpp-httplib handler, " + std::to_string(o.connections) + " conns",
                 trivial, 0);
    table << row("webhook payment_intent.succeeded, first delivery", first, trivial.rate());
    table << row("webhook redelivery of the same events", again, trivial.rate());
    std::cout << table.str();
    std::cout << "bookings " << o.bookings << " over " << o.businesses << " businesses (setup "
              << setup_seconds << " s); log before webhooks: " << before.payments_succeeded.size()
              << " paid; after first delivery: " << confirmed
              << " paid and confirmed exactly once; after redelivery: " << still_once
              << ", commits appended by redelivery: " << appended_by_redelivery << "\n";

    const std::string json =
        json_object({{"bookings", num(o.bookings)},
                     {"businesses", num(o.businesses)},
                     {"connections", num(o.connections)},
                     {"setup_seconds", num(setup_seconds)},
                     {"raw_sync_publish_per_s", num(raw_rate)},
                     {"signature_verify_per_s", num(verify_per_s)},
                     {"trivial", load_json(trivial)},
                     {"webhook_first", load_json(first)},
                     {"webhook_redelivery", load_json(again)},
                     {"webhook_vs_trivial", num(first.rate() / trivial.rate())},
                     {"webhook_vs_raw_sync", num(first.rate() / raw_rate)},
                     {"confirmed_exactly_once", num(confirmed)},
                     {"confirmed_exactly_once_after_redelivery", num(still_once)},
                     {"commits_appended_by_redelivery", num(appended_by_redelivery)}}) +
        "\n";
    if (!o.json_path.empty()) std::ofstream(o.json_path) << json;
    std::cout << json;
    const bool honest = before.payments_succeeded.empty() && confirmed == o.bookings &&
                        still_once == o.bookings && appended_by_redelivery == 0;
    if (!honest) {
      std::cerr << "webhook_bench: the log does not show one payment and one confirmation per "
                   "booking; the figures above are not valid\n";
      return 1;
    }
  } catch (const std::exception& e) {
    std::cerr << "webhook_bench: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
