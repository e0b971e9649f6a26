// ChangeNotice: what a projector announces when a transaction that changes
// read-model rows commits, so in-process caches of those rows (the query
// API's availability cache, docs/adr/0013-availability-cache.md) drop
// exactly what changed instead of guessing with a TTL.
//
// Notices travel as PostgreSQL NOTIFY payloads on kChangeChannel, sent
// inside the writing transaction: PostgreSQL delivers them only if and when
// it commits, in commit order, and only to sessions that were listening at
// that moment. One transaction sends one or more payloads:
//
//   "<projection>|<position>|<business ids, comma separated>"
//   "<projection>||<business ids>"        more ids follow in a later payload
//   "<projection>|<position>|*"           every row may have changed (a
//                                         rebuild swapped tables in, a reset)
//
// Only the last payload of a transaction carries the position (the
// projection checkpoint after the commit), so a listener that has seen
// position P has seen every notice of every commit up to P. A business id is
// named when any business or calendar event of it was applied (profile,
// policy, services, schedule, overrides, bookings): everything availability
// reads. A user id (usr_…, never a business id's prefix) among them names an
// account whose password changed: the query API's owner sessions
// (query-api/owner_sessions.h). Payloads stay below PostgreSQL's 8,000-byte
// limit.
//
// Thread safety: pure functions, plus notify() which uses the caller's
// transaction. Errors: decode_change_notice() describes a malformed payload;
// notify() lets libpqxx exceptions through to the caller's guarded().
#pragma once

#include <pqxx/pqxx>

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace slotwise::projections {

inline constexpr const char* kChangeChannel = "slotwise_read_models";

struct ChangeNotice {
  std::string projection;
  std::optional<std::uint64_t> position;  // on the last payload of a commit
  bool everything = false;
  std::vector<std::string> businesses;
  std::vector<std::string> accounts;  // user ids: their password changed
};

// The payloads for one commit that changed `businesses` and the accounts'
// sessions of `accounts` (possibly none: the position alone still tells
// listeners how far the projection is).
[[nodiscard]] std::vector<std::string> encode_changes(std::string_view projection,
                                                      std::uint64_t position,
                                                      const std::set<std::string>& businesses,
                                                      const std::set<std::string>& accounts = {});
[[nodiscard]] std::string encode_everything_changed(std::string_view projection,
                                                    std::uint64_t position);
[[nodiscard]] common::Result<ChangeNotice, std::string> decode_change_notice(
    std::string_view payload);

// Sends the payloads within `tx`; they are delivered when it commits.
void notify(pqxx::transaction_base& tx, const std::vector<std::string>& payloads);

}  // namespace slotwise::projections
