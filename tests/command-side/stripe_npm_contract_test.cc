// The Stripe-Signature verifier against Stripe's own implementation: a
// header made by the official `stripe` npm package's
// stripe.webhooks.generateTestHeaderString (tests/contract/
// stripe-test-header.mjs) is accepted by the real webhook endpoint, and the
// same body with a tampered byte, a wrong secret or an old timestamp is
// refused with 400 and nothing appended.
#include <doctest/doctest.h>

#include <fstream>
#include <iterator>
#include <string>

#include "tests/command-side/payment_test_support.h"
#include "tests/support/process.h"

using slotwise::testing::book;
using slotwise::testing::booking_status;
using slotwise::testing::CommandFixture;
using slotwise::testing::FakeStripe;
using slotwise::testing::kWebhookSecret;
using slotwise::testing::paid_setup;

namespace {

// The header the stripe package makes for `payload` (timestamp 0: now).
std::string npm_header(CommandFixture& f, const std::string& payload, const std::string& secret,
                       std::int64_t timestamp = 0) {
  const std::string in = f.dir.path() + "/payload.json";
  const std::string out = f.dir.path() + "/header.txt";
  std::ofstream(in, std::ios::binary) << payload;
  const std::string script =
      std::string(SLOTWISE_SOURCE_DIR) + "/tests/contract/stripe-test-header.mjs";
  std::vector<std::string> argv{"node", script, in, secret, out};
  if (timestamp != 0) argv.push_back(std::to_string(timestamp));
  const int rc = slotwise::testing::run_command(argv, f.dir.path() + "/node.log");
  std::ifstream log(f.dir.path() + "/node.log");
  const std::string node_log((std::istreambuf_iterator<char>(log)),
                             std::istreambuf_iterator<char>());
  CAPTURE(node_log);
  REQUIRE(rc == 0);
  std::ifstream header(out);
  return {(std::istreambuf_iterator<char>(header)), std::istreambuf_iterator<char>()};
}

}  // namespace

TEST_CASE_FIXTURE(CommandFixture, "a header from the official stripe package is accepted") {
  const auto s = paid_setup(*this, "npm-contract");
  auto r = book(*this, s, slot(3, 10));
  REQUIRE(r.status == 201);
  const std::string booking = r.str("booking_id");
  const auto intent = *stripe.intent_for_booking(booking);
  const std::string body = FakeStripe::intent_event("evt_npm", "payment_intent.succeeded", intent);
  const std::int64_t now_s = now().time_since_epoch().count();

  const std::string good = npm_header(*this, body, kWebhookSecret, now_s);
  CHECK(good.rfind("t=" + std::to_string(now_s) + ",v1=", 0) == 0);

  const auto before = last_sequence();
  std::string tampered = body;
  tampered[tampered.find("5000")] = '6';
  CHECK(FakeStripe::deliver(port, tampered, good) == 400);
  CHECK(FakeStripe::deliver(port, body, npm_header(*this, body, "whsec_not_ours", now_s)) == 400);
  CHECK(FakeStripe::deliver(port, body, npm_header(*this, body, kWebhookSecret, now_s - 600)) ==
        400);
  CHECK(last_sequence() == before);
  CHECK(booking_status(*this, s.business, booking) == "tentative");

  CHECK(FakeStripe::deliver(port, body, good) == 200);
  CHECK(booking_status(*this, s.business, booking) == "confirmed");
}
