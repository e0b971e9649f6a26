#include "notifier/link_token.h"

#include <charconv>
#include <vector>

#include "auth/derived_ids.h"
#include "auth/password_reset_token.h"
#include "notifier/mime.h"

namespace slotwise::notifier {
namespace {

constexpr std::string_view kFragment = "#token=";
constexpr std::string_view kFold = "\r\n ";  // an .ics line fold (domain/ics.h)

std::vector<std::string_view> split(std::string_view ref) {
  std::vector<std::string_view> out;
  while (true) {
    const std::size_t colon = ref.find(':');
    out.push_back(ref.substr(0, colon));
    if (colon == std::string_view::npos) return out;
    ref.remove_prefix(colon + 1);
  }
}

// The length of `needle` matched at `at` of `text`, where a fold may sit
// between two of its characters; 0 when it does not match there.
std::size_t folded_match(std::string_view text, std::size_t at, std::string_view needle) {
  std::size_t i = at;
  for (std::size_t k = 0; k < needle.size(); ++k) {
    if (k > 0 && text.substr(i, kFold.size()) == kFold) i += kFold.size();
    if (i >= text.size() || text[i] != needle[k]) return 0;
    ++i;
  }
  return i - at;
}

// Replaces each `needle` in `text` by `replacement` (of the same length)
// character by character, keeping folds where they are; how many it replaced.
std::size_t replace_folded(std::string& text, std::string_view needle,
                           std::string_view replacement) {
  std::size_t replaced = 0;
  for (std::size_t at = text.find(needle.front()); at != std::string::npos;
       at = text.find(needle.front(), at + 1)) {
    const std::size_t length = folded_match(text, at, needle);
    if (length == 0) continue;
    std::size_t k = 0;
    for (std::size_t i = at; i < at + length; ++i) {
      if (text.compare(i, kFold.size(), kFold) == 0 && k > 0) {
        i += kFold.size() - 1;
        continue;
      }
      text[i] = replacement[k++];
    }
    ++replaced;
    at += length - 1;
  }
  return replaced;
}

}  // namespace

std::string manage_token_ref(std::string_view booking_id) {
  return "manage:" + std::string(booking_id);
}

std::string password_reset_token_ref(std::string_view user_id, std::string_view request_id,
                                     domain::Instant expires_at) {
  return "password_reset:" + std::string(user_id) + ":" + std::string(request_id) + ":" +
         std::to_string(expires_at.time_since_epoch().count());
}

common::Result<std::string, std::string> derive_link_token(std::string_view key,
                                                           std::string_view ref) {
  if (key.empty()) {
    return common::fail(std::string(
        "the link's token cannot be derived: no manage_key_file (links were on when this "
        "message was planned; set public_base_url and manage_key_file)"));
  }
  const auto parts = split(ref);
  if (parts.size() == 2 && parts[0] == "manage") {
    auto token = auth::derive_manage_token(key, parts[1]);
    if (token) return token->token;
  } else if (parts.size() == 4 && parts[0] == "password_reset") {
    std::int64_t expires = 0;
    const auto [p, ec] =
        std::from_chars(parts[3].data(), parts[3].data() + parts[3].size(), expires);
    if (ec == std::errc{} && p == parts[3].data() + parts[3].size()) {
      auto token = auth::derive_password_reset_token(
          key, parts[1], parts[2], std::chrono::sys_seconds{std::chrono::seconds{expires}});
      if (token) return *token;
    }
  }
  return common::fail("the link's token cannot be derived from '" + std::string(ref) + "'");
}

std::string without_token(std::string_view link) {
  const std::size_t at = link.find(kFragment);
  if (at == std::string_view::npos) return std::string(link);
  const std::size_t token = at + kFragment.size();
  return std::string(link.substr(0, token)) + std::string(link.size() - token, '*');
}

common::Result<std::string, std::string> with_link_token(std::string_view message,
                                                         std::string_view token) {
  const std::string needle = std::string(kFragment) + std::string(token.size(), '*');
  const std::string replacement = std::string(kFragment) + std::string(token);
  std::size_t replaced = 0;
  std::string out = edit_parts(
      message, [&](std::string& body) { replaced += replace_folded(body, needle, replacement); });
  if (replaced == 0) {
    return common::fail(std::string("the stored message has no place for the link's token"));
  }
  return out;
}

}  // namespace slotwise::notifier
