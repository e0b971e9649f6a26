#include "notifier/mime.h"

#include <openssl/evp.h>

#include <algorithm>
#include <vector>

namespace slotwise::notifier {
namespace {

bool plain_ascii(std::string_view v) {
  return std::ranges::all_of(v, [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u >= 0x20 && u <= 0x7e;
  });
}

std::string base64(std::string_view data) {
  if (data.empty()) return {};
  std::vector<unsigned char> out(4 * ((data.size() + 2) / 3) + 1);
  const int n = EVP_EncodeBlock(out.data(), reinterpret_cast<const unsigned char*>(data.data()),
                                static_cast<int>(data.size()));
  return {reinterpret_cast<const char*>(out.data()), static_cast<std::size_t>(n)};
}

std::string boundary(const Email& e, std::string_view part) {
  std::string b = "=_sw_" + std::string(part) + "_";
  for (const char c : e.message_id) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) b += c;
  }
  return b.substr(0, 69);
}

std::string unbase64(std::string_view lines) {
  std::string in;
  for (const char c : lines) {
    if (c != '\r' && c != '\n') in += c;
  }
  if (in.empty()) return {};
  std::string out(in.size() / 4 * 3, '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(in.data()),
                                static_cast<int>(in.size()));
  if (n < 0) return {};
  // EVP_DecodeBlock counts the padding's zero bytes too.
  std::size_t padding = 0;
  if (in.ends_with("==")) {
    padding = 2;
  } else if (in.ends_with('=')) {
    padding = 1;
  }
  out.resize(static_cast<std::size_t>(n) - padding);
  return out;
}

void part(std::string& out, std::string_view headers, std::string_view body) {
  out += headers;
  out += "Content-Transfer-Encoding: base64\r\n\r\n";
  out += base64_lines(body);
}

}  // namespace

std::string encode_header_value(std::string_view value) {
  if (plain_ascii(value)) return std::string(value);
  // Encoded words of at most 75 characters: 45 input octets -> 60 base64
  // characters, cut only at UTF-8 character starts.
  std::string out;
  std::size_t at = 0;
  while (at < value.size()) {
    std::size_t len = std::min<std::size_t>(45, value.size() - at);
    while (at + len < value.size() && len > 0 &&
           (static_cast<unsigned char>(value[at + len]) & 0xC0U) == 0x80U) {
      --len;
    }
    // Only bytes that are not UTF-8 (45 continuation bytes in a row) leave
    // no character start to cut at: cut at 45 rather than loop forever.
    if (len == 0) len = std::min<std::size_t>(45, value.size() - at);
    if (!out.empty()) out += "\r\n ";
    out += "=?UTF-8?B?" + base64(value.substr(at, len)) + "?=";
    at += len;
  }
  return out;
}

std::string format_mailbox(const Mailbox& m) {
  if (m.name.empty()) return "<" + m.address + ">";
  if (plain_ascii(m.name)) {
    std::string quoted = "\"";
    for (const char c : m.name) {
      if (c == '"' || c == '\\') quoted += '\\';
      quoted += c;
    }
    return quoted + "\" <" + m.address + ">";
  }
  return encode_header_value(m.name) + " <" + m.address + ">";
}

std::string base64_lines(std::string_view data) {
  const std::string b = base64(data);
  std::string out;
  out.reserve(b.size() + b.size() / 38 + 2);
  for (std::size_t at = 0; at < b.size(); at += 76) {
    out.append(b, at, 76);
    out += "\r\n";
  }
  return out;
}

std::string render_mime(const Email& e) {
  const std::string mixed = boundary(e, "m");
  const std::string alt = boundary(e, "a");
  std::string out;
  out += "From: " + format_mailbox(e.from) + "\r\n";
  out += "To: " + format_mailbox(e.to) + "\r\n";
  out += "Subject: " + encode_header_value(e.subject) + "\r\n";
  out += "Date: " + e.date + "\r\n";
  out += "Message-ID: " + e.message_id + "\r\n";
  out += "MIME-Version: 1.0\r\n";
  out += "Auto-Submitted: auto-generated\r\n";
  if (e.ics.empty()) {
    out += "Content-Type: multipart/alternative;\r\n boundary=\"" + alt + "\"\r\n\r\n";
  } else {
    out += "Content-Type: multipart/mixed;\r\n boundary=\"" + mixed + "\"\r\n\r\n";
    out += "--" + mixed + "\r\n";
    out += "Content-Type: multipart/alternative;\r\n boundary=\"" + alt + "\"\r\n\r\n";
  }
  out += "--" + alt + "\r\n";
  part(out, "Content-Type: text/plain; charset=UTF-8\r\n", e.text);
  out += "--" + alt + "\r\n";
  part(out, "Content-Type: text/html; charset=UTF-8\r\n", e.html);
  out += "--" + alt + "--\r\n";
  if (!e.ics.empty()) {
    out += "--" + mixed + "\r\n";
    part(out,
         "Content-Type: text/calendar; method=" + e.ics_method +
             "; charset=UTF-8;\r\n name=\"booking.ics\"\r\n"
             "Content-Disposition: attachment; filename=\"booking.ics\"\r\n",
         e.ics);
    out += "--" + mixed + "--\r\n";
  }
  return out;
}

std::string edit_parts(std::string_view message, const std::function<void(std::string&)>& edit) {
  constexpr std::string_view kBody = "Content-Transfer-Encoding: base64\r\n\r\n";
  std::string out;
  std::size_t at = 0;
  while (true) {
    const std::size_t header = message.find(kBody, at);
    if (header == std::string_view::npos) break;
    const std::size_t body = header + kBody.size();
    // base64_lines' lines, up to the boundary line that follows them.
    std::size_t end = body;
    while (end < message.size() && message.substr(end, 2) != "--") {
      const std::size_t eol = message.find("\r\n", end);
      end = eol == std::string_view::npos ? message.size() : eol + 2;
    }
    out.append(message.substr(at, body - at));
    std::string decoded = unbase64(message.substr(body, end - body));
    const std::string before = decoded;
    edit(decoded);
    if (decoded == before) {
      out.append(message.substr(body, end - body));
    } else {
      out += base64_lines(decoded);
    }
    at = end;
  }
  out.append(message.substr(at));
  return out;
}

}  // namespace slotwise::notifier
