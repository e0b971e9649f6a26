#include "tools/export_format.h"

#include <openssl/evp.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <climits>

#include "events/commit_codec.h"
#include "tools/commit_json.h"

namespace slotwise::tools {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

namespace {

void put(Writer& w, const char* key, const std::string& value) {
  w.Key(key);
  w.String(value.c_str(), static_cast<rapidjson::SizeType>(value.size()));
}

void put(Writer& w, const char* key, std::uint64_t value) {
  w.Key(key);
  w.Uint64(value);
}

}  // namespace

std::string ExportRecord::header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (k == name) return v;
  }
  return {};
}

std::string base64_encode(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3), '\0');
  if (bytes.empty()) return out;
  // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast): OpenSSL's byte API
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast)
                                reinterpret_cast<const unsigned char*>(bytes.data()),
                                static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

common::Result<std::string, std::string> base64_decode(std::string_view text) {
  if (text.size() % 4 != 0 || text.size() > static_cast<std::size_t>(INT_MAX)) {
    return common::fail(std::string("data is not base64 (length)"));
  }
  std::string out(text.size() / 4 * 3, '\0');
  if (text.empty()) return out;
  // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast): OpenSSL's byte API
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast)
                                reinterpret_cast<const unsigned char*>(text.data()),
                                static_cast<int>(text.size()));
  if (n < 0) return common::fail(std::string("data is not base64"));
  auto len = static_cast<std::size_t>(n);
  if (text.back() == '=') --len;
  if (text.size() >= 2 && text[text.size() - 2] == '=') --len;
  out.resize(len);
  // Any other encoding of the same bytes (unused bits set, whitespace) is an
  // alteration of the file even if it decodes to the same bytes.
  if (base64_encode(out) != text) return common::fail(std::string("data is not canonical base64"));
  return out;
}

std::string header_line(const ExportHeader& h) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  put(w, "kind", std::string("header"));
  put(w, "format", std::string(kExportFormat));
  put(w, "version", static_cast<std::uint64_t>(kExportVersion));
  put(w, "stream", h.stream);
  put(w, "filter", h.filter);
  put(w, "from_sequence", h.from_sequence);
  put(w, "to_sequence", h.to_sequence);
  put(w, "from_time", h.from_time);
  put(w, "to_time", h.to_time);
  put(w, "exported_at", h.exported_at);
  w.EndObject();
  return buf.GetString();
}

std::string commit_line(const events::StoredCommit& c, const std::string& previous_hash) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  put(w, "kind", std::string("commit"));
  put(w, "sequence", c.sequence);
  put(w, "subject", c.subject);
  put(w, "time", events::format_time_ns(c.timestamp_ns));
  w.Key("headers");
  w.StartObject();
  for (std::size_t i = 0; i < c.headers.size();) {
    const std::string& name = c.headers[i].first;
    std::size_t j = i;
    while (j < c.headers.size() && c.headers[j].first == name) ++j;
    w.Key(name.c_str());
    if (j - i == 1) {
      w.String(c.headers[i].second.c_str());
    } else {
      w.StartArray();
      for (std::size_t k = i; k < j; ++k) w.String(c.headers[k].second.c_str());
      w.EndArray();
    }
    i = j;
  }
  w.EndObject();
  put(w, "data", base64_encode(c.payload));
  if (!previous_hash.empty()) put(w, "previous_hash", previous_hash);
  const std::string json = commit_json(c.commit);
  w.Key("commit");
  w.RawValue(json.c_str(), json.size(), rapidjson::kObjectType);
  w.EndObject();
  return buf.GetString();
}

std::string end_line(const ExportEnd& e) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  put(w, "kind", std::string("end"));
  put(w, "commits", e.commits);
  put(w, "first_sequence", e.first_sequence);
  put(w, "last_sequence", e.last_sequence);
  w.EndObject();
  return buf.GetString();
}

namespace {

using Value = rapidjson::Value;

common::Result<std::string, std::string> get_string(const Value& o, const char* key,
                                                    bool required = true) {
  auto it = o.FindMember(key);
  if (it == o.MemberEnd()) {
    if (!required) return std::string{};
    return common::fail(std::string("missing \"") + key + "\"");
  }
  if (!it->value.IsString()) return common::fail(std::string("\"") + key + "\" is not a string");
  return std::string(it->value.GetString(), it->value.GetStringLength());
}

common::Result<std::uint64_t, std::string> get_uint(const Value& o, const char* key) {
  auto it = o.FindMember(key);
  if (it == o.MemberEnd()) return common::fail(std::string("missing \"") + key + "\"");
  if (!it->value.IsUint64()) {
    return common::fail(std::string("\"") + key + "\" is not an unsigned integer");
  }
  return it->value.GetUint64();
}

// Collects the first error of a sequence of field reads.
struct Fields {
  std::string error;
  template <class T>
  T take(common::Result<T, std::string> r) {
    if (!r) {
      if (error.empty()) error = r.error();
      return T{};
    }
    return std::move(r).value();
  }
};

common::Result<ExportRecord, std::string> parse_record(const Value& o) {
  Fields f;
  ExportRecord r;
  r.sequence = f.take(get_uint(o, "sequence"));
  r.subject = f.take(get_string(o, "subject"));
  r.time = f.take(get_string(o, "time"));
  r.previous_hash = f.take(get_string(o, "previous_hash", false));
  const std::string data = f.take(get_string(o, "data"));
  if (!f.error.empty()) return common::fail(f.error);
  auto payload = base64_decode(data);
  if (!payload) return common::fail(payload.error());
  r.payload = std::move(payload).value();
  auto headers = o.FindMember("headers");
  if (headers == o.MemberEnd() || !headers->value.IsObject()) {
    return common::fail(std::string("missing \"headers\" object"));
  }
  for (const auto& m : headers->value.GetObject()) {
    const std::string name(m.name.GetString(), m.name.GetStringLength());
    if (m.value.IsString()) {
      r.headers.emplace_back(name, std::string(m.value.GetString(), m.value.GetStringLength()));
    } else if (m.value.IsArray()) {
      for (const auto& v : m.value.GetArray()) {
        if (!v.IsString()) return common::fail("header " + name + " holds a non-string");
        r.headers.emplace_back(name, std::string(v.GetString(), v.GetStringLength()));
      }
    } else {
      return common::fail("header " + name + " is neither a string nor a list");
    }
  }
  auto commit = o.FindMember("commit");
  if (commit == o.MemberEnd() || !commit->value.IsObject()) {
    return common::fail(std::string("missing \"commit\" object"));
  }
  rapidjson::StringBuffer buf;
  Writer w(buf);
  commit->value.Accept(w);
  r.commit_json = buf.GetString();
  return r;
}

}  // namespace

common::Result<ExportLine, std::string> parse_export_line(std::string_view line) {
  rapidjson::Document doc;
  doc.Parse(line.data(), line.size());
  if (doc.HasParseError() || !doc.IsObject()) return common::fail(std::string("not a JSON object"));
  auto kind = get_string(doc, "kind");
  if (!kind) return common::fail(kind.error());
  ExportLine out;
  Fields f;
  if (kind.value() == "header") {
    out.kind = ExportLine::Kind::kHeader;
    const std::string format = f.take(get_string(doc, "format"));
    const std::uint64_t version = f.take(get_uint(doc, "version"));
    out.header.stream = f.take(get_string(doc, "stream"));
    out.header.filter = f.take(get_string(doc, "filter"));
    out.header.from_sequence = f.take(get_uint(doc, "from_sequence"));
    out.header.to_sequence = f.take(get_uint(doc, "to_sequence"));
    out.header.from_time = f.take(get_string(doc, "from_time"));
    out.header.to_time = f.take(get_string(doc, "to_time"));
    out.header.exported_at = f.take(get_string(doc, "exported_at"));
    if (!f.error.empty()) return common::fail(f.error);
    if (format != kExportFormat)
      return common::fail("not a " + std::string(kExportFormat) + " file");
    if (version != kExportVersion) {
      return common::fail("unsupported export version " + std::to_string(version));
    }
    return out;
  }
  if (kind.value() == "end") {
    out.kind = ExportLine::Kind::kEnd;
    out.end.commits = f.take(get_uint(doc, "commits"));
    out.end.first_sequence = f.take(get_uint(doc, "first_sequence"));
    out.end.last_sequence = f.take(get_uint(doc, "last_sequence"));
    if (!f.error.empty()) return common::fail(f.error);
    return out;
  }
  if (kind.value() == "commit") {
    auto record = parse_record(doc);
    if (!record) return common::fail(record.error());
    out.record = std::move(record).value();
    return out;
  }
  return common::fail("unknown kind '" + kind.value() + "'");
}

bool same_json(std::string_view a, std::string_view b) {
  rapidjson::Document da;
  rapidjson::Document db;
  da.Parse(a.data(), a.size());
  db.Parse(b.data(), b.size());
  if (da.HasParseError() || db.HasParseError()) return false;
  return da == db;
}

}  // namespace slotwise::tools
