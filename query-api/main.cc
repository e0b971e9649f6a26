// slotwise-query: the read side's HTTP API (docs/query-api.md).
// Configuration: file given as the only argument (optional), every key also
// as SLOTWISE_<KEY>:
//   http_host 127.0.0.1, http_port 8082, http_workers 32
//   pg_url / query_pg_url / query_role        (query_config.h)
//   pool_size 2 x CPU cores (at least 2), pool_acquire_timeout 2s
//   jwt_secret_file (required), jwt_issuer, jwt_audience, feed_secret_file
//   min_position_wait 2s, projection main, public_base_url ""
//   availability_cache_entries 10000 (0: no cache; availability_cache.h;
//     the change listener runs either way, for the owner sessions)
//   availability_cache_bytes   256MiB (estimated rows + rendered answers)
//   nats_url nats://127.0.0.1:54222, stream SLOTWISE, lag_interval 1s: the
//     projection lag in /metrics (projection_lag.h); without NATS the API
//     serves as usual and the lag gauges stay unset
// A key in the file that is none of these, or an SLOTWISE_LOG_LEVEL that is
// no level, is a configuration error (exit 2). Logs are JSON lines on stderr,
// errors at start-up included; SIGTERM/SIGINT stop it gracefully.
#include <algorithm>
#include <exception>
#include <stdexcept>
#include <thread>
#include <vector>

#include "query-api/api.h"
#include "query-api/change_listener.h"
#include "query-api/connection_pool.h"
#include "query-api/projection_lag.h"
#include "query-api/query_config.h"
#include "query-api/readiness.h"
#include "service/config.h"
#include "service/process_main.h"
#include "service/signals.h"

namespace slotwise::query {
namespace {

using service::Config;

// Owner accounts whose sessions are remembered (owner_sessions.h).
constexpr std::size_t kOwnerSessionEntries = 100'000;

template <class R>
auto must(R&& r) {
  if (!r) throw std::runtime_error(r.error().message);
  return std::forward<R>(r).value();
}

int run(const Config& config, service::Logger& logger) {
  if (auto known = config.reject_unknown_keys({"http_host",
                                               "http_port",
                                               "http_workers",
                                               "pg_url",
                                               "query_pg_url",
                                               "query_role",
                                               "pool_size",
                                               "pool_acquire_timeout",
                                               "jwt_secret_file",
                                               "jwt_issuer",
                                               "jwt_audience",
                                               "feed_secret_file",
                                               "min_position_wait",
                                               "projection",
                                               "public_base_url",
                                               "availability_cache_entries",
                                               "availability_cache_bytes",
                                               "nats_url",
                                               "stream",
                                               "lag_interval"});
      !known) {
    logger.error("bad configuration", {{"error", known.error().message}});
    return 2;
  }
  service::MetricsRegistry metrics;

  const std::string pg_url =
      config.get_string("pg_url", "postgresql://slotwise@127.0.0.1:55432/slotwise");
  const std::string role = config.get_string("query_role", "slotwise_query");
  const std::string query_url = config.get_string("query_pg_url", with_user(pg_url, role));
  // More busy PostgreSQL backends than about twice the cores only adds
  // context switches: on 2 cores, 16 connections gave the availability route
  // a p99 of ~230 ms, 4 gave ~30 ms at a higher rate (docs/benchmarks.md).
  const int default_pool = std::max(2, 2 * static_cast<int>(std::thread::hardware_concurrency()));
  const auto pool_size = must(config.get_int("pool_size", default_pool, 1, 1024));
  const auto acquire_timeout =
      must(config.get_duration("pool_acquire_timeout", std::chrono::milliseconds(2000)));

  // The owner's calendar feed URL starts with it (docs/query-api.md).
  std::string public_base_url = must(config.get_base_url("public_base_url"));

  const std::string jwt_file = must(config.require_string("jwt_secret_file"));
  auto key = auth::JwtKey::from_file(jwt_file);
  if (!key) throw std::runtime_error("jwt_secret_file: " + key.error().message);
  auth::JwtSettings jwt_settings;
  jwt_settings.issuer = config.get_string("jwt_issuer", "slotwise");
  jwt_settings.audience = config.get_string("jwt_audience", "slotwise-api");
  auto feed_secret = read_secret_file(config.get_string("feed_secret_file", jwt_file));
  if (!feed_secret) throw std::runtime_error(feed_secret.error());

  ConnectionPool pool(query_url, static_cast<std::size_t>(pool_size), acquire_timeout);
  const ReadStore store(pool);
  const Access access(auth::JwtCodec(std::move(key).value(), jwt_settings),
                      std::move(feed_secret).value());
  QueryOptions options;
  options.projection = config.get_string("projection", "main");
  options.min_position_wait =
      must(config.get_duration("min_position_wait", std::chrono::milliseconds(2000)));
  options.public_base_url = std::move(public_base_url);
  const auto cache_entries =
      must(config.get_int("availability_cache_entries", 10000, 0, 10'000'000));
  const auto cache_bytes =
      must(config.get_size("availability_cache_bytes", AvailabilityCache::kDefaultMaxBytes));
  std::unique_ptr<AvailabilityCache> cache;
  // Owner sessions are always kept (a few dozen bytes per active owner):
  // without them every owner request would read its account first.
  OwnerSessions sessions(options.projection, kOwnerSessionEntries);
  std::vector<ChangeSink*> sinks{&sessions};
  if (cache_entries > 0) {
    cache = std::make_unique<AvailabilityCache>(
        options.projection, static_cast<std::size_t>(cache_entries), cache_bytes);
    sinks.push_back(cache.get());
  }
  ChangeListener listener(query_url, options.projection, std::move(sinks), logger);
  listener.start();
  QueryApi api(store, access, options, metrics, cache.get(), &sessions);

  events::StoreOptions log_options;
  log_options.connection.url = config.get_string("nats_url", "nats://127.0.0.1:54222");
  log_options.connection.name = "slotwise-query";
  // Not retried in the background: the API must start and serve without
  // the log, which it only needs for the lag gauges.
  log_options.connection.retry_on_failed_connect = false;
  log_options.stream.name = config.get_string("stream", "SLOTWISE");
  const auto lag_interval =
      must(config.get_duration("lag_interval", std::chrono::milliseconds(1000)));
  auto log = events::EventStore::open(log_options);
  std::unique_ptr<ProjectionLag> lag;
  if (log) {
    lag = std::make_unique<ProjectionLag>(*log.value(), store, options.projection, metrics, logger,
                                          lag_interval);
    lag->start();
  } else {
    logger.warn("event log unavailable: no projection lag in /metrics",
                {{"error", log.error().describe()}});
  }

  service::HttpServerOptions http;
  http.host = config.get_string("http_host", "127.0.0.1");
  http.port = static_cast<int>(must(config.get_int("http_port", 8082, 0, 65535)));
  http.worker_threads = static_cast<std::size_t>(must(config.get_int("http_workers", 32, 1, 1024)));
  service::HttpServer server(http, logger, metrics);
  api.install(server);
  server.set_readiness_check(readiness_check(store, options.projection, logger));
  // Before the server starts: once /healthz answers, a SIGTERM must shut down
  // in order, never meet the default action (which kills the process). The
  // server is stopped below, after wait(), not from the watcher thread,
  // which could otherwise run stop() while start() is still under way.
  auto signals = service::ShutdownSignals::install();
  if (!signals) {
    logger.error("signals", {{"error", signals.error()}});
    return 1;
  }
  auto port = server.start();
  if (!port) {
    logger.error("http listen failed", {{"error", port.error()}});
    return 1;
  }
  logger.info("listening", {{"port", port.value()}});
  signals.value()->wait();
  server.stop();
  listener.stop();
  if (lag) lag->stop();
  logger.info("stopped");
  return 0;
}

}  // namespace
}  // namespace slotwise::query

int main(int argc, char** argv) {
  return slotwise::service::process_main("slotwise-query", argc, argv, slotwise::query::run);
}
