// slotwise-notifier: sends booking emails (and SMS reminders when configured)
// from the event log, each exactly once as far as SMTP allows
// (docs/notifier.md, docs/adr/0009-notifications.md). Configuration: the
// file given as the only argument (optional), every key also as
// SLOTWISE_<KEY>; see docs/notifier.md for the keys. /healthz, /readyz and
// /metrics on http_port (default 8084). Logs are JSON lines on stderr, errors
// at start-up included (an SLOTWISE_LOG_LEVEL that is no level is a
// configuration error, exit 2); SIGTERM/SIGINT stop it cleanly (the batch
// and the message in progress finish first).
#include <curl/curl.h>

#include <exception>

#include "events/event_store.h"
#include "notifier/notifier.h"
#include "service/config.h"
#include "service/http_server.h"
#include "service/process_main.h"
#include "service/signals.h"

namespace {

using slotwise::service::Config;

int run(const Config& config, slotwise::service::Logger& logger) {
  slotwise::service::MetricsRegistry metrics;
  auto settings = slotwise::notifier::load_settings(config);
  if (!settings) {
    logger.error("bad configuration", {{"error", settings.error().message}});
    return 2;
  }
  // Returns at once when NATS does not answer yet (connection.h): the
  // planner's sessions retry until it does, while /healthz answers, /readyz
  // says 503 and SIGTERM stops the process.
  auto store = slotwise::events::EventStore::open(settings.value().store);
  if (!store) {
    logger.error("event store unavailable", {{"error", store.error().describe()}});
    return 1;
  }
  if (!store.value()->connected()) {
    logger.info("waiting for NATS", {{"nats_url", settings.value().store.connection.url}});
  }
  slotwise::notifier::Notifier notifier(*store.value(), settings.value(), logger, metrics);

  slotwise::service::HttpServerOptions http;
  http.host = settings.value().http_host;
  http.port = settings.value().http_port;
  http.worker_threads = 2;
  slotwise::service::HttpServer server(http, logger, metrics);
  server.set_readiness_check(
      [&]() -> slotwise::common::Result<slotwise::common::Unit, std::string> {
        if (notifier.ready()) return slotwise::common::Unit{};
        return slotwise::common::fail(std::string("standby or not connected"));
      });
  // Before the server starts: once /healthz answers, a SIGTERM must shut down
  // in order, never meet the default action (which kills the process).
  auto signals = slotwise::service::ShutdownSignals::install();
  if (!signals) {
    logger.error("signals", {{"error", signals.error()}});
    return 1;
  }
  auto port = server.start();
  if (!port) {
    logger.error("http listen failed", {{"error", port.error()}});
    return 1;
  }
  logger.info("listening", {{"port", port.value()},
                            {"smtp", settings.value().smtp.url.empty() ? "off" : "on"},
                            {"sms", settings.value().sms_provider.empty() ? "off" : "on"}});

  notifier.start();
  signals.value()->wait();
  notifier.stop();
  server.stop();
  logger.info("stopped", {{"position", notifier.planner().position()}});
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  // libcurl's global state is set up before any thread exists and torn down
  // after the last one ended, as its documentation requires.
  (void)curl_global_init(CURL_GLOBAL_DEFAULT);
  const int rc = slotwise::service::process_main("slotwise-notifier", argc, argv, run);
  curl_global_cleanup();
  return rc;
}
