// The full flow: a client books a paid service through the real
// command side (against the fake Stripe), the booking waits in
// pending_payment, a signed webhook confirms it, and the notifier (over the
// same log, with its own PostgreSQL) sends the client a confirmation whose
// .ics attachment is a valid calendar entry for the booking, and the owner a
// new-booking notice, over real SMTP.
#include <doctest/doctest.h>

#include <openssl/evp.h>

#include <algorithm>

#include "tests/command-side/payment_test_support.h"
#include "tests/notifier/notifier_fixture.h"
#include "tests/support/postgres_server.h"

namespace slotwise::testing {
namespace {

std::string unbase64(const std::string& lines) {
  std::string in;
  for (const char c : lines) {
    if (c != '\r' && c != '\n') in += c;
  }
  std::string out(in.size() / 4 * 3 + 3, '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(in.data()),
                                static_cast<int>(in.size()));
  REQUIRE(n >= 0);
  auto len = static_cast<std::size_t>(n);
  if (!in.empty() && in.back() == '=') --len;
  if (in.size() > 1 && in[in.size() - 2] == '=') --len;
  out.resize(len);
  return out;
}

// The decoded body of the MIME part whose headers contain `content_type`.
std::string part_body(const std::string& mime, const std::string& content_type) {
  const std::size_t at = mime.find("Content-Type: " + content_type);
  REQUIRE(at != std::string::npos);
  const std::size_t body = mime.find("\r\n\r\n", at);
  REQUIRE(body != std::string::npos);
  const std::size_t end = mime.find("\r\n--", body);
  return unbase64(mime.substr(body + 4, end - body - 4));
}

// "2026-11-28T10:00:00Z" -> "20261128T100000Z".
std::string ics_time(std::string rfc3339) {
  std::erase(rfc3339, '-');
  std::erase(rfc3339, ':');
  return rfc3339;
}

}  // namespace

TEST_CASE_FIXTURE(CommandFixture,
                  "paid booking -> webhook -> confirmation email with a valid .ics") {
  PostgresServerFixture pg;
  const std::string db = create_database(pg, "notify");
  FakeSmtpServer smtp;
  RunningNotifier notifier(*reader, notifier_settings(nats.url(), db, smtp.url()));

  const auto s = paid_setup(*this, "notify-flow");
  const std::string start = slot(3, 10);
  auto r = book(*this, s, start, "key-n1", "client@example.com");
  REQUIRE_MESSAGE(r.status == 201, r.body);
  CHECK(r.str("status") == "pending_payment");
  const std::string booking = r.str("booking_id");
  // Nothing is sent for a booking that is not paid yet.
  REQUIRE(notifier.wait_planned(last_sequence()));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  CHECK(smtp.count() == 0);

  const auto intent = stripe.intent_for_booking(booking);
  REQUIRE(intent.has_value());
  REQUIRE(deliver_webhook(
              FakeStripe::intent_event("evt_n1", "payment_intent.succeeded", *intent)) == 200);
  CHECK(booking_status(*this, s.business, booking) == "confirmed");
  REQUIRE(smtp.wait_for(2, std::chrono::seconds(20)));

  const auto mails = smtp.messages();
  const auto client = std::find_if(mails.begin(), mails.end(), [](const ReceivedMail& m) {
    return m.to == std::vector<std::string>{"client@example.com"};
  });
  REQUIRE(client != mails.end());
  CHECK(client->message_id() == "<" + booking + ".confirmation.0@slotwise.localhost>");
  CHECK(client->header("MIME-Version") == "1.0");
  CHECK(client->header("Content-Type").rfind("multipart/mixed", 0) == 0);
  CHECK(client->header("Subject").find("confirmed") != std::string::npos);
  CHECK(client->data.find("Content-Type: multipart/alternative") != std::string::npos);
  const std::string text = part_body(client->data, "text/plain");
  CHECK(text.find("(UTC)") != std::string::npos);  // the business's zone
  CHECK(part_body(client->data, "text/html").find("<h1>") != std::string::npos);

  const std::string ics = part_body(client->data, "text/calendar");
  CHECK(ics.rfind("BEGIN:VCALENDAR\r\n", 0) == 0);
  CHECK(ics.find("END:VCALENDAR\r\n") == ics.size() - std::string("END:VCALENDAR\r\n").size());
  CHECK(ics.find("VERSION:2.0\r\n") != std::string::npos);
  CHECK(ics.find("BEGIN:VEVENT\r\n") != std::string::npos);
  CHECK(ics.find("\r\nDTSTART:" + ics_time(start) + "\r\n") != std::string::npos);
  CHECK(ics.find("\r\nUID:" + booking + "@slotwise\r\n") != std::string::npos);
  CHECK(ics.find("\r\nSTATUS:CONFIRMED\r\n") != std::string::npos);

  const auto owner = std::find_if(mails.begin(), mails.end(), [](const ReceivedMail& m) {
    return m.to == std::vector<std::string>{"notify-flow@example.com"};
  });
  REQUIRE(owner != mails.end());
  CHECK(owner->message_id() == "<" + booking + ".owner_new_booking.0@slotwise.localhost>");
  CHECK(part_body(owner->data, "text/plain").find("client@example.com") != std::string::npos);
  CHECK(smtp.count() == 2);
}

}  // namespace slotwise::testing
