// Base64url without padding (RFC 4648 §5, as JWTs use it, RFC 7515 §2).
//
// Decoding is strict so that one token has exactly one textual form: padding
// '=', characters outside [A-Za-z0-9-_], an impossible length (4n+1) and
// non-zero unused bits in the last character are all refused. A lenient
// decoder would accept several spellings of one signature.
//
// Thread safety: pure functions.
// Errors: base64url_decode returns nullopt for anything that is not the
// canonical encoding of some byte string.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace slotwise::auth {

[[nodiscard]] std::string base64url_encode(std::string_view bytes);

[[nodiscard]] std::optional<std::string> base64url_decode(std::string_view text);

}  // namespace slotwise::auth
