#include "command-side/error_mapping.h"

#include <array>
#include <string_view>
#include <utility>

namespace slotwise::command {
namespace {

namespace dc = domain::error_code;

constexpr std::array<std::pair<std::string_view, int>, 18> kStatusByCode{{
    {dc::validation_failed, 422},
    {dc::forbidden, 403},
    {dc::not_found, 404},
    {dc::slug_taken, 409},
    {dc::slug_reserved, 422},
    {dc::email_taken, 409},
    {dc::unknown_time_zone, 422},
    {dc::unknown_currency, 422},
    {dc::service_retired, 422},
    {dc::slot_unavailable, 409},
    {dc::outside_hours, 422},
    {dc::not_on_slot_grid, 422},
    {dc::too_soon, 422},
    {dc::beyond_horizon, 422},
    {dc::daily_limit_reached, 409},
    {dc::idempotency_key_reused, 422},
    {dc::invalid_state, 409},
    {dc::invalid_token, 422},
}};

}  // namespace

service::ApiError to_api_error(const domain::DomainError& error) {
  for (const auto& [code, status] : kStatusByCode) {
    if (code == error.code) return {status, error.code, error.message};
  }
  // A code this table does not know is a programming error; keep the code
  // visible rather than hide it behind a generic one.
  return {500, error.code, error.message};
}

service::ApiError to_api_error(const events::Error& error) {
  switch (error.code) {
    case events::ErrorCode::kUnavailable:
    case events::ErrorCode::kCancelled:
      return {503, "unavailable", "the event log is unavailable; retry shortly"};
    case events::ErrorCode::kUnknownEventType:
      // Written by a newer build; this process must be upgraded first.
      return {503, "unavailable", "this server is older than the data; retry shortly"};
    case events::ErrorCode::kConcurrencyConflict:
      return {409, "concurrent_update",
              "the resource changed concurrently too often; retry the request"};
    default:
      return {500, "internal", "internal error"};
  }
}

service::ApiError to_api_error(const ExecuteError& error) {
  return error.is_domain() ? to_api_error(error.domain()) : to_api_error(error.store());
}

}  // namespace slotwise::command
