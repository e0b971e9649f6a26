// Links in the delivered emails (real nats-server, PostgreSQL and SMTP):
// the client's confirmation and reminders link the manage page with, in the
// URL fragment, exactly the token the command side derives for the booking
// (whose SHA-256 the log's BookingTentativelyCreated holds); the owner's
// notice links the dashboard without a token; the cancellation links the
// business's page (slug from BusinessCreated, filled by a replay for a
// business mirrored before the slug was); the HTML href is escaped; without
// public_base_url no email has a link. No notifier table holds the manage
// token, neither once planned nor once sent (ADR 0009, "No bearer secrets
// at rest"), and a message whose token cannot be derived when it is sent
// fails instead of going out with a broken link.
#include <doctest/doctest.h>

#include <pqxx/pqxx>

#include <algorithm>

#include "auth/derived_ids.h"
#include "tests/notifier/mail_text.h"
#include "tests/notifier/notifier_fixture.h"
#include "tests/notifier/stored_text.h"

namespace slotwise::testing {
namespace {

const std::string kKey = "test-secret-of-at-least-thirty-two-bytes-0123456789";

// The one received message whose Message-ID names `notification`.
ReceivedMail mail_of(const FakeSmtpServer& smtp, const std::string& notification) {
  const auto all = smtp.messages();
  const auto it = std::find_if(all.begin(), all.end(), [&](const ReceivedMail& m) {
    return m.message_id() == "<" + notification + "@slotwise.localhost>";
  });
  REQUIRE_MESSAGE(it != all.end(), notification);
  return *it;
}

// What follows `label` ": " up to the end of its line; "" when absent.
std::string line_value(const std::string& text, const std::string& label) {
  const std::size_t at = text.find("\n" + label + ": ");
  if (at == std::string::npos) return {};
  const std::size_t from = at + label.size() + 3;
  return text.substr(from, text.find('\n', from) - from);
}

// A confirmed booking whose BookingTentativelyCreated stores `token_sha`,
// as the command side's does.
std::uint64_t booking_with_token(NotifierFixture& f, const std::string& biz, const std::string& bkg,
                                 std::int64_t start, const std::string& token_sha) {
  return f.append<domain::CalendarEvent>(
      "calendar", biz,
      {booking_created(biz, bkg, "svc_" + biz, start, 60, "Europe/Paris", bkg + "@example.com",
                       5000, 0, 0, std::nullopt, token_sha),
       confirmed(biz, bkg)});
}

}  // namespace

TEST_CASE_FIXTURE(NotifierFixture,
                  "the client's emails link the manage page with the command side's token") {
  business("biz_l");
  const std::string bkg = "bkg_l1";
  auto derived = auth::derive_manage_token(kKey, bkg);
  REQUIRE(derived.ok());
  const std::int64_t start = unix_now() + 3 * kDay;
  booking_with_token(*this, "biz_l", bkg, start, derived->sha256_hex);
  auto s = settings();
  s.planner.plan.links = {"http://localhost:8080", kKey};
  RunningNotifier n(*store, s, clock());
  REQUIRE(smtp.wait_for(2, std::chrono::seconds(20)));

  const ReceivedMail confirmation = mail_of(smtp, bkg + ".confirmation.0");
  const std::string link = line_value(text_part(confirmation), "Reschedule or cancel");
  const std::string prefix = "http://localhost:8080/manage/" + bkg + "#token=";
  REQUIRE(link.rfind(prefix, 0) == 0);
  const std::string token = link.substr(prefix.size());
  CHECK(token == derived->token);
  // The token the log vouches for: its SHA-256 is the stored one.
  CHECK(auth::sha256_hex(token) == derived->sha256_hex);
  CHECK(decoded_part(confirmation, "text/html").find("<a href=\"" + link + "\">") !=
        std::string::npos);
  CHECK(decoded_part(confirmation, "text/calendar").find("URL:") != std::string::npos);

  const ReceivedMail owner = mail_of(smtp, bkg + ".owner_new_booking.0");
  CHECK(line_value(text_part(owner), "Booking in your dashboard") ==
        "http://localhost:8080/dashboard/bookings/" + bkg);
  CHECK(text_part(owner).find("token=") == std::string::npos);
  CHECK(decoded_part(owner, "text/html").find("token=") == std::string::npos);

  // The 24 h reminder carries the same link.
  clock_offset = start - 23 * kHour - unix_now();
  REQUIRE(smtp.wait_for(3, std::chrono::seconds(20)));
  CHECK(line_value(text_part(mail_of(smtp, bkg + ".reminder_1.0")), "Reschedule or cancel") ==
        link);

  append<domain::CalendarEvent>("calendar", "biz_l", {cancelled("biz_l", bkg)});
  REQUIRE(smtp.wait_for(5, std::chrono::seconds(20)));
  const std::string cancellation = text_part(mail_of(smtp, bkg + ".cancellation.0"));
  CHECK(line_value(cancellation, "Book again") == "http://localhost:8080/slug-biz_l");
  CHECK(cancellation.find("/manage/") == std::string::npos);
  CHECK(line_value(text_part(mail_of(smtp, bkg + ".owner_cancellation.0")),
                   "Booking in your dashboard") ==
        "http://localhost:8080/dashboard/bookings/" + bkg);
}

TEST_CASE_FIXTURE(NotifierFixture, "the href in the HTML body is HTML-escaped") {
  business("biz_h");
  confirmed_booking("biz_h", "bkg_h1", unix_now() + 3 * kDay, "h1@example.com");
  auto s = settings();
  s.planner.plan.links = {"https://book.example.com/a&b", kKey};
  RunningNotifier n(*store, s, clock());
  REQUIRE(smtp.wait_for(2, std::chrono::seconds(20)));
  const ReceivedMail m = mail_of(smtp, "bkg_h1.confirmation.0");
  const std::string html = decoded_part(m, "text/html");
  CHECK(html.find("<a href=\"https://book.example.com/a&amp;b/manage/bkg_h1#token=") !=
        std::string::npos);
  CHECK(html.find("a&b") == std::string::npos);
  CHECK(line_value(text_part(m), "Reschedule or cancel")
            .rfind("https://book.example.com/a&b/manage/bkg_h1#token=", 0) == 0);
}

TEST_CASE_FIXTURE(NotifierFixture, "without public_base_url no email has a link") {
  business("biz_n");
  confirmed_booking("biz_n", "bkg_n1", unix_now() + 3 * kDay, "n1@example.com");
  append<domain::CalendarEvent>("calendar", "biz_n", {cancelled("biz_n", "bkg_n1")});
  RunningNotifier n(*store, settings(), clock());
  // Confirmation and owner notice are superseded only while still planned;
  // whatever was sent, no message links anything.
  REQUIRE(n.wait_planned(last_position()));
  REQUIRE(smtp.wait_for(2, std::chrono::seconds(20)));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  for (const auto& m : smtp.messages()) {
    CAPTURE(m.message_id());
    const std::string text = text_part(m);
    CHECK(text.find("://") == std::string::npos);
    CHECK(text.find("Reschedule or cancel") == std::string::npos);
    CHECK(text.find("Book again") == std::string::npos);
    CHECK(text.find("dashboard") == std::string::npos);
    CHECK(decoded_part(m, "text/html").find("<a ") == std::string::npos);
  }
}

TEST_CASE_FIXTURE(NotifierFixture,
                  "a replay fills the slug of a business mirrored before slugs were") {
  business("biz_s");
  confirmed_booking("biz_s", "bkg_s1", unix_now() + 3 * kDay, "s1@example.com");
  auto s = settings();
  s.planner.plan.links = {"http://localhost:8080", kKey};
  {
    RunningNotifier n(*store, s, clock());
    REQUIRE(n.wait_planned(last_position()));
    REQUIRE(smtp.wait_for(2, std::chrono::seconds(20)));
  }
  // As notifier_0003 leaves a business mirrored before it; then the
  // operator replays the log (checkpoint 0, as `slotwise notifier replay`).
  {
    pqxx::connection c(db);
    pqxx::work tx(c);
    tx.exec0("UPDATE notifier_businesses SET slug = '' WHERE business_id = 'biz_s'");
    tx.exec0("UPDATE notifier_checkpoints SET position = 0 WHERE consumer = 'notifier-test'");
    tx.commit();
  }
  RunningNotifier again(*store, s, clock());
  REQUIRE(again.wait_planned(last_position()));
  CHECK(eventually_sql(*this, "SELECT count(*) FROM notifier_businesses WHERE slug = 'slug-biz_s'",
                       1));
  append<domain::CalendarEvent>("calendar", "biz_s", {cancelled("biz_s", "bkg_s1")});
  REQUIRE(smtp.wait_for(4, std::chrono::seconds(20)));
  CHECK(line_value(text_part(mail_of(smtp, "bkg_s1.cancellation.0")), "Book again") ==
        "http://localhost:8080/slug-biz_s");
}

TEST_CASE_FIXTURE(NotifierFixture,
                  "no notifier table holds the manage token, planned or sent, yet the link works") {
  business("biz_r");
  const std::string bkg = "bkg_r1";
  auto derived = auth::derive_manage_token(kKey, bkg);
  REQUIRE(derived.ok());
  const std::int64_t start = unix_now() + 3 * kDay;
  booking_with_token(*this, "biz_r", bkg, start, derived->sha256_hex);
  auto s = settings();
  s.planner.plan.links = {"http://localhost:8080", kKey};
  {
    auto planning_only = s;
    planning_only.smtp.url = "";  // email off: everything stays planned
    RunningNotifier n(*store, planning_only, clock());
    REQUIRE(n.wait_planned(last_position()));
  }
  CHECK(sql("SELECT count(*) FROM notifications WHERE status = 'planned'") == 4);
  CHECK(sql("SELECT count(*) FROM notifications WHERE link_token = 'manage:" + bkg +
            "' AND kind IN ('confirmation', 'reminder_1', 'reminder_2')") == 3);
  CHECK(sql("SELECT count(*) FROM notifications WHERE link_token = ''"
            " AND kind = 'owner_new_booking'") == 1);
  std::string stored = stored_text(db);
  CHECK(stored.find("/manage/" + bkg + "#token=" + std::string(derived->token.size(), '*')) !=
        std::string::npos);
  CHECK(stored.find(derived->token) == std::string::npos);

  RunningNotifier n(*store, s, clock());
  REQUIRE(smtp.wait_for(2, std::chrono::seconds(20)));
  clock_offset = start - 23 * kHour - unix_now();
  REQUIRE(smtp.wait_for(3, std::chrono::seconds(20)));
  for (const char* kind : {".confirmation.0", ".reminder_1.0"}) {
    CAPTURE(kind);
    const ReceivedMail m = mail_of(smtp, bkg + kind);
    CHECK(line_value(text_part(m), "Reschedule or cancel") ==
          "http://localhost:8080/manage/" + bkg + "#token=" + derived->token);
  }
  CHECK(eventually_sql(*this, "SELECT count(*) FROM notifications WHERE status = 'sent'", 3));
  stored = stored_text(db);
  CHECK(stored.find(derived->token) == std::string::npos);
  CHECK(stored.find(derived->token.substr(0, 20)) == std::string::npos);
}

TEST_CASE_FIXTURE(NotifierFixture,
                  "a message whose token cannot be derived when it is sent fails, unsent") {
  business("biz_k");
  confirmed_booking("biz_k", "bkg_k1", unix_now() + 3 * kDay, "k1@example.com");
  auto s = settings();
  s.planner.plan.links = {"http://localhost:8080", kKey};
  {
    auto planning_only = s;
    planning_only.smtp.url = "";
    RunningNotifier n(*store, planning_only, clock());
    REQUIRE(n.wait_planned(last_position()));
  }
  // The operator turned links off (no manage_key_file) before it went out.
  RunningNotifier n(*store, settings(), clock());
  REQUIRE(smtp.wait_for(1, std::chrono::seconds(20)));  // the owner's notice: no token
  CHECK(eventually_sql(*this,
                       "SELECT count(*) FROM notifications WHERE id = 'bkg_k1.confirmation.0'"
                       " AND status = 'failed' AND last_error LIKE '%manage_key_file%'",
                       1));
  CHECK(count_of(smtp, "bkg_k1.confirmation.0") == 0);
  CHECK(count_of(smtp, "bkg_k1.owner_new_booking.0") == 1);
}

}  // namespace slotwise::testing
