// kill -9 of the real slotwise-notifier binary while it is sending a large
// batch of due emails, twice, then a restart: every due email arrives, each
// Message-ID is the one planned, and nothing is sent again except at most
// the one message in flight at each kill (ADR 0009: SMTP gives no
// exactly-once; the deterministic Message-ID lets receivers drop it). The
// restarted process also serves /healthz, /readyz, /metrics and exits 0 on
// SIGTERM.
#include <doctest/doctest.h>

#include <httplib.h>

#include <csignal>
#include <fstream>

#include "tests/notifier/notifier_fixture.h"
#include "tests/support/metric_value.h"
#include "tests/support/process.h"

namespace slotwise::testing {
namespace {

constexpr std::size_t kBookings = 150;  // two emails each (client + owner)

Process start_notifier(const TempDir& dir, const std::string& nats_url, const std::string& db,
                       const std::string& smtp_url, int run, int http_port = 0) {
  const std::string conf = dir.path() + "/notifier.conf";
  std::ofstream(conf) << "nats_url = " << nats_url << "\npg_url = " << db
                      << "\nhttp_port = " << http_port << "\nsmtp_url = " << smtp_url
                      << "\npoll_interval = 20ms\nretry_base = 200ms\nretry_max = 1s\n"
                         "sender_threads = 2\nbatch = 50\n";
  return Process({SLOTWISE_NOTIFIER_BIN, conf},
                 dir.path() + "/notifier-" + std::to_string(run) + ".log");
}

}  // namespace

TEST_CASE_FIXTURE(NotifierFixture, "kill -9 mid-batch: every due email arrives, once per id") {
  business("biz_k");
  const std::int64_t start = unix_now() + 30 * kDay;
  for (std::size_t i = 0; i < kBookings; ++i) {
    confirmed_booking("biz_k", "bkg_k" + std::to_string(i),
                      start + static_cast<std::int64_t>(i) * kHour,
                      "k" + std::to_string(i) + "@example.com");
  }
  TempDir dir("slotwise-notifier-crash");
  const std::size_t total = 2 * kBookings;
  int kills = 0;
  for (const std::size_t at : {total / 4, total / 2}) {
    Process p = start_notifier(dir, nats.url(), db, smtp.url(), kills);
    REQUIRE(smtp.wait_for(at, std::chrono::seconds(60)));
    CHECK(smtp.count() < total);  // killed mid-batch
    ::kill(p.pid(), SIGKILL);
    (void)p.wait();
    ++kills;
  }
  // What the processes killed before recorded as sent (not the message in
  // flight at a kill: the last process sends that one again).
  const std::int64_t sent_before = sql("SELECT count(*) FROM notifications WHERE status = 'sent'");
  const int http_port = free_port();
  Process last = start_notifier(dir, nats.url(), db, smtp.url(), kills, http_port);
  REQUIRE(smtp.wait_for(total, std::chrono::seconds(60)));
  // The process's operational endpoints.
  REQUIRE(wait_for_port(http_port, std::chrono::seconds(10)));
  httplib::Client http("127.0.0.1", http_port);
  CHECK(http.Get("/healthz")->status == 200);
  CHECK(http.Get("/readyz")->status == 200);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (sql("SELECT count(*) FROM notifications WHERE status <> 'sent'"
             " AND kind NOT LIKE 'reminder%'") > 0 &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // nothing more arrives
  const auto metrics = http.Get("/metrics");
  REQUIRE(metrics);
  // This process recorded the rest as sent.
  CHECK(metric_value(metrics->body, "slotwise_notifier_sent_total{channel=\"email\"}") ==
        std::to_string(static_cast<std::int64_t>(total) - sent_before));
  CHECK(metric_value(metrics->body, "slotwise_notifier_position") ==
        std::to_string(last_position()));
  CHECK(last.stop(SIGTERM) == 0);  // clean shutdown: exit status 0

  const auto by_id = smtp.count_by_message_id();
  CHECK(by_id.size() == total);  // every planned email, no other
  int duplicates = 0;
  for (std::size_t i = 0; i < kBookings; ++i) {
    for (const char* kind : {"confirmation", "owner_new_booking"}) {
      const std::string id = "<bkg_k" + std::to_string(i) + "." + kind + ".0@slotwise.localhost>";
      const auto it = by_id.find(id);
      REQUIRE_MESSAGE(it != by_id.end(), id);
      duplicates += it->second - 1;
    }
  }
  MESSAGE("duplicates after ", kills, " kills: ", duplicates);
  // At most the message in flight per sender thread per kill.
  CHECK(duplicates <= 2 * kills);
  CHECK(sql("SELECT count(*) FROM notifications WHERE status = 'sent'") ==
        static_cast<std::int64_t>(total));
  CHECK(sql("SELECT position FROM notifier_checkpoints") ==
        static_cast<std::int64_t>(last_position()));
}

}  // namespace slotwise::testing
