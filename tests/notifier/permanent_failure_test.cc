// A recipient the SMTP server refuses with 550 is a permanent failure: it is
// not retried, it is recorded (status failed, the server's reply), and the
// owner sees it through the query API (GET /v1/businesses/{id}/notifications
// ?status=failed, owner JWT); other owners and anonymous callers do not.
#include <doctest/doctest.h>

#include <rapidjson/document.h>

#include "tests/notifier/notifier_fixture.h"
#include "tests/query-api/query_fixture.h"

namespace slotwise::testing {

TEST_CASE_FIXTURE(QueryFixture, "a 5xx refusal is recorded and visible to the owner") {
  FakeSmtpServer smtp;
  smtp.reject_recipient("nobody@example.com");
  add_business(*this, "biz_f");
  add_business(*this, "biz_g");
  add_confirmed_booking(*this, "biz_f", "bkg_f1", unix_now() + 10 * kDay, "nobody@example.com");
  add_confirmed_booking(*this, "biz_f", "bkg_f2", unix_now() + 11 * kDay, "ok@example.com");
  auto s = notifier_settings(nats.url(), db, smtp.url());
  s.sender.max_attempts = 5;
  RunningNotifier n(*store, s);
  REQUIRE(n.wait_planned(last_position()));
  sync();
  // bkg_f1's owner notice, bkg_f2's confirmation and owner notice.
  REQUIRE(smtp.wait_for(3, std::chrono::seconds(20)));
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (count(db, "SELECT count(*) FROM notifications WHERE status = 'failed'") == 0 &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  CHECK(count(db, "SELECT attempts FROM notifications WHERE id = 'bkg_f1.confirmation.0'") == 1);

  auto r = get_as("usr_biz_f", "/v1/businesses/biz_f/notifications?status=failed");
  REQUIRE(r);
  REQUIRE_MESSAGE(r->status == 200, r->body);
  rapidjson::Document d;
  d.Parse(r->body.c_str());
  REQUIRE(d.IsObject());
  const auto& items = d["notifications"];
  REQUIRE(items.Size() == 1);
  CHECK(std::string(items[0]["id"].GetString()) == "bkg_f1.confirmation.0");
  CHECK(std::string(items[0]["booking_id"].GetString()) == "bkg_f1");
  CHECK(std::string(items[0]["kind"].GetString()) == "confirmation");
  CHECK(std::string(items[0]["recipient"].GetString()) == "nobody@example.com");
  CHECK(std::string(items[0]["status"].GetString()) == "failed");
  CHECK(items[0]["attempts"].GetInt() == 1);
  CHECK(std::string(items[0]["last_error"].GetString()).rfind("550", 0) == 0);
  CHECK(items[0]["sent_at"].IsNull());

  // All of the business's notifications (sent and planned reminders too).
  auto all = get_as("usr_biz_f", "/v1/businesses/biz_f/notifications");
  REQUIRE(all);
  CHECK(all->status == 200);
  d.Parse(all->body.c_str());
  CHECK(d["notifications"].Size() == 8);  // 2 bookings x (2 notices + 2 reminders)

  CHECK(get_as("usr_biz_g", "/v1/businesses/biz_f/notifications")->status == 403);
  CHECK(get("/v1/businesses/biz_f/notifications")->status == 401);
  CHECK(get_as("usr_biz_f", "/v1/businesses/biz_f/notifications?status=bogus")->status == 400);
}

}  // namespace slotwise::testing
