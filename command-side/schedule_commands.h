// Opening-hours commands (owner token required), on the calendar aggregate:
//   set_schedule    PUT    /v1/businesses/{id}/schedule               200
//   set_override    PUT    /v1/businesses/{id}/overrides/{YYYY-MM-DD} 200
//   clear_override  DELETE /v1/businesses/{id}/overrides/{YYYY-MM-DD} 200
// The business aggregate supplies the owner and the zone the local times
// are in. Every success carries `position`; an unchanged schedule appends
// nothing and answers the current position.
//
// Thread safety: thread-safe.
// Errors: see error_mapping.h; 400 for a date that is not YYYY-MM-DD.
#pragma once

#include "command-side/command_context.h"
#include "command-side/command_request.h"

namespace slotwise::command {

[[nodiscard]] CommandReply set_schedule(CommandContext& ctx, const CommandRequest& request);
[[nodiscard]] CommandReply set_override(CommandContext& ctx, const CommandRequest& request);
[[nodiscard]] CommandReply clear_override(CommandContext& ctx, const CommandRequest& request);

}  // namespace slotwise::command
