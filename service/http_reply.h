// Reply helpers for HttpServer handlers: the few ways a SlotWise endpoint
// answers, so every JSON response and every error has the same headers and
// shape (errors: {"error":{"code","message"}}, see api_error.h).
//
// Thread safety: pure functions on the caller's Response.
// Errors: none.
#pragma once

#include <string>

#include <httplib.h>

#include "service/api_error.h"

namespace slotwise::service {

inline constexpr const char* kJsonContentType = "application/json";

// `status` with `body` (already serialised JSON) as application/json.
void reply_json(httplib::Response& res, int status, std::string body);

// error.status with error_body(error).
void reply_error(httplib::Response& res, const ApiError& error);

}  // namespace slotwise::service
