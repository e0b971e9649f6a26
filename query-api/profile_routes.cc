// The QueryApi routes that show what a business is set up as and who books
// with it (api.h lists every route):
//   GET /v1/me/businesses                    the bearer's businesses
//   GET /v1/businesses/{slug}/schedule       public opening hours
//   GET /v1/businesses/{id}/customers        owner, keyset pagination
//   GET /v1/businesses/{id}/services         owner, retired services too
#include "auth/base64url.h"
#include "domain/proto_values.h"
#include "query-api/api.h"
#include "query-api/profile_views.h"
#include "query-api/replies.h"
#include "query-api/views.h"
#include "service/utf8.h"

namespace slotwise::query {
namespace {

using Res = httplib::Response;

// Overrides are listed for at most this many days per request.
constexpr int kMaxOverrideDays = 366;

// A customers cursor: the last row's email and sort name. The email comes
// first because it never holds a newline (normalize_email checks its shape).
std::string customer_cursor(const CustomerRow& c) {
  return auth::base64url_encode(c.email_normalized + "\n" + c.sort_name);
}

std::optional<std::pair<std::string, std::string>> parse_customer_cursor(const std::string& text) {
  auto raw = auth::base64url_decode(text);
  if (!raw) return std::nullopt;
  const std::size_t nl = raw->find('\n');
  if (nl == std::string::npos || nl == 0) return std::nullopt;
  std::string email = raw->substr(0, nl);
  std::string name = raw->substr(nl + 1);
  // Ours (customer_cursor) or tampered with: text that is not UTF-8 would
  // make PostgreSQL refuse the page (a 500) instead of the 400 it deserves.
  if (!service::is_valid_utf8(email) || !service::is_valid_utf8(name)) return std::nullopt;
  return std::make_pair(std::move(name), std::move(email));
}

}  // namespace

void QueryApi::my_businesses(const Ctx& ctx, Res& res) const {
  const auto bearer = access_.bearer(ctx.request(), now());
  if (!bearer) return unauthorized(res);
  const auto admitted = await_position(ctx, res);
  if (!admitted || !session_ok(ctx, res, *bearer, *admitted)) return;
  auto rows = store_.businesses_of(bearer->subject);
  if (!rows) return db_error(ctx, res, rows.error());
  reply_private(res, owned_businesses_json(bearer->subject, rows.value()));
}

void QueryApi::opening_hours(const Ctx& ctx, Res& res) const {
  const auto& req = ctx.request();
  const auto from = date_param(req, "from");
  const auto to = date_param(req, "to");
  if ((req.has_param("from") && !from) || (req.has_param("to") && !to)) {
    return bad_request(res, "from and to must be dates (YYYY-MM-DD)");
  }
  if (from && to && *to < *from) return bad_request(res, "to must not be before from");
  if (from && to && (*to - *from).count() + 1 > kMaxOverrideDays) {
    return bad_request(res, "at most " + std::to_string(kMaxOverrideDays) + " days per request");
  }
  if (!await_position(ctx, res)) return;
  auto b = store_.business(std::string(ctx.path_param("slug")));
  if (!b) return db_error(ctx, res, b.error());
  if (!b.value()) return not_found(res, "business");
  // Without `from`, today in the business's zone: what is still to come.
  domain::LocalDate first{};
  if (from) {
    first = *from;
  } else if (auto zone = domain::TimeZone::locate(b.value()->time_zone)) {
    first = zone.value().reading(now()).date;
  } else {
    first = domain::LocalDate{date::floor<date::days>(now()).time_since_epoch()};
  }
  const domain::LocalDate last = to ? *to : first + date::days{kMaxOverrideDays - 1};
  if (last < first) return bad_request(res, "to must not be before from");
  const std::string f = domain::format_local_date(first);
  const std::string t = domain::format_local_date(last);
  auto hours = store_.opening_hours(b.value()->business_id, f, t);
  if (!hours) return db_error(ctx, res, hours.error());
  reply_public(ctx, res, opening_hours_json(*b.value(), hours.value(), f, t), 30);
}

void QueryApi::customers(const Ctx& ctx, Res& res) const {
  const auto& req = ctx.request();
  CustomerFilter f;
  const auto limit = page_limit(req, res);
  if (!limit) return;
  f.limit = *limit;
  if (req.has_param("cursor")) {
    f.after = parse_customer_cursor(req.get_param_value("cursor"));
    if (!f.after) return bad_request(res, "cursor is not valid");
  }
  const auto business = owned_business_row(ctx, res);
  if (!business) return;
  f.business_id = business->business_id;
  auto rows = store_.customers(f);
  if (!rows) return db_error(ctx, res, rows.error());
  std::optional<std::string> next;
  if (rows.value().size() > static_cast<std::size_t>(f.limit)) {
    rows.value().resize(static_cast<std::size_t>(f.limit));
    next = customer_cursor(rows.value().back());
  }
  reply_private(res, customer_page_json(*business, rows.value(), next));
}

void QueryApi::owner_services(const Ctx& ctx, Res& res) const {
  const auto business = owned_business_row(ctx, res);
  if (!business) return;
  auto services = store_.services(business->business_id);
  if (!services) return db_error(ctx, res, services.error());
  reply_private(res, services_json(*business, services.value()));
}

}  // namespace slotwise::query
