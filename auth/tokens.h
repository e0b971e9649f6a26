// Opaque identifiers and manage tokens.
//
// Ids are a type prefix and 22 base62 characters (~131 random bits), as
// Stripe's are: "usr_4eC39HqLyjWDarjtT1zdp7", "biz_…", "svc_…". Booking ids
// "bkg_…" have 44: their business's 22 and 22 random (derived_ids.h). The
// prefix makes a pasted id self-describing and lets an API refuse an id of
// the wrong type before any lookup; a slug never contains '_', so a path
// segment holding either is never ambiguous. Random, not sequential: ids leak
// nothing about volume and cannot be enumerated.
//
// A manage token lets a customer cancel or reschedule a booking without an
// account: 32 random bytes, base64url (43 characters). Only its SHA-256 (hex)
// is stored in the event log, so a log reader cannot act on bookings;
// manage_token_matches() compares a presented token against the stored hash
// in constant time.
//
// All randomness comes from OpenSSL's RAND_bytes (a CSPRNG).
//
// Thread safety: pure functions; RAND_bytes is thread-safe.
// Errors: TokenError when RAND_bytes fails (the only failure).
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"

namespace slotwise::auth {

enum class IdKind { user, business, service, booking };

// "usr_", "biz_", "svc_", "bkg_".
[[nodiscard]] const char* id_prefix(IdKind kind);

inline constexpr std::size_t kIdRandomChars = 22;
inline constexpr std::size_t kManageTokenChars = 43;

struct TokenError {
  std::string message;
};

template <class T>
using TokenResult = common::Result<T, TokenError>;

// A new random id of `kind`.
[[nodiscard]] TokenResult<std::string> new_id(IdKind kind);

// True if `id` is the prefix of `kind` followed by exactly 22 base62 characters.
[[nodiscard]] bool is_valid_id(std::string_view id, IdKind kind);

struct ManageToken {
  std::string token;       // give to the customer once; never store or log it
  std::string sha256_hex;  // store this
};

[[nodiscard]] TokenResult<ManageToken> new_manage_token();

// Lowercase hex SHA-256 of `data` (64 characters).
[[nodiscard]] std::string sha256_hex(std::string_view data);

// True if `token` is well-formed and its SHA-256 equals `stored_sha256_hex`.
[[nodiscard]] bool manage_token_matches(std::string_view token, std::string_view stored_sha256_hex);

}  // namespace slotwise::auth
