// Responses match schemas/openapi.yaml: a scenario calls every command
// endpoint, successes and the error statuses each can produce, records
// (method, route pattern, status, body, JSON request body) and hands the
// recording to tests/contract/check-responses.mjs, which validates every
// body against the spec with Ajv (JSON Schema 2020-12). Undocumented
// statuses, paths or methods fail too, and so do request schemas that
// refuse a request the server took, or take one the server refuses for a
// length, range or pattern (the probes at and past each limit). A second
// scenario records a booking refused by the rate limits (429).
#include <doctest/doctest.h>
#include <rapidjson/document.h>

#include <chrono>
#include <string>

#include "auth/password_reset_token.h"
#include "domain/proto_values.h"
#include "slotwise/events/v1/account.pb.h"
#include "tests/command-side/command_fixture.h"
#include "tests/support/exchange_log.h"

using slotwise::testing::ApiResponse;
using slotwise::testing::bearer;
using slotwise::testing::CommandFixture;

namespace {

// Calls the command API and records the exchange for the spec check.
class Recorder {
 public:
  Recorder(CommandFixture& f, const std::string& dir) : f_(f), log_(dir) {}

  ApiResponse call(const std::string& method, const std::string& pattern, const std::string& path,
                   const std::string& body, const httplib::Headers& headers = {}) {
    return send(method, pattern, path, body, headers, false);
  }
  // A request the server must refuse with 422 validation_failed for a limit
  // the request schema states, so the schema must refuse it too.
  void past_limit(const std::string& method, const std::string& pattern, const std::string& path,
                  const std::string& body, const httplib::Headers& headers = {}) {
    const ApiResponse r = send(method, pattern, path, body, headers, true);
    CAPTURE(body);
    CHECK(r.status == 422);
    CHECK(r.error_code() == "validation_failed");
  }
  [[nodiscard]] int count() const { return log_.count(); }
  [[nodiscard]] slotwise::testing::ExchangeLog::Report check() { return log_.check(); }

 private:
  ApiResponse send(const std::string& method, const std::string& pattern, const std::string& path,
                   const std::string& body, const httplib::Headers& headers, bool spec_refuses) {
    ApiResponse r = f_.api->send(method, path, body, headers);
    REQUIRE(r.status != 0);
    rapidjson::Document request;
    request.Parse(body.c_str(), body.size());
    log_.record(method, pattern, r.status, r.body, request.HasParseError() ? "" : body,
                spec_refuses);
    return r;
  }
  CommandFixture& f_;
  slotwise::testing::ExchangeLog log_;
};

}  // namespace

TEST_CASE_FIXTURE(CommandFixture, "every command response conforms to the OpenAPI document") {
  Recorder rec(*this, dir.path());
  const std::string signup_body =
      R"({"email":"spec@example.com","password":"correct horse","name":"Spec"})";
  auto s = rec.call("POST", "/v1/auth/signup", "/v1/auth/signup", signup_body);
  REQUIRE(s.status == 201);
  const std::string token = s.str("token");
  rec.call("POST", "/v1/auth/signup", "/v1/auth/signup", signup_body);  // 409
  rec.call("POST", "/v1/auth/signup", "/v1/auth/signup", "{");          // 400
  rec.call("POST", "/v1/auth/signup", "/v1/auth/signup",
           R"({"email":"nope","password":"correct horse","name":"S"})");  // 422
  rec.call("POST", "/v1/auth/login", "/v1/auth/login",
           R"({"email":"spec@example.com","password":"correct horse"})");  // 200
  for (int i = 0; i < 5; ++i) {
    rec.call("POST", "/v1/auth/login", "/v1/auth/login",
             R"({"email":"spec@example.com","password":"wrong"})");  // 401 then 429
  }

  const auto auth = bearer(token);
  auto b = rec.call("POST", "/v1/businesses", "/v1/businesses",
                    R"({"slug":"spec-biz","name":"Spec","time_zone":"UTC","currency":"EUR",)"
                    R"("policy":{"slot_interval_minutes":15,"min_notice_minutes":60}})",
                    auth);
  REQUIRE(b.status == 201);
  const std::string biz = b.str("business_id");
  rec.call("POST", "/v1/businesses", "/v1/businesses",
           R"({"slug":"spec-biz","name":"Spec","time_zone":"UTC","currency":"EUR"})", auth);
  rec.call("POST", "/v1/businesses", "/v1/businesses",
           R"({"slug":"admin","name":"Spec","time_zone":"UTC","currency":"EUR"})", auth);
  rec.call("POST", "/v1/businesses", "/v1/businesses", "{}");  // 401
  const std::string bp = "/v1/businesses/" + biz;
  rec.call("PATCH", "/v1/businesses/{id}", bp, R"({"description":"d"})", auth);
  rec.call("PATCH", "/v1/businesses/{id}", "/v1/businesses/biz_0000000000000000000000", "{}",
           auth);  // 404
  auto other = signup("other-spec@example.com");
  rec.call("PATCH", "/v1/businesses/{id}", bp, R"({"name":"x"})", bearer(other.second));  // 403

  auto svc = rec.call("POST", "/v1/businesses/{id}/services", bp + "/services",
                      R"({"name":"Cut","duration_minutes":60,"price_minor":0})", auth);
  REQUIRE(svc.status == 201);
  auto paid = rec.call("POST", "/v1/businesses/{id}/services", bp + "/services",
                       R"({"name":"Colour","duration_minutes":60,"price_minor":9000,)"
                       R"("payment_mode":"full"})",
                       auth);
  rec.call("POST", "/v1/businesses/{id}/services", bp + "/services",
           R"({"name":"X","duration_minutes":1,"price_minor":0})", auth);  // 422
  const std::string sp = bp + "/services/" + svc.str("service_id");
  rec.call("PATCH", "/v1/businesses/{id}/services/{sid}", sp, R"({"price_minor":100})", auth);
  rec.call("DELETE", "/v1/businesses/{id}/services/{sid}",
           bp + "/services/svc_0000000000000000000000", "", auth);  // 404
  rec.call("POST", "/v1/businesses/{id}/calendar-feed/reset", bp + "/calendar-feed/reset", "",
           auth);
  rec.call("POST", "/v1/businesses/{id}/calendar-feed/reset",
           "/v1/businesses/biz_0000000000000000000000/calendar-feed/reset", "", auth);  // 404

  std::string days;
  for (const char* d :
       {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}) {
    days +=
        std::string(days.empty() ? "" : ",") + "\"" + d + R"(":[{"start":"09:00","end":"17:00"}])";
  }
  rec.call("PUT", "/v1/businesses/{id}/schedule", bp + "/schedule", R"({"days":{)" + days + "}}",
           auth);
  rec.call("PUT", "/v1/businesses/{id}/schedule", bp + "/schedule",
           R"({"days":{"monday":[{"start":"10:00","end":"09:00"}]}})", auth);  // 422
  rec.call("PUT", "/v1/businesses/{id}/overrides/{date}", bp + "/overrides/2027-01-04",
           R"({"closed":true})", auth);
  rec.call("PUT", "/v1/businesses/{id}/overrides/{date}", bp + "/overrides/2027-13-04",
           R"({"closed":true})", auth);  // 400
  rec.call("DELETE", "/v1/businesses/{id}/overrides/{date}", bp + "/overrides/2027-01-04", "",
           auth);

  const std::string bookings = bp + "/bookings";
  const auto booking = [&](const std::string& service, const std::string& start) {
    return R"({"service_id":")" + service + R"(","start":")" + start +
           R"(","customer":{"name":"C","email":"c@example.com"}})";
  };
  auto k = rec.call("POST", "/v1/businesses/{id}/bookings", bookings,
                    booking(svc.str("service_id"), slot(3, 10)), {{"Idempotency-Key", "spec-1"}});
  REQUIRE(k.status == 201);
  rec.call("POST", "/v1/businesses/{id}/bookings", bookings,
           booking(svc.str("service_id"), slot(3, 10)), {{"Idempotency-Key", "spec-1"}});  // replay
  rec.call("POST", "/v1/businesses/{id}/bookings", bookings,
           booking(svc.str("service_id"), slot(3, 11)), {{"Idempotency-Key", "spec-1"}});  // 422
  rec.call("POST", "/v1/businesses/{id}/bookings", bookings,
           booking(svc.str("service_id"), slot(3, 10)));  // 409
  rec.call("POST", "/v1/businesses/{id}/bookings", bookings,
           booking(svc.str("service_id"), slot(3, 7)));  // 422 outside_hours
  auto pending = rec.call("POST", "/v1/businesses/{id}/bookings", bookings,
                          booking(paid.str("service_id"), slot(3, 13)));
  CHECK(pending.str("status") == "pending_payment");
  CHECK(pending.json.HasMember("payment"));
  // Stripe down: 503 payment_unavailable; the replay carries the intent.
  stripe.fail_next(1);
  rec.call("POST", "/v1/businesses/{id}/bookings", bookings,
           booking(paid.str("service_id"), slot(3, 15)), {{"Idempotency-Key", "spec-pay"}});
  rec.call("POST", "/v1/businesses/{id}/bookings", bookings,
           booking(paid.str("service_id"), slot(3, 15)), {{"Idempotency-Key", "spec-pay"}});
  // The Stripe webhook: confirmed, ignored, refused.
  const auto intent = stripe.intent_for_booking(pending.str("booking_id"));
  REQUIRE(intent.has_value());
  const std::string event =
      slotwise::testing::FakeStripe::intent_event("evt_spec", "payment_intent.succeeded", *intent);
  const std::int64_t t = now().time_since_epoch().count();
  const httplib::Headers signed_event{
      {"Stripe-Signature", slotwise::testing::FakeStripe::signature_header(
                               slotwise::testing::kWebhookSecret, t, event)}};
  CHECK(
      rec.call("POST", "/v1/webhooks/stripe", "/v1/webhooks/stripe", event, signed_event).status ==
      200);
  const std::string ignored = R"({"id":"evt_o","type":"customer.created","data":{"object":{}}})";
  rec.call("POST", "/v1/webhooks/stripe", "/v1/webhooks/stripe", ignored,
           {{"Stripe-Signature", slotwise::testing::FakeStripe::signature_header(
                                     slotwise::testing::kWebhookSecret, t, ignored)}});
  CHECK(rec.call("POST", "/v1/webhooks/stripe", "/v1/webhooks/stripe", event,
                 {{"Stripe-Signature", "t=1,v1=00"}})
            .status == 400);
  rec.call("POST", "/v1/businesses/{id}/bookings",
           "/v1/businesses/biz_0000000000000000000000/bookings",
           booking(svc.str("service_id"), slot(3, 10)));  // 404

  // Text limits, ranges and the slug's shape, at and past each limit.
  const auto text = [](std::size_t n) { return std::string(n, 'x'); };
  // ,"<name>":"<value>"
  const auto field = [](const char* name, const std::string& value) {
    return std::string(R"(,")") + name + R"(":")" + value + R"(")";
  };
  // A business body; `fields` replace the name "N" when they name one.
  const auto business_with = [&](const std::string& slug, const std::string& fields) {
    const bool named = fields.find(R"("name")") != std::string::npos;
    return R"({"slug":")" + slug + R"(","time_zone":"UTC","currency":"EUR")" +
           (named ? "" : field("name", "N")) + fields + "}";
  };
  CHECK(rec.call("POST", "/v1/businesses", "/v1/businesses",
                 business_with(std::string(38, 'a') + "-b",
                               field("name", text(120)) + field("description", text(2000)) +
                                   field("contact_phone", text(40)) + field("address", text(500)) +
                                   field("contact_email", text(64) + "@" + text(185) + ".com")),
                 auth)
            .status == 201);
  for (const std::string& slug : {std::string("ab"), std::string(41, 'a'), std::string("Upper"),
                                  std::string("a--b"), std::string("-ab")}) {
    rec.past_limit("POST", "/v1/businesses", "/v1/businesses", business_with(slug, ""), auth);
  }
  for (const std::string& fields : {field("name", text(121)), field("description", text(2001)),
                                    field("contact_phone", text(41)), field("address", text(501)),
                                    field("contact_email", text(64) + "@" + text(186) + ".com")}) {
    rec.past_limit("POST", "/v1/businesses", "/v1/businesses", business_with("limit-biz", fields),
                   auth);
  }
  rec.past_limit("PATCH", "/v1/businesses/{id}", bp, R"({"name":")" + text(121) + R"("})", auth);
  CHECK(rec.call("POST", "/v1/businesses/{id}/services", bp + "/services",
                 R"({"name":")" + text(120) + R"(","description":")" + text(2000) +
                     R"(","duration_minutes":480,"price_minor":0,"buffer_before_minutes":240,)"
                     R"("buffer_after_minutes":240})",
                 auth)
            .status == 201);
  for (const std::string& service :
       {R"({"name":")" + text(121) + R"(","duration_minutes":60,"price_minor":0})",
        R"({"name":"S","description":")" + text(2001) +
            R"(","duration_minutes":60,"price_minor":0})",
        std::string(R"({"name":"S","duration_minutes":4,"price_minor":0})"),
        std::string(R"({"name":"S","duration_minutes":481,"price_minor":0})"),
        std::string(
            R"({"name":"S","duration_minutes":60,"price_minor":0,"buffer_after_minutes":241})")}) {
    rec.past_limit("POST", "/v1/businesses/{id}/services", bp + "/services", service, auth);
  }
  rec.past_limit("PATCH", "/v1/businesses/{id}/services/{sid}", sp,
                 R"({"description":")" + text(2001) + R"("})", auth);
  const auto booking_with = [&](const std::string& start, const std::string& name,
                                const std::string& phone, const std::string& notes) {
    return R"({"service_id":")" + svc.str("service_id") + R"(","start":")" + start +
           R"(","customer":{"name":")" + name + R"(","email":"c@example.com","phone":")" + phone +
           R"("},"notes":")" + notes + R"("})";
  };
  CHECK(rec.call("POST", "/v1/businesses/{id}/bookings", bookings,
                 booking_with(slot(4, 10), text(200), text(40), text(2000)))
            .status == 201);
  rec.past_limit("POST", "/v1/businesses/{id}/bookings", bookings,
                 booking_with(slot(4, 12), text(201), "", ""));
  rec.past_limit("POST", "/v1/businesses/{id}/bookings", bookings,
                 booking_with(slot(4, 12), "C", text(41), ""));
  rec.past_limit("POST", "/v1/businesses/{id}/bookings", bookings,
                 booking_with(slot(4, 12), "C", "", text(2001)));

  const std::string kp = "/v1/bookings/" + k.str("booking_id");
  rec.call("POST", "/v1/bookings/{id}/reschedule", kp + "/reschedule",
           R"({"start":")" + slot(3, 14) + R"("})", {{"X-Manage-Token", k.str("manage_token")}});
  rec.call("POST", "/v1/bookings/{id}/complete", kp + "/complete", "", auth);  // 409 too early
  rec.call("POST", "/v1/bookings/{id}/no-show", kp + "/no-show", "");          // 401
  rec.call("POST", "/v1/bookings/{id}/cancel", kp + "/cancel", R"({"reason":"r"})",
           bearer(other.second));  // 403
  rec.call("POST", "/v1/bookings/{id}/cancel", kp + "/cancel", R"({"reason":"a\u0001b"})",
           {{"X-Manage-Token", k.str("manage_token")}});  // 422: a control character
  rec.call("POST", "/v1/bookings/{id}/cancel", kp + "/cancel", R"({"reason":"r"})",
           {{"X-Manage-Token", k.str("manage_token")}});
  rec.call("POST", "/v1/bookings/{id}/cancel", "/v1/bookings/bkg_x/cancel", "", auth);  // 404
  CHECK(rec.count() >= 40);
  const auto report = rec.check();
  CAPTURE(report.text);
  CHECK(report.exit_status == 0);
}

TEST_CASE_FIXTURE(CommandFixture, "every password response conforms to the OpenAPI document") {
  Recorder rec(*this, dir.path());
  auto [user, token] = signup("pass@example.com");
  const std::string change = "/v1/auth/password";
  const std::string reset = "/v1/auth/password-reset";
  const std::string confirm = "/v1/auth/password-reset/confirm";
  auto changed = rec.call("POST", change, change,
                          R"({"current_password":"correct horse","new_password":"battery staple"})",
                          bearer(token));
  REQUIRE(changed.status == 200);
  const auto auth = bearer(changed.str("token"));
  rec.call("POST", change, change, R"({"current_password":"x","new_password":"battery staple"})");
  rec.call("POST", change, change, R"({"current_password":"x","new_password":"short"})",
           auth);  // 400

  CHECK(rec.call("POST", reset, reset, R"({"email":"pass@example.com"})").status == 202);
  rec.call("POST", reset, reset, R"({"email":"nobody@example.com"})");  // 202 too
  rec.call("POST", reset, reset, R"({"email":"nope"})");                // 422
  rec.call("POST", reset, reset, R"({"mail":"pass@example.com"})");     // 400
  // The emailed token, derived from the request in the log as the notifier does.
  auto commits = reader->read({"account", user}, 0);
  REQUIRE(commits.ok());
  slotwise::events::v1::PasswordResetRequested requested;
  REQUIRE(commits->back().commit.events(0).payload().UnpackTo(&requested));
  const std::string reset_token =
      slotwise::auth::derive_password_reset_token(
          "test-secret-of-at-least-thirty-two-bytes-0123456789", user, requested.request_id(),
          slotwise::domain::to_instant(requested.expires_at()))
          .value();
  CHECK(rec.call("POST", confirm, confirm,
                 R"({"token":")" + reset_token + R"(","password":"horse battery"})")
            .status == 200);
  rec.call("POST", confirm, confirm,
           R"({"token":")" + reset_token + R"(","password":"horse battery"})");  // 422 used
  rec.call("POST", confirm, confirm, R"({"token":"x","password":"short"})");     // 400

  for (int i = 0; i < 5; ++i) {
    rec.call("POST", change, change,
             R"({"current_password":"wrong","new_password":"battery staple"})",
             auth);  // 401 invalid_credentials, then 429
  }
  CHECK(rec.count() == 15);
  const auto report = rec.check();
  CAPTURE(report.text);
  CHECK(report.exit_status == 0);
}

TEST_CASE("a booking refused by the rate limits conforms to the OpenAPI document") {
  CommandFixture f([](slotwise::command::CommandConfig& c) {
    c.booking_address_burst = 1;
    c.booking_address_refill_interval = std::chrono::hours(1);
  });
  Recorder rec(f, f.dir.path());
  auto [user, token] = f.signup("limits-spec@example.com");
  auto [biz, svc] = f.business_with_hours(token, "limits-spec");
  const std::string body = R"({"service_id":")" + svc + R"(","start":")" + f.slot(3, 10) +
                           R"(","customer":{"name":"C","email":"c@example.com"}})";
  const std::string path = "/v1/businesses/" + biz + "/bookings";
  CHECK(rec.call("POST", "/v1/businesses/{id}/bookings", path, body).status == 201);
  CHECK(rec.call("POST", "/v1/businesses/{id}/bookings", path, body).status == 429);
  const auto report = rec.check();
  CAPTURE(report.text);
  CHECK(report.exit_status == 0);
}
