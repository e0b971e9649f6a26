// OwnerSessions: each owner account's sessions (AccountSession: how many
// times its password changed, and when last) kept in memory, so checking an
// owner token against the accounts read model costs no database round trip
// per request (docs/query-api.md, docs/adr/0007). It stays exact the way
// the AvailabilityCache does (availability_cache.h), with an
// InvalidationLedger (invalidation_ledger.h) keyed by user id:
//
//  * The projector's change notice of a commit that changed an account's
//    password names its user id (projections/change_notice.h); a
//    ChangeListener feeds the notices to apply() in commit order, and each
//    invalidation takes the next number of a counter.
//  * A reader takes read_token() BEFORE it reads the database, and insert()
//    keeps the row only while no invalidation of that account (and no
//    "everything" invalidation) has a larger number; find() drops an entry
//    an invalidation overtook. A notice arrives only after its commit, so a
//    read whose snapshot missed a commit started before that commit's notice
//    was applied, and is dropped: no stale entry survives a notice.
//  * usable(min_position) is true only while the listener is connected and
//    has applied every notice up to min_position (the request has already
//    waited until the read models reached it); otherwise the caller reads
//    the database. (Re)connecting invalidates everything.
//
// So the query API learns of a password change when its projector applies
// the commit, plus the notice's delivery (milliseconds): the projection lag.
// A request with SlotWise-Min-Position at or past the change's position
// sees it for certain.
//
// Memory: at most `capacity` accounts (least recently used evicted); the
// per-account invalidation numbers are folded into one "everything" number
// when they outgrow 4 x capacity.
//
// Thread safety: every member is thread-safe; one mutex, the ledger's,
// guards the entries and the ledger's numbers, and is never held while
// reading the database.
// Errors: none.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "common/lru_cache.h"
#include "query-api/change_sink.h"
#include "query-api/invalidation_ledger.h"
#include "query-api/read_store.h"

namespace slotwise::query {

class OwnerSessions final : public ChangeSink {
 public:
  OwnerSessions(std::string projection, std::size_t capacity);

  [[nodiscard]] bool usable(std::optional<std::uint64_t> min_position) const {
    return ledger_.usable(min_position);
  }
  [[nodiscard]] std::uint64_t read_token() const { return ledger_.read_token(); }
  // The account's sessions if a valid entry holds them.
  [[nodiscard]] std::optional<AccountSession> find(const std::string& user_id);
  // Keeps `session`, read after read_token() returned `token`, unless an
  // invalidation overtook the read.
  void insert(const std::string& user_id, std::uint64_t token, const AccountSession& session);

  // The listener's side (change_sink.h).
  void connected(std::uint64_t position) override { ledger_.connected(position); }
  void disconnected() override { ledger_.disconnected(); }
  void apply(const projections::ChangeNotice& notice) override { ledger_.apply(notice); }

  [[nodiscard]] std::size_t size() const;

 private:
  struct Entry {
    std::uint64_t token = 0;
    AccountSession session;
  };
  InvalidationLedger ledger_;
  common::LruCache<std::string, Entry> entries_;  // ledger_.mutex()
};

}  // namespace slotwise::query
