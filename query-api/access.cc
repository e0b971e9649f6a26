#include "query-api/access.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <array>
#include <cctype>

#include "auth/base64url.h"

namespace slotwise::query {

bool Access::has_bearer(const httplib::Request& req) { return req.has_header("Authorization"); }

std::optional<auth::JwtClaims> Access::bearer(const httplib::Request& req,
                                              domain::Instant now) const {
  const std::string header = req.get_header_value("Authorization");
  constexpr std::string_view kPrefix = "Bearer ";
  if (header.size() <= kPrefix.size() || !header.starts_with(kPrefix)) return std::nullopt;
  const std::string_view view = header;
  auto claims = jwt_.verify(view.substr(kPrefix.size()), now);
  if (!claims || claims.value().subject.empty()) return std::nullopt;
  return std::move(claims).value();
}

std::string Access::feed_token(std::string_view business_id, std::int64_t generation) const {
  std::string message(business_id);
  // Generation 0 signs the bare id: the tokens issued before resets existed
  // stay valid until the owner's first reset.
  if (generation != 0) message += "\n" + std::to_string(generation);
  std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
  unsigned int len = 0;
  HMAC(EVP_sha256(), feed_secret_.data(), static_cast<int>(feed_secret_.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), mac.data(), &len);
  return auth::base64url_encode(std::string_view(reinterpret_cast<const char*>(mac.data()), len));
}

bool Access::feed_token_matches(std::string_view business_id, std::int64_t generation,
                                std::string_view token) const {
  const std::string expected = feed_token(business_id, generation);
  return token.size() == expected.size() &&
         CRYPTO_memcmp(token.data(), expected.data(), expected.size()) == 0;
}

bool Access::feed_token_shaped(std::string_view token) {
  constexpr std::size_t kSha256Base64url = 43;
  return token.size() == kSha256Base64url && std::all_of(token.begin(), token.end(), [](char c) {
           return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '_';
         });
}

}  // namespace slotwise::query
