// The one place where command-side failures become HTTP answers: domain
// rule violations (DomainError codes, domain/domain_error.h) and event store
// errors (events::Error) map to a status and a stable error code.
//
//   400 invalid_request / invalid_json    (parsing; json_body.h)
//   401 unauthorized                      (authentication.h)
//   403 forbidden                         another owner's business or booking
//   404 not_found
//   409 slug_taken, email_taken, slot_unavailable, daily_limit_reached,
//       invalid_state (the booking's status forbids it), concurrent_update
//   422 validation_failed, slug_reserved, unknown_time_zone, unknown_currency,
//       service_retired, outside_hours, not_on_slot_grid, too_soon,
//       beyond_horizon, idempotency_key_reused
//   503 unavailable (NATS down or timed out; Retry-After)
//   500 internal (a corrupt aggregate: logged with subject and sequence)
//
// Thread safety: pure functions.
// Errors: none.
#pragma once

#include "command-side/aggregate_repository.h"
#include "domain/domain_error.h"
#include "events/error.h"
#include "service/api_error.h"

namespace slotwise::command {

[[nodiscard]] service::ApiError to_api_error(const domain::DomainError& error);
[[nodiscard]] service::ApiError to_api_error(const events::Error& error);
[[nodiscard]] service::ApiError to_api_error(const ExecuteError& error);

}  // namespace slotwise::command
