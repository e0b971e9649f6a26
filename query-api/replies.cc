#include "query-api/replies.h"

#include <string_view>

#include "auth/tokens.h"
#include "domain/proto_values.h"

namespace slotwise::query {
namespace {

using service::ApiError;
using service::reply_error;
using Res = httplib::Response;

bool etag_matches(const std::string& if_none_match, const std::string& etag) {
  if (if_none_match == "*") return true;
  std::size_t at = 0;
  while (at < if_none_match.size()) {
    std::size_t end = if_none_match.find(',', at);
    if (end == std::string::npos) end = if_none_match.size();
    std::string_view tag(if_none_match.data() + at, end - at);
    while (!tag.empty() && tag.front() == ' ') tag.remove_prefix(1);
    while (!tag.empty() && tag.back() == ' ') tag.remove_suffix(1);
    if (tag.starts_with("W/")) tag.remove_prefix(2);
    if (tag == etag) return true;
    at = end + 1;
  }
  return false;
}

}  // namespace

void bad_request(Res& res, std::string message) {
  reply_error(res, service::invalid_request(std::move(message)));
}
void not_found(Res& res, std::string what) {
  reply_error(res, ApiError{404, service::error_code::kNotFound, std::move(what) + " not found"});
}
void unauthorized(Res& res) {
  res.set_header("WWW-Authenticate", "Bearer");
  reply_error(res, ApiError{401, "unauthorized", "a valid owner token is required"});
}
// The database's own message (host, port, role, SQL) is for the log, under
// the request's trace id, never for the caller; a 500 names the trace id so
// a report can be matched to its log line, like HttpServer's own 500s.
void db_error(const service::RequestContext& ctx, Res& res, const Error& e) {
  const std::string& trace_id = ctx.trace().trace_id;
  if (e.code == ErrorCode::kUnavailable) {
    ctx.logger().warn("read models unavailable",
                      {{"trace_id", trace_id}, {"route", ctx.route()}, {"error", e.message}});
    res.set_header("Retry-After", "1");
    reply_error(res, ApiError{503, "unavailable", "read models are unavailable"});
  } else {
    ctx.logger().error("query failed",
                       {{"trace_id", trace_id}, {"route", ctx.route()}, {"error", e.message}});
    reply_error(res, ApiError{500, service::error_code::kInternal,
                              "query failed (trace " + trace_id + ")"});
  }
}

std::string etag_of(const std::string& body) {
  return "\"" + auth::sha256_hex(body).substr(0, 32) + "\"";
}

void reply_public(const service::RequestContext& ctx, Res& res, std::string body,
                  const std::string& etag, int max_age) {
  res.set_header("ETag", etag);
  res.set_header("Cache-Control", "public, max-age=" + std::to_string(max_age));
  // A read after the client's own write (SlotWise-Min-Position) must reach
  // this server, not a browser or CDN copy stored for a read without it.
  res.set_header("Vary", kMinPositionHeader);
  const auto& req = ctx.request();
  if (req.has_header("If-None-Match") &&
      etag_matches(req.get_header_value("If-None-Match"), etag)) {
    res.status = 304;
    return;
  }
  service::reply_json(res, 200, std::move(body));
}

void reply_public(const service::RequestContext& ctx, Res& res, std::string body, int max_age) {
  const std::string etag = etag_of(body);
  reply_public(ctx, res, std::move(body), etag, max_age);
}

void reply_private(Res& res, std::string body) {
  res.set_header("Cache-Control", "private, no-store");
  service::reply_json(res, 200, std::move(body));
}

std::optional<domain::LocalDate> date_param(const httplib::Request& req, const char* name) {
  if (!req.has_param(name)) return std::nullopt;
  return domain::parse_local_date(req.get_param_value(name));
}

}  // namespace slotwise::query
