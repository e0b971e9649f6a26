// Reading business-setup request bodies into domain values: profile,
// policy, service definition, weekly schedule and date override.
//
// JSON shapes (documented with examples in docs/command-api.md and
// schemas/openapi.yaml):
//   policy   {slot_interval_minutes, min_notice_minutes, horizon_days,
//             max_bookings_per_day, hold_minutes,
//             free_cancellation_cutoff_minutes,
//             late_cancellation_refund_percent}        every field optional
//   profile  name, description, contact_email, contact_phone, address
//   service  {name, description?, duration_minutes, price_minor,
//             buffer_before_minutes?, buffer_after_minutes?,
//             payment_mode: "none"|"deposit"|"full", deposit_minor?}
//   schedule {"days": {"monday": [{"start":"09:00","end":"17:00"}], ...}}
//            (a weekday left out is closed)
//   override {"closed": true} | {"intervals": [{"start","end"}, ...]}
//
// The readers fill fields present in the body into a base value (the
// defaults for a create, the current value for a PATCH), so one reader
// serves both. They check JSON types and shapes; the domain's decide()
// checks the rules (ranges, overlaps), so no rule is written twice.
//
// Thread safety: pure functions.
// Errors: 400 invalid_request naming the field.
#pragma once

#include <optional>
#include <string_view>

#include "domain/business_policy.h"
#include "domain/business_profile.h"
#include "domain/schedule.h"
#include "domain/service.h"
#include "service/json_body.h"

namespace slotwise::command {

// Profile members of `body` (name, description, ...) merged into `base`.
[[nodiscard]] service::ApiResult<domain::BusinessProfile> read_profile(
    const service::JsonObject& body, domain::BusinessProfile base);

// body.policy (when present) merged into `base`.
[[nodiscard]] service::ApiResult<domain::BusinessPolicy> read_policy(
    const service::JsonObject& body, domain::BusinessPolicy base);

// A service definition merged into `base`; `currency` is the business's.
// `accept_active`: the body may also hold "active" (a PATCH; see
// read_service_active), which is otherwise an unknown field.
[[nodiscard]] service::ApiResult<domain::ServiceDefinition> read_service(
    const service::JsonObject& body, domain::ServiceDefinition base, std::string_view currency,
    bool accept_active = false);

// A PATCH's "active": true restores a retired service, false retires it;
// absent leaves it as it is.
[[nodiscard]] service::ApiResult<std::optional<bool>> read_service_active(
    const service::JsonObject& body);

[[nodiscard]] service::ApiResult<domain::WeeklySchedule> read_schedule(
    const service::JsonObject& body);

[[nodiscard]] service::ApiResult<domain::DateOverride> read_override(
    const service::JsonObject& body);

// "HH:MM" (00:00..24:00) as minutes since midnight.
[[nodiscard]] service::ApiResult<int> read_clock_time(std::string_view text,
                                                      std::string_view field);

}  // namespace slotwise::command
