// Stripe-Signature verification (command-side/stripe_signature.h): the
// scheme as Stripe documents it, checked against a known vector, against
// headers made by the fake Stripe's independent signer, and against each
// way a header can be wrong.
#include <doctest/doctest.h>

#include <chrono>
#include <string>
#include <vector>

#include "command-side/stripe_signature.h"
#include "tests/support/fake_stripe.h"

namespace slotwise::command {
namespace {

// Headers come from the fake Stripe's signer, the one signing helper of the
// tests and benchmarks, independent of the verifier's HMAC.
using testing::FakeStripe;

const std::string kSecret = "whsec_test_secret";
const std::string kPayload = R"({"id":"evt_1","type":"payment_intent.succeeded"})";
constexpr std::int64_t kT = 1'700'000'000;
const std::chrono::sys_seconds kNow{std::chrono::seconds(kT + 10)};
constexpr std::chrono::seconds kTolerance{300};

bool ok(const std::string& header, const std::string& payload = kPayload,
        const std::vector<std::string>& secrets = {kSecret}, std::chrono::sys_seconds now = kNow) {
  return verify_stripe_signature(header, payload, secrets, kTolerance, now).ok();
}

TEST_CASE("the v1 signature is HMAC-SHA256 hex over '<t>.<payload>'") {
  // printf '%s' '1700000000.{}' | openssl dgst -sha256 -hmac whsec_test_secret
  CHECK(stripe_v1_signature("whsec_test_secret", 1700000000, "{}") ==
        "ceb8863f7208fa249a6cd8f951e993c7563412aca65866f6272283debe143ab3");
  CHECK(stripe_v1_signature(kSecret, kT, kPayload) !=
        stripe_v1_signature(kSecret, kT + 1, kPayload));
}

TEST_CASE("a good signature is accepted") {
  CHECK(ok(FakeStripe::signature_header(kSecret, kT, kPayload)));
  // Stripe may add a v0 (test) scheme and unknown keys: ignored.
  CHECK(ok("t=" + std::to_string(kT) +
           ",v0=deadbeef,v1=" + stripe_v1_signature(kSecret, kT, kPayload) + ",x=y"));
}

TEST_CASE("a tampered byte, a wrong secret or a wrong timestamp is refused") {
  const std::string header = FakeStripe::signature_header(kSecret, kT, kPayload);
  std::string tampered = kPayload;
  tampered[5] ^= 0x01;
  CHECK_FALSE(ok(header, tampered));
  CHECK_FALSE(ok(header, kPayload + " "));
  CHECK_FALSE(ok(header, kPayload, {"whsec_other"}));
  CHECK_FALSE(ok(header, kPayload, {}));
  // The timestamp is part of what is signed.
  CHECK_FALSE(
      ok("t=" + std::to_string(kT + 1) + ",v1=" + stripe_v1_signature(kSecret, kT, kPayload)));
  // A flipped hex digit in the signature.
  std::string bad_sig = header;
  bad_sig.back() = bad_sig.back() == '0' ? '1' : '0';
  CHECK_FALSE(ok(bad_sig));
}

TEST_CASE("timestamps outside the tolerance are refused") {
  const std::string header = FakeStripe::signature_header(kSecret, kT, kPayload);
  CHECK(ok(header, kPayload, {kSecret}, std::chrono::sys_seconds{std::chrono::seconds(kT + 300)}));
  CHECK_FALSE(
      ok(header, kPayload, {kSecret}, std::chrono::sys_seconds{std::chrono::seconds(kT + 301)}));
  CHECK_FALSE(
      ok(header, kPayload, {kSecret}, std::chrono::sys_seconds{std::chrono::seconds(kT - 301)}));
}

TEST_CASE("any of several v1 signatures may match") {
  const std::string good = stripe_v1_signature(kSecret, kT, kPayload);
  const std::string other = stripe_v1_signature("whsec_old", kT, kPayload);
  const std::string t = "t=" + std::to_string(kT);
  CHECK(ok(t + ",v1=" + other + ",v1=" + good));
  CHECK(ok(t + ",v1=" + good + ",v1=" + other));
  CHECK_FALSE(ok(t + ",v1=" + other + ",v1=" + other));
}

TEST_CASE("secret rotation: any configured secret may have signed") {
  const std::string by_old = FakeStripe::signature_header("whsec_old", kT, kPayload);
  const std::string by_new = FakeStripe::signature_header("whsec_new", kT, kPayload);
  const std::vector<std::string> both{"whsec_new", "whsec_old"};
  CHECK(ok(by_old, kPayload, both));
  CHECK(ok(by_new, kPayload, both));
  CHECK_FALSE(ok(by_old, kPayload, {"whsec_new"}));
}

TEST_CASE("malformed headers are refused") {
  const std::string sig = stripe_v1_signature(kSecret, kT, kPayload);
  CHECK_FALSE(ok(""));
  CHECK_FALSE(ok("v1=" + sig));                                             // no timestamp
  CHECK_FALSE(ok("t=" + std::to_string(kT)));                               // no v1
  CHECK_FALSE(ok("t=abc,v1=" + sig));                                       // bad timestamp
  CHECK_FALSE(ok("t=-5,v1=" + sig));                                        // negative
  CHECK_FALSE(ok("t=" + std::to_string(kT) + ",t=1,v1=" + sig));            // two timestamps
  CHECK_FALSE(ok("t=" + std::to_string(kT) + ",v1=" + sig.substr(0, 63)));  // short
  CHECK_FALSE(ok("t=" + std::to_string(kT) + ",v1=" + sig + "0"));          // long
  CHECK_FALSE(ok(std::string(9000, 'a')));
}

}  // namespace
}  // namespace slotwise::command
