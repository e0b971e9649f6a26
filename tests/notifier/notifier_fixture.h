// Shared by the notifier's integration tests: a real nats-server and
// PostgreSQL (ReadSideFixture), a FakeSmtpServer that speaks real SMTP, an
// in-process Notifier whose senders' clock the test can move, settings with
// short fetch and retry times, builders for a business with an owner
// account, and confirmed bookings appended straight to the log.
#pragma once

#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <thread>

#include "domain/account.h"
#include "notifier/notifier.h"
#include "tests/read_side/read_side_fixture.h"
#include "tests/support/eventually.h"
#include "tests/support/fake_smtp.h"

namespace slotwise::testing {

inline notifier::NotifierSettings notifier_settings(const std::string& nats_url,
                                                    const std::string& pg_url,
                                                    const std::string& smtp_url) {
  notifier::NotifierSettings s;
  s.store = store_options(nats_url);
  s.planner.pg_url = pg_url;
  s.planner.consumer.durable_name = "notifier-test";
  s.planner.fetch_timeout = std::chrono::milliseconds(100);
  s.planner.retry_backoff = std::chrono::milliseconds(100);
  s.planner.standby_poll = std::chrono::milliseconds(50);
  s.sender.pg_url = pg_url;
  s.sender.poll = std::chrono::milliseconds(20);
  s.sender.base_backoff = std::chrono::milliseconds(200);
  s.sender.max_backoff = std::chrono::milliseconds(1000);
  s.sender.max_attempts = 1000;
  s.smtp.url = smtp_url;
  s.smtp.connect_timeout = std::chrono::milliseconds(1000);
  s.smtp.timeout = std::chrono::milliseconds(5000);
  return s;
}

// A Notifier on its own threads; stopped on destruction.
class RunningNotifier {
 public:
  RunningNotifier(const events::EventStore& store, const notifier::NotifierSettings& settings,
                  const notifier::Clock& clock = {})
      : logger_("notifier-test", service::LogLevel::kError),
        notifier_(store, settings, logger_, metrics_, clock) {
    notifier_.start();
  }
  RunningNotifier(const RunningNotifier&) = delete;
  RunningNotifier& operator=(const RunningNotifier&) = delete;
  ~RunningNotifier() { notifier_.stop(); }

  bool wait_planned(std::uint64_t position,
                    std::chrono::milliseconds timeout = std::chrono::seconds(30)) const {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      if (notifier_.planner().position() >= position) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return notifier_.planner().position() >= position;
  }
  [[nodiscard]] std::string metrics() const { return metrics_.render(); }
  // What slotwise-notifier's /readyz answers.
  [[nodiscard]] bool ready() const { return notifier_.ready(); }

 private:
  service::Logger logger_;
  service::MetricsRegistry metrics_;
  notifier::Notifier notifier_;
};

// Owner account "usr_<biz>" (owner-<biz>@example.com) + business `biz` in
// zone `tz` + one 60-minute service "svc_<biz>".
inline void add_business(ReadSideFixture& f, const std::string& biz,
                         const std::string& tz = "Europe/Paris") {
  v1::UserRegistered u;
  u.set_user_id("usr_" + biz);
  u.set_email("owner-" + biz + "@example.com");
  u.set_name("Owner " + biz);
  f.append<domain::AccountEvent>("account", "usr_" + biz, {u});
  f.append<domain::BusinessEvent>(
      "business", biz,
      {business_created(biz, "slug-" + biz, "usr_" + biz, tz, policy(15, 0, 60, 0)),
       service_defined(biz, "svc_" + biz, 60, 0, 0, 5000)});
}

// A booking at `start` (unix seconds), created and confirmed in one commit.
inline std::uint64_t add_confirmed_booking(ReadSideFixture& f, const std::string& biz,
                                           const std::string& bkg, std::int64_t start,
                                           const std::string& email) {
  return f.append<domain::CalendarEvent>(
      "calendar", biz,
      {booking_created(biz, bkg, "svc_" + biz, start, 60, "Europe/Paris", email, 5000),
       confirmed(biz, bkg)});
}

struct NotifierFixture : ReadSideFixture {
  FakeSmtpServer smtp;
  std::string db = create_database("notify");
  // Offset of the senders' clock from real time, in seconds.
  std::atomic<std::int64_t> clock_offset{0};

  [[nodiscard]] notifier::NotifierSettings settings() const {
    return notifier_settings(nats.url(), db, smtp.url());
  }
  [[nodiscard]] notifier::Clock clock() {
    return [this] {
      return std::chrono::system_clock::now() + std::chrono::seconds(clock_offset.load());
    };
  }

  void business(const std::string& biz, const std::string& tz = "Europe/Paris") {
    add_business(*this, biz, tz);
  }
  std::uint64_t confirmed_booking(const std::string& biz, const std::string& bkg,
                                  std::int64_t start, const std::string& email) {
    return add_confirmed_booking(*this, biz, bkg, start, email);
  }

  [[nodiscard]] std::int64_t sql(const std::string& query) const { return count(db, query); }
};

// Polls the count `query` returns until it is `expected` (20 s at most);
// a failing query (tables not created yet) counts as not yet.
inline bool eventually_sql(const NotifierFixture& f, const std::string& query,
                           std::int64_t expected) {
  const auto matches = [&] {
    try {
      return f.sql(query) == expected;
    } catch (const std::exception&) {
      return false;
    }
  };
  return eventually(matches, std::chrono::seconds(20));
}

inline constexpr std::int64_t kDay = 86400;  // seconds
inline constexpr std::int64_t kHour = 3600;

inline std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// How many received messages have `needle` in their Message-ID (which holds
// the notification id: <booking>.<kind>.<revision>).
inline std::size_t count_of(const FakeSmtpServer& smtp, const std::string& needle) {
  std::size_t n = 0;
  for (const auto& m : smtp.messages()) n += m.message_id().find(needle) != std::string::npos;
  return n;
}

}  // namespace slotwise::testing
