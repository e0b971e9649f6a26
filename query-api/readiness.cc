#include "query-api/readiness.h"

#include <utility>

namespace slotwise::query {

service::HttpServer::ReadinessCheck readiness_check(const ReadStore& store, std::string projection,
                                                    service::Logger& logger) {
  return [&store, &logger,
          projection = std::move(projection)]() -> common::Result<common::Unit, std::string> {
    auto pos = store.position(projection);
    if (pos) return common::Unit{};
    logger.warn("not ready: read models unavailable", {{"error", pos.error().message}});
    return common::fail(std::string("read models are unavailable"));
  };
}

}  // namespace slotwise::query
