#include "events/event_json.h"

#include <google/protobuf/timestamp.pb.h>
#include <google/protobuf/util/json_util.h>

#include <array>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace slotwise::events {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

// google.protobuf.Timestamp's JSON range: 0001-01-01T00:00:00Z to
// 9999-12-31T23:59:59Z.
constexpr std::int64_t kMinSeconds = -62'135'596'800;
constexpr std::int64_t kMaxSeconds = 253'402'300'799;

bool is_timestamp(const Descriptor& d) {
  return d.full_name() == google::protobuf::Timestamp::descriptor()->full_name();
}

// Whether the fast writer handles every field of `d` (recursively). A type
// under examination counts as supported, so a recursive type terminates;
// the final answer is only cached once the whole walk has finished.
bool supported(const Descriptor& d, std::unordered_map<const Descriptor*, bool>& seen) {
  if (const auto it = seen.find(&d); it != seen.end()) return it->second;
  if (is_timestamp(d)) return seen[&d] = true;
  if (d.file()->package() == "google.protobuf") return seen[&d] = false;  // Any, Struct, ...
  seen[&d] = true;
  bool ok = true;
  for (int i = 0; ok && i < d.field_count(); ++i) {
    const FieldDescriptor& f = *d.field(i);
    if (f.is_map() || f.real_containing_oneof() != nullptr || f.has_optional_keyword()) {
      ok = false;
      continue;
    }
    switch (f.cpp_type()) {
      case FieldDescriptor::CPPTYPE_INT32:
      case FieldDescriptor::CPPTYPE_INT64:
      case FieldDescriptor::CPPTYPE_UINT32:
      case FieldDescriptor::CPPTYPE_UINT64:
      case FieldDescriptor::CPPTYPE_BOOL:
      case FieldDescriptor::CPPTYPE_ENUM:
        break;
      case FieldDescriptor::CPPTYPE_STRING:
        ok = f.type() == FieldDescriptor::TYPE_STRING;  // bytes are base64 in JSON
        break;
      case FieldDescriptor::CPPTYPE_MESSAGE:
        ok = supported(*f.message_type(), seen);
        break;
      default:  // float, double: protobuf's own shortest round-trip formatting
        ok = false;
    }
  }
  seen[&d] = ok;
  return ok;
}

bool direct(const Descriptor& d) {
  thread_local std::unordered_map<const Descriptor*, bool> cache;
  if (const auto it = cache.find(&d); it != cache.end()) return it->second;
  std::unordered_map<const Descriptor*, bool> seen;
  const bool ok = supported(d, seen);
  cache.emplace(&d, ok);
  return ok;
}

constexpr std::string_view kHex = "0123456789abcdef";

// \u followed by four lowercase hex digits, as protobuf writes escapes.
void append_u(std::string& out, std::uint32_t unit) {
  const std::array<char, 6> e{'\\',
                              'u',
                              kHex[(unit >> 12) & 0xf],
                              kHex[(unit >> 8) & 0xf],
                              kHex[(unit >> 4) & 0xf],
                              kHex[unit & 0xf]};
  out.append(e.data(), e.size());
}

// The code points at or above U+00A0 that protobuf escapes (invisible or
// format characters, "to prevent security bugs in javascript").
bool escaped_above_a0(std::uint32_t cp) {
  return cp == 0xad || cp == 0x6dd || cp == 0x70f || cp == 0x17b4 || cp == 0x17b5 || cp == 0xfeff ||
         (cp >= 0xfff9 && cp <= 0xfffb) || (cp >= 0x600 && cp <= 0x603) ||
         (cp >= 0x200b && cp <= 0x200f) || (cp >= 0x2028 && cp <= 0x202e) ||
         (cp >= 0x2060 && cp <= 0x2064) || (cp >= 0x206a && cp <= 0x206f) || cp == 0xe0001 ||
         (cp >= 0x1d173 && cp <= 0x1d17a) || (cp >= 0xe0020 && cp <= 0xe007f);
}

// The next well-formed UTF-8 sequence at s[i] (RFC 3629: no overlong forms,
// no surrogates, at most U+10FFFF): its length, and its code point in `cp`;
// 0 when the bytes there are not one.
std::size_t utf8_sequence(std::string_view s, std::size_t i, std::uint32_t& cp) {
  const auto byte = [&](std::size_t k) { return static_cast<std::uint8_t>(s[k]); };
  const std::uint8_t b0 = byte(i);
  std::size_t len = 0;
  std::uint32_t min = 0;
  if (b0 >= 0xc2 && b0 <= 0xdf) {
    len = 2, cp = b0 & 0x1fU, min = 0x80;
  } else if (b0 >= 0xe0 && b0 <= 0xef) {
    len = 3, cp = b0 & 0x0fU, min = 0x800;
  } else if (b0 >= 0xf0 && b0 <= 0xf4) {
    len = 4, cp = b0 & 0x07U, min = 0x10000;
  } else {
    return 0;
  }
  if (i + len > s.size()) return 0;
  for (std::size_t k = 1; k < len; ++k) {
    const std::uint8_t b = byte(i + k);
    if ((b & 0xc0U) != 0x80U) return 0;
    cp = (cp << 6) | (b & 0x3fU);
  }
  if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return 0;
  return len;
}

// Appends `s` as a JSON string the way protobuf's JsonEscaping does; false
// (output unusable) for bytes that are not well-formed UTF-8, whose
// treatment is left to protobuf itself.
bool append_string(std::string& out, std::string_view s) {
  out += '"';
  std::size_t plain = 0;  // start of the run not yet copied
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<std::uint8_t>(s[i]);
    if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\' && c != '<' && c != '>') {
      ++i;
      continue;
    }
    out.append(s.data() + plain, i - plain);
    std::size_t len = 1;
    if (c < 0x80) {
      switch (c) {
        case '"':
          out += "\\\"";
          break;
        case '\\':
          out += "\\\\";
          break;
        case '\b':
          out += "\\b";
          break;
        case '\t':
          out += "\\t";
          break;
        case '\n':
          out += "\\n";
          break;
        case '\f':
          out += "\\f";
          break;
        case '\r':
          out += "\\r";
          break;
        default:  // other controls, '<', '>', DEL
          append_u(out, c);
      }
    } else {
      std::uint32_t cp = 0;
      len = utf8_sequence(s, i, cp);
      if (len == 0) return false;
      if (cp < 0xa0 || (cp < 0x10000 && escaped_above_a0(cp))) {
        append_u(out, cp);
      } else if (escaped_above_a0(cp)) {  // outside the BMP: a surrogate pair
        const std::uint32_t v = cp - 0x10000;
        append_u(out, 0xd800 + (v >> 10));
        append_u(out, 0xdc00 + (v & 0x3ff));
      } else {
        out.append(s.data() + i, len);
      }
    }
    i += len;
    plain = i;
  }
  out.append(s.data() + plain, s.size() - plain);
  out += '"';
  return true;
}

template <class Int>
void append_int(std::string& out, Int v, bool quoted) {
  std::array<char, 24> buf{};
  const auto r = std::to_chars(buf.data(), buf.data() + buf.size(), v);
  if (quoted) out += '"';
  out.append(buf.data(), r.ptr);
  if (quoted) out += '"';
}

void append_2(std::string& out, unsigned v) {
  out += static_cast<char>('0' + v / 10);
  out += static_cast<char>('0' + v % 10);
}

// RFC 3339 in UTC with 0, 3, 6 or 9 fractional digits, as protobuf's
// TimeUtil formats a Timestamp; false outside the mapping's range.
bool append_timestamp(std::string& out, const Message& m) {
  const Reflection& r = *m.GetReflection();
  const Descriptor& d = *m.GetDescriptor();
  const std::int64_t seconds = r.GetInt64(m, d.FindFieldByNumber(1));
  const std::int32_t nanos = r.GetInt32(m, d.FindFieldByNumber(2));
  if (seconds < kMinSeconds || seconds > kMaxSeconds || nanos < 0 || nanos > 999'999'999) {
    return false;
  }
  const std::chrono::sys_seconds t{std::chrono::seconds{seconds}};
  const std::chrono::sys_days day = std::chrono::floor<std::chrono::days>(t);
  const std::chrono::year_month_day ymd{day};
  const std::chrono::hh_mm_ss<std::chrono::seconds> hms{t - day};
  const int y = static_cast<int>(ymd.year());
  out += '"';
  out += static_cast<char>('0' + y / 1000);
  out += static_cast<char>('0' + y / 100 % 10);
  append_2(out, static_cast<unsigned>(y % 100));
  out += '-';
  append_2(out, static_cast<unsigned>(ymd.month()));
  out += '-';
  append_2(out, static_cast<unsigned>(ymd.day()));
  out += 'T';
  append_2(out, static_cast<unsigned>(hms.hours().count()));
  out += ':';
  append_2(out, static_cast<unsigned>(hms.minutes().count()));
  out += ':';
  append_2(out, static_cast<unsigned>(hms.seconds().count()));
  if (nanos != 0) {
    int digits = 9;
    std::int32_t frac = nanos;
    if (nanos % 1'000'000 == 0) {
      digits = 3, frac = nanos / 1'000'000;
    } else if (nanos % 1'000 == 0) {
      digits = 6, frac = nanos / 1'000;
    }
    std::array<char, 9> buf{};
    for (int k = digits - 1; k >= 0; --k) {
      buf.at(static_cast<std::size_t>(k)) = static_cast<char>('0' + frac % 10);
      frac /= 10;
    }
    out += '.';
    out.append(buf.data(), static_cast<std::size_t>(digits));
  }
  out += "Z\"";
  return true;
}

class Writer {
 public:
  Writer(std::string& out, JsonNames names) : out_(out), names_(names) {}

  bool message(const Message& m) {
    if (is_timestamp(*m.GetDescriptor())) return append_timestamp(out_, m);
    const Reflection& r = *m.GetReflection();
    std::vector<const FieldDescriptor*> fields;
    r.ListFields(m, &fields);  // the set fields, by field number: protobuf's order
    out_ += '{';
    bool first = true;
    for (const FieldDescriptor* f : fields) {
      if (f->is_extension()) return false;  // printed as "[full.name]": protobuf's way
      if (!first) out_ += ',';
      first = false;
      out_ += '"';
      out_ += names_ == JsonNames::kProto ? f->name() : f->json_name();
      out_ += "\":";
      if (f->is_repeated()) {
        out_ += '[';
        const int n = r.FieldSize(m, f);
        for (int k = 0; k < n; ++k) {
          if (k > 0) out_ += ',';
          if (!value(m, r, *f, k)) return false;
        }
        out_ += ']';
      } else if (!value(m, r, *f, -1)) {
        return false;
      }
    }
    out_ += '}';
    return true;
  }

 private:
  // The value of field `f` (element `k` of a repeated one, or -1).
  bool value(const Message& m, const Reflection& r, const FieldDescriptor& f, int k) {
    const bool rep = k >= 0;
    switch (f.cpp_type()) {
      case FieldDescriptor::CPPTYPE_INT32:
        append_int(out_, rep ? r.GetRepeatedInt32(m, &f, k) : r.GetInt32(m, &f), false);
        return true;
      case FieldDescriptor::CPPTYPE_UINT32:
        append_int(out_, rep ? r.GetRepeatedUInt32(m, &f, k) : r.GetUInt32(m, &f), false);
        return true;
      case FieldDescriptor::CPPTYPE_INT64:
        append_int(out_, rep ? r.GetRepeatedInt64(m, &f, k) : r.GetInt64(m, &f), true);
        return true;
      case FieldDescriptor::CPPTYPE_UINT64:
        append_int(out_, rep ? r.GetRepeatedUInt64(m, &f, k) : r.GetUInt64(m, &f), true);
        return true;
      case FieldDescriptor::CPPTYPE_BOOL:
        out_ += (rep ? r.GetRepeatedBool(m, &f, k) : r.GetBool(m, &f)) ? "true" : "false";
        return true;
      case FieldDescriptor::CPPTYPE_ENUM: {
        const int n = rep ? r.GetRepeatedEnumValue(m, &f, k) : r.GetEnumValue(m, &f);
        if (const auto* v = f.enum_type()->FindValueByNumber(n); v != nullptr) {
          out_ += '"';
          out_ += v->name();
          out_ += '"';
        } else {
          append_int(out_, n, false);
        }
        return true;
      }
      case FieldDescriptor::CPPTYPE_STRING: {
        std::string scratch;
        const std::string& s = rep ? r.GetRepeatedStringReference(m, &f, k, &scratch)
                                   : r.GetStringReference(m, &f, &scratch);
        return append_string(out_, s);
      }
      case FieldDescriptor::CPPTYPE_MESSAGE:
        return message(rep ? r.GetRepeatedMessage(m, &f, k) : r.GetMessage(m, &f));
      default:
        return false;  // not reached: direct() admitted the type
    }
  }

  std::string& out_;
  JsonNames names_;
};

}  // namespace

bool event_json_is_direct(const Descriptor& type) { return direct(type); }

common::Result<std::string, std::string> event_json(const Message& message, JsonNames names) {
  std::string out;
  if (direct(*message.GetDescriptor())) {
    out.reserve(256);
    if (Writer(out, names).message(message)) return out;
    out.clear();
  }
  google::protobuf::util::JsonPrintOptions o;
  o.preserve_proto_field_names = names == JsonNames::kProto;
  const auto status = google::protobuf::util::MessageToJsonString(message, &out, o);
  if (!status.ok()) return common::fail(std::string{status.message()});
  return out;
}

}  // namespace slotwise::events
