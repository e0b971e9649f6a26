// Booking commands, on the business's calendar aggregate:
//   create_booking      POST /v1/businesses/{id}/bookings   public   201
//   cancel_booking      POST /v1/bookings/{id}/cancel       owner or manage token
//   reschedule_booking  POST /v1/bookings/{id}/reschedule   owner or manage token
//   complete_booking    POST /v1/bookings/{id}/complete     owner
//   mark_no_show        POST /v1/bookings/{id}/no-show      owner
//
// Create answers {booking_id, status, start, end, manage_token, position}
// plus hold_expires_at and amount_due for a booking waiting for payment
// (status "pending_payment"; "confirmed" when nothing is due). Times are
// RFC 3339 in the business's zone. An Idempotency-Key header makes the
// request repeatable: the same key with the same body (byte for byte)
// answers the first booking again, with the same manage token (derived from
// the booking id, auth/derived_ids.h); with another body 422
// idempotency_key_reused. Keys are remembered in the calendar's log, so this
// holds across restarts and beyond the NATS duplicate window.
//
// Create is rate-limited per client address and per (business, customer
// email) (booking_limits.h, command config booking_*): a refused request is
// 429 rate_limited with Retry-After and appends nothing; an idempotent
// replay is answered whatever the limits say and costs no token.
//
// The actions answer 200 with the booking's new state and position. A
// customer proves the booking is theirs with the manage token, in the
// X-Manage-Token header or the body's "manage_token".
//
// Thread safety: thread-safe.
// Errors: see error_mapping.h; 429 rate_limited (create); 409 slot_unavailable, 422 outside_hours /
// too_soon / beyond_horizon / not_on_slot_grid, 404 for unknown businesses,
// services and bookings, 401/403 for missing or wrong credentials.
#pragma once

#include "command-side/command_context.h"
#include "command-side/command_request.h"

namespace slotwise::command {

[[nodiscard]] CommandReply create_booking(CommandContext& ctx, const CommandRequest& request);
[[nodiscard]] CommandReply cancel_booking(CommandContext& ctx, const CommandRequest& request);
[[nodiscard]] CommandReply reschedule_booking(CommandContext& ctx, const CommandRequest& request);
[[nodiscard]] CommandReply complete_booking(CommandContext& ctx, const CommandRequest& request);
[[nodiscard]] CommandReply mark_no_show(CommandContext& ctx, const CommandRequest& request);

}  // namespace slotwise::command
