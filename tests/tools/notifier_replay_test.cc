// `slotwise notifier replay` against a real nats-server, PostgreSQL, an
// in-process notifier and a fake SMTP server: the checkpoint goes back
// (to 0, or to a given sequence), the next notifier run plans the log
// again and sends no email twice; the command refuses while a notifier
// plans (it holds the lease and would overwrite the checkpoint), and bad
// invocations get their message and exit code (docs/cli.md).
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "tests/notifier/notifier_fixture.h"
#include "tests/tools/cli_support.h"

namespace slotwise::testing {
namespace {

constexpr const char* kConsumer = "notifier-test";  // notifier_settings()

CliRun replay(const NotifierFixture& f, std::vector<std::string> args) {
  std::vector<std::string> argv = {"--pg", f.db, "notifier", "replay", "--consumer", kConsumer};
  argv.insert(argv.end(), args.begin(), args.end());
  return cli(argv);
}

std::int64_t checkpoint(const NotifierFixture& f) {
  return f.sql(std::string("SELECT position FROM notifier_checkpoints WHERE consumer = '") +
               kConsumer + "'");
}

// Lets anything the senders might still send arrive.
void settle() { std::this_thread::sleep_for(std::chrono::milliseconds(700)); }

}  // namespace

TEST_CASE_FIXTURE(NotifierFixture,
                  "replay from the start and from a sequence: the notifier plans again and "
                  "sends nothing twice") {
  business("biz_r");
  // Not a commit: a dead letter, counted once however often it is replayed.
  publish_raw(*store, "sw.evt.calendar.biz_junk");
  const std::int64_t start = unix_now() + 5 * kDay;
  confirmed_booking("biz_r", "bkg_r1", start, "r1@example.com");
  std::uint64_t last = 0;
  {
    RunningNotifier n(*store, settings(), clock());
    REQUIRE(n.wait_planned(last_position()));
    REQUIRE(smtp.wait_for(2, std::chrono::seconds(20)));  // confirmation + owner notice
    append<domain::CalendarEvent>("calendar", "biz_r",
                                  {rescheduled("biz_r", "bkg_r1", start + kDay, 60)});
    last = last_position();
    REQUIRE(n.wait_planned(last));
    REQUIRE(smtp.wait_for(4, std::chrono::seconds(20)));

    // While it plans, the replay is refused and changes nothing.
    const CliRun running = replay(*this, {});
    CHECK(running.code == 1);
    CHECK_MESSAGE(contains(running.out,
                           "slotwise: notifier replay refused: slotwise-notifier is "
                           "running as consumer 'notifier-test'"),
                  running.out);
    CHECK(contains(running.out, "holds the planning lease"));
    CHECK(checkpoint(*this) == static_cast<std::int64_t>(last));
    settle();
  }
  REQUIRE(smtp.count() == 4);
  const std::int64_t rows = sql("SELECT count(*) FROM notifications");
  CHECK(sql("SELECT dead_letters FROM notifier_checkpoints") == 1);

  // Stopped: the whole log.
  const CliRun whole = cli({"--pg", db, "--json", "notifier", "replay", "--consumer", kConsumer});
  REQUIRE_MESSAGE(whole.code == 0, whole.out);
  CHECK(contains(whole.out, R"({"consumer":"notifier-test","previous_checkpoint":)" +
                                std::to_string(last) + R"(,"checkpoint":0,"from_sequence":1})"));
  CHECK(checkpoint(*this) == 0);
  CHECK(sql("SELECT dead_letters FROM notifier_checkpoints") == 0);
  {
    RunningNotifier again(*store, settings(), clock());
    REQUIRE(again.wait_planned(last));
    // Nothing more arrives (a replanned notice would within a few seconds).
    CHECK_FALSE(smtp.wait_for(5, std::chrono::seconds(3)));
    CHECK(sql("SELECT count(*) FROM notifications") == rows);
    CHECK(sql("SELECT count(*) FROM notifications WHERE status = 'planned'"
              " AND kind NOT IN ('reminder_1', 'reminder_2')") == 0);
    CHECK(sql("SELECT revision FROM notifier_bookings WHERE booking_id = 'bkg_r1'") == 1);
    CHECK(checkpoint(*this) == static_cast<std::int64_t>(last));
    CHECK(sql("SELECT dead_letters FROM notifier_checkpoints") == 1);
    CHECK(sql("SELECT count(*) FROM notifier_dead_letters") == 1);

    // The next reschedule is the second: its notices go out once, as .2.
    append<domain::CalendarEvent>("calendar", "biz_r",
                                  {rescheduled("biz_r", "bkg_r1", start + 2 * kDay, 60)});
    last = last_position();
    REQUIRE(again.wait_planned(last));
    REQUIRE(smtp.wait_for(6, std::chrono::seconds(20)));
    settle();
  }
  CHECK(smtp.count() == 6);
  CHECK(smtp.count_by_message_id().size() == 6);  // no message twice
  CHECK(count_of(smtp, "bkg_r1.reschedule.2@") == 1);
  CHECK(count_of(smtp, "bkg_r1.owner_reschedule.2@") == 1);
  const std::int64_t rows_after = sql("SELECT count(*) FROM notifications");

  // From the second reschedule's commit only: the checkpoint goes just
  // before it.
  const CliRun from = replay(*this, {"--from", std::to_string(last)});
  REQUIRE_MESSAGE(from.code == 0, from.out);
  CHECK(contains(from.out, "notifier notifier-test: checkpoint " + std::to_string(last) + " -> " +
                               std::to_string(last - 1)));
  CHECK(contains(from.out, "plans the log again from sequence " + std::to_string(last)));
  CHECK(checkpoint(*this) == static_cast<std::int64_t>(last - 1));
  CHECK(sql("SELECT dead_letters FROM notifier_checkpoints") == 1);  // before `last`
  {
    RunningNotifier again(*store, settings(), clock());
    REQUIRE(again.wait_planned(last));
    CHECK_FALSE(smtp.wait_for(7, std::chrono::seconds(3)));
    CHECK(sql("SELECT count(*) FROM notifications") == rows_after);
    CHECK(sql("SELECT revision FROM notifier_bookings WHERE booking_id = 'bkg_r1'") == 2);
    CHECK(checkpoint(*this) == static_cast<std::int64_t>(last));
  }
  CHECK(smtp.count() == 6);
}

TEST_CASE_FIXTURE(NotifierFixture, "replay refuses what it cannot do safely") {
  // A database the notifier never ran against.
  const CliRun no_tables = replay(*this, {});
  CHECK(no_tables.code == 1);
  CHECK_MESSAGE(contains(no_tables.out,
                         "slotwise: notifier replay refused: this database has no "
                         "notifier tables"),
                no_tables.out);
  const std::string no_pg = "postgresql://slotwise@127.0.0.1:" + std::to_string(free_port()) + "/x";
  const CliRun unreachable = cli({"--pg", no_pg, "notifier", "replay"});
  CHECK(unreachable.code == 3);
  CHECK(contains(unreachable.out, "slotwise: cannot reach PostgreSQL"));

  business("biz_x");
  confirmed_booking("biz_x", "bkg_x1", unix_now() + 5 * kDay, "x1@example.com");
  const auto last = static_cast<std::int64_t>(last_position());
  {
    RunningNotifier n(*store, settings(), clock());
    REQUIRE(n.wait_planned(last_position()));
    const CliRun running = replay(*this, {"--from", "1"});
    CHECK(running.code == 1);
    CHECK(contains(running.out, "holds the planning lease"));
    // Another consumer's lease is not this one's.
    const CliRun other = cli({"--pg", db, "notifier", "replay", "--consumer", "notifier"});
    CHECK(other.code == 2);
    CHECK_MESSAGE(contains(other.out,
                           "slotwise: notifier replay refused: no notifier checkpoint "
                           "for consumer 'notifier' (known: notifier-test)"),
                  other.out);
  }
  // Beyond the checkpoint + 1: commits never planned would be skipped.
  const CliRun beyond = replay(*this, {"--from", std::to_string(last + 2)});
  CHECK(beyond.code == 2);
  CHECK_MESSAGE(contains(beyond.out, "has planned up to sequence " + std::to_string(last)),
                beyond.out);
  CHECK(contains(beyond.out, "(--from at most " + std::to_string(last + 1) + ")"));
  const CliRun zero = replay(*this, {"--from", "0"});
  CHECK(zero.code == 2);
  CHECK(contains(zero.out, "--from"));
  const CliRun no_value = replay(*this, {"--from"});
  CHECK(no_value.code == 2);
  CHECK(checkpoint(*this) == last);
  // Right after the checkpoint: nothing to plan again, and allowed.
  const CliRun none = replay(*this, {"--from", std::to_string(last + 1)});
  CHECK_MESSAGE(none.code == 0, none.out);
  CHECK(checkpoint(*this) == last);
}

}  // namespace slotwise::testing
