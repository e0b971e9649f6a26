// The change notices a projector sends with each batch: what they carry,
// that they survive the trip through their text form, and that malformed
// payloads are refused with a reason instead of being half-applied.
#include "projections/change_notice.h"

#include <doctest/doctest.h>

namespace slotwise::projections {
namespace {

ChangeNotice decoded(const std::string& payload) {
  auto n = decode_change_notice(payload);
  REQUIRE_MESSAGE(n.ok(), payload);
  return n.value();
}

}  // namespace

TEST_CASE("a batch's notice names its projection, position and changed businesses") {
  const auto payloads = encode_changes("main", 42, {"biz_b", "biz_a"});
  REQUIRE(payloads.size() == 1);
  CHECK(payloads[0] == "main|42|biz_a,biz_b");
  const ChangeNotice n = decoded(payloads[0]);
  CHECK(n.projection == "main");
  CHECK(n.position == std::optional<std::uint64_t>(42));
  CHECK_FALSE(n.everything);
  CHECK(n.businesses == std::vector<std::string>{"biz_a", "biz_b"});
}

TEST_CASE("accounts whose password changed travel as user ids beside the businesses") {
  const auto payloads = encode_changes("main", 43, {"biz_a"}, {"usr_z", "usr_y"});
  REQUIRE(payloads.size() == 1);
  CHECK(payloads[0] == "main|43|biz_a,usr_y,usr_z");
  const ChangeNotice n = decoded(payloads[0]);
  CHECK(n.position == std::optional<std::uint64_t>(43));
  CHECK(n.businesses == std::vector<std::string>{"biz_a"});
  CHECK(n.accounts == std::vector<std::string>{"usr_y", "usr_z"});
  CHECK(decoded("main|44|usr_x").businesses.empty());
}

TEST_CASE("a batch that changed no business still reports its position") {
  const auto payloads = encode_changes("main", 7, {});
  REQUIRE(payloads.size() == 1);
  const ChangeNotice n = decoded(payloads[0]);
  CHECK(n.position == std::optional<std::uint64_t>(7));
  CHECK(n.businesses.empty());
  CHECK_FALSE(n.everything);
}

TEST_CASE(
    "many businesses are split into payloads below PostgreSQL's limit; only the last has "
    "the position") {
  std::set<std::string> ids;
  for (int i = 0; i < 2000; ++i) ids.insert("biz_" + std::string(20, 'x') + std::to_string(i));
  const auto payloads = encode_changes("main", 99, ids);
  REQUIRE(payloads.size() > 1);
  std::set<std::string> seen;
  for (std::size_t i = 0; i < payloads.size(); ++i) {
    CHECK(payloads[i].size() < 8000);
    const ChangeNotice n = decoded(payloads[i]);
    CHECK(n.position.has_value() == (i + 1 == payloads.size()));
    seen.insert(n.businesses.begin(), n.businesses.end());
  }
  CHECK(seen == ids);
  CHECK(decoded(payloads.back()).position == std::optional<std::uint64_t>(99));
}

TEST_CASE("a rebuild swap or reset says everything changed") {
  const ChangeNotice n = decoded(encode_everything_changed("main", 0));
  CHECK(n.everything);
  CHECK(n.position == std::optional<std::uint64_t>(0));
  CHECK(n.businesses.empty());
}

TEST_CASE("malformed payloads are refused") {
  for (const char* bad : {"", "main", "main|1", "|1|biz_a", "main|x|biz_a", "main|1x|biz_a",
                          "main|-1|biz_a", "main|1|biz_a,", "main|1|,biz_a", "main|1|biz_a,,b",
                          "main|99999999999999999999999|biz_a"}) {
    CAPTURE(bad);
    CHECK_FALSE(decode_change_notice(bad).ok());
  }
}

}  // namespace slotwise::projections
