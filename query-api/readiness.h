// The query API's /readyz check: ready while the projection's checkpoint can
// be read from PostgreSQL through the read-only role.
//
// /readyz is unauthenticated, so the reason it gives is generic ("read
// models are unavailable"); libpq's own message names the host, port and
// role, and goes to the log only (a warning per failed check).
//
// Thread safety: the returned check may run concurrently; `store` and
// `logger` must outlive it.
// Errors: a failed check is the result value HttpServer turns into a 503.
#pragma once

#include <string>

#include "query-api/read_store.h"
#include "service/http_server.h"
#include "service/log.h"

namespace slotwise::query {

[[nodiscard]] service::HttpServer::ReadinessCheck readiness_check(const ReadStore& store,
                                                                  std::string projection,
                                                                  service::Logger& logger);

}  // namespace slotwise::query
