// The JSON views: strings are written exactly, whether they go out in one
// piece (nothing to escape) or through RapidJSON's escaping (quotes,
// backslashes, control characters, long texts), and every booking of a page
// is rendered in its own zone.
#include "query-api/views.h"

#include <doctest/doctest.h>
#include <rapidjson/document.h>

#include <chrono>
#include <string>
#include <vector>

namespace slotwise::query {
namespace {

BookingRow booking(const std::string& id, const std::string& zone, const std::string& notes) {
  BookingRow b;
  b.booking_id = id;
  b.business_id = "biz_1";
  b.service_id = "svc_1";
  b.service_name = "Cut & colour";
  b.status = "confirmed";
  b.start = domain::Instant{std::chrono::hours{24 * 20'600 + 9}};  // 2026-05-27 09:00Z
  b.end = b.start + std::chrono::minutes{45};
  b.local_date = "2026-05-27";
  b.time_zone = zone;
  b.customer_name = "Zoë O'Brien";
  b.customer_email = "zoe@example.com";
  b.notes = notes;
  b.currency = "EUR";
  return b;
}

rapidjson::Document parse(const std::string& json) {
  rapidjson::Document d;
  d.Parse(json.data(), json.size());
  REQUIRE_FALSE(d.HasParseError());
  return d;
}

TEST_CASE("strings round-trip whether or not they need escaping") {
  const std::string long_text(400, 'x');  // longer than the one-piece buffer
  const std::vector<std::string> notes{"",
                                       "plain",
                                       R"(she said "hi")",
                                       R"(C:\path\file)",
                                       "line one\nline two\ttab",
                                       std::string("nul\0byte", 8),
                                       "\x1f unit separator",
                                       long_text,
                                       long_text + "\"",
                                       "ünïcødé ✓"};
  std::vector<BookingRow> items;
  for (std::size_t i = 0; i < notes.size(); ++i) {
    items.push_back(booking("bkg_" + std::to_string(i), "Europe/Berlin", notes[i]));
  }
  const std::string json = booking_page_json(items, std::string("cursor\"x"));
  CHECK(json.find('\n') == std::string::npos);  // control characters escaped
  const rapidjson::Document d = parse(json);
  const auto& out = d["items"];
  REQUIRE(out.Size() == notes.size());
  for (rapidjson::SizeType i = 0; i < out.Size(); ++i) {
    CAPTURE(i);
    CHECK(std::string(out[i]["notes"].GetString(), out[i]["notes"].GetStringLength()) == notes[i]);
    CHECK(std::string(out[i]["service_name"].GetString()) == "Cut & colour");
    CHECK(std::string(out[i]["customer"]["name"].GetString()) == "Zoë O'Brien");
    CHECK(out[i]["buffer_before_minutes"].GetInt() == 0);
  }
  CHECK(std::string(d["next_cursor"].GetString()) == "cursor\"x");
  // One-piece and escaped output are the same bytes RapidJSON would write.
  CHECK(json.find(R"("notes":"she said \"hi\"")") != std::string::npos);
  CHECK(json.find(R"("notes":"C:\\path\\file")") != std::string::npos);
  CHECK(json.find(R"("notes":"nul\u0000byte")") != std::string::npos);
}

TEST_CASE("each booking of a page is rendered in its own zone") {
  const std::vector<BookingRow> items{
      booking("bkg_a", "Europe/Berlin", ""), booking("bkg_b", "Europe/Berlin", ""),
      booking("bkg_c", "America/New_York", ""), booking("bkg_d", "Europe/Berlin", "")};
  const rapidjson::Document d = parse(booking_page_json(items, std::nullopt));
  const auto& out = d["items"];
  CHECK(std::string(out[0]["start"].GetString()) == "2026-05-27T11:00:00+02:00");
  CHECK(std::string(out[1]["start"].GetString()) == "2026-05-27T11:00:00+02:00");
  CHECK(std::string(out[2]["start"].GetString()) == "2026-05-27T05:00:00-04:00");
  CHECK(std::string(out[3]["end"].GetString()) == "2026-05-27T11:45:00+02:00");
  CHECK(d["next_cursor"].IsNull());
}

TEST_CASE(
    "a customer's booking view leaves out a failed refund's failure_reason, the owner's not") {
  const std::string failed =
      R"({"booking_id":"bkg_1","refund_id":"re_1","amount":{"amount_minor":"4500","currency":"EUR"},)"
      R"("reason":"cancellation","status":"failed","failure_reason":"lost_or_stolen_card"})";
  // A field of that name in another event type is not Stripe's verdict.
  const std::string other = R"({"booking_id":"bkg_1","failure_reason":"kept"})";
  const std::vector<HistoryEntry> history{
      {7, 0, "PaymentRefundFailed", {}, "payment_provider", "", failed},
      {8, 0, "SomethingElse", {}, "system", "", other}};
  const BookingRow b = booking("bkg_1", "Europe/Berlin", "");
  const rapidjson::Document owner = parse(booking_json(b, history, BookingReader::owner));
  const rapidjson::Document customer = parse(booking_json(b, history, BookingReader::customer));
  CHECK(std::string(owner["history"][0]["detail"]["failure_reason"].GetString()) ==
        "lost_or_stolen_card");
  const auto& mine = customer["history"][0]["detail"];
  CHECK_FALSE(mine.HasMember("failure_reason"));
  CHECK(std::string(mine["status"].GetString()) == "failed");
  CHECK(std::string(mine["refund_id"].GetString()) == "re_1");
  CHECK(std::string(customer["history"][1]["detail"]["failure_reason"].GetString()) == "kept");
}

}  // namespace
}  // namespace slotwise::query
