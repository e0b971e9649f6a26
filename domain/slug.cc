#include "domain/slug.h"

#include <algorithm>
#include <string>

#include "domain/reserved_slugs.h"

namespace slotwise::domain {

common::Result<common::Unit, DomainError> validate_slug(std::string_view slug) {
  const auto invalid = [](const std::string& why) {
    return common::fail(make_error(error_code::validation_failed, "slug: " + why));
  };
  if (slug.size() < kMinSlugLength || slug.size() > kMaxSlugLength) {
    return invalid("must be 3 to 40 characters long");
  }
  const bool allowed = std::all_of(slug.begin(), slug.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  });
  if (!allowed) return invalid("may only contain lower-case letters a-z, digits and '-'");
  if (slug.front() == '-' || slug.back() == '-') {
    return invalid("must not start or end with '-'");
  }
  if (slug.find("--") != std::string_view::npos) return invalid("must not contain '--'");
  if (is_reserved_slug(slug)) {
    return common::fail(
        make_error(error_code::slug_reserved, "slug: '" + std::string(slug) + "' is reserved"));
  }
  return common::Unit{};
}

}  // namespace slotwise::domain
