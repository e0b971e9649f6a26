// SMS is off unless configured; with sms_provider = twilio, a client who gave
// a phone number gets each reminder also as an SMS, sent in Twilio's REST
// shape (POST {base}/2010-04-01/Accounts/{sid}/Messages.json, form-encoded
// To/From/Body, HTTP basic auth) to a local stand-in; a 4xx refusal from the
// provider is a permanent failure.
#include <doctest/doctest.h>

#include <httplib.h>

#include <mutex>
#include <vector>

#include "tests/notifier/notifier_fixture.h"

namespace slotwise::testing {
namespace {

struct SmsCall {
  std::string path, authorization, content_type, to, from, body;
};

// A local HTTP server in Twilio's Messages API shape that records calls and
// refuses the number +15550000000 with 400.
class FakeTwilio {
 public:
  FakeTwilio() {
    server_.Post(R"(/2010-04-01/Accounts/([^/]+)/Messages\.json)",
                 [this](const httplib::Request& req, httplib::Response& res) {
                   SmsCall c{req.path,
                             req.get_header_value("Authorization"),
                             req.get_header_value("Content-Type"),
                             req.get_param_value("To"),
                             req.get_param_value("From"),
                             req.get_param_value("Body")};
                   const bool refused = c.to == "+15550000000";
                   {
                     const std::lock_guard<std::mutex> lock(mu_);
                     calls_.push_back(std::move(c));
                   }
                   res.status = refused ? 400 : 201;
                   res.set_content(refused ? R"({"code":21211})" : R"({"sid":"SM1"})",
                                   "application/json");
                 });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
  }
  FakeTwilio(const FakeTwilio&) = delete;
  FakeTwilio& operator=(const FakeTwilio&) = delete;
  FakeTwilio(FakeTwilio&&) = delete;
  FakeTwilio& operator=(FakeTwilio&&) = delete;
  ~FakeTwilio() {
    server_.stop();
    thread_.join();
  }
  [[nodiscard]] std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  [[nodiscard]] std::vector<SmsCall> calls() const {
    const std::lock_guard<std::mutex> lock(mu_);
    return calls_;
  }

 private:
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  mutable std::mutex mu_;
  std::vector<SmsCall> calls_;
};

void booking_with_phone(NotifierFixture& f, const std::string& bkg, std::int64_t start,
                        const std::string& phone) {
  auto created = booking_created("biz_s", bkg, "svc_biz_s", start, 60, "Europe/Paris",
                                 bkg + "@example.com", 5000);
  std::get<v1::BookingTentativelyCreated>(created).mutable_customer()->set_phone(phone);
  f.append<domain::CalendarEvent>("calendar", "biz_s", {created, confirmed("biz_s", bkg)});
}

}  // namespace

TEST_CASE_FIXTURE(NotifierFixture, "SMS reminders go through the Twilio-shaped provider") {
  FakeTwilio twilio;
  business("biz_s");
  const std::int64_t start = unix_now() + 3 * kDay;
  booking_with_phone(*this, "bkg_s1", start, "+4915112345678");
  booking_with_phone(*this, "bkg_s2", start + 3600, "+15550000000");
  auto s = settings();
  s.sms_provider = "twilio";
  s.planner.plan.sms = true;
  s.twilio.base_url = twilio.url();
  s.twilio.account_sid = "AC123";
  s.twilio.auth_token = "secret";
  s.twilio.from = "+15005550006";
  RunningNotifier n(*store, s, clock());
  REQUIRE(n.wait_planned(last_position()));
  REQUIRE(smtp.wait_for(4, std::chrono::seconds(20)));
  CHECK(twilio.calls().empty());  // no reminder is due yet

  clock_offset = start - 23 * kHour - unix_now();  // the 24 h reminders are due
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (twilio.calls().size() < 2 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  const auto calls = twilio.calls();
  REQUIRE(calls.size() == 2);
  const auto ok = calls[0].to == "+4915112345678" ? calls[0] : calls[1];
  CHECK(ok.path == "/2010-04-01/Accounts/AC123/Messages.json");
  CHECK(ok.authorization == "Basic QUMxMjM6c2VjcmV0");  // base64("AC123:secret")
  CHECK(ok.content_type == "application/x-www-form-urlencoded");
  CHECK(ok.from == "+15005550006");
  CHECK(ok.body.find("Reminder: Service svc_biz_s with Studio slug-biz_s") == 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  CHECK(sql("SELECT count(*) FROM notifications WHERE id = 'bkg_s1.reminder_1.0.sms'"
            " AND status = 'sent'") == 1);
  CHECK(sql("SELECT count(*) FROM notifications WHERE id = 'bkg_s2.reminder_1.0.sms'"
            " AND status = 'failed' AND attempts = 1 AND last_error LIKE '400 %'") == 1);
}

TEST_CASE_FIXTURE(NotifierFixture, "without an SMS provider no SMS is planned") {
  business("biz_s");
  booking_with_phone(*this, "bkg_s3", unix_now() + 3 * kDay, "+4915112345678");
  RunningNotifier n(*store, settings());
  REQUIRE(n.wait_planned(last_position()));
  CHECK(sql("SELECT count(*) FROM notifications WHERE channel = 'sms'") == 0);
  CHECK(sql("SELECT count(*) FROM notifications WHERE channel = 'email'") == 4);
}

}  // namespace slotwise::testing
