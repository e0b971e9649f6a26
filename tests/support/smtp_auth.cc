#include "tests/support/smtp_auth.h"

#include <openssl/evp.h>

#include <algorithm>
#include <cctype>

namespace slotwise::testing {
namespace {

constexpr const char* kMalformed = "501 5.5.2 cannot decode the response\r\n";

std::string upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return s;
}

SaslOutcome refuse(std::string reply) {
  SaslOutcome out;
  out.reply = std::move(reply);
  return out;
}

// The client's answer to a 334 challenge, decoded; sets `out` to a refusal
// (or a lost connection) and returns nullopt when there is none to use.
std::optional<std::string> answer(LineStream& io, const std::string& challenge, SaslOutcome& out) {
  std::string line;
  if (!io.send("334 " + challenge + "\r\n") || !io.next(line)) {
    out.connected = false;
    return std::nullopt;
  }
  if (line == "*") {
    out.reply = "501 5.7.0 authentication cancelled\r\n";
    return std::nullopt;
  }
  auto decoded = decode_base64(line);
  if (!decoded) out.reply = kMalformed;
  return decoded;
}

// authzid NUL authcid NUL passwd (RFC 4616 section 2).
void parse_plain(const std::string& message, SaslOutcome& out) {
  const std::size_t first = message.find('\0');
  const std::size_t second =
      first == std::string::npos ? std::string::npos : message.find('\0', first + 1);
  if (second == std::string::npos) {
    out.reply = kMalformed;
    return;
  }
  out.user = message.substr(first + 1, second - first - 1);
  out.password = message.substr(second + 1);
  out.ok = true;
}

}  // namespace

std::optional<std::string> decode_base64(std::string_view text) {
  if (text.size() % 4 != 0) return std::nullopt;
  if (text.empty()) return std::string();
  std::string out(text.size() / 4 * 3, '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(text.data()),
                                static_cast<int>(text.size()));
  if (n < 0) return std::nullopt;
  // EVP_DecodeBlock counts the bytes that padding stands for; drop them.
  const std::size_t pad = text.ends_with("==") ? 2 : text.ends_with("=") ? 1 : 0;
  out.resize(static_cast<std::size_t>(n) - pad);
  return out;
}

SaslOutcome read_sasl(LineStream& io, const std::string& args,
                      const std::vector<std::string>& offered) {
  const std::size_t space = args.find(' ');
  const std::string mechanism = upper(args.substr(0, space));
  const std::string initial = space == std::string::npos ? std::string() : args.substr(space + 1);
  if (std::find(offered.begin(), offered.end(), mechanism) == offered.end()) {
    return refuse("504 5.5.4 unrecognized authentication type\r\n");
  }
  SaslOutcome out;
  out.mechanism = mechanism;
  if (mechanism == "PLAIN") {
    std::optional<std::string> message;
    if (initial.empty()) {
      message = answer(io, "", out);
    } else {
      message = initial == "=" ? std::string() : decode_base64(initial);
      if (!message) out.reply = kMalformed;
    }
    if (message) parse_plain(*message, out);
    return out;
  }
  // LOGIN: "Username:" and "Password:" challenges, base64-encoded.
  std::optional<std::string> user =
      initial.empty() ? answer(io, "VXNlcm5hbWU6", out) : decode_base64(initial);
  if (!user) {
    if (out.reply.empty() && out.connected) out.reply = kMalformed;
    return out;
  }
  std::optional<std::string> password = answer(io, "UGFzc3dvcmQ6", out);
  if (!password) return out;
  out.user = std::move(*user);
  out.password = std::move(*password);
  out.ok = true;
  return out;
}

}  // namespace slotwise::testing
