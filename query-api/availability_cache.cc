#include "query-api/availability_cache.h"

#include <algorithm>

namespace slotwise::query {
namespace {

// Display zones memoized per entry; a page asks in one or two.
constexpr std::size_t kMaxMemos = 4;

}  // namespace

std::shared_ptr<const AvailabilityCache::Rendered> AvailabilityCache::Entry::rendered(
    const std::string& variant, domain::Instant now) const {
  const std::lock_guard lock(mu_);
  for (const Memo& m : memos_) {
    if (m.variant == variant && m.from <= now && now < m.until) return m.rendered;
  }
  return nullptr;
}

void AvailabilityCache::Entry::remember(const std::string& variant, domain::Instant from,
                                        domain::Instant until,
                                        std::shared_ptr<const Rendered> rendered) const {
  const std::lock_guard lock(mu_);
  auto same = std::find_if(memos_.begin(), memos_.end(),
                           [&](const Memo& m) { return m.variant == variant; });
  if (same != memos_.end()) {
    // Keep the later span: an older answer is of no use to later requests.
    if (same->from <= from) *same = Memo{variant, from, until, std::move(rendered)};
    return;
  }
  if (memos_.size() >= kMaxMemos) memos_.erase(memos_.begin());
  memos_.push_back(Memo{variant, from, until, std::move(rendered)});
}

AvailabilityCache::AvailabilityCache(std::string projection, std::size_t capacity)
    : projection_(std::move(projection)),
      capacity_(std::max<std::size_t>(capacity, 1)),
      entries_(capacity_) {}

bool AvailabilityCache::usable(std::optional<std::uint64_t> min_position) const {
  if (!connected_.load()) return false;
  if (!min_position) return true;
  return has_position_.load() && position_.load() >= *min_position;
}

std::uint64_t AvailabilityCache::read_token() const { return counter_.load(); }

bool AvailabilityCache::valid(const Entry& entry) const {
  if (entry.token() < everything_) return false;
  const auto it = invalidated_.find(entry.data().business.business_id);
  return it == invalidated_.end() || it->second <= entry.token();
}

void AvailabilityCache::invalidate_everything() {
  everything_ = ++counter_;
  invalidated_.clear();
  ++invalidations_;
}

std::shared_ptr<const AvailabilityCache::Entry> AvailabilityCache::find(const std::string& key,
                                                                        domain::Instant now) {
  const std::lock_guard lock(mu_);
  auto* found = entries_.find(key);
  if (found == nullptr) return nullptr;
  if (!valid(**found)) {
    entries_.erase(key);
    return nullptr;
  }
  if (now < (*found)->read_at()) return nullptr;  // rows cut for a later clock
  return *found;
}

std::shared_ptr<const AvailabilityCache::Entry> AvailabilityCache::insert(const std::string& key,
                                                                          std::uint64_t token,
                                                                          domain::Instant read_at,
                                                                          AvailabilityData data) {
  auto entry = std::make_shared<const Entry>(token, read_at, std::move(data));
  const std::lock_guard lock(mu_);
  if (connected_.load() && valid(*entry)) entries_.put(key, entry);
  return entry;
}

void AvailabilityCache::connected(std::uint64_t position) {
  const std::lock_guard lock(mu_);
  invalidate_everything();
  position_.store(position);
  has_position_.store(true);
  connected_.store(true);
}

void AvailabilityCache::disconnected() {
  const std::lock_guard lock(mu_);
  connected_.store(false);
  has_position_.store(false);
  invalidate_everything();
}

void AvailabilityCache::apply(const projections::ChangeNotice& notice) {
  if (notice.projection != projection_) return;
  const std::lock_guard lock(mu_);
  if (notice.everything) {
    invalidate_everything();
  } else {
    for (const std::string& business : notice.businesses) {
      invalidated_[business] = ++counter_;
      ++invalidations_;
    }
    if (invalidated_.size() > 4 * capacity_) invalidate_everything();
  }
  // After the invalidations: a reader that sees this position sees them.
  if (notice.position) {
    position_.store(*notice.position);
    has_position_.store(true);
  }
}

AvailabilityCache::Stats AvailabilityCache::stats() const {
  const std::lock_guard lock(mu_);
  Stats s;
  s.entries = entries_.size();
  s.invalidations = invalidations_;
  s.connected = connected_.load();
  if (has_position_.load()) s.position = position_.load();
  return s;
}

}  // namespace slotwise::query
