// Running one calendar command through the repository while keeping the
// whole CalendarDecision (outcome and booking id), which the repository's
// event-only interface would drop, and loading the business facts calendar
// commands carry as snapshots (owner, zone, policy, services).
//
// Thread safety: thread-safe.
// Errors: ExecuteError (domain or store), as AggregateRepository::execute.
#pragma once

#include <chrono>
#include <string>

#include "command-side/command_context.h"
#include "command-side/command_request.h"
#include "domain/business.h"
#include "domain/calendar.h"
#include "service/json_body.h"

namespace slotwise::command {

struct CalendarOutcome {
  domain::CalendarDecision decision;
  Executed executed;
};

[[nodiscard]] common::Result<CalendarOutcome, ExecuteError> execute_calendar(
    CommandContext& ctx, const CommandRequest& request, const std::string& business_id,
    const domain::CalendarCommand& command, const domain::Actor& actor);

// The business's current state; 404 not_found when it does not exist.
// `max_age` > 0 accepts a cached state checked that recently (see
// AggregateRepository::load_recent): bookings use the business only as a
// snapshot of services and policy, and skipping the read saves a round trip.
[[nodiscard]] service::ApiResult<domain::BusinessState> load_business(
    CommandContext& ctx, const std::string& business_id,
    std::chrono::steady_clock::duration max_age = {});

}  // namespace slotwise::command
