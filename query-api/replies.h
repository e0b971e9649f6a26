// The answers the QueryApi's route files (api.cc, availability_routes.cc)
// share: the JSON error replies, public cacheable JSON (ETag,
// Cache-Control, Vary, 304 on a matching If-None-Match), private JSON, and
// date_param(), the one request parameter both files read.
//
// Thread safety: pure functions of their arguments (and the response they
// write).
// Errors: none thrown; each error reply writes its HTTP status and
// {"error":{"code","message"}}.
#pragma once

#include <optional>
#include <string>

#include "domain/instant.h"
#include "query-api/connection_pool.h"
#include "service/http_server.h"

namespace slotwise::query {

// The read-your-writes header (api.h: await_position).
inline constexpr const char* kMinPositionHeader = "SlotWise-Min-Position";

// 400 invalid_request with `message`.
void bad_request(httplib::Response& res, std::string message);
// 404 not_found: "<what> not found".
void not_found(httplib::Response& res, std::string what);
// 401 unauthorized, with WWW-Authenticate: Bearer.
void unauthorized(httplib::Response& res);
// A failed read: 503 with Retry-After when the database is unavailable,
// else a 500 naming the request's trace id; the database's own message is
// logged, never answered.
void db_error(const service::RequestContext& ctx, httplib::Response& res, const Error& e);

// A quoted strong ETag of the body.
[[nodiscard]] std::string etag_of(const std::string& body);
// Public, cacheable JSON: ETag + Cache-Control, 304 on a matching If-None-Match.
void reply_public(const service::RequestContext& ctx, httplib::Response& res, std::string body,
                  const std::string& etag, int max_age);
// The same with etag_of(body).
void reply_public(const service::RequestContext& ctx, httplib::Response& res, std::string body,
                  int max_age);
// 200 JSON no cache may keep.
void reply_private(httplib::Response& res, std::string body);

// The query parameter `name` as a YYYY-MM-DD date; nullopt when absent or
// not a date.
[[nodiscard]] std::optional<domain::LocalDate> date_param(const httplib::Request& req,
                                                          const char* name);

}  // namespace slotwise::query
