// Outbox retention: done rows (sent, failed, cancelled) due longer ago than
// the retention are deleted by the lease-holding planner while it is idle;
// planned rows stay however old, and so do recent ones.
#include <doctest/doctest.h>

#include <pqxx/pqxx>

#include <chrono>

#include "notifier/outbox_retention.h"
#include "tests/notifier/notifier_fixture.h"
#include "tests/support/eventually.h"
#include "tests/support/metric_value.h"

namespace slotwise::testing {
namespace {

void add_row(const std::string& db, const std::string& id, const std::string& status,
             const std::string& age) {
  pqxx::connection c(db);
  pqxx::work tx(c);
  tx.exec_params(
      "INSERT INTO notifications (id, business_id, booking_id, kind, revision, recipient,"
      " subject, message, due_at, next_attempt_at, planned_seq, status)"
      " VALUES ($1, 'biz_x', 'bkg_x', 'confirmation', 0, 'x@example.com', 's', 'm',"
      " now() - $2::interval, now() - $2::interval, 1, $3)",
      id, age, status);
  tx.commit();
}

}  // namespace

TEST_CASE_FIXTURE(NotifierFixture, "done outbox rows older than the retention are deleted") {
  // SMTP stays down, so the old planned row cannot be sent (and, then done
  // and old, pruned) while the test looks: without this the sender sent it
  // ~300 ms after the notifier started, racing the checks below.
  smtp.go_down();
  auto s = settings();
  s.planner.retention = std::chrono::hours(24 * 90);
  s.planner.prune_every = std::chrono::milliseconds(50);
  RunningNotifier n(*store, s, clock());
  REQUIRE(eventually_sql(*this, "SELECT count(*) FROM notifications", 0));  // tables made
  add_row(db, "old-sent", "sent", "100 days");
  add_row(db, "old-failed", "failed", "100 days");
  add_row(db, "old-cancelled", "cancelled", "91 days");
  add_row(db, "old-planned", "planned", "100 days");  // SMTP never worked: kept
  add_row(db, "new-sent", "sent", "89 days");
  CHECK(eventually_sql(*this, "SELECT count(*) FROM notifications", 2));
  CHECK(sql("SELECT count(*) FROM notifications WHERE id IN ('old-planned', 'new-sent')") == 2);
  // The counter moves just after the delete commits: poll it too.
  CHECK(
      eventually([&] { return metric_value(n.metrics(), "slotwise_notifier_pruned_total") == "3"; },
                 std::chrono::seconds(20)));
  CHECK(sql("SELECT count(*) FROM notifications WHERE id = 'old-planned' AND status = 'planned'") ==
        1);
}

TEST_CASE_FIXTURE(NotifierFixture, "pruning works in chunks until nothing old is left") {
  {
    RunningNotifier n(*store, settings(), clock());
    REQUIRE(eventually_sql(*this, "SELECT count(*) FROM notifications", 0));  // tables made
  }
  for (int i = 0; i < 25; ++i) add_row(db, "sent-" + std::to_string(i), "sent", "200 days");
  pqxx::connection c(db);
  auto deleted = notifier::prune_outbox(c, std::chrono::hours(24 * 90), 10);
  REQUIRE(deleted.ok());
  CHECK(deleted.value() == 25);
  CHECK(sql("SELECT count(*) FROM notifications") == 0);
}

}  // namespace slotwise::testing
