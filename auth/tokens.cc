#include "auth/tokens.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <algorithm>
#include <array>
#include <cstdint>

#include "auth/base64url.h"

namespace slotwise::auth {
namespace {

using common::fail;

constexpr std::string_view kBase62 =
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

bool is_base62(char c) {
  return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

}  // namespace

const char* id_prefix(IdKind kind) {
  switch (kind) {
    case IdKind::user:
      return "usr_";
    case IdKind::business:
      return "biz_";
    case IdKind::service:
      return "svc_";
    case IdKind::booking:
      return "bkg_";
  }
  return "unk_";
}

TokenResult<std::string> new_id(IdKind kind) {
  std::string id = id_prefix(kind);
  std::array<unsigned char, 64> random{};
  std::size_t used = random.size();
  // Booking ids have room for their business's part (derived_ids.h); a bare
  // new_id(booking) fills it with random characters too.
  const std::size_t chars = kind == IdKind::booking ? 2 * kIdRandomChars : kIdRandomChars;
  while (id.size() < 4 + chars) {
    if (used == random.size()) {
      if (RAND_bytes(random.data(), static_cast<int>(random.size())) != 1) {
        return fail(TokenError{"RAND_bytes failed"});
      }
      used = 0;
    }
    // Rejection sampling: bytes >= 248 (= 4 * 62) are skipped, so every
    // character is exactly uniform (no modulo bias).
    const unsigned char b = random[used++];
    if (b < 248) id += kBase62[b % 62];
  }
  return id;
}

bool is_valid_id(std::string_view id, IdKind kind) {
  const std::string_view prefix = id_prefix(kind);
  // Booking ids carry their business's random part too (derived_ids.h).
  const std::size_t chars = kind == IdKind::booking ? 2 * kIdRandomChars : kIdRandomChars;
  if (id.size() != prefix.size() + chars || id.substr(0, prefix.size()) != prefix) {
    return false;
  }
  return std::ranges::all_of(id.substr(prefix.size()), is_base62);
}

TokenResult<ManageToken> new_manage_token() {
  std::array<unsigned char, 32> random{};
  if (RAND_bytes(random.data(), static_cast<int>(random.size())) != 1) {
    return fail(TokenError{"RAND_bytes failed"});
  }
  ManageToken t;
  t.token = base64url_encode({reinterpret_cast<const char*>(random.data()), random.size()});
  OPENSSL_cleanse(random.data(), random.size());
  t.sha256_hex = sha256_hex(t.token);
  return t;
}

std::string sha256_hex(std::string_view data) {
  std::array<unsigned char, SHA256_DIGEST_LENGTH> digest{};
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest.data());
  constexpr std::string_view kHex = "0123456789abcdef";
  std::string out;
  out.reserve(digest.size() * 2);
  for (const unsigned char b : digest) {
    out += kHex[b >> 4U];
    out += kHex[b & 0xFU];
  }
  return out;
}

bool manage_token_matches(std::string_view token, std::string_view stored_sha256_hex) {
  if (token.size() != kManageTokenChars || stored_sha256_hex.size() != 64) return false;
  const std::string presented = sha256_hex(token);
  return CRYPTO_memcmp(presented.data(), stored_sha256_hex.data(), presented.size()) == 0;
}

}  // namespace slotwise::auth
