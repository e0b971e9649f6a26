// A history detail as the query API shows it: from the stored protobuf JSON
// (written here by events::event_json, as the projector writes it) to the
// API's shape — every field, numbers as numbers, short enum names, times in
// RFC 3339, unset messages null — with the hidden fields left out, and
// rows that cannot be read as their type passed on as stored.
#include "query-api/history_detail.h"

#include <doctest/doctest.h>
#include <google/protobuf/descriptor.h>
#include <rapidjson/document.h>

#include <set>
#include <string>

#include "events/event_json.h"
#include "slotwise/events/v1/calendar.pb.h"
#include "slotwise/events/v1/payment.pb.h"

namespace slotwise::query {
namespace {

namespace v1 = slotwise::events::v1;

std::string stored(const google::protobuf::Message& m) {
  auto json = events::event_json(m, events::JsonNames::kProto);
  REQUIRE(json);
  return std::move(json).value();
}

std::string render(std::string_view type, const std::string& text, BookingReader reader) {
  rapidjson::StringBuffer sb;
  service::JsonWriter w(sb);
  write_history_detail(w, type, text, reader);
  return sb.GetString();
}

rapidjson::Document parse(const std::string& json) {
  rapidjson::Document d;
  d.Parse(json.data(), json.size());
  REQUIRE_FALSE(d.HasParseError());
  return d;
}

std::set<std::string> keys(const rapidjson::Value& o) {
  std::set<std::string> out;
  for (auto m = o.MemberBegin(); m != o.MemberEnd(); ++m) out.emplace(m->name.GetString());
  return out;
}

v1::BookingTentativelyCreated free_booking() {
  v1::BookingTentativelyCreated e;
  e.set_booking_id("bkg_1");
  e.set_business_id("biz_1");
  e.set_service_id("svc_1");
  e.mutable_start()->set_seconds(1'796'029'200);  // 2026-11-30T09:00:00Z
  e.mutable_end()->set_seconds(1'796'031'900);
  e.set_buffer_after_minutes(15);
  e.set_time_zone("Europe/London");
  e.mutable_customer()->set_name("Bo");
  e.mutable_customer()->set_email("bo@example.com");
  e.mutable_amount_due()->set_currency("GBP");  // nothing due: amount 0
  e.mutable_price()->set_amount_minor(4500);
  e.mutable_price()->set_currency("GBP");
  e.mutable_created_by()->set_kind(v1::ACTOR_KIND_CUSTOMER);
  e.mutable_created_by()->set_id("bkg_1");
  e.mutable_cancellation_terms();  // present, both terms 0
  return e;
}

TEST_CASE("a booking's detail has every field in the API's conventions") {
  const std::string text = stored(free_booking());
  // The stored form is protobuf's mapping, which this exists to translate.
  CHECK(text.find(R"("amount_minor":"4500")") != std::string::npos);
  CHECK(text.find("ACTOR_KIND_CUSTOMER") != std::string::npos);

  const rapidjson::Document d =
      parse(render("BookingTentativelyCreated", text, BookingReader::owner));
  REQUIRE(d.IsObject());
  CHECK(d["price"]["amount_minor"].IsInt64());
  CHECK(d["price"]["amount_minor"].GetInt64() == 4500);
  CHECK(d["amount_due"]["amount_minor"].GetInt64() == 0);
  CHECK(std::string(d["amount_due"]["currency"].GetString()) == "GBP");
  CHECK(std::string(d["created_by"]["kind"].GetString()) == "customer");
  CHECK(std::string(d["start"].GetString()) == "2026-11-30T09:00:00Z");
  CHECK(std::string(d["end"].GetString()) == "2026-11-30T09:45:00Z");
  CHECK(d["buffer_before_minutes"].GetInt() == 0);
  CHECK(d["buffer_after_minutes"].GetInt() == 15);
  CHECK(std::string(d["customer"]["phone"].GetString()).empty());
  CHECK(std::string(d["notes"].GetString()).empty());
  CHECK(d["hold_expires_at"].IsNull());  // an unset message
  CHECK(d["cancellation_terms"]["free_cancellation_cutoff_minutes"].GetInt() == 0);
  CHECK(d["cancellation_terms"]["late_cancellation_refund_percent"].GetInt() == 0);
  // Every field of the event but the three never shown, in field order.
  std::set<std::string> expected;
  const auto& desc = *v1::BookingTentativelyCreated::descriptor();
  for (int i = 0; i < desc.field_count(); ++i) expected.insert(desc.field(i)->name());
  for (const char* f : {"manage_token_sha256", "idempotency_key", "request_sha256"}) {
    expected.erase(f);
  }
  CHECK(keys(d) == expected);
  CHECK(std::string(d.MemberBegin()->name.GetString()) == "booking_id");
}

TEST_CASE("the manage token's hash and the idempotency key are never shown") {
  v1::BookingTentativelyCreated e = free_booking();
  e.set_manage_token_sha256(std::string(64, 'a'));
  e.set_idempotency_key("key-1");
  e.set_request_sha256(std::string(64, 'b'));
  for (const BookingReader reader : {BookingReader::owner, BookingReader::customer}) {
    const std::string out = render("BookingTentativelyCreated", stored(e), reader);
    CHECK(out.find("manage_token_sha256") == std::string::npos);
    CHECK(out.find("idempotency_key") == std::string::npos);
    CHECK(out.find("key-1") == std::string::npos);
    CHECK(out.find("request_sha256") == std::string::npos);
  }
}

TEST_CASE("a failed refund's failure_reason is the owner's only") {
  v1::PaymentRefundFailed e;
  e.set_booking_id("bkg_1");
  e.set_refund_id("re_1");
  e.mutable_amount()->set_amount_minor(4500);
  e.mutable_amount()->set_currency("EUR");
  e.set_reason("cancellation");
  e.set_status("failed");
  e.set_failure_reason("lost_or_stolen_card");
  const std::string text = stored(e);
  const rapidjson::Document owner =
      parse(render("PaymentRefundFailed", text, BookingReader::owner));
  const rapidjson::Document customer =
      parse(render("PaymentRefundFailed", text, BookingReader::customer));
  CHECK(std::string(owner["failure_reason"].GetString()) == "lost_or_stolen_card");
  CHECK_FALSE(customer.HasMember("failure_reason"));
  std::set<std::string> owner_keys = keys(owner);
  owner_keys.erase("failure_reason");
  CHECK(keys(customer) == owner_keys);
  CHECK(customer["amount"]["amount_minor"].GetInt64() == 4500);
  CHECK(std::string(customer["status"].GetString()) == "failed");
  // A field of that name is hidden in that event type only.
  CHECK(render("SomethingElse", R"({"failure_reason":"kept"})", BookingReader::customer) ==
        R"({"failure_reason":"kept"})");
}

TEST_CASE("enum values lose their type's prefix; a value without a name is its number") {
  v1::BookingCancelled e;
  e.set_booking_id("bkg_1");
  e.mutable_cancelled_by()->set_kind(v1::ACTOR_KIND_PAYMENT_PROVIDER);
  CHECK(parse(render("BookingCancelled", stored(e), BookingReader::owner))["cancelled_by"]["kind"]
            .GetString() == std::string("payment_provider"));
  e.mutable_cancelled_by()->set_kind(static_cast<v1::ActorKind>(42));
  const rapidjson::Document d = parse(render("BookingCancelled", stored(e), BookingReader::owner));
  CHECK(d["cancelled_by"]["kind"].GetInt() == 42);
}

TEST_CASE("a row that cannot be read as its type is passed on as stored") {
  // A type this build does not know.
  CHECK(render("BookingTeleported", R"({"to":"mars","n":"7"})", BookingReader::owner) ==
        R"({"to":"mars","n":"7"})");
  // Not its type's shape (a string where a message belongs).
  CHECK(render("BookingConfirmed", R"({"confirmed_by":"someone"})", BookingReader::owner) ==
        R"({"confirmed_by":"someone"})");
  // ... still without what is never shown.
  CHECK(render("BookingTentativelyCreated", R"({"start":7,"manage_token_sha256":"aa"})",
               BookingReader::customer) == R"({"start":7})");
  // Not JSON at all.
  CHECK(render("BookingConfirmed", "{not json", BookingReader::owner) == "null");
  CHECK(render("BookingConfirmed", "", BookingReader::owner) == "null");
}

TEST_CASE("fields a newer schema added are ignored, the known ones shown") {
  const std::string out = render(
      "BookingConfirmed", R"({"booking_id":"bkg_1","added_later":{"x":1}})", BookingReader::owner);
  const rapidjson::Document d = parse(out);
  CHECK(std::string(d["booking_id"].GetString()) == "bkg_1");
  CHECK_FALSE(d.HasMember("added_later"));
  CHECK(d["confirmed_by"].IsNull());
}

}  // namespace
}  // namespace slotwise::query
