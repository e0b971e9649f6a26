// The same handlers over NATS request/reply (sw.cmd.<name>): path
// parameters and credentials in headers, the JSON body as data, the status
// in Sw-Status.
#include <doctest/doctest.h>
#include <nats/nats.h>

#include <rapidjson/document.h>

#include <string>

#include "events/nats_handles.h"
#include "tests/command-side/command_fixture.h"

using slotwise::testing::CommandFixture;

namespace {

struct NatsReply {
  int status = 0;
  std::string position;
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
  out.body.assign(natsMsg_GetData(reply.get()),
                  static_cast<std::size_t>(natsMsg_GetDataLength(reply.get())));
  return out;
}

}  // namespace

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
