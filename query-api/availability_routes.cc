// QueryApi's availability routes (api.h): GET
// /v1/businesses/{slug}/availability, public and cacheable, and its
// reschedule=<booking id> variant, private to the booking's owner or
// manage token.
#include <memory>

#include "auth/tokens.h"
#include "domain/proto_values.h"
#include "query-api/api.h"
#include "query-api/availability.h"
#include "query-api/replies.h"
#include "query-api/views.h"

namespace slotwise::query {

using service::ApiError;
using service::reply_error;

std::optional<QueryApi::AvailabilityRequest> QueryApi::availability_request(const Ctx& ctx,
                                                                            Res& res) const {
  const auto& req = ctx.request();
  AvailabilityRequest r;
  r.service_id = req.get_param_value("service_id");
  if (req.has_param("reschedule")) {
    r.reschedule = req.get_param_value("reschedule");
    if (r.reschedule->empty()) {
      bad_request(res, "reschedule must be a booking id");
      return std::nullopt;
    }
  } else if (r.service_id.empty()) {
    bad_request(res, "service_id is required");
    return std::nullopt;
  }
  const auto from = date_param(req, "from");
  const auto to = date_param(req, "to");
  if (!from || !to) {
    bad_request(res, "from and to must be dates (YYYY-MM-DD)");
    return std::nullopt;
  }
  if (*to < *from) {
    bad_request(res, "to must not be before from");
    return std::nullopt;
  }
  if ((*to - *from).count() + 1 > options_.max_availability_days) {
    bad_request(res,
                "at most " + std::to_string(options_.max_availability_days) + " days per request");
    return std::nullopt;
  }
  r.from = *from;
  r.to = *to;
  if (req.has_param("tz")) {
    r.variant = req.get_param_value("tz");
    auto z = domain::TimeZone::locate(r.variant);
    if (!z) {
      bad_request(res, "tz must be an IANA time zone");
      return std::nullopt;
    }
    r.display = z.value();
  }
  return r;
}

namespace {

// The zone an answer is shown in: the request's, else the business's (UTC
// if that is not a zone this build knows).
domain::TimeZone display_zone(const std::optional<domain::TimeZone>& requested,
                              const BusinessRow& business) {
  if (requested) return *requested;
  auto z = domain::TimeZone::locate(business.time_zone);
  if (!z) z = domain::TimeZone::locate("UTC");
  return z.value();
}

}  // namespace

void QueryApi::availability(const Ctx& ctx, Res& res) const {
  const auto request = availability_request(ctx, res);
  if (!request) return;
  if (request->reschedule) return reschedule_availability(ctx, res, *request);
  // The position also tells whether the cache may answer.
  const auto admitted = await_position(ctx, res);
  if (!admitted) return;
  const domain::Instant t = now();
  auto entry =
      availability_entry(ctx, *admitted, request->service_id, request->from, request->to, t);
  if (!entry) return db_error(ctx, res, entry.error());
  if (!entry.value()) return not_found(res, "business or service");
  const AvailabilityData& data = entry.value()->data();
  auto rendered = entry.value()->rendered(request->variant, t);
  if (!rendered) {
    const domain::TimeZone display = display_zone(request->display, data.business);
    const AvailabilityAnswer answer =
        compute_availability(data, request->from, request->to, display, t);
    std::string body = availability_json(data.business, request->service_id, display, answer.days);
    std::string etag = etag_of(body);
    rendered = std::make_shared<const AvailabilityCache::Rendered>(
        AvailabilityCache::Rendered{std::move(body), std::move(etag)});
    entry.value()->remember(request->variant, t, answer.valid_until, rendered);
  }
  reply_public(ctx, res, rendered->body, rendered->etag, 5);
}

std::optional<QueryApi::Mover> QueryApi::mover(const Ctx& ctx, Res& res) const {
  // The credentials /reschedule takes, read as the command side reads them
  // (command-side/booking_commands.cc, action_target): an Authorization
  // header makes the caller the owner, and it must be valid; without one,
  // the manage token (query parameter or X-Manage-Token, as for
  // GET /v1/bookings/{id}) makes the caller the customer. Which of the two
  // decides whether a booking that has started can still move.
  const auto& req = ctx.request();
  Mover m;
  if (Access::has_bearer(req)) {
    auto bearer = access_.bearer(req, now());
    if (!bearer) {
      unauthorized(res);
      return std::nullopt;
    }
    m.owner_user_id = bearer->subject;
    m.owner = std::move(*bearer);
    return m;
  }
  m.manage_token = req.get_param_value("manage_token");
  if (m.manage_token.empty()) m.manage_token = req.get_header_value("X-Manage-Token");
  if (m.manage_token.empty()) {
    unauthorized(res);
    return std::nullopt;
  }
  return m;
}

std::optional<BookingRow> QueryApi::movable_booking(const Ctx& ctx, Res& res, const Mover& mover,
                                                    const std::string& booking_id) const {
  // The booking and the owner of the path's business in one statement.
  auto found = store_.business_booking(std::string(ctx.path_param("slug")), booking_id);
  if (!found) {
    db_error(ctx, res, found.error());
    return std::nullopt;
  }
  // Unknown, of another business, or not the caller's to move: the same 404
  // (GET /v1/bookings/{id} hides bookings the same way).
  const bool allowed =
      found.value() &&
      (mover.owner_user_id ? *mover.owner_user_id == found.value()->owner_user_id
                           : auth::manage_token_matches(
                                 mover.manage_token, found.value()->booking.manage_token_sha256));
  if (!allowed) {
    not_found(res, "booking");
    return std::nullopt;
  }
  return std::move(found.value()->booking);
}

void QueryApi::reschedule_availability(const Ctx& ctx, Res& res,
                                       const AvailabilityRequest& request) const {
  const auto caller = mover(ctx, res);
  if (!caller) return;
  const auto admitted = await_position(ctx, res);
  if (!admitted) return;
  if (caller->owner_user_id && !session_ok(ctx, res, caller->owner, *admitted)) return;
  const auto row = movable_booking(ctx, res, *caller, *request.reschedule);
  if (!row) return;
  // The booking keeps its service; naming another one is a mistake, not a
  // question about that service.
  if (!request.service_id.empty() && request.service_id != row->service_id) {
    return bad_request(res, "service_id must be the booking's service (or be omitted)");
  }
  const auto booking = domain_booking(*row);
  if (!booking) return not_found(res, "booking");
  const domain::Instant t = now();
  const domain::Actor actor = caller->owner_user_id
                                  ? domain::Actor{domain::ActorKind::owner, *caller->owner_user_id}
                                  : domain::Actor{domain::ActorKind::customer, row->booking_id};
  // A booking /reschedule would refuse whatever the time: its answer, 409.
  if (auto movable = domain::check_movable(*booking, actor, t); !movable) {
    return reply_error(res, ApiError{409, movable.error().code, movable.error().message});
  }
  // The rows come from the cache as for any request (they are the same rows
  // whoever asks); the answer does not: it is rendered for this request,
  // never remembered in the entry, and not cacheable by anyone else.
  auto entry = availability_entry(ctx, *admitted, row->service_id, request.from, request.to, t);
  if (!entry) return db_error(ctx, res, entry.error());
  if (!entry.value()) return not_found(res, "business or service");
  const AvailabilityData& data = entry.value()->data();
  const domain::TimeZone display = display_zone(request.display, data.business);
  const AvailabilityAnswer answer = compute_availability(
      data, request.from, request.to, display, t,
      MovingBooking{row->booking_id, domain::moving_timing(*booking), booking->start});
  reply_private(res, availability_json(data.business, row->service_id, display, answer.days));
}

Result<std::shared_ptr<const AvailabilityCache::Entry>> QueryApi::availability_entry(
    const Ctx& ctx, const Admitted& admitted, const std::string& service_id, domain::LocalDate from,
    domain::LocalDate to, domain::Instant now) const {
  using Entry = AvailabilityCache::Entry;
  const std::string id_or_slug(ctx.path_param("slug"));
  const bool cached = cache_ != nullptr && cache_->usable(admitted.min_position);
  // Only found rows are cached, and real slugs, ids and dates hold no '\n',
  // so a key with a crafted '\n' never names another request's entry.
  std::string key;
  std::uint64_t token = 0;
  if (cached) {
    key.append(id_or_slug)
        .append("\n")
        .append(service_id)
        .append("\n")
        .append(domain::format_local_date(from))
        .append("\n")
        .append(domain::format_local_date(to));
    if (auto hit = cache_->find(key, now)) {
      cache_hits_.inc();
      return hit;
    }
    cache_misses_.inc();
    token = cache_->read_token();  // before the read: see availability_cache.h
  } else if (cache_ != nullptr) {
    cache_bypassed_.inc();
  }
  auto data = store_.availability_data(id_or_slug, service_id, from, to, now);
  if (!data) return common::Unexpected<Error>{data.error()};
  if (!data.value()) return std::shared_ptr<const Entry>{};
  if (cached) return cache_->insert(key, token, now, std::move(*data.value()));
  return std::make_shared<const Entry>(0, now, std::move(*data.value()));
}

}  // namespace slotwise::query
