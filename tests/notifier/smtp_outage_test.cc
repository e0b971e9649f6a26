// The SMTP server is down (connections refused) while emails fall due:
// they are retried with exponential backoff and all arrive, exactly once,
// after it returns. The outage lasts SLOTWISE_SMTP_OUTAGE_SECONDS (default
// 6 s; bench/run-smtp-outage runs the 2-minute variant).
#include <doctest/doctest.h>

#include <cstdlib>

#include "tests/notifier/notifier_fixture.h"
#include "tests/support/metric_value.h"

namespace slotwise::testing {

TEST_CASE_FIXTURE(NotifierFixture, "emails due while SMTP is down all arrive after it returns") {
  // NOLINTNEXTLINE(concurrency-mt-unsafe): nothing in this process calls setenv
  const char* env = std::getenv("SLOTWISE_SMTP_OUTAGE_SECONDS");
  const long outage = env != nullptr ? std::strtol(env, nullptr, 10) : 6;
  constexpr std::int64_t kBookings = 20;
  smtp.go_down();
  business("biz_o");
  for (std::int64_t i = 0; i < kBookings; ++i) {
    confirmed_booking("biz_o", "bkg_o" + std::to_string(i), unix_now() + 40 * kDay + i * kHour,
                      "o" + std::to_string(i) + "@example.com");
  }
  auto s = settings();
  s.sender.base_backoff = std::chrono::milliseconds(250);
  s.sender.max_backoff = std::chrono::milliseconds(2000);
  RunningNotifier n(*store, s);
  REQUIRE(n.wait_planned(last_position()));
  std::this_thread::sleep_for(std::chrono::seconds(outage));
  CHECK(smtp.count() == 0);
  CHECK(sql("SELECT count(*) FROM notifications WHERE attempts > 0 AND status = 'planned'") > 0);
  smtp.come_up();
  REQUIRE(smtp.wait_for(static_cast<std::size_t>(2 * kBookings), std::chrono::seconds(30)));
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  const auto by_id = smtp.count_by_message_id();
  CHECK(smtp.count() == static_cast<std::size_t>(2 * kBookings));
  CHECK(by_id.size() == static_cast<std::size_t>(2 * kBookings));
  CHECK(sql("SELECT count(*) FROM notifications WHERE status = 'sent'") == 2 * kBookings);
  CHECK(sql("SELECT count(*) FROM notifications WHERE status = 'failed'") == 0);
  const std::string metrics = n.metrics();
  CHECK(metric_value(metrics, "slotwise_notifier_sent_total{channel=\"email\"}") ==
        std::to_string(2 * kBookings));
  CHECK(metric_value(metrics, "slotwise_notifier_failed_total{channel=\"email\"}").empty());
  // Retried during the outage (how often depends on the backoff's timing).
  const std::string retries =
      metric_value(metrics, "slotwise_notifier_retries_total{channel=\"email\"}");
  REQUIRE_FALSE(retries.empty());
  CHECK(std::stoll(retries) > 0);
}

}  // namespace slotwise::testing
