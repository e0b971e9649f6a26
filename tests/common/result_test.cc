// Result: success and failure alternatives, including when T and E coincide.
#include "common/result.h"

#include <doctest/doctest.h>

#include <memory>
#include <string>

using slotwise::common::fail;
using slotwise::common::Result;

namespace {
Result<int, std::string> parse_positive(int v) {
  if (v <= 0) return fail(std::string("not positive"));
  return v;
}
}  // namespace

TEST_CASE("a Result holds either a value or an error") {
  auto ok = parse_positive(3);
  REQUIRE(ok.ok());
  CHECK(*ok == 3);
  auto bad = parse_positive(-1);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error() == "not positive");
  CHECK_FALSE(static_cast<bool>(bad));
}

TEST_CASE("the same type as value and error stays unambiguous; move-only values work") {
  Result<std::string, std::string> v = std::string("value");
  Result<std::string, std::string> e = fail(std::string("error"));
  CHECK(v.ok());
  CHECK_FALSE(e.ok());
  Result<std::unique_ptr<int>, std::string> p = std::make_unique<int>(7);
  auto owned = std::move(p).value();
  CHECK(*owned == 7);
}
