#include "query-api/business_owners.h"

namespace slotwise::query {

Result<std::optional<Ownership>> BusinessOwners::find(const std::string& id_or_slug) const {
  {
    const std::lock_guard lock(mu_);
    if (const Ownership* known = remembered_.find(id_or_slug)) return std::optional(*known);
  }
  auto row = store_.business(id_or_slug);
  if (!row) return common::Unexpected<Error>{row.error()};
  if (!row.value()) return std::optional<Ownership>{};
  Ownership o{row.value()->business_id, row.value()->owner_user_id};
  const std::lock_guard lock(mu_);
  remembered_.put(id_or_slug, o);
  return std::optional(std::move(o));
}

}  // namespace slotwise::query
