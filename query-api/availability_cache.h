// AvailabilityCache: availability answers kept in memory, so a popular
// booking page costs no database round trip per visitor
// (docs/adr/0013-availability-cache.md). It stays exact, not merely fresh-ish:
//
//  * Per request key (business id or slug, service, from, to) it keeps the
//    rows ReadStore::availability_data() read. They do not go stale as time
//    moves on (the read's "now - 5 days" cut only leaves out bookings the
//    engine ignores at any later now), only when the projector changes the
//    business; a request whose clock reads earlier than the read's (a clock
//    set back) is not served from them.
//  * Per entry it memoizes the rendered answer (body + ETag) for a display
//    zone with the span of clock readings it holds for: the engine's answer
//    depends on the clock (notice, horizon, expiring holds), and
//    compute_availability() says until when it stays the same (typically
//    until the first listed slot leaves the notice window or the next hold
//    expires; the next minute when the days reach the horizon's edge).
//
// Invalidation (InvalidationLedger, invalidation_ledger.h, keyed by business
// id): the projector's change notices (projections/change_notice.h) name
// each business it changed, in commit order; ChangeListener feeds them to
// apply(). Every invalidation takes the next number of a counter. A
// reader takes read_token() (the counter's value) BEFORE it reads the
// database; its entry is valid while no invalidation of its business and no
// "everything" invalidation has a larger number. A notice is delivered only
// after its commit, so a read whose snapshot missed a commit started before
// that commit's notice was applied: its token is smaller, and the entry is
// dropped. No window exists in which a stale entry survives a notice.
//
// Read-your-writes: usable(min_position) is true only while the listener is
// connected and has applied every notice up to min_position (the caller has
// already waited until the read models reached it); otherwise the caller
// reads the database. While the listener is disconnected the cache is not
// used, and (re)connecting invalidates everything (notices sent meanwhile
// are lost).
//
// Memory: at most `capacity` entries and about `max_bytes` of rows and
// rendered answers (estimated; least recently used evicted first, one entry
// always kept), so cycling from/to/tz over a busy business cannot grow the
// process. An answer rendered after its entry was inserted counts at once,
// and the budget is enforced at the next insert. The per-business
// invalidation numbers are folded into one "everything" number when they
// outgrow 4 x capacity.
//
// Thread safety: every member is thread-safe. One mutex, the ledger's,
// guards the entries and the ledger's numbers, and is never held while
// reading the database or rendering.
// Errors: none.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/lru_cache.h"
#include "projections/change_notice.h"
#include "query-api/change_sink.h"
#include "query-api/invalidation_ledger.h"
#include "query-api/read_store.h"

namespace slotwise::query {

class AvailabilityCache final : public ChangeSink {
 public:
  struct Rendered {
    std::string body;
    std::string etag;
  };

  // The rows of one key and the answers rendered from them.
  class Entry {
   public:
    Entry(std::uint64_t token, domain::Instant read_at, AvailabilityData data);
    [[nodiscard]] const AvailabilityData& data() const { return data_; }
    [[nodiscard]] std::uint64_t token() const { return token_; }
    // The `now` of the read: its rows serve requests at or after it.
    [[nodiscard]] domain::Instant read_at() const { return read_at_; }
    // The answer for `variant` (the display zone as requested) at `now`, if
    // one rendered for a span holding `now` is kept.
    [[nodiscard]] std::shared_ptr<const Rendered> rendered(const std::string& variant,
                                                           domain::Instant now) const;
    // Keeps an answer that holds for clock readings in [from, until); it
    // replaces the variant's previous one unless that starts later.
    void remember(const std::string& variant, domain::Instant from, domain::Instant until,
                  std::shared_ptr<const Rendered> rendered) const;
    // Estimated memory of the rows and the kept answers.
    [[nodiscard]] std::size_t bytes() const;

   private:
    friend class AvailabilityCache;
    // While the entry is in the cache, its bytes are counted in `total`.
    void attach(std::shared_ptr<std::atomic<std::int64_t>> total) const;
    void detach() const;

    struct Memo {
      std::string variant;
      domain::Instant from;
      domain::Instant until;
      std::shared_ptr<const Rendered> rendered;
    };
    const std::uint64_t token_;
    const domain::Instant read_at_;
    const AvailabilityData data_;
    const std::size_t data_bytes_;
    mutable std::mutex mu_;
    mutable std::vector<Memo> memos_;  // a few display zones at most
    mutable std::size_t memo_bytes_ = 0;
    mutable std::shared_ptr<std::atomic<std::int64_t>> total_;  // set while cached
  };

  struct Stats {
    std::uint64_t entries = 0;
    std::uint64_t bytes = 0;  // estimated, of the entries kept
    std::uint64_t invalidations = 0;
    bool connected = false;
    std::optional<std::uint64_t> position;  // of the last notice applied
  };

  static constexpr std::size_t kDefaultMaxBytes = std::size_t{256} << 20;

  AvailabilityCache(std::string projection, std::size_t capacity,
                    std::size_t max_bytes = kDefaultMaxBytes);

  [[nodiscard]] bool usable(std::optional<std::uint64_t> min_position) const {
    return ledger_.usable(min_position);
  }
  [[nodiscard]] std::uint64_t read_token() const { return ledger_.read_token(); }
  // A valid entry whose rows serve `now`, or nullptr (an invalidated one is
  // dropped).
  [[nodiscard]] std::shared_ptr<const Entry> find(const std::string& key, domain::Instant now);
  // Keeps data read at `read_at` after read_token() returned `token`, unless
  // an invalidation overtook the read; returns the entry either way.
  std::shared_ptr<const Entry> insert(const std::string& key, std::uint64_t token,
                                      domain::Instant read_at, AvailabilityData data);

  // The listener's side (change_sink.h).
  void connected(std::uint64_t position) override { ledger_.connected(position); }
  void disconnected() override { ledger_.disconnected(); }
  void apply(const projections::ChangeNotice& notice) override { ledger_.apply(notice); }

  [[nodiscard]] Stats stats() const;

 private:
  static void drop(const std::shared_ptr<const Entry>& entry);  // uncounts it

  const std::size_t max_bytes_;
  const std::shared_ptr<std::atomic<std::int64_t>> bytes_ =
      std::make_shared<std::atomic<std::int64_t>>(0);
  InvalidationLedger ledger_;
  common::LruCache<std::string, std::shared_ptr<const Entry>> entries_;  // ledger_.mutex()
};

}  // namespace slotwise::query
