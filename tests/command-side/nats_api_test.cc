// The same handlers over NATS request/reply (sw.cmd.<name>): path
// parameters and credentials in headers (names in any case), the JSON body
// as data within the HTTP body limit, the status in Sw-Status, Retry-After
// as over HTTP, and rate limits per the client the caller names.
#include <doctest/doctest.h>
#include <nats/nats.h>

#include <rapidjson/document.h>

#include <string>

#include "command-side/nats_adapter.h"
#include "events/nats_handles.h"
#include "tests/command-side/command_fixture.h"

using slotwise::testing::CommandFixture;

namespace {

struct NatsReply {
  int status = 0;
  std::string position;
  std::string retry_after;
  std::string body;
};

NatsReply request(natsConnection* nc, const std::string& subject, const std::string& body,
                  const std::vector<std::pair<std::string, std::string>>& headers) {
  natsMsg* raw = nullptr;
  REQUIRE(natsMsg_Create(&raw, subject.c_str(), nullptr, body.data(),
                         static_cast<int>(body.size())) == NATS_OK);
  slotwise::events::MsgPtr msg(raw);
  for (const auto& [k, v] : headers) {
    REQUIRE(natsMsgHeader_Set(msg.get(), k.c_str(), v.c_str()) == NATS_OK);
  }
  natsMsg* reply_raw = nullptr;
  REQUIRE(natsConnection_RequestMsg(&reply_raw, nc, msg.get(), 10000) == NATS_OK);
  slotwise::events::MsgPtr reply(reply_raw);
  NatsReply out;
  const char* v = nullptr;
  if (natsMsgHeader_Get(reply.get(), "Sw-Status", &v) == NATS_OK) out.status = std::stoi(v);
  if (natsMsgHeader_Get(reply.get(), "SlotWise-Position", &v) == NATS_OK) out.position = v;
  if (natsMsgHeader_Get(reply.get(), "Retry-After", &v) == NATS_OK) out.retry_after = v;
  out.body.assign(natsMsg_GetData(reply.get()),
                  static_cast<std::size_t>(natsMsg_GetDataLength(reply.get())));
  return out;
}

// CommandConfig::max_body_bytes's default, which the fixture keeps.
constexpr std::size_t kDefaultMaxBody = std::size_t{64} * 1024;

std::string signup_body(const std::string& email) {
  return R"({"email":")" + email + R"(","password":"correct horse","name":"N"})";
}

// One signup per client address, then none for a long time.
struct OneSignupPerClient : CommandFixture {
  OneSignupPerClient()
      : CommandFixture([](slotwise::command::CommandConfig& c) {
          c.signup_burst = 1;
          c.signup_refill_per_second = 0.001;
        }) {}
};

}  // namespace

TEST_CASE_FIXTURE(OneSignupPerClient,
                  "NATS callers are rate-limited per the SlotWise-Client-Address they name") {
  natsConnection* nc = reader->nc();
  const auto signup_from = [&](const std::string& email, const std::string& client) {
    std::vector<std::pair<std::string, std::string>> headers;
    if (!client.empty()) headers.emplace_back("SlotWise-Client-Address", client);
    return request(nc, "sw.cmd.signup", signup_body(email), headers);
  };
  CHECK(signup_from("a1@example.com", "203.0.113.7").status == 201);
  const auto again = signup_from("a2@example.com", "203.0.113.7");
  CHECK(again.status == 429);
  CHECK(again.body.find("rate_limited") != std::string::npos);
  // Retry-After travels in the reply headers, as over HTTP.
  CHECK_FALSE(again.retry_after.empty());
  CHECK(again.retry_after.find_first_not_of("0123456789") == std::string::npos);
  // Another client of the same internal caller has its own bucket.
  CHECK(signup_from("b1@example.com", "198.51.100.9").status == 201);
  // An IPv6 client is counted by its /64, as over HTTP.
  CHECK(signup_from("c1@example.com", "2001:db8:1:2::1").status == 201);
  CHECK(signup_from("c2@example.com", "2001:db8:1:2::99").status == 429);
  // Callers that name no client share the "nats" bucket.
  CHECK(signup_from("d1@example.com", "").status == 201);
  CHECK(signup_from("d2@example.com", "").status == 429);
}

TEST_CASE_FIXTURE(CommandFixture,
                  "a NATS body over max_body_bytes is 413 payload_too_large, as over HTTP") {
  natsConnection* nc = reader->nc();
  const auto before = last_sequence();
  // Valid JSON, padded past the 64 KiB default limit.
  const std::string body = signup_body("big@example.com") + std::string(kDefaultMaxBody, ' ');
  const auto over_nats = request(nc, "sw.cmd.signup", body, {});
  CHECK(over_nats.status == 413);
  CHECK(over_nats.body ==
        R"({"error":{"code":"payload_too_large","message":"request body is too large"}})");
  const auto over_http = api->post("/v1/auth/signup", body);
  CHECK(over_http.status == 413);
  CHECK(over_http.body == over_nats.body);
  CHECK(last_sequence() == before);
  // At the limit it is a body like any other.
  const std::string fits = signup_body("fits@example.com");
  CHECK(request(nc, "sw.cmd.signup", fits + std::string(kDefaultMaxBody - fits.size(), ' '), {})
            .status == 201);
}

TEST_CASE_FIXTURE(CommandFixture, "NATS header names match in any case, as HTTP's do") {
  auto [user, token] = signup("case@example.com");
  auto [biz, svc] = business_with_hours(token, "case-biz");
  natsConnection* nc = reader->nc();
  const auto reply = request(nc, "sw.cmd.set_override", R"({"closed":true})",
                             {{"authorization", "Bearer " + token},
                              {"SW-PARAM-ID", biz},
                              {"sw-param-date", slot(5, 0).substr(0, 10)}});
  CHECK(reply.status == 200);
  CHECK(reply.position == std::to_string(last_sequence()));
}

TEST_CASE_FIXTURE(CommandFixture, "a responder answers requests as soon as start() returns") {
  // Each responder on a connection of its own that nothing else flushes:
  // its subscription must be at the server when start() returns, or a
  // request sent right away finds no responder.
  for (int i = 0; i < 20; ++i) {
    CAPTURE(i);
    natsConnection* raw = nullptr;
    REQUIRE(natsConnection_ConnectTo(&raw, nats.url().c_str()) == NATS_OK);
    const slotwise::events::ConnectionPtr connection(raw);
    slotwise::command::NatsCommandResponder responder(connection.get(), server->context(), 1,
                                                      kDefaultMaxBody);
    const std::string prefix = "sw.started" + std::to_string(i);
    REQUIRE(responder.start(prefix).ok());
    natsMsg* reply_raw = nullptr;
    const natsStatus s = natsConnection_RequestString(&reply_raw, reader->nc(),
                                                      (prefix + ".nope").c_str(), "{}", 5000);
    const slotwise::events::MsgPtr reply(reply_raw);
    CHECK(s == NATS_OK);
    responder.stop();
  }
}

TEST_CASE_FIXTURE(CommandFixture, "a booking made over NATS obeys the same rules as over HTTP") {
  auto [user, token] = signup("nats@example.com");
  auto [biz, svc] = business_with_hours(token, "nats-biz");
  natsConnection* nc = reader->nc();
  const std::string body = R"({"service_id":")" + svc + R"(","start":")" + slot(3, 10) +
                           R"(","customer":{"name":"N","email":"n@example.com"}})";
  auto created = request(nc, "sw.cmd.create_booking", body,
                         {{"Sw-Param-id", biz}, {"Idempotency-Key", "nats-1"}});
  CHECK(created.status == 201);
  CHECK(std::stoull(created.position) == last_sequence());
  rapidjson::Document doc;
  doc.Parse(created.body.c_str());
  REQUIRE(doc.IsObject());
  CHECK(std::string(doc["status"].GetString()) == "confirmed");

  // The same key over HTTP replays the NATS-created booking.
  auto replay =
      api->post("/v1/businesses/" + biz + "/bookings", body, {{"Idempotency-Key", "nats-1"}});
  CHECK(replay.status == 201);
  CHECK(replay.str("booking_id") == doc["booking_id"].GetString());

  auto taken = request(nc, "sw.cmd.create_booking",
                       R"({"service_id":")" + svc + R"(","start":")" + slot(3, 10) +
                           R"(","customer":{"name":"M","email":"m@example.com"}})",
                       {{"Sw-Param-id", biz}});
  CHECK(taken.status == 409);
  CHECK(taken.body.find("slot_unavailable") != std::string::npos);

  auto cancel = request(
      nc, "sw.cmd.cancel_booking", "",
      {{"Sw-Param-id", doc["booking_id"].GetString()}, {"Authorization", "Bearer " + token}});
  CHECK(cancel.status == 200);
  CHECK(request(nc, "sw.cmd.no_such_command", "{}", {}).status == 404);
  CHECK(request(nc, "sw.cmd.set_schedule", "{}", {{"Sw-Param-id", biz}}).status == 401);
}
