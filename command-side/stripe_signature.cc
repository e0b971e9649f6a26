#include "command-side/stripe_signature.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>
#include <charconv>
#include <cstdint>
#include <optional>

namespace slotwise::command {
namespace {

constexpr std::size_t kSha256Hex = 64;

std::string to_hex(const unsigned char* data, std::size_t size) {
  static constexpr std::string_view kDigits = "0123456789abcdef";
  std::string out;
  out.reserve(size * 2);
  for (std::size_t i = 0; i < size; ++i) {
    out.push_back(kDigits[data[i] >> 4U]);
    out.push_back(kDigits[data[i] & 0x0FU]);
  }
  return out;
}

std::optional<std::int64_t> parse_seconds(std::string_view text) {
  if (text.empty() || text.size() > 18) return std::nullopt;
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || value < 0) return std::nullopt;
  return value;
}

common::Unexpected<SignatureError> refuse(std::string message) {
  return common::fail(SignatureError{std::move(message)});
}

}  // namespace

std::string stripe_v1_signature(std::string_view secret, std::int64_t timestamp,
                                std::string_view payload) {
  std::string signed_payload = std::to_string(timestamp);
  signed_payload += '.';
  signed_payload.append(payload);
  std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
  unsigned int mac_size = 0;
  if (HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
           reinterpret_cast<const unsigned char*>(signed_payload.data()), signed_payload.size(),
           mac.data(), &mac_size) == nullptr) {
    return {};
  }
  return to_hex(mac.data(), mac_size);
}

// Stripe's scheme step by step (parse, tolerance, every secret x every v1), kept
// in one place to audit.
// NOLINTNEXTLINE(readability-function-cognitive-complexity)
common::Result<common::Unit, SignatureError> verify_stripe_signature(
    std::string_view header, std::string_view payload, const std::vector<std::string>& secrets,
    std::chrono::seconds tolerance, std::chrono::sys_seconds now) {
  if (header.empty()) return refuse("no Stripe-Signature header");
  if (header.size() > 8192) return refuse("Stripe-Signature header too long");
  std::optional<std::int64_t> timestamp;
  std::vector<std::string_view> v1;
  std::size_t pos = 0;
  while (pos <= header.size()) {
    std::size_t comma = header.find(',', pos);
    if (comma == std::string_view::npos) comma = header.size();
    const std::string_view item = header.substr(pos, comma - pos);
    pos = comma + 1;
    const std::size_t eq = item.find('=');
    if (eq == std::string_view::npos) continue;
    const std::string_view key = item.substr(0, eq);
    const std::string_view value = item.substr(eq + 1);
    if (key == "t") {
      if (timestamp) return refuse("more than one timestamp");
      timestamp = parse_seconds(value);
      if (!timestamp) return refuse("malformed timestamp");
    } else if (key == "v1") {
      v1.push_back(value);
    }
  }
  if (!timestamp) return refuse("no timestamp");
  if (v1.empty()) return refuse("no v1 signature");
  const std::int64_t age = now.time_since_epoch().count() - *timestamp;
  if (age > tolerance.count() || -age > tolerance.count()) {
    return refuse("timestamp outside the tolerance");
  }
  bool matched = false;
  for (const std::string& secret : secrets) {
    const std::string expected = stripe_v1_signature(secret, *timestamp, payload);
    if (expected.size() != kSha256Hex) continue;
    for (const std::string_view candidate : v1) {
      // Every candidate is compared (no early exit on the first match), in
      // constant time for its length.
      if (candidate.size() == kSha256Hex &&
          CRYPTO_memcmp(candidate.data(), expected.data(), kSha256Hex) == 0) {
        matched = true;
      }
    }
  }
  if (!matched) return refuse("no signature matches");
  return common::Unit{};
}

}  // namespace slotwise::command
