#include "query-api/availability_cache.h"

#include <algorithm>

namespace slotwise::query {
namespace {

// Display zones memoized per entry; a page asks in one or two.
constexpr std::size_t kMaxMemos = 4;

// What a string holds outside its object (nothing within the small-string
// buffer).
std::size_t heap(const std::string& s) {
  return s.capacity() > std::string().capacity() ? s.capacity() + 1 : 0;
}

std::size_t estimate_bytes(const AvailabilityData& d) {
  const BusinessRow& b = d.business;
  std::size_t n = sizeof(AvailabilityData) + heap(b.business_id) + heap(b.slug) +
                  heap(b.owner_user_id) + heap(b.name) + heap(b.description) +
                  heap(b.contact_email) + heap(b.contact_phone) + heap(b.address) +
                  heap(b.time_zone) + heap(b.currency);
  const ServiceRow& s = d.service;
  n += heap(s.service_id) + heap(s.name) + heap(s.description) + heap(s.currency) +
       heap(s.payment_mode);
  if (d.calendar) n += heap(d.calendar->time_zone) + heap(d.calendar->schedule_json);
  n += d.overrides.capacity() * sizeof(OverrideRow);
  for (const OverrideRow& o : d.overrides) n += heap(o.local_date) + heap(o.intervals_json);
  n += d.bookings.capacity() * sizeof(BookingRow);
  for (const BookingRow& r : d.bookings) {
    n += heap(r.booking_id) + heap(r.business_id) + heap(r.service_id) + heap(r.service_name) +
         heap(r.status) + heap(r.local_date) + heap(r.time_zone) + heap(r.customer_name) +
         heap(r.customer_email) + heap(r.customer_phone) + heap(r.notes) + heap(r.currency) +
         heap(r.manage_token_sha256);
  }
  return n;
}

std::size_t memo_bytes(const std::string& variant, const AvailabilityCache::Rendered& r) {
  return sizeof(AvailabilityCache::Rendered) + heap(variant) + heap(r.body) + heap(r.etag);
}

}  // namespace

AvailabilityCache::Entry::Entry(std::uint64_t token, domain::Instant read_at, AvailabilityData data)
    : token_(token),
      read_at_(read_at),
      data_(std::move(data)),
      data_bytes_(sizeof(Entry) + estimate_bytes(data_)) {}

std::size_t AvailabilityCache::Entry::bytes() const {
  const std::lock_guard lock(mu_);
  return data_bytes_ + memo_bytes_;
}

void AvailabilityCache::Entry::attach(std::shared_ptr<std::atomic<std::int64_t>> total) const {
  const std::lock_guard lock(mu_);
  if (total_) return;
  total_ = std::move(total);
  *total_ += static_cast<std::int64_t>(data_bytes_ + memo_bytes_);
}

void AvailabilityCache::Entry::detach() const {
  const std::lock_guard lock(mu_);
  if (!total_) return;
  *total_ -= static_cast<std::int64_t>(data_bytes_ + memo_bytes_);
  total_.reset();
}

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
  const std::size_t before = memo_bytes_;
  auto same = std::find_if(memos_.begin(), memos_.end(),
                           [&](const Memo& m) { return m.variant == variant; });
  if (same != memos_.end()) {
    // Keep the later span: an older answer is of no use to later requests.
    if (same->from > from) return;
    memo_bytes_ -= memo_bytes(same->variant, *same->rendered);
    *same = Memo{variant, from, until, std::move(rendered)};
    memo_bytes_ += memo_bytes(same->variant, *same->rendered);
  } else {
    if (memos_.size() >= kMaxMemos) {
      memo_bytes_ -= memo_bytes(memos_.front().variant, *memos_.front().rendered);
      memos_.erase(memos_.begin());
    }
    memos_.push_back(Memo{variant, from, until, std::move(rendered)});
    memo_bytes_ += memo_bytes(memos_.back().variant, *memos_.back().rendered);
  }
  if (total_) {
    *total_ += static_cast<std::int64_t>(memo_bytes_) - static_cast<std::int64_t>(before);
  }
}

AvailabilityCache::AvailabilityCache(std::string projection, std::size_t capacity,
                                     std::size_t max_bytes)
    : max_bytes_(max_bytes),
      ledger_(std::move(projection), capacity, &projections::ChangeNotice::businesses),
      entries_(capacity) {}  // both treat a capacity of 0 as 1

void AvailabilityCache::drop(const std::shared_ptr<const Entry>& entry) {
  if (entry) entry->detach();
}

std::shared_ptr<const AvailabilityCache::Entry> AvailabilityCache::find(const std::string& key,
                                                                        domain::Instant now) {
  const std::lock_guard lock(ledger_.mutex());
  auto* found = entries_.find(key);
  if (found == nullptr) return nullptr;
  if (!ledger_.valid((*found)->data().business.business_id, (*found)->token())) {
    drop(*found);
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
  const std::lock_guard lock(ledger_.mutex());
  if (!ledger_.may_keep(entry->data().business.business_id, entry->token())) return entry;
  entry->attach(bytes_);
  if (auto displaced = entries_.put(key, entry)) drop(*displaced);
  while (entries_.size() > 1 && bytes_->load() > static_cast<std::int64_t>(max_bytes_)) {
    if (auto oldest = entries_.pop_oldest()) drop(*oldest);
  }
  return entry;
}

AvailabilityCache::Stats AvailabilityCache::stats() const {
  const std::lock_guard lock(ledger_.mutex());
  Stats s;
  s.entries = entries_.size();
  s.bytes = static_cast<std::uint64_t>(std::max<std::int64_t>(bytes_->load(), 0));
  s.invalidations = ledger_.invalidations();
  s.connected = ledger_.is_connected();
  s.position = ledger_.position();
  return s;
}

}  // namespace slotwise::query
