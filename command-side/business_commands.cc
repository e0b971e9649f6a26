#include "command-side/business_commands.h"

#include <string>
#include <utility>
#include <vector>

#include "auth/derived_ids.h"
#include "auth/tokens.h"
#include "command-side/business_requests.h"
#include "command-side/calendar_execution.h"
#include "command-side/error_mapping.h"
#include "command-side/handler_support.h"
#include "domain/slug.h"

namespace slotwise::command {
namespace {

using service::ApiError;
using service::JsonObject;

using BusinessDecision = common::Result<std::vector<domain::BusinessEvent>, domain::DomainError>;

// A new id, or one derived from the owner and the request's Idempotency-Key.
common::Result<std::string, ApiError> id_for(const CommandRequest& request, auth::IdKind kind,
                                             const std::string& user_id, const std::string& scope) {
  if (!request.idempotency_key.empty()) {
    return auth::derived_id(kind, user_id + "|" + scope + "|" + request.idempotency_key);
  }
  auto id = auth::new_id(kind);
  if (!id) return common::fail(ApiError{500, "internal", "internal error"});
  return std::move(*id);
}

}  // namespace

std::string new_business_id(const std::string& user_id, const std::string& slug,
                            const std::string& idempotency_key) {
  if (!idempotency_key.empty()) {
    return auth::derived_id(auth::IdKind::business, user_id + "|business|" + idempotency_key);
  }
  return auth::derived_id(auth::IdKind::business, user_id + "|business-slug|" + slug);
}

namespace {

CommandReply position_reply(int status, std::uint64_t position) {
  return json_reply(
      status, [](JsonWriter&) {}, position);
}

// Runs `decide` on the business and answers 200 {position}.
CommandReply run_business(CommandContext& ctx, const CommandRequest& request,
                          const std::string& business_id, const std::string& user_id,
                          const BusinessRepository::Decide& decide) {
  auto executed =
      ctx.businesses().execute(business_id, decide, new_commit_id(),
                               commit_metadata(ctx, request, {domain::ActorKind::owner, user_id}));
  if (!executed) return error_reply(to_api_error(executed.error()));
  return position_reply(200, executed->version);
}

// Gives up `slug`'s claim when `business_id` holds it but the business was
// made with another slug (one Idempotency-Key sent with two slugs: the
// request that lost, or its retry after a crash). Best effort: the claim
// is only lost time for others, and the next request with this key and
// slug releases it again. Never takes a slug from another business.
void release_unused_claim(CommandContext& ctx, const CommandRequest& request,
                          const std::string& slug, const std::string& business_id,
                          const domain::Actor& actor) {
  auto business = ctx.businesses().load(business_id);
  if (!business || !business->first.exists() || business->first.slug == slug) return;
  const domain::ReleaseSlug release{slug, business_id};
  auto released = ctx.slugs().execute(
      slug, [&](const domain::SlugClaimState& s) { return domain::decide(s, release); },
      new_commit_id(), commit_metadata(ctx, request, actor));
  (void)released;
}

}  // namespace

CommandReply create_business(CommandContext& ctx, const CommandRequest& request) {
  auto user = authenticate(ctx, request);
  if (!user) return error_reply(user.error());
  auto doc = parse_object(request);
  if (!doc) return error_reply(doc.error());
  auto body = JsonObject::of(*doc);
  if (!body) return error_reply(body.error());
  if (auto r =
          body->reject_unknown_fields({"slug", "name", "time_zone", "currency", "policy",
                                       "description", "contact_email", "contact_phone", "address"});
      !r) {
    return error_reply(r.error());
  }
  auto slug = body->required_string("slug", {1, 200});
  if (!slug) return error_reply(slug.error());
  auto name = body->required_string("name", {0, 10000});
  if (!name) return error_reply(name.error());
  auto zone = body->required_string("time_zone", {1, 200});
  if (!zone) return error_reply(zone.error());
  auto currency = body->required_string("currency", {1, 10});
  if (!currency) return error_reply(currency.error());
  auto profile = read_profile(*body, {});
  if (!profile) return error_reply(profile.error());
  auto policy = read_policy(*body, {});
  if (!policy) return error_reply(policy.error());
  // The slug names a subject: refuse bad ones before any I/O.
  if (auto r = domain::validate_slug(*slug); !r) return error_reply(to_api_error(r.error()));

  const std::string business_id = new_business_id(*user, *slug, request.idempotency_key);
  const domain::Actor actor{domain::ActorKind::owner, *user};

  const domain::CreateBusiness create{business_id, *user,     *slug,   std::move(*profile),
                                      *zone,       *currency, *policy, ctx.now()};
  // Validate the whole business before claiming the slug, so an invalid
  // request never holds a slug.
  if (auto dry = domain::decide(domain::BusinessState{}, domain::BusinessCommand{create}); !dry) {
    return error_reply(to_api_error(dry.error()));
  }
  if (!request.idempotency_key.empty()) {
    // The key names the business: it may exist already, made by an earlier
    // request with this key. Decide against it before claiming, so a key
    // reused with another slug is refused without claiming that slug (the
    // claim would never be used, and would keep the slug from everyone).
    // A retry with the same slug passes (decide yields nothing) and
    // completes or answers the same business below.
    auto existing = ctx.businesses().load(business_id);
    if (!existing) return error_reply(to_api_error(existing.error()));
    if (auto again = domain::decide(existing->first, domain::BusinessCommand{create}); !again) {
      release_unused_claim(ctx, request, *slug, business_id, actor);
      return error_reply(to_api_error(again.error()));
    }
  }
  const domain::ClaimSlug claim{*slug, business_id};
  auto claimed = ctx.slugs().execute(
      *slug, [&](const domain::SlugClaimState& s) { return domain::decide(s, claim); },
      new_commit_id(), commit_metadata(ctx, request, actor));
  if (!claimed) return error_reply(to_api_error(claimed.error()));
  auto created = ctx.businesses().execute(
      business_id,
      [&](const domain::BusinessState& s) {
        return domain::decide(s, domain::BusinessCommand{create});
      },
      new_commit_id(), commit_metadata(ctx, request, actor));
  if (!created) {
    // Refused (not failed to append): the business exists with another
    // slug, made meanwhile by a request with the same key. Failed appends
    // keep the claim, so sending the request again completes it.
    if (created.error().is_domain()) release_unused_claim(ctx, request, *slug, business_id, actor);
    return error_reply(to_api_error(created.error()));
  }
  if (!created->appended && request.idempotency_key.empty()) {
    // Without a key this is not a retry of a create that failed half-way
    // (that one appends BusinessCreated now): the owner already has a
    // business with this slug.
    return error_reply(to_api_error(
        domain::make_error(domain::error_code::slug_taken,
                           "the slug '" + *slug + "' is taken by your business " + business_id)));
  }
  return json_reply(
      201,
      [&](JsonWriter& w) {
        service::json_member(w, "business_id", business_id);
        service::json_member(w, "slug", *slug);
      },
      created->version);
}

CommandReply update_business(CommandContext& ctx, const CommandRequest& request) {
  auto user = authenticate(ctx, request);
  if (!user) return error_reply(user.error());
  auto business_id = id_param(request, "id", auth::IdKind::business);
  if (!business_id) return error_reply(business_id.error());
  auto doc = parse_object(request);
  if (!doc) return error_reply(doc.error());
  auto body = JsonObject::of(*doc);
  if (!body) return error_reply(body.error());
  if (auto r = body->reject_unknown_fields({"name", "description", "contact_email", "contact_phone",
                                            "address", "time_zone", "policy"});
      !r) {
    return error_reply(r.error());
  }
  // Type checks now, so the merge inside the decision cannot fail.
  if (auto r = read_profile(*body, {}); !r) return error_reply(r.error());
  if (auto r = read_policy(*body, {}); !r) return error_reply(r.error());
  auto zone = body->optional_string("time_zone", {1, 200});
  if (!zone) return error_reply(zone.error());

  auto reply = run_business(
      ctx, request, *business_id, *user, [&](const domain::BusinessState& s) -> BusinessDecision {
        std::vector<domain::BusinessEvent> events;
        const domain::UpdateProfile profile{*business_id, *user,
                                            read_profile(*body, s.profile).value(),
                                            zone->value_or(s.time_zone)};
        auto p = domain::decide(s, domain::BusinessCommand{profile});
        if (!p) return common::fail(p.error());
        events = std::move(*p);
        const domain::ChangePolicy policy{*business_id, *user,
                                          read_policy(*body, s.policy).value()};
        auto q = domain::decide(s, domain::BusinessCommand{policy});
        if (!q) return common::fail(q.error());
        events.insert(events.end(), q->begin(), q->end());
        return events;
      });
  if (reply.status != 200) return reply;

  // Opening hours are local times of the business's zone: re-state them in
  // the new zone (bookings already made keep their instants). Compared on
  // every PATCH, not only one that changed the zone: when this second
  // commit failed, the PATCH sent again finds the business in the new zone
  // already, and must still move the hours.
  auto business = load_business(ctx, *business_id);
  if (!business) return error_reply(business.error());
  auto calendar = ctx.calendars().load(*business_id);
  if (!calendar) return error_reply(to_api_error(calendar.error()));
  if (calendar->first.time_zone.empty() || calendar->first.time_zone == business->time_zone) {
    return reply;
  }
  const domain::Actor actor{domain::ActorKind::owner, *user};
  auto moved =
      execute_calendar(ctx, request, *business_id,
                       domain::SetWeeklySchedule{*business_id, business->owner_user_id, actor,
                                                 business->time_zone, calendar->first.schedule},
                       actor);
  if (!moved) return error_reply(to_api_error(moved.error()));
  return position_reply(200, moved->executed.version);
}

CommandReply define_service(CommandContext& ctx, const CommandRequest& request) {
  auto user = authenticate(ctx, request);
  if (!user) return error_reply(user.error());
  auto business_id = id_param(request, "id", auth::IdKind::business);
  if (!business_id) return error_reply(business_id.error());
  auto doc = parse_object(request);
  if (!doc) return error_reply(doc.error());
  auto body = JsonObject::of(*doc);
  if (!body) return error_reply(body.error());
  for (const char* required : {"name", "duration_minutes", "price_minor"}) {
    if (!body->has(required)) {
      return error_reply(
          service::invalid_request("field '" + std::string(required) + "' is required"));
    }
  }
  if (auto r = read_service(*body, {}, "XXX"); !r) return error_reply(r.error());
  auto service_id = id_for(request, auth::IdKind::service, *user, *business_id);
  if (!service_id) return error_reply(service_id.error());

  auto executed = ctx.businesses().execute(
      *business_id,
      [&](const domain::BusinessState& s) -> BusinessDecision {
        const domain::DefineService define{*business_id, *user, *service_id,
                                           read_service(*body, {}, s.currency).value()};
        return domain::decide(s, domain::BusinessCommand{define});
      },
      new_commit_id(), commit_metadata(ctx, request, {domain::ActorKind::owner, *user}));
  if (!executed) return error_reply(to_api_error(executed.error()));
  return json_reply(
      201, [&](JsonWriter& w) { service::json_member(w, "service_id", *service_id); },
      executed->version);
}

CommandReply update_service(CommandContext& ctx, const CommandRequest& request) {
  auto user = authenticate(ctx, request);
  if (!user) return error_reply(user.error());
  auto business_id = id_param(request, "id", auth::IdKind::business);
  if (!business_id) return error_reply(business_id.error());
  auto service_id = id_param(request, "sid", auth::IdKind::service);
  if (!service_id) return error_reply(service_id.error());
  auto doc = parse_object(request);
  if (!doc) return error_reply(doc.error());
  auto body = JsonObject::of(*doc);
  if (!body) return error_reply(body.error());
  if (auto r = read_service(*body, {}, "XXX", true); !r) return error_reply(r.error());
  auto active = read_service_active(*body);
  if (!active) return error_reply(active.error());
  return run_business(
      ctx, request, *business_id, *user, [&](const domain::BusinessState& s) -> BusinessDecision {
        const domain::Service* current = domain::find_service(s, *service_id);
        domain::ServiceDefinition base =
            current ? current->definition : domain::ServiceDefinition{};
        const domain::UpdateService update{
            *business_id, *user, *service_id,
            read_service(*body, std::move(base), s.currency, true).value(), *active};
        return domain::decide(s, domain::BusinessCommand{update});
      });
}

CommandReply retire_service(CommandContext& ctx, const CommandRequest& request) {
  auto user = authenticate(ctx, request);
  if (!user) return error_reply(user.error());
  auto business_id = id_param(request, "id", auth::IdKind::business);
  if (!business_id) return error_reply(business_id.error());
  auto service_id = id_param(request, "sid", auth::IdKind::service);
  if (!service_id) return error_reply(service_id.error());
  const domain::RetireService retire{*business_id, *user, *service_id};
  return run_business(ctx, request, *business_id, *user, [&](const domain::BusinessState& s) {
    return domain::decide(s, domain::BusinessCommand{retire});
  });
}

CommandReply reset_calendar_feed(CommandContext& ctx, const CommandRequest& request) {
  auto user = authenticate(ctx, request);
  if (!user) return error_reply(user.error());
  auto business_id = id_param(request, "id", auth::IdKind::business);
  if (!business_id) return error_reply(business_id.error());
  const domain::ResetCalendarFeed reset{*business_id, *user};
  return run_business(ctx, request, *business_id, *user, [&](const domain::BusinessState& s) {
    return domain::decide(s, domain::BusinessCommand{reset});
  });
}

}  // namespace slotwise::command
