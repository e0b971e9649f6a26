#include "command-side/schedule_commands.h"

#include <optional>
#include <string>

#include "auth/tokens.h"
#include "command-side/business_requests.h"
#include "command-side/calendar_execution.h"
#include "command-side/error_mapping.h"
#include "command-side/handler_support.h"
#include "domain/proto_values.h"

namespace slotwise::command {
namespace {

struct OwnerTarget {
  std::string user_id;
  std::string business_id;
  domain::BusinessState business;
};

// Authenticates and loads the business named by {id}.
service::ApiResult<OwnerTarget> owner_target(CommandContext& ctx, const CommandRequest& request) {
  auto user = authenticate(ctx, request);
  if (!user) return common::fail(user.error());
  auto business_id = id_param(request, "id", auth::IdKind::business);
  if (!business_id) return common::fail(business_id.error());
  auto business = load_business(ctx, *business_id);
  if (!business) return common::fail(business.error());
  return OwnerTarget{std::move(*user), std::move(*business_id), std::move(*business)};
}

service::ApiResult<domain::LocalDate> date_param(const CommandRequest& request) {
  const std::string_view text = request.param("date");
  auto date = domain::parse_local_date(text);
  if (text.size() != 10 || !date) {
    return common::fail(service::invalid_request("the date must be YYYY-MM-DD"));
  }
  return *date;
}

CommandReply run(CommandContext& ctx, const CommandRequest& request, const OwnerTarget& target,
                 const domain::CalendarCommand& command) {
  const domain::Actor actor{domain::ActorKind::owner, target.user_id};
  auto outcome = execute_calendar(ctx, request, target.business_id, command, actor);
  if (!outcome) return error_reply(to_api_error(outcome.error()));
  return json_reply(
      200, [](JsonWriter&) {}, outcome->executed.version);
}

}  // namespace

CommandReply set_schedule(CommandContext& ctx, const CommandRequest& request) {
  auto target = owner_target(ctx, request);
  if (!target) return error_reply(target.error());
  auto doc = parse_object(request);
  if (!doc) return error_reply(doc.error());
  auto body = service::JsonObject::of(*doc);
  if (!body) return error_reply(body.error());
  auto schedule = read_schedule(*body);
  if (!schedule) return error_reply(schedule.error());
  const domain::Actor actor{domain::ActorKind::owner, target->user_id};
  return run(ctx, request, *target,
             domain::SetWeeklySchedule{target->business_id, target->business.owner_user_id, actor,
                                       target->business.time_zone, std::move(*schedule)});
}

CommandReply set_override(CommandContext& ctx, const CommandRequest& request) {
  auto target = owner_target(ctx, request);
  if (!target) return error_reply(target.error());
  auto date = date_param(request);
  if (!date) return error_reply(date.error());
  auto doc = parse_object(request);
  if (!doc) return error_reply(doc.error());
  auto body = service::JsonObject::of(*doc);
  if (!body) return error_reply(body.error());
  auto o = read_override(*body);
  if (!o) return error_reply(o.error());
  const domain::Actor actor{domain::ActorKind::owner, target->user_id};
  return run(ctx, request, *target,
             domain::SetDateOverride{target->business_id, target->business.owner_user_id, actor,
                                     target->business.time_zone, *date, std::move(*o)});
}

CommandReply clear_override(CommandContext& ctx, const CommandRequest& request) {
  auto target = owner_target(ctx, request);
  if (!target) return error_reply(target.error());
  auto date = date_param(request);
  if (!date) return error_reply(date.error());
  const domain::Actor actor{domain::ActorKind::owner, target->user_id};
  return run(
      ctx, request, *target,
      domain::ClearDateOverride{target->business_id, target->business.owner_user_id, actor, *date});
}

}  // namespace slotwise::command
