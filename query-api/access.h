// Access: who may read what. Owners authenticate with an HS256 JWT
// (Authorization: Bearer, auth::JwtCodec; `sub` is the user id, compared with
// businesses.owner_user_id); customers with their booking's manage token
// (its SHA-256 compared in constant time with bookings.manage_token_sha256);
// calendar apps with a per-business feed token,
// base64url(HMAC-SHA256(feed secret, business id)), compared in constant
// time.
//
// Thread safety: immutable after construction; use from any thread.
// Errors: none; a missing or invalid credential is simply "no access".
#pragma once

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
  // The `sub` of a genuine, unexpired Bearer token; nullopt otherwise.
  [[nodiscard]] std::optional<std::string> bearer_user(const httplib::Request& req,
                                                       domain::Instant now) const;
  [[nodiscard]] std::string feed_token(std::string_view business_id) const;
  [[nodiscard]] bool feed_token_matches(std::string_view business_id, std::string_view token) const;

 private:
  auth::JwtCodec jwt_;
  std::string feed_secret_;
};

}  // namespace slotwise::query
