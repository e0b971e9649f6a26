// The plumbing every command handler shares: owner authentication, commit
// metadata, random commit ids, local-time rendering and JSON replies.
//
// Authentication: `Authorization: Bearer <JWT>`; every failure (missing,
// malformed, expired, wrong key, wrong audience, issued before the
// account's last password change...) is the same 401 unauthorized, so a
// client learns nothing about why; the reason is logged.
//
// Thread safety: pure functions over the (thread-safe) context.
// Errors: ApiError values as documented per function.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "auth/tokens.h"
#include "command-side/command_context.h"
#include "command-side/command_request.h"
#include "domain/actor.h"
#include "domain/instant.h"
#include "events/append_request.h"
#include "service/json_body.h"
#include "service/json_write.h"

namespace slotwise::command {

using service::JsonWriter;

// The user id of a valid owner token, or 401 unauthorized (503 when the
// account, needed for its last password change, cannot be read).
[[nodiscard]] service::ApiResult<std::string> authenticate(CommandContext& ctx,
                                                           const CommandRequest& request);

// 32 random hex characters: a commit id for one command execution.
[[nodiscard]] std::string new_commit_id();

// Correlation = the request's trace id; the actor as given.
[[nodiscard]] events::CommitMetadata commit_metadata(const CommandContext& ctx,
                                                     const CommandRequest& request,
                                                     const domain::Actor& actor);

// `t` as RFC 3339 with the UTC offset `zone` has at `t` (UTC if the zone is
// empty or unknown).
[[nodiscard]] std::string format_in_zone(domain::Instant t, std::string_view zone);

// A JSON object reply: `write` adds members between StartObject/EndObject.
// When `position` is set it is added as "position" and the header is sent.
[[nodiscard]] CommandReply json_reply(int status, const std::function<void(JsonWriter&)>& write,
                                      std::optional<std::uint64_t> position = std::nullopt);

// The body as a JSON object (400 for anything else).
[[nodiscard]] service::ApiResult<rapidjson::Document> parse_object(const CommandRequest& request);

// A path parameter that must be an id of `kind` (404 not_found otherwise:
// an id of the wrong shape names nothing).
[[nodiscard]] service::ApiResult<std::string> id_param(const CommandRequest& request,
                                                       std::string_view name, auth::IdKind kind);

}  // namespace slotwise::command
