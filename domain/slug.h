// The public slug of a business (slotwise.app/<slug>): its shape rules.
// Uniqueness is the slug claim aggregate's job (slug_claim.h).
//
// Thread safety: pure function.
// Errors: validate_slug() returns validation_failed for a malformed slug and
// slug_reserved for a reserved word (reserved_slugs.h).
#pragma once

#include <cstddef>
#include <string_view>

#include "common/result.h"
#include "domain/domain_error.h"

namespace slotwise::domain {

inline constexpr std::size_t kMinSlugLength = 3;
inline constexpr std::size_t kMaxSlugLength = 40;

// Lower-case a-z, 0-9 and '-', 3..40 characters, no leading, trailing or
// doubled hyphen, not reserved. Never contains '_', so a path segment is
// never ambiguous between a slug and a prefixed id (biz_…). Nothing is
// normalised: "Anna" is refused, not lower-cased, so what the owner typed is
// what is stored.
[[nodiscard]] common::Result<common::Unit, DomainError> validate_slug(std::string_view slug);

}  // namespace slotwise::domain
