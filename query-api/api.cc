#include "query-api/api.h"

#include <algorithm>
#include <charconv>
#include <thread>

#include "auth/base64url.h"
#include "auth/owner_session.h"
#include "auth/tokens.h"
#include "domain/proto_values.h"
#include "domain/text_rules.h"
#include "query-api/ics.h"
#include "query-api/replies.h"
#include "query-api/views.h"
#include "service/rfc3339.h"
#include "service/utf8.h"

namespace slotwise::query {
namespace {

using service::ApiError;
using service::reply_error;
using Res = httplib::Response;

constexpr std::chrono::milliseconds kLongestPositionPoll{50};

std::optional<std::uint64_t> parse_u64(std::string_view s) {
  std::uint64_t v = 0;
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || p != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

// An instant bound: RFC 3339, or a date meaning its 00:00 UTC (`end` adds a day).
std::optional<domain::Instant> bound_param(const std::string& text, bool end) {
  if (auto d = domain::parse_local_date(text)) {
    const domain::Instant t{(*d + date::days{end ? 1 : 0}).time_since_epoch()};
    return t;
  }
  auto t = service::parse_rfc3339(text);
  if (!t) return std::nullopt;
  return t.value();
}

std::string cursor_of(const BookingRow& b) {
  return auth::base64url_encode(std::to_string(b.start.time_since_epoch().count()) + "|" +
                                b.booking_id);
}

std::optional<std::pair<std::int64_t, std::string>> parse_cursor(const std::string& text) {
  auto raw = auth::base64url_decode(text);
  if (!raw) return std::nullopt;
  const std::size_t bar = raw->find('|');
  if (bar == std::string::npos || bar + 1 >= raw->size()) return std::nullopt;
  const std::string decoded = std::move(raw).value();
  const std::string_view whole = decoded;
  const std::string_view head = whole.substr(0, bar);
  std::int64_t t = 0;
  const auto [p, ec] = std::from_chars(head.data(), head.data() + head.size(), t);
  if (ec != std::errc{} || p != head.data() + head.size()) return std::nullopt;
  // A cursor is ours (cursor_of) or tampered with: a start outside years
  // 0001-9999 or an id that is not text would make PostgreSQL refuse the
  // page (a 500) instead of the 400 it deserves.
  constexpr std::int64_t kFirst = -62135596800;  // 0001-01-01T00:00:00Z
  constexpr std::int64_t kLast = 253402300799;   // 9999-12-31T23:59:59Z
  if (t < kFirst || t > kLast || !service::is_valid_utf8(whole.substr(bar + 1))) {
    return std::nullopt;
  }
  return std::make_pair(t, decoded.substr(bar + 1));
}

service::CounterFamily& cache_lookups(service::MetricsRegistry& metrics) {
  return metrics.counter_family(
      "slotwise_query_availability_cache_total",
      "Availability requests by cache outcome: hit, miss (read and cached), bypass (cache not"
      " usable: listener down or SlotWise-Min-Position ahead of its notices)",
      {"result"});
}

bool is_status(std::string_view s) {
  return s == "tentative" || s == "confirmed" || s == "cancelled" || s == "expired" ||
         s == "completed" || s == "no_show";
}

// A comma-separated status filter; the message names an unknown status.
common::Result<std::vector<std::string>, std::string> parse_statuses(const std::string& s) {
  std::vector<std::string> out;
  std::size_t at = 0;
  while (at <= s.size()) {
    std::size_t end = s.find(',', at);
    if (end == std::string::npos) end = s.size();
    std::string one = s.substr(at, end - at);
    // The command side answers a hold awaiting payment as
    // "pending_payment" (issue 4); the read models call it "tentative".
    if (one == "pending_payment") one = "tentative";
    if (!is_status(one)) return common::fail("unknown status '" + one + "'");
    out.push_back(std::move(one));
    at = end + 1;
  }
  return out;
}

}  // namespace

QueryApi::QueryApi(const ReadStore& store, const Access& access, QueryOptions options,
                   service::MetricsRegistry& metrics, AvailabilityCache* cache,
                   OwnerSessions* sessions)
    : store_(store),
      access_(access),
      options_(std::move(options)),
      owners_(store, options_.owner_cache_entries),
      position_timeouts_(metrics.counter(
          "slotwise_query_min_position_timeouts_total",
          "Requests answered 503 because the projection did not reach SlotWise-Min-Position")),
      cache_(cache),
      sessions_(sessions),
      cache_hits_(cache_lookups(metrics).with({"hit"})),
      cache_misses_(cache_lookups(metrics).with({"miss"})),
      cache_bypassed_(cache_lookups(metrics).with({"bypass"})) {}

domain::Instant QueryApi::now() const {
  if (options_.clock) return options_.clock();
  return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
}

void QueryApi::install(service::HttpServer& server) {
  // Each handler checks its parameters and credentials first and waits for
  // SlotWise-Min-Position (await_position) only before it reads the read
  // models: a request that can never succeed gets its 400/401 at once, not
  // a 503 "retry" after the wait.
  auto bind = [this](void (QueryApi::*handler)(const Ctx&, Res&) const) {
    return [this, handler](Ctx& ctx, Res& res) {
      if (!text_request(ctx, res)) return;
      (this->*handler)(ctx, res);
    };
  };
  server.get("/v1/businesses/{slug}", bind(&QueryApi::business));
  server.get("/v1/businesses/{slug}/availability", bind(&QueryApi::availability));
  server.get("/v1/bookings/{id}", bind(&QueryApi::booking));
  server.get("/v1/businesses/{slug}/bookings", bind(&QueryApi::bookings));
  server.get("/v1/businesses/{slug}/calendar.ics", bind(&QueryApi::calendar_ics));
  server.get("/v1/businesses/{slug}/calendar-feed", bind(&QueryApi::calendar_feed));
  server.get("/v1/businesses/{slug}/stats", bind(&QueryApi::stats));
  server.get("/v1/businesses/{slug}/notifications", bind(&QueryApi::notifications));
  server.get("/v1/businesses/{slug}/schedule", bind(&QueryApi::opening_hours));
  server.get("/v1/businesses/{slug}/customers", bind(&QueryApi::customers));
  server.get("/v1/businesses/{slug}/services", bind(&QueryApi::owner_services));
  server.get("/v1/me/businesses", bind(&QueryApi::my_businesses));
}

std::optional<int> QueryApi::page_limit(const httplib::Request& req, Res& res) const {
  if (!req.has_param("limit")) return options_.default_page_size;
  const auto l = parse_u64(req.get_param_value("limit"));
  if (!l || *l < 1 || *l > static_cast<std::uint64_t>(options_.max_page_size)) {
    bad_request(res, "limit must be 1.." + std::to_string(options_.max_page_size));
    return std::nullopt;
  }
  return static_cast<int>(*l);
}

bool QueryApi::text_request(const Ctx& ctx, Res& res) {
  // Ids, slugs and parameters go to PostgreSQL as text, which refuses bytes
  // that are not UTF-8 (%FF in a path decodes to one): bad input, not a
  // server error.
  const auto& req = ctx.request();
  bool valid = service::is_valid_utf8(req.path);
  for (const auto& [name, value] : req.params) {
    valid = valid && service::is_valid_utf8(name) && service::is_valid_utf8(value);
  }
  if (!valid) bad_request(res, "the path and query parameters must be UTF-8 text");
  return valid;
}

std::optional<QueryApi::Admitted> QueryApi::await_position(const Ctx& ctx, Res& res) const {
  const auto& req = ctx.request();
  if (!req.has_header(kMinPositionHeader)) return Admitted{};
  const auto wanted = parse_u64(req.get_header_value(kMinPositionHeader));
  if (!wanted) {
    bad_request(res, std::string(kMinPositionHeader) + " must be a non-negative integer");
    return std::nullopt;
  }
  const auto deadline = std::chrono::steady_clock::now() + options_.min_position_wait;
  // Doubling pauses: a read right after its write usually waits a few
  // milliseconds, and a long wait (or a position that never comes) should
  // not read the checkpoint every 5 ms (~400 queries in 2 s per request).
  const std::chrono::steady_clock::duration longest =
      std::max(options_.min_position_poll, kLongestPositionPoll);
  std::chrono::steady_clock::duration pause = options_.min_position_poll;
  while (true) {
    auto pos = store_.position(options_.projection);
    if (!pos) {
      db_error(ctx, res, pos.error());
      return std::nullopt;
    }
    if (pos.value() >= *wanted) return Admitted{wanted};
    const auto now = std::chrono::steady_clock::now();
    if (now >= deadline) break;
    std::this_thread::sleep_for(std::min(pause, deadline - now));
    pause = std::min(pause * 2, longest);
  }
  position_timeouts_.inc();
  res.set_header("Retry-After", "1");
  reply_error(res, ApiError{503, "projection_behind",
                            "the read models have not reached position " + std::to_string(*wanted) +
                                " yet"});
  return std::nullopt;
}

Result<bool> QueryApi::current_session(const auth::JwtClaims& bearer,
                                       const Admitted& admitted) const {
  const auto current = [&](const AccountSession& s) {
    // Ahead: a change the projector has not applied yet made this token;
    // it ends no session the read models know of.
    return auth::session_state(bearer, s.session_generation, s.password_changed_at) !=
           auth::SessionState::ended;
  };
  const bool cached = sessions_ != nullptr && sessions_->usable(admitted.min_position);
  std::uint64_t token = 0;
  if (cached) {
    if (auto hit = sessions_->find(bearer.subject)) return current(*hit);
    token = sessions_->read_token();  // before the read: see owner_sessions.h
  }
  auto read = store_.account_session(bearer.subject);
  if (!read) return common::Unexpected<Error>{read.error()};
  if (cached) sessions_->insert(bearer.subject, token, read.value());
  return current(read.value());
}

bool QueryApi::session_ok(const Ctx& ctx, Res& res, const auth::JwtClaims& bearer,
                          const Admitted& admitted) const {
  auto current = current_session(bearer, admitted);
  if (!current) {
    db_error(ctx, res, current.error());
    return false;
  }
  if (!current.value()) unauthorized(res);
  return current.value();
}

void QueryApi::business(const Ctx& ctx, Res& res) const {
  if (!await_position(ctx, res)) return;
  const std::string key(ctx.path_param("slug"));
  auto b = store_.business(key);
  if (!b) return db_error(ctx, res, b.error());
  if (!b.value()) return not_found(res, "business");
  auto services = store_.services(b.value()->business_id);
  if (!services) return db_error(ctx, res, services.error());
  reply_public(ctx, res, business_json(*b.value(), services.value()), 30);
}

void QueryApi::booking(const Ctx& ctx, Res& res) const {
  const auto& req = ctx.request();
  const std::string id(ctx.path_param("id"));
  std::string token = req.get_param_value("manage_token");
  if (token.empty()) token = req.get_header_value("X-Manage-Token");
  const bool has_bearer = Access::has_bearer(req);
  if (token.empty() && !has_bearer) return unauthorized(res);
  std::optional<auth::JwtClaims> bearer;
  if (has_bearer) {
    bearer = access_.bearer(req, now());
    if (!bearer && token.empty()) return unauthorized(res);
  }
  const auto admitted = await_position(ctx, res);
  if (!admitted) return;
  // A token whose session ended is no credential: without a manage token
  // that is a 401, as for any invalid token.
  std::optional<std::string> user;
  if (bearer) {
    auto current = current_session(*bearer, *admitted);
    if (!current) return db_error(ctx, res, current.error());
    if (current.value()) {
      user = bearer->subject;
    } else if (token.empty()) {
      return unauthorized(res);
    }
  }
  auto b = store_.booking(id);
  if (!b) return db_error(ctx, res, b.error());
  if (!b.value()) return not_found(res, "booking");
  const bool customer =
      !token.empty() && auth::manage_token_matches(token, b.value()->manage_token_sha256);
  // The owner is asked for even beside a matching manage token: the owner's
  // view shows what the customer's does not (BookingReader, views.h).
  bool owner = false;
  if (user) {
    auto business = owners_.find(b.value()->business_id);
    if (!business) return db_error(ctx, res, business.error());
    owner = business.value() && business.value()->owner_user_id == *user;
  }
  if (!customer && !owner) return not_found(res, "booking");
  auto history = store_.history(id);
  if (!history) return db_error(ctx, res, history.error());
  reply_private(res, booking_json(*b.value(), history.value(),
                                  owner ? BookingReader::owner : BookingReader::customer));
}

std::optional<std::string> QueryApi::owned_business(const Ctx& ctx, Res& res) const {
  const auto bearer = access_.bearer(ctx.request(), now());
  if (!bearer) {
    unauthorized(res);
    return std::nullopt;
  }
  const auto admitted = await_position(ctx, res);
  if (!admitted || !session_ok(ctx, res, *bearer, *admitted)) return std::nullopt;
  auto b = owners_.find(std::string(ctx.path_param("slug")));
  if (!b) {
    db_error(ctx, res, b.error());
    return std::nullopt;
  }
  if (!b.value()) {
    not_found(res, "business");
    return std::nullopt;
  }
  if (b.value()->owner_user_id != bearer->subject) {
    reply_error(res, ApiError{403, "forbidden", "not the owner of this business"});
    return std::nullopt;
  }
  return b.value()->business_id;
}

std::optional<BusinessRow> QueryApi::owned_business_row(const Ctx& ctx, Res& res) const {
  const auto id = owned_business(ctx, res);
  if (!id) return std::nullopt;
  auto row = store_.business(*id);  // the profile (zone) may have changed: read it
  if (!row) {
    db_error(ctx, res, row.error());
    return std::nullopt;
  }
  if (!row.value()) not_found(res, "business");
  return row.value();
}

void QueryApi::bookings(const Ctx& ctx, Res& res) const {
  const auto& req = ctx.request();
  BookingFilter f;
  f.from = domain::Instant{};
  f.to = domain::Instant{std::chrono::seconds{253'402'300'799}};  // 9999-12-31T23:59:59Z
  if (req.has_param("from")) {
    auto t = bound_param(req.get_param_value("from"), false);
    if (!t) return bad_request(res, "from must be a date or an RFC 3339 time");
    f.from = *t;
  }
  if (req.has_param("to")) {
    auto t = bound_param(req.get_param_value("to"), true);
    if (!t) return bad_request(res, "to must be a date or an RFC 3339 time");
    f.to = *t;
  }
  if (req.has_param("status")) {
    auto statuses = parse_statuses(req.get_param_value("status"));
    if (!statuses) return bad_request(res, statuses.error());
    f.statuses = std::move(statuses).value();
  }
  const auto limit = page_limit(req, res);
  if (!limit) return;
  f.limit = *limit;
  if (req.has_param("customer")) {
    f.customer_email_normalized = domain::normalize_email(req.get_param_value("customer"));
    if (!domain::is_email_shaped(f.customer_email_normalized)) {
      return bad_request(res, "customer must be an email address");
    }
  }
  if (req.has_param("cursor")) {
    f.after = parse_cursor(req.get_param_value("cursor"));
    if (!f.after) return bad_request(res, "cursor is not valid");
  }
  const auto business = owned_business(ctx, res);
  if (!business) return;
  f.business_id = *business;
  auto rows = store_.bookings(f);
  if (!rows) return db_error(ctx, res, rows.error());
  std::optional<std::string> next;
  if (rows.value().size() > static_cast<std::size_t>(f.limit)) {
    rows.value().resize(static_cast<std::size_t>(f.limit));
    next = cursor_of(rows.value().back());
  }
  reply_private(res, booking_page_json(rows.value(), next));
}

void QueryApi::calendar_ics(const Ctx& ctx, Res& res) const {
  const std::string id(ctx.path_param("slug"));
  const std::string token = ctx.request().get_param_value("token");
  // A malformed token is refused before waiting for a position or reading.
  if (!Access::feed_token_shaped(token)) return not_found(res, "calendar feed");
  if (!await_position(ctx, res)) return;
  auto b = store_.business(id);
  if (!b) return db_error(ctx, res, b.error());
  // The same 404 for an unknown business and a wrong or revoked token.
  if (!b.value() ||
      !access_.feed_token_matches(b.value()->business_id, b.value()->feed_generation, token)) {
    return not_found(res, "calendar feed");
  }
  const domain::Instant t = now();
  auto rows =
      store_.feed(b.value()->business_id, t - std::chrono::days{90}, t, options_.feed_max_events);
  if (!rows) return db_error(ctx, res, rows.error());
  res.set_header("Cache-Control", "private, max-age=300");
  res.status = 200;
  res.set_content(render_calendar(*b.value(), rows.value()), "text/calendar; charset=utf-8");
}

void QueryApi::calendar_feed(const Ctx& ctx, Res& res) const {
  // The row, not just the owner: the token depends on the feed generation.
  const auto business = owned_business_row(ctx, res);
  if (!business) return;
  const std::string token = access_.feed_token(business->business_id, business->feed_generation);
  const std::string url = options_.public_base_url + "/v1/businesses/" + business->business_id +
                          "/calendar.ics?token=" + token;
  reply_private(res, feed_json(url, token));
}

void QueryApi::stats(const Ctx& ctx, Res& res) const {
  const auto& req = ctx.request();
  const auto from = date_param(req, "from");
  const auto to = date_param(req, "to");
  if (!from || !to) return bad_request(res, "from and to must be dates (YYYY-MM-DD)");
  if (*to < *from) return bad_request(res, "to must not be before from");
  if ((*to - *from).count() + 1 > options_.max_stats_days) {
    return bad_request(res,
                       "at most " + std::to_string(options_.max_stats_days) + " days per request");
  }
  const auto business = owned_business_row(ctx, res);
  if (!business) return;
  const std::string f = domain::format_local_date(*from);
  const std::string t = domain::format_local_date(*to);
  auto days = store_.stats(business->business_id, f, t);
  if (!days) return db_error(ctx, res, days.error());
  reply_private(res, stats_json(*business, f, t, days.value()));
}

void QueryApi::notifications(const Ctx& ctx, Res& res) const {
  const auto& req = ctx.request();
  const std::string status = req.get_param_value("status");
  if (!status.empty() && status != "planned" && status != "sent" && status != "failed" &&
      status != "cancelled") {
    return bad_request(res, "status must be planned, sent, failed or cancelled");
  }
  const auto limit = page_limit(req, res);
  if (!limit) return;
  const auto business = owned_business_row(ctx, res);
  if (!business) return;
  auto rows = store_.notifications(business->business_id, status, *limit);
  if (!rows) return db_error(ctx, res, rows.error());
  reply_private(res, notifications_json(*business, rows.value()));
}

}  // namespace slotwise::query
