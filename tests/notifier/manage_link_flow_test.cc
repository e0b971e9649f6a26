// End to end: a customer books through the real command side (in-process
// CommandServer over HTTP), the notifier (configured as ops/run does, with
// the command side's JWT secret file as manage_key_file) emails the
// confirmation, and the token parsed out of the email's link cancels the
// booking with X-Manage-Token, as the web app's manage page would; the
// cancellation email then links the business's page by its slug. No
// notifier table holds the token, before or after it went out.
#include <doctest/doctest.h>

#include "auth/tokens.h"
#include "tests/command-side/payment_test_support.h"
#include "tests/notifier/mail_text.h"
#include "tests/notifier/notifier_fixture.h"
#include "tests/notifier/stored_text.h"
#include "tests/support/postgres_server.h"

namespace slotwise::testing {

TEST_CASE_FIXTURE(CommandFixture, "the token in the emailed link cancels the booking") {
  PostgresServerFixture pg;
  const std::string db = create_database(pg, "notify");
  FakeSmtpServer smtp;
  auto settings = notifier_settings(nats.url(), db, smtp.url());
  const auto no_env = [](const std::string&) -> std::optional<std::string> { return std::nullopt; };
  auto config = service::Config::parse(
      "public_base_url = http://localhost:8080\nmanage_key_file = " + secret_file + "\n", "test",
      no_env);
  REQUIRE(config.ok());
  auto loaded = notifier::load_settings(config.value());
  REQUIRE(loaded.ok());
  settings.planner.plan.links = loaded.value().planner.plan.links;
  RunningNotifier notifier(*reader, settings);

  auto [user, token] = signup("link-flow@example.com");
  (void)user;
  auto [biz, svc] = business_with_hours(token, "link-flow");
  auto r = api->post("/v1/businesses/" + biz + "/bookings",
                     booking_request(svc, slot(3, 10), "linked@example.com"));
  REQUIRE_MESSAGE(r.status == 201, r.body);
  CHECK(r.str("status") == "confirmed");
  const std::string booking = r.str("booking_id");
  REQUIRE(smtp.wait_for(2, std::chrono::seconds(20)));

  std::string link;
  for (const auto& m : smtp.messages()) {
    if (m.to.size() != 1 || m.to[0] != "linked@example.com") continue;
    const std::string text = text_part(m);
    const std::size_t at = text.find("\nReschedule or cancel: ");
    REQUIRE(at != std::string::npos);
    const std::size_t from = at + std::string("\nReschedule or cancel: ").size();
    link = text.substr(from, text.find('\n', from) - from);
  }
  const std::string prefix = "http://localhost:8080/manage/" + booking + "#token=";
  REQUIRE(link.rfind(prefix, 0) == 0);
  const std::string emailed = link.substr(prefix.size());
  // The very token the 201 gave the customer, which the log keeps as SHA-256.
  CHECK(emailed == r.str("manage_token"));
  auto commits = reader->read({"calendar", biz}, 0);
  REQUIRE(commits.ok());
  std::string stored_sha;
  for (const auto& c : commits.value()) {
    for (const auto& e : c.commit.events()) {
      v1::BookingTentativelyCreated created;
      if (e.payload().UnpackTo(&created) && created.booking_id() == booking) {
        stored_sha = created.manage_token_sha256();
      }
    }
  }
  CHECK(auth::sha256_hex(emailed) == stored_sha);
  REQUIRE(notifier.wait_planned(last_sequence()));
  CHECK(stored_text(db).find(emailed) == std::string::npos);

  CHECK(cancel_as_customer(*this, booking, emailed) == 200);
  CHECK(booking_status(*this, biz, booking) == "cancelled");
  REQUIRE(smtp.wait_for(4, std::chrono::seconds(20)));
  bool book_again = false;
  for (const auto& m : smtp.messages()) {
    if (m.message_id().find(".cancellation.") == std::string::npos) continue;
    book_again =
        text_part(m).find("\nBook again: http://localhost:8080/link-flow\n") != std::string::npos;
  }
  CHECK(book_again);
  CHECK(stored_text(db).find(emailed) == std::string::npos);
}

}  // namespace slotwise::testing
