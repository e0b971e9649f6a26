// The slugs no business may claim: words that are, or may become, paths or
// subdomains of SlotWise itself (slotwise.app/<slug> must never shadow
// slotwise.app/login or api.slotwise.app). Kept in its own file so adding a
// word is a one-line, reviewable change; existing claims are not revoked.
//
// Thread safety: pure function over a constant table.
// Errors: none (a predicate).
#pragma once

#include <string_view>

namespace slotwise::domain {

// Exact match against the list; callers validate the slug's shape first.
[[nodiscard]] bool is_reserved_slug(std::string_view slug);

}  // namespace slotwise::domain
