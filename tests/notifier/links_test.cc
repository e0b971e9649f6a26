// The links of one booking: the manage link carries, in its fragment, the
// token the command side derives for the booking; the owner's link carries
// no token; no base URL, no links.
#include "notifier/links.h"

#include <doctest/doctest.h>

#include "auth/derived_ids.h"

namespace slotwise::notifier {
namespace {

const std::string kKey = "test-secret-of-at-least-thirty-two-bytes-0123456789";
const std::string kBooking = "bkg_AAAAAAAAAAAAAAAAAAAAAABBBBBBBBBBBBBBBBBBBBBB";

}  // namespace

TEST_CASE("the manage link is the booking's page with the command side's token in the fragment") {
  const Links l = links_for({"https://book.example.com", kKey}, kBooking, "salon");
  auto token = auth::derive_manage_token(kKey, kBooking);
  REQUIRE(token.ok());
  CHECK(l.manage == "https://book.example.com/manage/" + kBooking + "#token=" + token->token);
  CHECK(l.dashboard == "https://book.example.com/dashboard/bookings/" + kBooking);
  CHECK(l.dashboard.find(token->token) == std::string::npos);
  CHECK(l.book_again == "https://book.example.com/salon");
}

TEST_CASE("no base URL, no links; an unknown slug, no book-again link") {
  const Links none = links_for({"", kKey}, kBooking, "salon");
  CHECK(none.manage.empty());
  CHECK(none.dashboard.empty());
  CHECK(none.book_again.empty());
  CHECK(links_for({"http://localhost:8080", kKey}, kBooking, "").book_again.empty());
}

TEST_CASE("a key too short to derive a token leaves the manage link out, not the others") {
  const Links l = links_for({"http://localhost:8080", "short"}, kBooking, "salon");
  CHECK(l.manage.empty());
  CHECK(l.dashboard == "http://localhost:8080/dashboard/bookings/" + kBooking);
}

}  // namespace slotwise::notifier
