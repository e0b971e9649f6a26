// Reading slotwise-query's settings: the read-only database URL and the
// secrets, from service::Config.
//
//   pg_url           postgresql://slotwise@127.0.0.1:55432/slotwise
//   query_pg_url     default: pg_url with its user replaced by query_role
//   query_role       slotwise_query (created/granted by slotwise-projector)
//   jwt_secret_file  required; jwt_issuer (slotwise), jwt_audience (slotwise-api)
//   feed_secret_file default: jwt_secret_file
//
// Thread safety: pure functions.
// Errors: a message naming the setting.
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"

namespace slotwise::query {

// "postgresql://user:pw@host:port/db?x" -> same URL with userinfo `user`.
[[nodiscard]] std::string with_user(std::string_view url, std::string_view user);

// The file's contents without trailing CR/LF.
[[nodiscard]] common::Result<std::string, std::string> read_secret_file(const std::string& path);

}  // namespace slotwise::query
