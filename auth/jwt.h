// JwtCodec: HS256 JSON Web Tokens (RFC 7519) for owner authentication.
//
// Tokens carry sub (the user id), iss, aud, iat, exp and optionally nbf, as
// integer NumericDates, and optionally "sgn": the owner's session generation
// when the token was issued (a non-negative integer; domain/account.h), by
// which a password change ends every earlier session whatever second it was
// issued in. Tokens issued before sgn existed have none.
//
// Verification is deliberately narrow, because most JWT vulnerabilities come
// from accepting too much:
//  - the header's alg must be exactly "HS256": "none", "HS512", "RS256" (key
//    confusion) and a missing alg are unsupported_algorithm; a header with
//    "crit" is refused; typ, if present, must be "JWT";
//  - header and payload are parsed with the strict JSON parser (duplicate
//    keys such as two "alg"s are refused) from strict base64url;
//  - the signature is checked (CRYPTO_memcmp, constant time) before any claim
//    is looked at, so claim errors are only reported for genuine tokens;
//  - exp and iat are required integers, sgn an optional one in 0..2^53-1;
//    the token is expired when now >= exp + leeway and not yet valid when
//    now + leeway < nbf;
//  - iss must equal the configured issuer; aud must be, or (as an array)
//    contain, the configured audience.
//
// The key is an HMAC secret of at least 32 bytes (RFC 7518 §3.2: at least
// the hash size), given directly or read from a secret file.
//
// Thread safety: a JwtCodec is immutable; sign/verify may run concurrently.
// Errors: JwtError with a JwtErrorCode (see below) and a message for logs.
// Never show the message to clients: the API answers every JwtError with the
// same 401.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"

namespace slotwise::auth {

enum class JwtErrorCode {
  malformed,              // not three strict base64url parts of JSON objects, bad claims
  unsupported_algorithm,  // alg is not exactly HS256 (e.g. "none")
  bad_signature,          // the HMAC does not match: wrong key or altered token
  expired,                // now >= exp + leeway
  not_yet_valid,          // now + leeway < nbf
  wrong_issuer,           // iss differs from the configured issuer
  wrong_audience,         // aud does not name the configured audience
  invalid_key,            // the secret is shorter than 32 bytes or unreadable
  internal,               // OpenSSL failed to compute the HMAC
};

[[nodiscard]] const char* to_string(JwtErrorCode code);

struct JwtError {
  JwtErrorCode code;
  std::string message;
};

template <class T>
using JwtResult = common::Result<T, JwtError>;

struct JwtClaims {
  std::string subject;                                 // sub
  std::string issuer;                                  // iss
  std::string audience;                                // aud
  std::chrono::sys_seconds issued_at{};                // iat
  std::chrono::sys_seconds expires_at{};               // exp
  std::optional<std::chrono::sys_seconds> not_before;  // nbf
  std::optional<std::int64_t> session_generation;      // sgn

  friend bool operator==(const JwtClaims&, const JwtClaims&) = default;
};

// An HMAC-SHA256 secret. Wiped from memory when destroyed.
class JwtKey {
 public:
  static constexpr std::size_t kMinBytes = 32;

  // `secret` as given (at least kMinBytes bytes).
  [[nodiscard]] static JwtResult<JwtKey> from_secret(std::string secret);
  // The contents of the file at `path`, trailing CR/LF removed (so a file
  // written by `echo` works); at least kMinBytes bytes must remain.
  [[nodiscard]] static JwtResult<JwtKey> from_file(const std::string& path);

  JwtKey(const JwtKey&) = default;
  JwtKey& operator=(const JwtKey&) = default;
  JwtKey(JwtKey&& other) noexcept = default;
  JwtKey& operator=(JwtKey&& other) noexcept = default;
  ~JwtKey();

  [[nodiscard]] std::string_view bytes() const { return secret_; }

 private:
  explicit JwtKey(std::string secret) : secret_(std::move(secret)) {}
  std::string secret_;
};

struct JwtSettings {
  std::string issuer;    // e.g. "slotwise"
  std::string audience;  // e.g. "slotwise-api"
  // Tolerated clock difference between the issuing and the verifying host.
  std::chrono::seconds leeway{30};
};

class JwtCodec {
 public:
  // Tokens longer than this are malformed without further work.
  static constexpr std::size_t kMaxTokenBytes = 8192;

  JwtCodec(JwtKey key, JwtSettings settings)
      : key_(std::move(key)), settings_(std::move(settings)) {}

  // A signed token for exactly `claims`.
  [[nodiscard]] JwtResult<std::string> sign(const JwtClaims& claims) const;

  // A token for `subject` with our issuer and audience, iat = now,
  // exp = now + ttl and, when given, sgn = session_generation.
  [[nodiscard]] JwtResult<std::string> issue(
      std::string_view subject, std::chrono::sys_seconds now, std::chrono::seconds ttl,
      std::optional<std::int64_t> session_generation = std::nullopt) const;

  // The claims of `token` if it is genuine and valid at `now`.
  [[nodiscard]] JwtResult<JwtClaims> verify(std::string_view token,
                                            std::chrono::sys_seconds now) const;

  [[nodiscard]] const JwtSettings& settings() const { return settings_; }

 private:
  [[nodiscard]] JwtResult<std::string> mac(std::string_view signing_input) const;

  JwtKey key_;
  JwtSettings settings_;
};

}  // namespace slotwise::auth
