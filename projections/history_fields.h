// The event fields a booking's history never shows, to the business or the
// customer: a BookingTentativelyCreated's manage_token_sha256 (the hash of
// the customer's credential), idempotency_key and request_sha256 (the
// client's retry bookkeeping). One list for both ends: the projector leaves
// them out of the detail it stores, and the query API, which renders every
// field of an event (query-api/history_detail.h), skips them instead of
// showing them empty.
//
// Thread safety: pure functions.
// Errors: none.
#pragma once

#include <google/protobuf/message.h>

#include <string_view>

namespace slotwise::projections {

// True for a field (by .proto name) no history shows.
[[nodiscard]] bool never_in_history(std::string_view field);

// Clears those fields of `event`, a copy made for a history row.
void drop_never_in_history(google::protobuf::Message& event);

}  // namespace slotwise::projections
