#include "query-api/history_detail.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>
#include <google/protobuf/timestamp.pb.h>
#include <google/protobuf/util/json_util.h>
#include <rapidjson/document.h>

#include <cctype>
#include <chrono>
#include <cstdint>
#include <memory>

#include "projections/history_fields.h"
#include "service/rfc3339.h"
#include "slotwise/events/v1/calendar.pb.h"
#include "slotwise/events/v1/payment.pb.h"

namespace slotwise::query {
namespace {

namespace pb = google::protobuf;
using FD = pb::FieldDescriptor;
using service::json_string;

bool owner_only(std::string_view event_type, std::string_view field) {
  return event_type == "PaymentRefundFailed" && field == "failure_reason";
}

bool hidden(std::string_view event_type, std::string_view field, BookingReader reader) {
  return projections::never_in_history(field) ||
         (reader == BookingReader::customer && owner_only(event_type, field));
}

// "PaymentMode" -> "PAYMENT_MODE_", the prefix protobuf's style guide puts
// on every value of that enum.
std::string enum_prefix(const pb::EnumDescriptor& e) {
  std::string out;
  for (const char c : e.name()) {
    if (std::isupper(static_cast<unsigned char>(c)) != 0 && !out.empty()) out += '_';
    out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  out += '_';
  return out;
}

void enum_value(service::JsonWriter& w, const pb::EnumDescriptor& e, int number) {
  const pb::EnumValueDescriptor* v = e.FindValueByNumber(number);
  if (v == nullptr) {
    w.Int(number);
    return;
  }
  std::string_view name = v->name();
  if (const std::string prefix = enum_prefix(e); name.starts_with(prefix)) {
    name.remove_prefix(prefix.size());
  }
  std::string lower(name);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  json_string(w, lower);
}

void timestamp(service::JsonWriter& w, const pb::Message& m) {
  pb::Timestamp t;
  t.CopyFrom(m);
  const std::chrono::sys_seconds s{std::chrono::seconds{t.seconds()}};
  if (t.nanos() == 0) {
    json_string(w, service::format_rfc3339(s));
  } else {
    json_string(w, service::format_rfc3339_millis(
                       s + std::chrono::duration_cast<std::chrono::system_clock::duration>(
                               std::chrono::nanoseconds{t.nanos()})));
  }
}

class DetailWriter {
 public:
  DetailWriter(service::JsonWriter& w, std::string_view type, BookingReader reader)
      : w_(w), type_(type), reader_(reader) {}

  void message(const pb::Message& m) {
    const pb::Descriptor& d = *m.GetDescriptor();
    if (&d == pb::Timestamp::descriptor()) {
      timestamp(w_, m);
      return;
    }
    const pb::Reflection& r = *m.GetReflection();
    w_.StartObject();
    for (int i = 0; i < d.field_count(); ++i) {
      const FD& f = *d.field(i);
      if (hidden(type_, f.name(), reader_)) continue;
      json_string(w_, f.name());
      if (f.is_repeated()) {
        w_.StartArray();
        for (int k = 0; k < r.FieldSize(m, &f); ++k) value(m, r, f, k);
        w_.EndArray();
      } else if (f.cpp_type() == FD::CPPTYPE_MESSAGE && !r.HasField(m, &f)) {
        w_.Null();
      } else {
        value(m, r, f, -1);
      }
    }
    w_.EndObject();
  }

 private:
  // The value of field `f` (element `k` of a repeated one, or -1).
  void value(const pb::Message& m, const pb::Reflection& r, const FD& f, int k) {
    const bool rep = k >= 0;
    switch (f.cpp_type()) {
      case FD::CPPTYPE_INT32:
        w_.Int(rep ? r.GetRepeatedInt32(m, &f, k) : r.GetInt32(m, &f));
        return;
      case FD::CPPTYPE_UINT32:
        w_.Uint(rep ? r.GetRepeatedUInt32(m, &f, k) : r.GetUInt32(m, &f));
        return;
      case FD::CPPTYPE_INT64:
        w_.Int64(rep ? r.GetRepeatedInt64(m, &f, k) : r.GetInt64(m, &f));
        return;
      case FD::CPPTYPE_UINT64:
        w_.Uint64(rep ? r.GetRepeatedUInt64(m, &f, k) : r.GetUInt64(m, &f));
        return;
      case FD::CPPTYPE_DOUBLE:
        w_.Double(rep ? r.GetRepeatedDouble(m, &f, k) : r.GetDouble(m, &f));
        return;
      case FD::CPPTYPE_FLOAT:
        w_.Double(rep ? r.GetRepeatedFloat(m, &f, k) : r.GetFloat(m, &f));
        return;
      case FD::CPPTYPE_BOOL:
        w_.Bool(rep ? r.GetRepeatedBool(m, &f, k) : r.GetBool(m, &f));
        return;
      case FD::CPPTYPE_ENUM:
        enum_value(w_, *f.enum_type(),
                   rep ? r.GetRepeatedEnumValue(m, &f, k) : r.GetEnumValue(m, &f));
        return;
      case FD::CPPTYPE_STRING: {
        std::string scratch;
        const std::string& s = rep ? r.GetRepeatedStringReference(m, &f, k, &scratch)
                                   : r.GetStringReference(m, &f, &scratch);
        // bytes would be base64 in the mapping; no event has them, and a
        // string field holds UTF-8 (protobuf refuses anything else).
        json_string(w_, s);
        return;
      }
      case FD::CPPTYPE_MESSAGE:
        message(rep ? r.GetRepeatedMessage(m, &f, k) : r.GetMessage(m, &f));
        return;
    }
  }

  service::JsonWriter& w_;
  std::string_view type_;
  BookingReader reader_;
};

// A new, empty message of the event type named `type` (a message of
// package slotwise.events.v1), or null when this build has no such type.
std::unique_ptr<pb::Message> new_event(std::string_view type) {
  // Both files are named so the linker keeps their descriptors, which the
  // pool finds by name; every history event is declared in one of them.
  static const std::string package =
      slotwise::events::v1::BookingConfirmed::descriptor()->file()->package();
  static_cast<void>(slotwise::events::v1::PaymentRefunded::descriptor());
  const pb::Descriptor* d = pb::DescriptorPool::generated_pool()->FindMessageTypeByName(
      package + "." + std::string(type));
  if (d == nullptr) return nullptr;
  const pb::Message* prototype = pb::MessageFactory::generated_factory()->GetPrototype(d);
  return prototype == nullptr ? nullptr : std::unique_ptr<pb::Message>(prototype->New());
}

// The stored text as is, less the members `hidden` names: the way out for
// a row that does not parse as its type.
void write_as_stored(service::JsonWriter& w, std::string_view event_type, const std::string& stored,
                     BookingReader reader) {
  rapidjson::Document detail;
  detail.Parse(stored.c_str(), stored.size());
  if (detail.HasParseError()) {
    w.Null();
    return;
  }
  if (detail.IsObject()) {
    for (auto m = detail.MemberBegin(); m != detail.MemberEnd();) {
      const std::string_view name(m->name.GetString(), m->name.GetStringLength());
      m = hidden(event_type, name, reader) ? detail.EraseMember(m) : m + 1;
    }
  }
  detail.Accept(w);
}

}  // namespace

void write_history_detail(service::JsonWriter& w, std::string_view event_type,
                          const std::string& stored, BookingReader reader) {
  const std::unique_ptr<pb::Message> event = new_event(event_type);
  if (event != nullptr) {
    pb::util::JsonParseOptions options;
    options.ignore_unknown_fields = true;  // a detail written by a newer schema
    if (pb::util::JsonStringToMessage(stored, event.get(), options).ok()) {
      DetailWriter(w, event_type, reader).message(*event);
      return;
    }
  }
  write_as_stored(w, event_type, stored, reader);
}

}  // namespace slotwise::query
