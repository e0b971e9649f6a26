// The notifier's migrations: 0002 marks the booking rows mirrored before it
// as applied up to the planner's checkpoint, so a replay of the log after
// the upgrade does not apply their events a second time; 0004 replaces the
// link tokens stored in outbox messages before it by the placeholder,
// whatever the row's status, keeps a planned customer email deliverable
// byte for byte and fails a planned reset email (its ref cannot be known),
// a page of emails per statement with every row as one statement left it;
// 0005 does for the accounts what 0002 does for bookings (their password
// changes get no notice on a replay).
#include <doctest/doctest.h>

#include <pqxx/pqxx>

#include <map>
#include <set>
#include <vector>

#include "auth/derived_ids.h"
#include "notifier/link_token.h"
#include "notifier/links.h"
#include "notifier/mime.h"
#include "notifier/notifier_migrations.h"
#include "notifier/password_reset_mail.h"
#include "notifier/templates.h"
#include "projections/migrations.h"
#include "tests/notifier/booking_email.h"
#include "tests/notifier/stored_text.h"
#include "tests/support/postgres_server.h"

namespace slotwise::notifier {
namespace {

const std::string kKey = "test-secret-of-at-least-thirty-two-bytes-0123456789";

// The migrations before `name`, and from it.
std::pair<std::span<const projections::Migration>, std::span<const projections::Migration>>
split_at(const std::string& name) {
  const auto embedded = notifier_migrations();
  std::size_t before = 0;
  while (before < embedded.size() && embedded[before].name < name) ++before;
  REQUIRE(before < embedded.size());
  return {embedded.subspan(0, before), embedded.subspan(before)};
}

// A message as the planner rendered it before 0004: the link with its token
// (or, `placeholder`, as 0004 leaves it: notifier_link_token_test shows the
// two are the same bytes but for the token).
std::string old_message(Kind kind, const std::string& booking, bool placeholder = false) {
  const BusinessFacts biz{"biz_m", "Salon", "Europe/Paris", "owner@example.com", "1 rue"};
  Links links = links_for({"http://localhost:8080", kKey}, booking, "salon");
  if (placeholder) links.manage = without_token(links.manage);
  return render_mime(testing::booking_email(kind, biz, booking, links));
}

// The reset email of `link`, as the planner rendered it before 0004.
std::string reset_message(const std::string& link, domain::Instant expires) {
  const Rendered reset = render_password_reset("Owner", link, expires);
  Email mail;
  mail.to = {"Owner", "owner@example.com"};
  mail.message_id = "<usr_A.password_reset.0123abcd@slotwise.localhost>";
  mail.text = reset.text;
  mail.html = reset.html;
  return render_mime(mail);
}

void insert(pqxx::work& tx, const std::string& id, const std::string& kind,
            const std::string& status, const std::string& message,
            const std::string& channel = "email") {
  tx.exec_params(
      "INSERT INTO notifications (id, business_id, booking_id, kind, channel, revision,"
      " recipient, subject, message, due_at, status, next_attempt_at, planned_seq)"
      " VALUES ($1, 'biz_m', 'bkg_m1', $2, $5, 0, 'ann@example.com', 's', $3, now(), $4, now(),"
      " 1)",
      id, kind, message, status, channel);
}

// What 0004 may change in an outbox row.
struct Outcome {
  std::string message;
  std::string status;
  std::string link_token;
  std::string last_error;
};

// A row seeded before 0004, and what 0004 leaves of it.
struct Seed {
  std::string kind;
  std::string status;
  std::string channel;
  std::string message;
  Outcome after;
};

// How many emails 0004 reads and rewrites in one statement (its page_size).
constexpr std::size_t kPage = 200;

// One of each kind of row, each with its outcome.
std::vector<Seed> seeds() {
  const domain::Instant expires{std::chrono::seconds{1'790'003'600}};
  const std::string link = password_reset_link({"http://localhost:8080", kKey},
                                               "usr_AAAAAAAAAAAAAAAAAAAAAA", "0123abcd", expires);
  const std::string owner = old_message(Kind::kOwnerNewBooking, "bkg_m1");
  // Planned without links: no token, nothing to derive.
  const BusinessFacts biz{"biz_m", "Salon", "Europe/Paris", "owner@example.com", "1 rue"};
  const std::string plain =
      render_mime(testing::booking_email(Kind::kConfirmation, biz, "bkg_m1", {}));
  // Not an email (a token-bearing message in an SMS row): not read.
  const std::string sms = old_message(Kind::kReminderSecond, "bkg_m1");
  return {
      {"confirmation",
       "planned",
       "email",
       old_message(Kind::kConfirmation, "bkg_m1"),
       {old_message(Kind::kConfirmation, "bkg_m1", true), "planned", "manage:bkg_m1", ""}},
      {"reminder_1",
       "sent",
       "email",
       old_message(Kind::kReminderFirst, "bkg_m1"),
       {old_message(Kind::kReminderFirst, "bkg_m1", true), "sent", "", ""}},
      {"owner_new_booking", "planned", "email", owner, {owner, "planned", "", ""}},
      {"password_reset",
       "planned",
       "email",
       reset_message(link, expires),
       {reset_message(without_token(link), expires), "failed", "",
        "its reset link was removed from the outbox (notifier_0004); ask for a new one"}},
      {"confirmation", "planned", "email", plain, {plain, "planned", "", ""}},
      {"reminder_2", "planned", "sms", sms, {sms, "planned", "", ""}},
  };
}

}  // namespace

TEST_CASE("0002 marks the bookings already mirrored as applied up to the checkpoint") {
  testing::PostgresServerFixture pg;
  pqxx::connection c(pg.url());
  const auto [before, from] = split_at("notifier_0002");
  CHECK(from.front().name == "notifier_0002_booking_applied.sql");
  REQUIRE(projections::apply_migrations(c, before).ok());
  {
    pqxx::work tx(c);
    tx.exec0("INSERT INTO notifier_checkpoints (consumer, position) VALUES ('notifier', 42)");
    tx.exec0(
        "INSERT INTO notifier_bookings (booking_id, business_id, service_id, start_at, end_at,"
        " customer_name, customer_email, status, revision) VALUES ('bkg_old', 'biz', 'svc',"
        " now(), now(), 'Ann', 'ann@example.com', 'confirmed', 2)");
    tx.commit();
  }
  REQUIRE(projections::apply_migrations(c, from).ok());
  pqxx::read_transaction tx(c);
  const auto row = tx.exec1(
      "SELECT applied_sequence, applied_event, revision FROM notifier_bookings"
      " WHERE booking_id = 'bkg_old'");
  CHECK(row[0].as<std::int64_t>() == 42);
  // The whole commit at the checkpoint, whatever its number of events.
  CHECK(row[1].as<std::int64_t>() == 2147483647);
  CHECK(row[2].as<int>() == 2);
}

TEST_CASE("0004 removes the link tokens stored before it, for every status") {
  testing::PostgresServerFixture pg;
  pqxx::connection c(pg.url());
  const auto [before, from] = split_at("notifier_0004");
  CHECK(from.front().name == "notifier_0004_link_tokens.sql");
  REQUIRE(projections::apply_migrations(c, before).ok());
  // "bkg_m1": the .ics URL line folds inside the token.
  auto manage = auth::derive_manage_token(kKey, "bkg_m1");
  REQUIRE(manage.ok());
  const domain::Instant expires{std::chrono::seconds{1'790'003'600}};
  const std::string reset_link = password_reset_link(
      {"http://localhost:8080", kKey}, "usr_AAAAAAAAAAAAAAAAAAAAAA", "0123abcd", expires);
  const std::string reset_mac = reset_link.substr(reset_link.rfind('.') + 1);
  const std::string confirmation = old_message(Kind::kConfirmation, "bkg_m1");
  const std::string owner = old_message(Kind::kOwnerNewBooking, "bkg_m1");
  {
    pqxx::work tx(c);
    insert(tx, "bkg_m1.confirmation.0", "confirmation", "planned", confirmation);
    insert(tx, "bkg_m1.reminder_1.0", "reminder_1", "sent",
           old_message(Kind::kReminderFirst, "bkg_m1"));
    insert(tx, "bkg_m1.reschedule.0", "reschedule", "failed",
           old_message(Kind::kReschedule, "bkg_m1"));
    insert(tx, "bkg_m1.reminder_2.0", "reminder_2", "cancelled",
           old_message(Kind::kReminderSecond, "bkg_m1"));
    insert(tx, "bkg_m1.owner_new_booking.0", "owner_new_booking", "planned", owner);
    insert(tx, "usr_A.password_reset.0123abcd", "password_reset", "planned",
           reset_message(reset_link, expires));
    insert(tx, "usr_A.password_reset.old", "password_reset", "sent",
           reset_message(reset_link, expires));
    tx.commit();
  }
  // Written the old way: the tokens are there.
  REQUIRE(testing::stored_text(pg.url()).find(manage->token) != std::string::npos);
  REQUIRE(testing::stored_text(pg.url()).find(reset_mac) != std::string::npos);

  REQUIRE(projections::apply_migrations(c, from).ok());
  const std::string stored = testing::stored_text(pg.url());
  CHECK(stored.find(manage->token) == std::string::npos);
  CHECK(stored.find(manage->token.substr(0, 20)) == std::string::npos);
  CHECK(stored.find(reset_mac) == std::string::npos);
  pqxx::read_transaction tx(c);
  const auto row = [&](const std::string& id) {
    return tx.exec_params1(
        "SELECT message, status, link_token, last_error FROM notifications"
        " WHERE id = $1",
        id);
  };
  // The planned confirmation still goes out, byte for byte as planned.
  const auto planned = row("bkg_m1.confirmation.0");
  CHECK(planned[1].as<std::string>() == "planned");
  CHECK(planned[2].as<std::string>() == "manage:bkg_m1");
  auto token = derive_link_token(kKey, planned[2].as<std::string>());
  REQUIRE(token.ok());
  auto filled = with_link_token(planned[0].as<std::string>(), token.value());
  REQUIRE(filled.ok());
  CHECK(filled.value() == confirmation);
  // Done rows keep their status and get no ref: nothing sends them again.
  for (const char* id : {"bkg_m1.reminder_1.0", "bkg_m1.reschedule.0", "bkg_m1.reminder_2.0",
                         "usr_A.password_reset.old"}) {
    CAPTURE(id);
    const auto done = row(id);
    CHECK(done[2].as<std::string>().empty());
    CHECK(done[0].as<std::string>().size() > 0);
  }
  CHECK(row("bkg_m1.reminder_1.0")[1].as<std::string>() == "sent");
  CHECK(row("bkg_m1.reschedule.0")[1].as<std::string>() == "failed");
  CHECK(row("bkg_m1.reminder_2.0")[1].as<std::string>() == "cancelled");
  // No token in it: untouched.
  CHECK(row("bkg_m1.owner_new_booking.0")[0].as<std::string>() == owner);
  CHECK(row("bkg_m1.owner_new_booking.0")[2].as<std::string>().empty());
  const auto reset_row = row("usr_A.password_reset.0123abcd");
  CHECK(reset_row[1].as<std::string>() == "failed");
  CHECK(reset_row[3].as<std::string>().find("notifier_0004") != std::string::npos);
}

TEST_CASE("0004 rewrites a page of emails per statement, every row as one statement did") {
  testing::PostgresServerFixture pg;
  pqxx::connection c(pg.url());
  const auto [before, from] = split_at("notifier_0004");
  REQUIRE(projections::apply_migrations(c, before).ok());
  // 600 rows, 500 of them emails: pages of 200, 200 and 100. The ids
  // ("row0", "row1", "row10", ...) sort otherwise than they were inserted.
  const std::vector<Seed> kinds = seeds();
  constexpr std::size_t kRows = 600;
  {
    pqxx::work tx(c);
    for (std::size_t i = 0; i < kRows; ++i) {
      const Seed& seed = kinds[i % kinds.size()];
      insert(tx, "row" + std::to_string(i), seed.kind, seed.status, seed.message, seed.channel);
    }
    tx.commit();
  }

  REQUIRE(projections::apply_migrations(c, from).ok());
  // Recorded once: starting again runs nothing.
  const auto again = projections::apply_migrations(c, from);
  REQUIRE(again.ok());
  CHECK(again.value() == 0);
  pqxx::read_transaction tx(c);
  CHECK(tx.exec1("SELECT count(*) FROM schema_migrations WHERE name LIKE 'notifier_0004%'")[0]
            .as<int>() == 1);
  // Each row with the statement that last wrote it (transaction, command).
  const auto rows = tx.exec(
      "SELECT id, message, status, link_token, last_error, channel,"
      " xmin::text || '/' || cmin::text FROM notifications ORDER BY id");
  REQUIRE(rows.size() == kRows);
  std::map<std::string, std::set<std::size_t>> pages_by_statement;
  std::size_t emails = 0;
  for (const auto& row : rows) {
    const std::string id = row[0].as<std::string>();
    CAPTURE(id);
    const Seed& seed = kinds[std::stoul(id.substr(3)) % kinds.size()];
    CHECK(row[1].as<std::string>() == seed.after.message);
    CHECK(row[2].as<std::string>() == seed.after.status);
    CHECK(row[3].as<std::string>() == seed.after.link_token);
    CHECK(row[4].as<std::string>() == seed.after.last_error);
    if (row[5].as<std::string>() != "email") continue;
    if (seed.after.message != seed.message) {
      pages_by_statement[row[6].as<std::string>()].insert(emails / kPage);
    }
    ++emails;
  }
  // One UPDATE a page: each rewrote rows of one page only, and each page
  // (all three hold rewritten rows) had its own.
  CHECK(emails == 500);
  CHECK(pages_by_statement.size() == 3);
  std::set<std::size_t> pages;
  for (const auto& statement : pages_by_statement) {
    CAPTURE(statement.first);
    CHECK(statement.second.size() == 1);
    pages.insert(statement.second.begin(), statement.second.end());
  }
  CHECK(pages.size() == 3);
}

TEST_CASE("0005 marks the accounts already mirrored as applied up to the checkpoint") {
  testing::PostgresServerFixture pg;
  pqxx::connection c(pg.url());
  const auto [before, from] = split_at("notifier_0005");
  CHECK(from.front().name == "notifier_0005_user_password_changes.sql");
  REQUIRE(projections::apply_migrations(c, before).ok());
  {
    pqxx::work tx(c);
    tx.exec0("INSERT INTO notifier_checkpoints (consumer, position) VALUES ('notifier', 42)");
    tx.exec0(
        "INSERT INTO notifier_users (user_id, email, name) VALUES ('usr_old', 'old@example.com',"
        " 'Old')");
    tx.commit();
  }
  REQUIRE(projections::apply_migrations(c, from).ok());
  pqxx::read_transaction tx(c);
  const auto row = tx.exec1(
      "SELECT applied_sequence, applied_event, password_changes FROM notifier_users"
      " WHERE user_id = 'usr_old'");
  CHECK(row[0].as<std::int64_t>() == 42);
  CHECK(row[1].as<std::int64_t>() == 2147483647);
  CHECK(row[2].as<int>() == 0);
}

}  // namespace slotwise::notifier
