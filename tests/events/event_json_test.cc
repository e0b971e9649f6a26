// event_json() must print exactly what protobuf's MessageToJsonString
// prints: checked over random values of every message type of the event
// schemas (and over strings built to hit every escaping rule), in both name
// styles, and checked to take its own path where it claims to.
#include "events/event_json.h"

#include <doctest/doctest.h>
#include <google/protobuf/descriptor.h>
#include <google/protobuf/stubs/logging.h>
#include <google/protobuf/util/json_util.h>

#include <array>
#include <cstdint>
#include <limits>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "slotwise/events/v1/account.pb.h"
#include "slotwise/events/v1/business.pb.h"
#include "slotwise/events/v1/calendar.pb.h"
#include "slotwise/events/v1/commit.pb.h"
#include "slotwise/events/v1/payment.pb.h"

namespace {

namespace v1 = slotwise::events::v1;
using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using slotwise::events::event_json;
using slotwise::events::event_json_is_direct;
using slotwise::events::JsonNames;

std::string protobuf_json(const Message& m, JsonNames names) {
  google::protobuf::util::JsonPrintOptions o;
  o.preserve_proto_field_names = names == JsonNames::kProto;
  std::string out;
  if (!google::protobuf::util::MessageToJsonString(m, &out, o).ok()) return "<error>";
  return out;
}

std::string ours(const Message& m, JsonNames names) {
  auto r = event_json(m, names);
  return r ? r.value() : "<error>";
}

// Every message type of the event schema files.
std::vector<const Descriptor*> event_types() {
  const std::array<const google::protobuf::FileDescriptor*, 5> files{
      v1::UserRegistered::descriptor()->file(), v1::BusinessCreated::descriptor()->file(),
      v1::BookingConfirmed::descriptor()->file(), v1::PaymentSucceeded::descriptor()->file(),
      v1::Commit::descriptor()->file()};
  std::vector<const Descriptor*> out;
  for (const auto* file : files) {
    for (int i = 0; i < file->message_type_count(); ++i) out.push_back(file->message_type(i));
  }
  out.push_back(v1::Money::descriptor());  // common.proto
  out.push_back(v1::Actor::descriptor());
  out.push_back(v1::LocalTimeInterval::descriptor());
  return out;
}

std::string utf8(std::uint32_t cp) {
  std::string s;
  if (cp < 0x80) {
    s += static_cast<char>(cp);
  } else if (cp < 0x800) {
    s += static_cast<char>(0xc0 | (cp >> 6));
    s += static_cast<char>(0x80 | (cp & 0x3f));
  } else if (cp < 0x10000) {
    s += static_cast<char>(0xe0 | (cp >> 12));
    s += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
    s += static_cast<char>(0x80 | (cp & 0x3f));
  } else {
    s += static_cast<char>(0xf0 | (cp >> 18));
    s += static_cast<char>(0x80 | ((cp >> 12) & 0x3f));
    s += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
    s += static_cast<char>(0x80 | (cp & 0x3f));
  }
  return s;
}

// Code points on both sides of every range protobuf escapes, and ordinary
// ones from each UTF-8 length.
const std::vector<std::uint32_t> kCodePoints{
    0x00,    0x08,    0x09,    0x0a,    0x0b,    0x0c,    0x0d,    0x1f,    0x20,
    '"',     '\\',    '<',     '>',     '/',     '&',     '\'',    0x7e,    0x7f,
    0x80,    0x9f,    0xa0,    0xac,    0xad,    0xae,    0xe9,    0x5ff,   0x600,
    0x603,   0x604,   0x6dd,   0x70f,   0x17b3,  0x17b4,  0x17b5,  0x17b6,  0x200a,
    0x200b,  0x200f,  0x2010,  0x2027,  0x2028,  0x202e,  0x202f,  0x205f,  0x2060,
    0x2064,  0x2065,  0x206a,  0x206f,  0x2070,  0x4e2d,  0xfeff,  0xfff8,  0xfff9,
    0xfffb,  0xfffc,  0xffff,  0x10000, 0x1d172, 0x1d173, 0x1d17a, 0x1d17b, 0x1f600,
    0xe0000, 0xe0001, 0xe0002, 0xe001f, 0xe0020, 0xe007f, 0xe0080, 0x10ffff};

class Randomizer {
 public:
  explicit Randomizer(std::uint64_t seed) : rng_(seed) {}

  void fill(Message& m, int depth) {
    const Descriptor& d = *m.GetDescriptor();
    const auto& r = *m.GetReflection();
    if (d.full_name() == "google.protobuf.Timestamp") return timestamp(m);
    for (int i = 0; i < d.field_count(); ++i) {
      const FieldDescriptor* f = d.field(i);
      if (pick(4) == 0) continue;  // left unset (or empty)
      if (f->is_repeated()) {
        const int n = static_cast<int>(pick(4));
        for (int k = 0; k < n; ++k) add(m, r, f, depth);
      } else {
        set(m, r, f, depth);
      }
    }
  }

  std::string text() {
    switch (pick(6)) {
      case 0:
        return "";
      case 1:
        return "bkg_4f2aXk9Q0m";
      case 2:
        return "2026-11-27";
      default: {
        std::string s;
        const auto n = pick(12);
        for (std::uint64_t i = 0; i < n; ++i) {
          s += pick(3) == 0 ? utf8(kCodePoints.at(pick(kCodePoints.size())))
                            : std::string(1, static_cast<char>('a' + pick(26)));
        }
        return s;
      }
    }
  }

  std::uint64_t pick(std::uint64_t n) { return rng_() % n; }

 private:
  template <class T>
  T integer() {
    switch (pick(5)) {
      case 0:
        return std::numeric_limits<T>::min();
      case 1:
        return std::numeric_limits<T>::max();
      case 2:
        return static_cast<T>(pick(10));
      default:
        return static_cast<T>(rng_());
    }
  }

  int enum_number(const FieldDescriptor* f) {
    const auto* e = f->enum_type();
    if (pick(5) == 0) return static_cast<int>(pick(3)) == 0 ? -3 : 97;  // no name
    return e->value(static_cast<int>(pick(static_cast<std::uint64_t>(e->value_count()))))->number();
  }

  void set(Message& m, const google::protobuf::Reflection& r, const FieldDescriptor* f, int depth) {
    switch (f->cpp_type()) {
      case FieldDescriptor::CPPTYPE_INT32:
        return r.SetInt32(&m, f, integer<std::int32_t>());
      case FieldDescriptor::CPPTYPE_INT64:
        return r.SetInt64(&m, f, integer<std::int64_t>());
      case FieldDescriptor::CPPTYPE_UINT32:
        return r.SetUInt32(&m, f, integer<std::uint32_t>());
      case FieldDescriptor::CPPTYPE_UINT64:
        return r.SetUInt64(&m, f, integer<std::uint64_t>());
      case FieldDescriptor::CPPTYPE_BOOL:
        return r.SetBool(&m, f, pick(2) == 0);
      case FieldDescriptor::CPPTYPE_ENUM:
        return r.SetEnumValue(&m, f, enum_number(f));
      case FieldDescriptor::CPPTYPE_STRING:
        return r.SetString(&m, f, text());
      case FieldDescriptor::CPPTYPE_MESSAGE:
        if (depth < 3 && f->message_type()->full_name() != "google.protobuf.Any") {
          fill(*r.MutableMessage(&m, f), depth + 1);
        }
        return;
      default:
        return;
    }
  }

  void add(Message& m, const google::protobuf::Reflection& r, const FieldDescriptor* f, int depth) {
    switch (f->cpp_type()) {
      case FieldDescriptor::CPPTYPE_INT32:
        return r.AddInt32(&m, f, integer<std::int32_t>());
      case FieldDescriptor::CPPTYPE_INT64:
        return r.AddInt64(&m, f, integer<std::int64_t>());
      case FieldDescriptor::CPPTYPE_ENUM:
        return r.AddEnumValue(&m, f, enum_number(f));
      case FieldDescriptor::CPPTYPE_STRING:
        return r.AddString(&m, f, text());
      case FieldDescriptor::CPPTYPE_MESSAGE:
        if (depth < 3) fill(*r.AddMessage(&m, f), depth + 1);
        return;
      default:
        return;
    }
  }

  void timestamp(Message& m) {
    const Descriptor& d = *m.GetDescriptor();
    const auto& r = *m.GetReflection();
    const std::array<std::int64_t, 8> seconds{0,
                                              1'795'000'000,
                                              -1,
                                              -62'135'596'800,
                                              253'402'300'799,
                                              253'402'300'800,  // beyond year 9999
                                              951'782'400,      // 2000-02-29
                                              static_cast<std::int64_t>(pick(4'000'000'000))};
    const std::array<std::int32_t, 8> nanos{
        0,           5'000'000, 120'000,       7,
        999'999'999, -1,        1'000'000'000, static_cast<std::int32_t>(pick(1'000'000'000))};
    r.SetInt64(&m, d.FindFieldByNumber(1), seconds.at(pick(seconds.size())));
    r.SetInt32(&m, d.FindFieldByNumber(2), nanos.at(pick(nanos.size())));
  }

  std::mt19937_64 rng_;
};

}  // namespace

TEST_CASE("every event type's JSON equals protobuf's printer, over random values") {
  // Out-of-range Timestamps make protobuf's printer log a warning each.
  const google::protobuf::LogSilencer quiet;
  Randomizer random(20261127);
  for (const Descriptor* type : event_types()) {
    CAPTURE(type->full_name());
    const auto* prototype =
        google::protobuf::MessageFactory::generated_factory()->GetPrototype(type);
    REQUIRE(prototype != nullptr);
    for (int i = 0; i < 300; ++i) {
      std::unique_ptr<Message> m(prototype->New());
      random.fill(*m, 0);
      CAPTURE(m->ShortDebugString());
      CHECK(ours(*m, JsonNames::kProto) == protobuf_json(*m, JsonNames::kProto));
      CHECK(ours(*m, JsonNames::kLowerCamel) == protobuf_json(*m, JsonNames::kLowerCamel));
    }
  }
}

TEST_CASE("strings: each escaped or plain code point alone and between text, as protobuf") {
  v1::Customer c;
  for (const std::uint32_t cp : kCodePoints) {
    for (const std::string& s : {utf8(cp), "ab" + utf8(cp), utf8(cp) + "z", "x" + utf8(cp) + "y"}) {
      c.set_name(s);
      CAPTURE(cp);
      CHECK(ours(c, JsonNames::kProto) == protobuf_json(c, JsonNames::kProto));
    }
  }
  // Every single byte, valid UTF-8 or not (these go to protobuf's printer
  // when they are not; the result must still be its). Protobuf logs an
  // error for each invalid string it serializes: expected here.
  const google::protobuf::LogSilencer quiet;
  for (int b = 0; b < 256; ++b) {
    c.set_name("n" + std::string(1, static_cast<char>(b)) + "m");
    CAPTURE(b);
    CHECK(ours(c, JsonNames::kProto) == protobuf_json(c, JsonNames::kProto));
  }
  // Malformed sequences: overlong, surrogate, truncated, beyond U+10FFFF.
  for (const std::string& s :
       {std::string("\xc0\x80"), std::string("\xe0\x80\x80"), std::string("\xed\xa0\x80"),
        std::string("\xe2\x82"), std::string("\xf4\x90\x80\x80"), std::string("\xf0\x9f\x98")}) {
    c.set_name("a" + s + "b");
    CHECK(ours(c, JsonNames::kProto) == protobuf_json(c, JsonNames::kProto));
  }
}

TEST_CASE("a booking event is written exactly so, without protobuf's printer") {
  v1::BookingTentativelyCreated e;
  e.set_booking_id("bkg_1");
  e.mutable_start()->set_seconds(1'795'770'000);
  e.mutable_start()->set_nanos(250'000'000);
  e.mutable_customer()->set_name("Zoë <Z>");
  e.mutable_price()->set_amount_minor(4500);
  e.mutable_price()->set_currency("EUR");
  CHECK(event_json_is_direct(*e.GetDescriptor()));
  const auto json = event_json(e, JsonNames::kProto);
  REQUIRE(json);
  CHECK(json.value() == protobuf_json(e, JsonNames::kProto));
  CHECK(json.value().find(R"("start":"2026-11-27T09:00:00.250Z")") != std::string::npos);
  CHECK(json.value().find(R"("name":"Zo\u00eb)") == std::string::npos);  // é is not escaped
  CHECK(json.value().find(R"(Zoë \u003cZ\u003e)") != std::string::npos);
  CHECK(json.value().find(R"("amount_minor":"4500")") != std::string::npos);
}

TEST_CASE("the event types take the direct path; types with Any go to protobuf") {
  for (const Descriptor* type : event_types()) {
    CAPTURE(type->full_name());
    const bool has_any =
        type == v1::Commit::descriptor() || type == v1::RecordedEvent::descriptor();
    CHECK(event_json_is_direct(*type) == !has_any);
  }
}

TEST_CASE("fields this build does not know are left out, as protobuf's printer does") {
  v1::BookingConfirmed e;
  e.set_booking_id("bkg_1");
  e.set_reason("payment_succeeded");
  std::string wire = e.SerializeAsString();
  wire += std::string("\xa2\x06\x03new", 6);  // field 100, length-delimited "new"
  wire += std::string("\xa8\x06\x07", 3);     // field 101, varint 7
  v1::BookingConfirmed parsed;
  REQUIRE(parsed.ParseFromString(wire));
  REQUIRE(parsed.GetReflection()->GetUnknownFields(parsed).field_count() == 2);
  CHECK(ours(parsed, JsonNames::kProto) == protobuf_json(parsed, JsonNames::kProto));
  CHECK(ours(parsed, JsonNames::kProto) ==
        R"({"booking_id":"bkg_1","reason":"payment_succeeded"})");
}

TEST_CASE("a Timestamp beyond the mapping's range is protobuf's error") {
  v1::BookingTentativelyCreated e;
  e.set_booking_id("bkg_1");
  e.mutable_start()->set_seconds(253'402'300'800);  // 10000-01-01T00:00:00Z
  const google::protobuf::LogSilencer quiet;
  const auto json = event_json(e, JsonNames::kProto);
  REQUIRE_FALSE(json);
  CHECK(json.error().find("Timestamp") != std::string::npos);
}
