// Business setup commands (owner token required):
//   create_business  POST   /v1/businesses                       201 {business_id, slug}
//   update_business  PATCH  /v1/businesses/{id}                  200
//   define_service   POST   /v1/businesses/{id}/services         201 {service_id}
//   update_service   PATCH  /v1/businesses/{id}/services/{sid}   200
//   retire_service   DELETE /v1/businesses/{id}/services/{sid}   200
//   reset_calendar_feed POST /v1/businesses/{id}/calendar-feed/reset 200
// Every success carries `position`.
//
// Creation claims the slug first (expected version "no stream": of two
// concurrent creates exactly one wins, the other gets 409 slug_taken), then
// appends BusinessCreated. With an Idempotency-Key header the business id is
// derived from the owner and the key, so a retry after a lost response or a
// crash between the two appends finishes the same business instead of
// leaving the slug held by a business that never existed. Without a key the
// id is derived from the owner and the slug, so the owner sending the
// create again finishes it the same way; a create without a key that finds
// the owner's business with that slug already made is 409 slug_taken.
// A PATCH merges the given fields into the current state inside the
// decision (so two concurrent PATCHes of different fields both apply); a
// changed time zone is carried to the calendar's opening hours too.
// A calendar feed reset revokes the private feed URL the query API hands
// out (every call a new generation; the owner fetches the new URL from the
// query API with the returned position).
//
// Thread safety: thread-safe.
// Errors: see error_mapping.h; 403 forbidden for another owner's business.
#pragma once

#include <string>

#include "command-side/command_context.h"
#include "command-side/command_request.h"

namespace slotwise::command {

// The id create_business gives a new business: derived from the owner and
// the Idempotency-Key when there is one, else from the owner and the slug.
[[nodiscard]] std::string new_business_id(const std::string& user_id, const std::string& slug,
                                          const std::string& idempotency_key);
[[nodiscard]] CommandReply create_business(CommandContext& ctx, const CommandRequest& request);
[[nodiscard]] CommandReply update_business(CommandContext& ctx, const CommandRequest& request);
[[nodiscard]] CommandReply define_service(CommandContext& ctx, const CommandRequest& request);
[[nodiscard]] CommandReply update_service(CommandContext& ctx, const CommandRequest& request);
[[nodiscard]] CommandReply retire_service(CommandContext& ctx, const CommandRequest& request);
[[nodiscard]] CommandReply reset_calendar_feed(CommandContext& ctx, const CommandRequest& request);

}  // namespace slotwise::command
