// The fields no booking history shows: named by never_in_history(), and
// cleared by drop_never_in_history() from the copy a history row keeps,
// while every other field stays as it was.
#include "projections/history_fields.h"

#include <doctest/doctest.h>

#include <string>

#include "slotwise/events/v1/calendar.pb.h"

namespace slotwise::projections {
namespace {

namespace v1 = slotwise::events::v1;

TEST_CASE("the manage token's hash and the client's retry bookkeeping are never in a history") {
  CHECK(never_in_history("manage_token_sha256"));
  CHECK(never_in_history("idempotency_key"));
  CHECK(never_in_history("request_sha256"));
  CHECK_FALSE(never_in_history("booking_id"));
  CHECK_FALSE(never_in_history("failure_reason"));  // the owner's, not no one's
  CHECK_FALSE(never_in_history(""));
}

TEST_CASE("a history row's copy of a booking loses exactly those fields") {
  v1::BookingTentativelyCreated e;
  e.set_booking_id("bkg_1");
  e.set_notes("fringe only");
  e.mutable_price()->set_amount_minor(4500);
  e.set_manage_token_sha256(std::string(64, 'a'));
  e.set_idempotency_key("key-1");
  e.set_request_sha256(std::string(64, 'b'));
  v1::BookingTentativelyCreated expected = e;
  expected.clear_manage_token_sha256();
  expected.clear_idempotency_key();
  expected.clear_request_sha256();

  drop_never_in_history(e);
  CHECK(e.SerializeAsString() == expected.SerializeAsString());
  CHECK(e.booking_id() == "bkg_1");
  CHECK(e.price().amount_minor() == 4500);
}

TEST_CASE("an event without those fields is left as it was") {
  v1::BookingConfirmed e;
  e.set_booking_id("bkg_1");
  e.set_reason("no_payment_required");
  const std::string before = e.SerializeAsString();
  drop_never_in_history(e);
  CHECK(e.SerializeAsString() == before);
}

}  // namespace
}  // namespace slotwise::projections
