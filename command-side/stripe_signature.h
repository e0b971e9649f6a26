// Verifying Stripe webhook signatures exactly as Stripe specifies
// (https://docs.stripe.com/webhooks#verify-manually):
//
//   Stripe-Signature: t=<unix seconds>,v1=<hex>,v1=<hex>,v0=<hex>
//
// The signed payload is "<t>.<raw request body>"; each v1 is the lower-case
// hex HMAC-SHA256 of it under an endpoint secret ("whsec_..." used as is).
// A request is accepted when any v1 matches under any configured secret
// (several secrets while one is rotated; several v1 entries while Stripe
// rolls a secret) and |now - t| <= tolerance. Other schemes (v0) are
// ignored. Comparisons are constant-time (CRYPTO_memcmp).
//
// Thread safety: pure functions.
// Errors: SignatureError names why (malformed header, no timestamp, stale
// timestamp, no matching signature); the HTTP layer answers every one of
// them as 400 invalid_signature.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace slotwise::command {

struct SignatureError {
  std::string message;
};

// The lower-case hex HMAC-SHA256 of "<timestamp>.<payload>" under `secret`
// (what Stripe puts in v1=). Tests and benchmarks sign with the fake
// Stripe's own implementation (tests/support/fake_stripe.h), kept
// independent of this one on purpose.
[[nodiscard]] std::string stripe_v1_signature(std::string_view secret, std::int64_t timestamp,
                                              std::string_view payload);

[[nodiscard]] common::Result<common::Unit, SignatureError> verify_stripe_signature(
    std::string_view header, std::string_view payload, const std::vector<std::string>& secrets,
    std::chrono::seconds tolerance, std::chrono::sys_seconds now);

}  // namespace slotwise::command
