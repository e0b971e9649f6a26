// slotwise-projector: keeps the PostgreSQL read models up to date from the
// event log. Configuration (file given as the only argument, optional;
// every key also as SLOTWISE_<KEY>):
//   nats_url        nats://127.0.0.1:54222
//   stream          SLOTWISE
//   pg_url          postgresql://slotwise@127.0.0.1:55432/slotwise
//   http_port       8083   (/healthz, /readyz, /metrics; 0 = any free port)
//   http_host       127.0.0.1
//   projection      main
//   catchup_batch   2000,  live_batch 100,  fetch_timeout 200ms
//   defer_aggregates_after  5000   (events behind at which daily stats and
//                   customers wait for the head: aggregate_upkeep.h)
//   query_role      slotwise_query   (read-only role granted SELECT; "" = off)
// A key in the file that is none of these, or an SLOTWISE_LOG_LEVEL that is
// no level, is a configuration error (exit 2). Logs are JSON lines on stderr,
// errors at start-up included; SIGTERM/SIGINT stop it cleanly (the batch in
// progress is committed and acknowledged first).
#include <exception>
#include <stdexcept>
#include <thread>

#include "events/event_store.h"
#include "projections/projector.h"
#include "service/config.h"
#include "service/http_server.h"
#include "service/process_main.h"
#include "service/signals.h"

namespace {

using slotwise::service::Config;

int run(const Config& config, slotwise::service::Logger& logger) {
  if (auto known = config.reject_unknown_keys(
          {"nats_url", "stream", "pg_url", "http_port", "http_host", "projection", "catchup_batch",
           "live_batch", "fetch_timeout", "defer_aggregates_after", "query_role"});
      !known) {
    logger.error("bad configuration", {{"error", known.error().message}});
    return 2;
  }
  slotwise::service::MetricsRegistry metrics;

  auto check = [&](const auto& r) {
    if (!r) throw std::runtime_error(r.error().message);
    return r.value();
  };
  slotwise::events::StoreOptions store_options;
  store_options.connection.url = config.get_string("nats_url", "nats://127.0.0.1:54222");
  store_options.connection.name = "slotwise-projector";
  store_options.connection.retry_on_failed_connect = true;
  store_options.stream.name = config.get_string("stream", "SLOTWISE");

  slotwise::projections::ProjectorOptions options;
  options.pg_url = config.get_string("pg_url", "postgresql://slotwise@127.0.0.1:55432/slotwise");
  options.projection = config.get_string("projection", "main");
  options.consumer.durable_name = "projector-" + options.projection;
  options.consumer.filter_subject = store_options.stream.wildcard();
  options.fetch.catchup_batch =
      static_cast<int>(check(config.get_int("catchup_batch", 2000, 1, 10000)));
  options.fetch.live_batch = static_cast<int>(check(config.get_int("live_batch", 100, 1, 10000)));
  options.fetch.timeout =
      check(config.get_duration("fetch_timeout", std::chrono::milliseconds(200)));
  options.defer_aggregates_after = static_cast<std::uint64_t>(
      check(config.get_int("defer_aggregates_after", 5000, 0, 100'000'000)));
  options.read_only_role = config.get_string("query_role", "slotwise_query");

  // Returns at once when NATS does not answer yet (connection.h): the
  // projector's sessions retry until it does, while /healthz answers,
  // /readyz says 503 and SIGTERM stops the process.
  auto store = slotwise::events::EventStore::open(store_options);
  if (!store) {
    logger.error("event store unavailable", {{"error", store.error().describe()}});
    return 1;
  }
  if (!store.value()->connected()) {
    logger.info("waiting for NATS", {{"nats_url", store_options.connection.url}});
  }
  slotwise::projections::Projector projector(*store.value(), options, logger, metrics);

  // Before the HTTP server: once /healthz answers, a SIGTERM must shut down
  // in order, never meet the default action (which kills the process).
  auto signals = slotwise::service::ShutdownSignals::install([&](int) { projector.stop(); });
  if (!signals) {
    logger.error("signals", {{"error", signals.error()}});
    return 1;
  }
  slotwise::service::HttpServerOptions http;
  http.host = config.get_string("http_host", "127.0.0.1");
  http.port = static_cast<int>(check(config.get_int("http_port", 8083, 0, 65535)));
  http.worker_threads = 4;
  slotwise::service::HttpServer server(http, logger, metrics);
  server.set_readiness_check(
      [&]() -> slotwise::common::Result<slotwise::common::Unit, std::string> {
        if (projector.leader()) return slotwise::common::Unit{};
        return slotwise::common::fail(std::string("standby or not connected"));
      });
  auto port = server.start();
  if (!port) {
    logger.error("http listen failed", {{"error", port.error()}});
    return 1;
  }
  logger.info("listening", {{"port", port.value()}, {"projection", options.projection}});

  projector.run();
  server.stop();
  logger.info("stopped", {{"position", projector.position()}});
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  return slotwise::service::process_main("slotwise-projector", argc, argv, run);
}
