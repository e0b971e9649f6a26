// Derived ids and manage tokens: booking ids name their business, derived
// ids are stable and valid, derived manage tokens verify like random ones.
#include "auth/derived_ids.h"

#include <doctest/doctest.h>

#include <set>
#include <string>

#include "auth/tokens.h"

using slotwise::auth::business_of_booking;
using slotwise::auth::derive_manage_token;
using slotwise::auth::derived_id;
using slotwise::auth::IdKind;
using slotwise::auth::is_valid_id;
using slotwise::auth::manage_token_matches;
using slotwise::auth::new_booking_id;
using slotwise::auth::new_id;

TEST_CASE("a booking id names its business and is otherwise random") {
  const std::string biz = new_id(IdKind::business).value();
  const std::string a = new_booking_id(biz).value();
  const std::string b = new_booking_id(biz).value();
  CHECK(a.size() == 48);
  CHECK(is_valid_id(a, IdKind::booking));
  CHECK(a != b);
  CHECK(business_of_booking(a) == biz);
  CHECK(business_of_booking(b) == biz);
}

TEST_CASE("booking ids need a business id and only booking ids name one") {
  CHECK_FALSE(new_booking_id("usr_4eC39HqLyjWDarjtT1zdp7"));
  CHECK_FALSE(new_booking_id("my-salon"));
  CHECK_FALSE(business_of_booking("bkg_4eC39HqLyjWDarjtT1zdp7"));  // old 22-char shape
  CHECK_FALSE(business_of_booking("biz_4eC39HqLyjWDarjtT1zdp7"));
  CHECK_FALSE(business_of_booking(""));
  std::string bad = new_booking_id(new_id(IdKind::business).value()).value();
  bad[10] = '-';
  CHECK_FALSE(business_of_booking(bad));
}

TEST_CASE("derived ids are valid, stable and differ by seed") {
  for (const IdKind kind : {IdKind::user, IdKind::business, IdKind::service, IdKind::booking}) {
    const std::string a = derived_id(kind, "usr_x|key-1");
    CHECK(is_valid_id(a, kind));
    CHECK(a == derived_id(kind, "usr_x|key-1"));
    CHECK(a != derived_id(kind, "usr_x|key-2"));
  }
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) seen.insert(derived_id(IdKind::business, std::to_string(i)));
  CHECK(seen.size() == 1000);
}

TEST_CASE("a derived manage token is stable per booking and key and matches its hash") {
  const std::string key(32, 'k');
  const auto t1 = derive_manage_token(key, "bkg_a").value();
  CHECK(t1.token.size() == 43);
  CHECK(t1.token == derive_manage_token(key, "bkg_a").value().token);
  CHECK(t1.token != derive_manage_token(key, "bkg_b").value().token);
  CHECK(t1.token != derive_manage_token(std::string(32, 'j'), "bkg_a").value().token);
  CHECK(manage_token_matches(t1.token, t1.sha256_hex));
  CHECK_FALSE(derive_manage_token("short", "bkg_a"));
}
