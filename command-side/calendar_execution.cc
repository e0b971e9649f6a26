#include "command-side/calendar_execution.h"

#include <utility>
#include <vector>

#include "command-side/error_mapping.h"
#include "command-side/handler_support.h"

namespace slotwise::command {

common::Result<CalendarOutcome, ExecuteError> execute_calendar(
    CommandContext& ctx, const CommandRequest& request, const std::string& business_id,
    const domain::CalendarCommand& command, const domain::Actor& actor) {
  domain::CalendarDecision last;
  auto executed = ctx.calendars().execute(
      business_id,
      [&](const domain::CalendarState& state)
          -> common::Result<std::vector<domain::CalendarEvent>, domain::DomainError> {
        auto d = domain::decide(state, command);
        if (!d) return common::fail(d.error());
        last = std::move(*d);
        return last.events;
      },
      new_commit_id(), commit_metadata(ctx, request, actor));
  if (!executed) return common::fail(executed.error());
  return CalendarOutcome{std::move(last), *executed};
}

service::ApiResult<domain::BusinessState> load_business(
    CommandContext& ctx, const std::string& business_id,
    std::chrono::steady_clock::duration max_age) {
  auto loaded = max_age > std::chrono::steady_clock::duration::zero()
                    ? ctx.businesses().load_recent(business_id, max_age)
                    : ctx.businesses().load(business_id);
  if (!loaded) return common::fail(to_api_error(loaded.error()));
  if (!loaded->first.exists()) {
    return common::fail(service::ApiError{404, "not_found", "no such business"});
  }
  return std::move(loaded->first);
}

}  // namespace slotwise::command
