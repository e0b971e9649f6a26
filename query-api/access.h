// Access: who may read what. Owners authenticate with an HS256 JWT
// (Authorization: Bearer, auth::JwtCodec; `sub` is the user id, compared with
// businesses.owner_user_id) of the account's current session, which the
// API checks against the accounts read model once the request may read it
// (QueryApi::owner_session, auth/owner_session.h); customers with their booking's manage token
// (its SHA-256 compared in constant time with bookings.manage_token_sha256);
// calendar apps with a per-business feed token,
// base64url(HMAC-SHA256(feed secret, business id)) for a business whose feed
// was never reset (generation 0: the tokens issued before resets existed),
// base64url(HMAC-SHA256(feed secret, business id + "\n" + generation))
// after the owner's N-th reset (generation N), compared in constant time.
// A reset (CalendarFeedReset) thereby revokes every earlier token.
//
// Thread safety: immutable after construction; use from any thread.
// Errors: none; a missing or invalid credential is simply "no access".
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <httplib.h>

#include "auth/jwt.h"
#include "domain/instant.h"

namespace slotwise::query {

class Access {
 public:
  Access(auth::JwtCodec jwt, std::string feed_secret)
      : jwt_(std::move(jwt)), feed_secret_(std::move(feed_secret)) {}

  // Whether the request carries an Authorization header at all.
  [[nodiscard]] static bool has_bearer(const httplib::Request& req);
  // The claims of a genuine, unexpired Bearer token with a subject; nullopt
  // otherwise. Whether its session is current is the caller's to check.
  [[nodiscard]] std::optional<auth::JwtClaims> bearer(const httplib::Request& req,
                                                      domain::Instant now) const;
  [[nodiscard]] std::string feed_token(std::string_view business_id, std::int64_t generation) const;
  [[nodiscard]] bool feed_token_matches(std::string_view business_id, std::int64_t generation,
                                        std::string_view token) const;
  // Whether `token` could be a feed token at all (43 base64url characters):
  // lets a request with a malformed one be refused before any lookup.
  [[nodiscard]] static bool feed_token_shaped(std::string_view token);

 private:
  auth::JwtCodec jwt_;
  std::string feed_secret_;
};

}  // namespace slotwise::query
