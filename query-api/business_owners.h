// BusinessOwners: which business an id or slug names and which user owns
// it, remembered in memory so an owner's request costs one database read
// (its data) instead of two. A business's id, slug and owner are fixed when
// it is created (domain/business.cc has no event that changes them, and
// businesses are never deleted), so a remembered answer stays true forever
// and needs no invalidation; a rebuild or reset of the read models does not
// change it either. An unknown id or slug is not remembered: the business
// may be created a moment later.
//
// Thread safety: thread-safe (one mutex around the map, never held during a
// database read). Errors: the store's, when the answer is not remembered.
#pragma once

#include <cstddef>
#include <mutex>
#include <optional>
#include <string>

#include "common/lru_cache.h"
#include "query-api/read_store.h"

namespace slotwise::query {

struct Ownership {
  std::string business_id;
  std::string owner_user_id;
};

class BusinessOwners {
 public:
  // `store` must outlive this; at most `capacity` keys are remembered.
  BusinessOwners(const ReadStore& store, std::size_t capacity)
      : store_(store), remembered_(capacity) {}

  [[nodiscard]] Result<std::optional<Ownership>> find(const std::string& id_or_slug) const;

 private:
  const ReadStore& store_;
  mutable std::mutex mu_;
  mutable common::LruCache<std::string, Ownership> remembered_;
};

}  // namespace slotwise::query
