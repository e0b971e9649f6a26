// slotwise-notifier: sends booking emails (and SMS reminders when configured)
// from the event log, each exactly once as far as SMTP allows
// (docs/notifier.md, docs/adr/0009-notifications.md). Configuration: the
// file given as the only argument (optional), every key also as
// SLOTWISE_<KEY>; see docs/notifier.md for the keys. /healthz, /readyz and
// /metrics on http_port (default 8084). Logs are JSON lines on stderr;
// SIGTERM/SIGINT stop it cleanly (the batch and the message in progress
// finish first).
#include <curl/curl.h>

#include <exception>
#include <iostream>

#include "events/event_store.h"
#include "notifier/notifier.h"
#include "service/config.h"
#include "service/http_server.h"
#include "service/signals.h"

namespace {

using slotwise::service::Config;

int run(const Config& config) {
  slotwise::service::Logger logger("slotwise-notifier", slotwise::service::log_level_from_env());
  slotwise::service::MetricsRegistry metrics;
  auto settings = slotwise::notifier::load_settings(config);
  if (!settings) {
    logger.error("bad configuration", {{"error", settings.error().message}});
    return 2;
  }
  auto store = slotwise::events::EventStore::open(settings.value().store);
  if (!store) {
    logger.error("event store unavailable", {{"error", store.error().describe()}});
    return 1;
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
  auto port = server.start();
  if (!port) {
    logger.error("http listen failed", {{"error", port.error()}});
    return 1;
  }
  logger.info("listening", {{"port", port.value()},
                            {"smtp", settings.value().smtp.url.empty() ? "off" : "on"},
                            {"sms", settings.value().sms_provider.empty() ? "off" : "on"}});

  auto signals = slotwise::service::ShutdownSignals::install();
  if (!signals) {
    logger.error("signals", {{"error", signals.error()}});
    return 1;
  }
  notifier.start();
  signals.value()->wait();
  notifier.stop();
  server.stop();
  logger.info("stopped", {{"position", notifier.planner().position()}});
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    (void)curl_global_init(CURL_GLOBAL_DEFAULT);
    auto config = argc > 1 ? Config::load(argv[1])
                           : slotwise::service::ConfigResult<Config>(Config::from_env());
    if (!config) {
      std::cerr << config.error().message << '\n';
      return 2;
    }
    const int rc = run(config.value());
    curl_global_cleanup();
    return rc;
  } catch (const std::exception& e) {
    std::cerr << "slotwise-notifier: " << e.what() << '\n';
    return 1;
  }
}
