#include "auth/derived_ids.h"

#include <openssl/sha.h>

#include <array>
#include <string>

#include "auth/base64url.h"
#include "auth/hmac_sha256.h"

namespace slotwise::auth {
namespace {

using common::fail;

constexpr std::string_view kBase62 =
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
constexpr std::string_view kManageTokenLabel = "slotwise-manage-token:";

}  // namespace

TokenResult<std::string> new_booking_id(std::string_view business_id) {
  if (!is_valid_id(business_id, IdKind::business)) {
    return fail(TokenError{"not a business id"});
  }
  auto random = new_id(IdKind::service);
  if (!random) return fail(random.error());
  std::string id = "bkg_";
  id.append(business_id.substr(4));
  const std::string_view random_part = *random;
  id.append(random_part.substr(4));
  return id;
}

std::optional<std::string> business_of_booking(std::string_view booking_id) {
  if (!is_valid_id(booking_id, IdKind::booking)) return std::nullopt;
  return "biz_" + std::string(booking_id.substr(4, kIdRandomChars));
}

std::string derived_id(IdKind kind, std::string_view seed) {
  std::string id = id_prefix(kind);
  std::array<unsigned char, SHA256_DIGEST_LENGTH> digest{};
  std::string input(seed);
  while (id.size() < 4 + kIdRandomChars) {
    SHA256(reinterpret_cast<const unsigned char*>(input.data()), input.size(), digest.data());
    // Same rejection sampling as new_id(): no modulo bias.
    for (const unsigned char b : digest) {
      if (b < 248 && id.size() < 4 + kIdRandomChars) id += kBase62[b % 62];
    }
    input.assign(reinterpret_cast<const char*>(digest.data()), digest.size());
  }
  if (kind == IdKind::booking) {
    // Booking ids have a business part; a derived one repeats its characters.
    id += id.substr(4);
  }
  return id;
}

TokenResult<ManageToken> derive_manage_token(std::string_view key, std::string_view booking_id) {
  if (key.size() < 32) return fail(TokenError{"manage token key shorter than 32 bytes"});
  std::string message(kManageTokenLabel);
  message.append(booking_id);
  auto mac = hmac_sha256(key, message);
  if (!mac) return fail(mac.error());
  ManageToken t;
  t.token = base64url_encode(*mac);
  t.sha256_hex = sha256_hex(t.token);
  return t;
}

}  // namespace slotwise::auth
