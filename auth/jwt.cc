#include "auth/jwt.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <array>
#include <cerrno>
#include <cstdint>
#include <fstream>
#include <iterator>
#include <system_error>
#include <utility>

#include "auth/base64url.h"
#include "service/json_body.h"

namespace slotwise::auth {
namespace {

using common::fail;

constexpr std::size_t kMacBytes = 32;
// NumericDates are accepted from 1970 to the end of year 9999: keeps
// exp + leeway far from overflow.
constexpr service::IntRange kNumericDate{0, 253402300799};
// A session generation counts password changes; 2^53 - 1 keeps it exact in
// any JSON reader.
constexpr service::IntRange kSessionGeneration{0, 9007199254740991};

common::Unexpected<JwtError> error(JwtErrorCode code, std::string message) {
  return fail(JwtError{code, std::move(message)});
}

void write_string(rapidjson::Writer<rapidjson::StringBuffer>& w, std::string_view s) {
  w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
}

// The header every token we sign has: fixed, so it is encoded once.
const std::string& encoded_header() {
  static const std::string header = base64url_encode(R"({"alg":"HS256","typ":"JWT"})");
  return header;
}

// Decodes one base64url part into a strictly parsed JSON object.
JwtResult<rapidjson::Document> decode_part(std::string_view part, const char* what) {
  auto bytes = base64url_decode(part);
  if (!bytes) return error(JwtErrorCode::malformed, std::string(what) + " is not base64url");
  auto doc = service::parse_json(*bytes);
  if (!doc.ok()) {
    return error(JwtErrorCode::malformed, std::string(what) + ": " + doc.error().message);
  }
  if (!doc.value().IsObject()) {
    return error(JwtErrorCode::malformed, std::string(what) + " is not a JSON object");
  }
  return std::move(doc).value();
}

JwtResult<common::Unit> check_header(const rapidjson::Document& header) {
  const auto alg = header.FindMember("alg");
  if (alg == header.MemberEnd() || !alg->value.IsString() ||
      std::string_view(alg->value.GetString(), alg->value.GetStringLength()) != "HS256") {
    return error(JwtErrorCode::unsupported_algorithm, "alg must be HS256");
  }
  if (header.HasMember("crit")) {
    return error(JwtErrorCode::malformed, "critical header extensions are not supported");
  }
  const auto typ = header.FindMember("typ");
  if (typ != header.MemberEnd() &&
      (!typ->value.IsString() ||
       std::string_view(typ->value.GetString(), typ->value.GetStringLength()) != "JWT")) {
    return error(JwtErrorCode::malformed, "typ must be JWT");
  }
  return common::Unit{};
}

// True if aud (a string or an array of strings) names `audience`.
bool audience_matches(const rapidjson::Value& aud, std::string_view audience, bool& well_formed) {
  well_formed = true;
  if (aud.IsString()) return std::string_view(aud.GetString(), aud.GetStringLength()) == audience;
  if (!aud.IsArray()) {
    well_formed = false;
    return false;
  }
  bool found = false;
  for (const auto& v : aud.GetArray()) {
    if (!v.IsString()) {
      well_formed = false;
      return false;
    }
    found = found || std::string_view(v.GetString(), v.GetStringLength()) == audience;
  }
  return found;
}

// The claims of a payload whose signature has been checked. `audience_ok`:
// aud names the audience we were given.
struct PayloadClaims {
  JwtClaims claims;
  bool audience_ok = false;
};

template <class T>
const service::ApiError* error_of(const service::ApiResult<T>& r) {
  return r.ok() ? nullptr : &r.error();
}

std::chrono::sys_seconds to_time(std::int64_t seconds) {
  return std::chrono::sys_seconds{std::chrono::seconds{seconds}};
}

JwtResult<PayloadClaims> read_claims(const rapidjson::Document& payload,
                                     std::string_view audience) {
  const auto object = service::JsonObject::of(payload);
  if (!object.ok()) return error(JwtErrorCode::malformed, object.error().message);
  const service::JsonObject& json = object.value();
  auto sub = json.required_string("sub", service::StringRule{1, 255});
  auto iss = json.required_string("iss", service::StringRule{0, 255});
  auto iat = json.required_int("iat", kNumericDate);
  auto exp = json.required_int("exp", kNumericDate);
  auto nbf = json.optional_int("nbf", kNumericDate);
  auto sgn = json.optional_int("sgn", kSessionGeneration);
  for (const service::ApiError* e :
       {error_of(sub), error_of(iss), error_of(iat), error_of(exp), error_of(nbf), error_of(sgn)}) {
    if (e != nullptr) return error(JwtErrorCode::malformed, "claim " + e->message);
  }
  const auto aud = json.value().FindMember("aud");
  if (aud == json.value().MemberEnd()) {
    return error(JwtErrorCode::malformed, "claim field 'aud' is required");
  }
  PayloadClaims out;
  bool aud_well_formed = true;
  out.audience_ok = audience_matches(aud->value, audience, aud_well_formed);
  if (!aud_well_formed) {
    return error(JwtErrorCode::malformed, "claim 'aud' must be a string or an array of strings");
  }
  out.claims.subject = std::move(sub).value();
  out.claims.issuer = std::move(iss).value();
  out.claims.issued_at = to_time(iat.value());
  out.claims.expires_at = to_time(exp.value());
  if (nbf.value()) out.claims.not_before = to_time(*nbf.value());
  out.claims.session_generation = sgn.value();
  return out;
}

}  // namespace

const char* to_string(JwtErrorCode code) {
  switch (code) {
    case JwtErrorCode::malformed:
      return "malformed";
    case JwtErrorCode::unsupported_algorithm:
      return "unsupported_algorithm";
    case JwtErrorCode::bad_signature:
      return "bad_signature";
    case JwtErrorCode::expired:
      return "expired";
    case JwtErrorCode::not_yet_valid:
      return "not_yet_valid";
    case JwtErrorCode::wrong_issuer:
      return "wrong_issuer";
    case JwtErrorCode::wrong_audience:
      return "wrong_audience";
    case JwtErrorCode::invalid_key:
      return "invalid_key";
    case JwtErrorCode::internal:
      return "internal";
  }
  return "internal";
}

// --- JwtKey --------------------------------------------------------------

JwtKey::~JwtKey() {
  if (!secret_.empty()) OPENSSL_cleanse(secret_.data(), secret_.size());
}

JwtResult<JwtKey> JwtKey::from_secret(std::string secret) {
  if (secret.size() < kMinBytes) {
    OPENSSL_cleanse(secret.data(), secret.size());
    return error(JwtErrorCode::invalid_key,
                 "JWT secret must be at least " + std::to_string(kMinBytes) + " bytes");
  }
  return JwtKey(std::move(secret));
}

JwtResult<JwtKey> JwtKey::from_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return error(JwtErrorCode::invalid_key,
                 "cannot open JWT secret file " + path + ": " +
                     std::error_code(errno, std::generic_category()).message());
  }
  std::string secret((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) return error(JwtErrorCode::invalid_key, "cannot read JWT secret file " + path);
  while (!secret.empty() && (secret.back() == '\n' || secret.back() == '\r')) secret.pop_back();
  auto key = from_secret(std::move(secret));
  if (!key.ok()) {
    return error(JwtErrorCode::invalid_key, "JWT secret file " + path + ": " + key.error().message);
  }
  return key;
}

// --- JwtCodec ------------------------------------------------------------

JwtResult<std::string> JwtCodec::mac(std::string_view signing_input) const {
  std::array<unsigned char, EVP_MAX_MD_SIZE> out{};
  unsigned int length = 0;
  const std::string_view key = key_.bytes();
  if (HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
           reinterpret_cast<const unsigned char*>(signing_input.data()), signing_input.size(),
           out.data(), &length) == nullptr ||
      length != kMacBytes) {
    return error(JwtErrorCode::internal, "HMAC-SHA256 failed");
  }
  return std::string(reinterpret_cast<const char*>(out.data()), length);
}

JwtResult<std::string> JwtCodec::sign(const JwtClaims& claims) const {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  w.Key("sub");
  write_string(w, claims.subject);
  w.Key("iss");
  write_string(w, claims.issuer);
  w.Key("aud");
  write_string(w, claims.audience);
  w.Key("iat");
  w.Int64(claims.issued_at.time_since_epoch().count());
  w.Key("exp");
  w.Int64(claims.expires_at.time_since_epoch().count());
  if (claims.not_before) {
    w.Key("nbf");
    w.Int64(claims.not_before->time_since_epoch().count());
  }
  if (claims.session_generation) {
    w.Key("sgn");
    w.Int64(*claims.session_generation);
  }
  w.EndObject();
  std::string token = encoded_header();
  token += '.';
  token += base64url_encode({buf.GetString(), buf.GetSize()});
  auto signature = mac(token);
  if (!signature.ok()) return fail(std::move(signature).error());
  token += '.';
  token += base64url_encode(signature.value());
  return token;
}

JwtResult<std::string> JwtCodec::issue(std::string_view subject, std::chrono::sys_seconds now,
                                       std::chrono::seconds ttl,
                                       std::optional<std::int64_t> session_generation) const {
  JwtClaims claims;
  claims.subject = std::string(subject);
  claims.issuer = settings_.issuer;
  claims.audience = settings_.audience;
  claims.issued_at = now;
  claims.expires_at = now + ttl;
  claims.session_generation = session_generation;
  return sign(claims);
}

JwtResult<JwtClaims> JwtCodec::verify(std::string_view token, std::chrono::sys_seconds now) const {
  if (token.size() > kMaxTokenBytes) return error(JwtErrorCode::malformed, "token is too long");
  const auto first_dot = token.find('.');
  const auto second_dot =
      first_dot == std::string_view::npos ? std::string_view::npos : token.find('.', first_dot + 1);
  if (second_dot == std::string_view::npos ||
      token.find('.', second_dot + 1) != std::string_view::npos) {
    return error(JwtErrorCode::malformed, "a JWT has exactly three parts");
  }
  const std::string_view header_part = token.substr(0, first_dot);
  const std::string_view payload_part = token.substr(first_dot + 1, second_dot - first_dot - 1);
  const std::string_view signature_part = token.substr(second_dot + 1);

  // 1. The header decides how to verify: only HS256.
  auto header = decode_part(header_part, "header");
  if (!header.ok()) return fail(std::move(header).error());
  if (auto ok = check_header(header.value()); !ok.ok()) return fail(std::move(ok).error());

  // 2. The signature, before trusting anything in the payload.
  const auto signature = base64url_decode(signature_part);
  if (!signature || signature->size() != kMacBytes) {
    return error(JwtErrorCode::malformed, "signature is not a base64url HMAC-SHA256");
  }
  auto expected = mac(token.substr(0, second_dot));
  if (!expected.ok()) return fail(std::move(expected).error());
  if (CRYPTO_memcmp(expected.value().data(), signature->data(), kMacBytes) != 0) {
    return error(JwtErrorCode::bad_signature, "signature does not match");
  }

  // 3. The claims.
  auto payload = decode_part(payload_part, "payload");
  if (!payload.ok()) return fail(std::move(payload).error());
  auto read = read_claims(payload.value(), settings_.audience);
  if (!read.ok()) return fail(std::move(read).error());
  JwtClaims claims = std::move(read.value().claims);
  if (claims.issuer != settings_.issuer) {
    return error(JwtErrorCode::wrong_issuer, "issuer '" + claims.issuer + "' is not accepted");
  }
  if (!read.value().audience_ok) {
    return error(JwtErrorCode::wrong_audience, "token is not for this audience");
  }
  if (now >= claims.expires_at + settings_.leeway) {
    return error(JwtErrorCode::expired, "token expired");
  }
  if (claims.not_before && now + settings_.leeway < *claims.not_before) {
    return error(JwtErrorCode::not_yet_valid, "token is not valid yet");
  }
  claims.audience = settings_.audience;
  return claims;
}

}  // namespace slotwise::auth
