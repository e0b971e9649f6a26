// make_header_message: headers and data survive the trip through nats.c's
// wire-format message constructor; framing-breaking input is refused.
#include "events/header_message.h"

#include <doctest/doctest.h>

#include <string>

using slotwise::events::ErrorCode;
using slotwise::events::make_header_message;

namespace {

std::string header(natsMsg* m, const char* name) {
  const char* v = nullptr;
  if (natsMsgHeader_Get(m, name, &v) != NATS_OK || v == nullptr) return "<absent>";
  return v;
}

}  // namespace

TEST_CASE("this platform's libnats builds messages from the encoded header block") {
  // The fast path depends on an unexported nats.c function keeping its
  // signature (ADR 0012); this fails loudly if a libnats upgrade changed it.
  CHECK(slotwise::events::header_messages_use_wire_format());
}

TEST_CASE("subject, data and every non-empty header read back through the public API") {
  const std::string data("\x00\x01 binary\r\n\x00", 12);
  auto m = make_header_message("sw.evt.calendar.biz_1",
                               {{"ce-id", "c-1"},
                                {"content-type", R"(application/protobuf; messageType="x.Y")"},
                                {"traceparent", ""},
                                {"sw-note", "colon: and spaces  inside, ünïcode"},
                                {"Nats-Expected-Last-Subject-Sequence", "0"}},
                               data);
  REQUIRE(m.ok());
  natsMsg* msg = m.value().get();
  CHECK(std::string(natsMsg_GetSubject(msg)) == "sw.evt.calendar.biz_1");
  REQUIRE(natsMsg_GetDataLength(msg) == static_cast<int>(data.size()));
  CHECK(std::string(natsMsg_GetData(msg), data.size()) == data);
  CHECK(header(msg, "ce-id") == "c-1");
  CHECK(header(msg, "content-type") == R"(application/protobuf; messageType="x.Y")");
  CHECK(header(msg, "sw-note") == "colon: and spaces  inside, ünïcode");
  CHECK(header(msg, "Nats-Expected-Last-Subject-Sequence") == "0");
  CHECK(header(msg, "traceparent") == "<absent>");  // empty values are left out
}

TEST_CASE("a message with no data still carries its headers") {
  auto m = make_header_message("s", {{"a", "1"}}, "");
  REQUIRE(m.ok());
  CHECK(natsMsg_GetDataLength(m.value().get()) == 0);
  CHECK(header(m.value().get(), "a") == "1");
}

TEST_CASE("header values with CR, LF or NUL and malformed names are refused") {
  for (const std::string& bad : {std::string("a\r\nNats-Msg-Id: forged"), std::string("a\nb"),
                                 std::string("a\rb"), std::string("a\0b", 3)}) {
    auto m = make_header_message("s", {{"sw-x", bad}}, "d");
    REQUIRE_FALSE(m.ok());
    CHECK(m.error().code == ErrorCode::kInvalidArgument);
  }
  for (const char* bad_name : {"", "has space", "colon:", "tab\tname"}) {
    auto m = make_header_message("s", {{bad_name, "v"}}, "d");
    REQUIRE_FALSE(m.ok());
    CHECK(m.error().code == ErrorCode::kInvalidArgument);
  }
}
