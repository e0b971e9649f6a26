// Notifier throughput benchmark (issue 7). Not a test: prints emails/s of
//   raw libcurl SMTP   the same rendered message sent N times over one
//                      reused libcurl handle (no database): the baseline
//   notifier sending   slotwise-notifier's senders (in-process) delivering
//                      N due emails already planned (claim FOR UPDATE SKIP
//                      LOCKED, send, mark sent, one transaction each),
//                      measured until the last message is received
//   notifier planning  the planner turning N/2 confirmed bookings into N
//                      due email rows (plus reminders, not yet due)
// against the same local fake SMTP server (tests/support/fake_smtp.h), a
// throwaway nats-server and PostgreSQL.
//
//   notifier_bench [--n N] [--threads T]     (N emails, default 2000; T senders, default 1)
#include <curl/curl.h>
#include <pqxx/pqxx>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <stdexcept>
#include <string>
#include <thread>

#include "events/event_store.h"
#include "notifier/mime.h"
#include "notifier/notifier.h"
#include "notifier/smtp_client.h"
#include "slotwise/events/v1/account.pb.h"
#include "slotwise/events/v1/business.pb.h"
#include "slotwise/events/v1/calendar.pb.h"
#include "tests/support/fake_smtp.h"
#include "tests/support/nats_server.h"
#include "tests/support/postgres_server.h"

namespace {

using Clock = std::chrono::steady_clock;
namespace v1 = slotwise::events::v1;

double since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

void append(slotwise::events::EventStore& store, const std::string& category, const std::string& id,
            const std::vector<const google::protobuf::Message*>& evs) {
  slotwise::events::AppendRequest r;
  r.aggregate = {category, id};
  static long commits = 0;
  r.commit_id = "bench-" + std::to_string(++commits);
  r.metadata.source = "notifier-bench";
  for (const auto* e : evs) r.events.push_back(slotwise::events::pack(*e));
  if (!store.append(std::move(r))) throw std::runtime_error("append failed");
}

void seed(slotwise::events::EventStore& store, long bookings) {
  v1::UserRegistered u;
  u.set_user_id("usr_bench");
  u.set_email("owner@example.com");
  u.set_name("Owner");
  append(store, "account", "usr_bench", {&u});
  v1::BusinessCreated b;
  b.set_business_id("biz_bench");
  b.set_owner_user_id("usr_bench");
  b.mutable_profile()->set_name("Bench Studio");
  b.set_time_zone("Europe/Berlin");
  v1::ServiceDefined s;
  s.set_business_id("biz_bench");
  s.set_service_id("svc_bench");
  s.mutable_definition()->set_name("Haircut");
  append(store, "business", "biz_bench", {&b, &s});
  const std::int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                               std::chrono::system_clock::now().time_since_epoch())
                               .count();
  for (long i = 0; i < bookings; ++i) {
    v1::BookingTentativelyCreated c;
    c.set_booking_id("bkg_bench" + std::to_string(i));
    c.set_business_id("biz_bench");
    c.set_service_id("svc_bench");
    // 60+ days ahead: reminders are planned but not due during the run.
    c.mutable_start()->set_seconds(now + 60L * 86400 + i * 1800);
    c.mutable_end()->set_seconds(now + 60L * 86400 + i * 1800 + 3600);
    c.mutable_customer()->set_name("Client " + std::to_string(i));
    c.mutable_customer()->set_email("c" + std::to_string(i) + "@example.com");
    v1::BookingConfirmed k;
    k.set_booking_id(c.booking_id());
    k.set_business_id("biz_bench");
    append(store, "calendar", "biz_bench", {&c, &k});
  }
}

double raw_curl(const std::string& url, long n, const std::string& message) {
  slotwise::notifier::SmtpOptions o;
  o.url = url;
  slotwise::notifier::SmtpClient client(o);
  const auto t0 = Clock::now();
  for (long i = 0; i < n; ++i) {
    if (!client.send("from@example.com", "to@example.com", message)) {
      throw std::runtime_error("raw send failed");
    }
  }
  return since(t0);
}

}  // namespace

int main(int argc, char** argv) {
  long n = 2000;
  int threads = 1;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i];
    if (a == "--n") {
      n = std::stol(argv[i + 1]);
    } else if (a == "--threads") {
      threads = std::stoi(argv[i + 1]);
    }
  }
  try {
    (void)curl_global_init(CURL_GLOBAL_DEFAULT);
    slotwise::testing::NatsServerFixture nats;
    slotwise::testing::PostgresServerFixture pg;
    slotwise::testing::FakeSmtpServer smtp;
    {
      pqxx::connection c(pg.url());
      pqxx::nontransaction tx(c);
      tx.exec0("CREATE DATABASE notify");
    }
    slotwise::events::StoreOptions so;
    so.connection.url = nats.url();
    auto store = slotwise::events::EventStore::open(so);
    if (!store || !store.value()->provision()) throw std::runtime_error("event store");
    seed(*store.value(), n / 2);

    slotwise::notifier::Email e;
    e.from = {"Bench Studio via SlotWise", "notifications@slotwise.localhost"};
    e.to = {"Client", "to@example.com"};
    e.subject = "Your booking is confirmed: Haircut - Bench Studio";
    e.message_id = "<bkg_bench0.confirmation.0@slotwise.localhost>";
    e.date = "Wed, 25 Nov 2026 22:00:00 +0000";
    e.text = std::string(600, 't');
    e.html = std::string(1200, 'h');
    e.ics = std::string(500, 'i');
    const std::string message = slotwise::notifier::render_mime(e);
    const double raw = raw_curl(smtp.url(), n, message);
    const std::size_t after_raw = smtp.count();

    slotwise::notifier::NotifierSettings s;
    s.store = so;
    s.planner.pg_url = pg.url("notify");
    s.planner.read_only_role = "";
    s.sender.pg_url = pg.url("notify");
    s.sender.poll = std::chrono::milliseconds(5);
    s.smtp.url = smtp.url();
    s.sender_threads = threads;
    slotwise::service::Logger logger("notifier-bench", slotwise::service::LogLevel::kError);
    slotwise::service::MetricsRegistry metrics;
    const std::uint64_t last = store.value()->state().value().last_sequence;
    // Phase 1: planning only (no SMTP configured, so no senders run).
    auto planning = s;
    planning.smtp.url.clear();
    const auto t0 = Clock::now();
    {
      slotwise::notifier::Notifier notifier(*store.value(), planning, logger, metrics);
      notifier.start();
      while (notifier.planner().position() < last) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
      }
    }
    const double planned = since(t0);
    // Phase 2: sending the planned, due rows.
    const auto t1 = Clock::now();
    {
      slotwise::notifier::Notifier notifier(*store.value(), s, logger, metrics);
      notifier.start();
      if (!smtp.wait_for(after_raw + static_cast<std::size_t>(n), std::chrono::minutes(10))) {
        throw std::runtime_error("not every email arrived");
      }
    }
    const double sent = since(t1);
    const double raw_rate = static_cast<double>(n) / raw;
    const double send_rate = static_cast<double>(n) / sent;
    std::printf("machine: %u cores\n", std::thread::hardware_concurrency());
    std::printf("%-36s %8s %10s %12s\n", "", "emails", "seconds", "emails/s");
    std::printf("%-36s %8ld %10.2f %12.0f\n", "raw libcurl SMTP (baseline)", n, raw, raw_rate);
    std::printf("%-36s %8ld %10.2f %12.0f  (%d sender thread%s)\n",
                "notifier sending (claim+send+mark)", n, sent, send_rate, threads,
                threads == 1 ? "" : "s");
    std::printf("%-36s %8ld %10.2f %12.0f\n", "notifier planning (rows/s)", n, planned,
                static_cast<double>(n) / planned);
    std::printf("sending / baseline: %.2f\n", send_rate / raw_rate);
    curl_global_cleanup();
    return 0;
  } catch (const std::exception& ex) {
    std::cerr << "notifier_bench: " << ex.what() << '\n';
    return 1;
  }
}
