// parse_pub_ack_json: JetStream's answers to a published commit, as the
// append pipeline reads them (a PubAck, a duplicate, an API error), and
// answers that are not a PubAck at all (truncated, wrong types, no sequence).
#include "events/pub_ack.h"

#include <doctest/doctest.h>

using slotwise::events::ErrorCode;
using slotwise::events::parse_pub_ack_json;

TEST_CASE("a stored commit gives its sequence") {
  auto r = parse_pub_ack_json(R"({"stream":"SLOTWISE","seq":42})", "sw.evt.x.y");
  REQUIRE(r.ok());
  CHECK(r->sequence == 42);
  CHECK(!r->duplicate);
}

TEST_CASE("a repeated message id is reported as a duplicate of the original position") {
  auto r = parse_pub_ack_json(R"({"stream":"SLOTWISE","seq":7,"duplicate":true})", "sw.evt.x.y");
  REQUIRE(r.ok());
  CHECK(r->sequence == 7);
  CHECK(r->duplicate);
}

TEST_CASE("wrong last sequence is a conflict carrying the current version") {
  auto r = parse_pub_ack_json(
      R"({"error":{"code":400,"err_code":10071,"description":"wrong last sequence: 19"},"stream":"SLOTWISE","seq":0})",
      "sw.evt.calendar.biz_1");
  REQUIRE(!r.ok());
  CHECK(r.error().code == ErrorCode::kConcurrencyConflict);
  CHECK(r.error().current_version == 19);
  CHECK(r.error().message == "append to sw.evt.calendar.biz_1: wrong last sequence: 19");
}

TEST_CASE("other JetStream API errors keep their classification and text") {
  auto r = parse_pub_ack_json(
      R"({"error":{"code":404,"err_code":10059,"description":"stream not found"}})", "sw.evt.x.y");
  REQUIRE(!r.ok());
  CHECK(r.error().code == ErrorCode::kNotFound);
  CHECK(r.error().message == "append to sw.evt.x.y: stream not found");
}

TEST_CASE("answers that are not a PubAck are internal errors, never a position") {
  for (const char* body : {
           "",                                  // empty
           R"({"stream":"SLOTWISE","seq":4)",   // truncated
           R"(["seq",4])",                      // not an object
           R"({"stream":"SLOTWISE"})",          // no sequence
           R"({"stream":"SLOTWISE","seq":0})",  // sequences start at 1
           R"({"stream":"SLOTWISE","seq":"4"})",
           R"({"stream":"SLOTWISE","seq":-4})",
           R"({"error":"boom"})",
       }) {
    CAPTURE(body);
    auto r = parse_pub_ack_json(body, "sw.evt.x.y");
    REQUIRE(!r.ok());
    CHECK(r.error().code == ErrorCode::kInternal);
    CHECK(r.error().message.rfind("append to sw.evt.x.y: unexpected acknowledgement", 0) == 0);
  }
}

TEST_CASE("an error without err_code or description is still an error") {
  auto r = parse_pub_ack_json(R"({"error":{"code":503}})", "sw.evt.x.y");
  REQUIRE(!r.ok());
  CHECK(r.error().code == ErrorCode::kInternal);
}
