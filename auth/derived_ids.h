// Ids and tokens the command side derives instead of drawing at random.
//
// Booking ids name their business: "bkg_" + the 22 characters of the
// business id + 22 random base62 characters (48 characters). Routes such as
// POST /v1/bookings/{id}/cancel carry only the booking id, and every booking
// lives in its business's calendar aggregate; embedding the business keeps
// the command side free of any lookup index (it writes nothing but the log)
// and costs no secrecy, because business ids are public (they appear in the
// public booking URL). Clients still treat ids as opaque strings.
//
// derived_id() makes an id from a seed (e.g. owner + Idempotency-Key), so a
// retried create lands on the same aggregate and finds its own first attempt.
//
// derive_manage_token() makes a booking's manage token as
// HMAC-SHA256(key, "slotwise-manage-token:" + booking_id), base64url (43
// characters). The log keeps only its SHA-256, as for random tokens, but an
// idempotent retry of the booking request can answer with the same token the
// first response carried. Whoever holds the key can mint tokens: keep it with
// the JWT key (docs/adr/0007-command-api.md).
//
// Thread safety: pure functions (new_booking_id uses RAND_bytes).
// Errors: TokenError when RAND_bytes or HMAC fails; nullopt for ids that do
// not parse.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "auth/tokens.h"
#include "common/result.h"

namespace slotwise::auth {

inline constexpr std::size_t kBookingIdChars = 4 + 2 * kIdRandomChars;

// A new booking id of `business_id` (which must be a valid biz_ id).
[[nodiscard]] TokenResult<std::string> new_booking_id(std::string_view business_id);

// The business id a booking id names; nullopt if it is not a booking id.
[[nodiscard]] std::optional<std::string> business_of_booking(std::string_view booking_id);

// A valid id of `kind` that depends only on `seed` (SHA-256 based).
[[nodiscard]] std::string derived_id(IdKind kind, std::string_view seed);

// The manage token of `booking_id` under `key` (at least 32 bytes).
[[nodiscard]] TokenResult<ManageToken> derive_manage_token(std::string_view key,
                                                           std::string_view booking_id);

}  // namespace slotwise::auth
