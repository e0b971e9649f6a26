#include "query-api/change_listener.h"

#include <pqxx/pqxx>

#include "projections/pg.h"

namespace slotwise::query {
namespace {

using Clock = std::chrono::steady_clock;

// Forwards each notice on the channel to the sinks.
class Receiver final : public pqxx::notification_receiver {
 public:
  Receiver(pqxx::connection& conn, const std::vector<ChangeSink*>& sinks, service::Logger& logger)
      : pqxx::notification_receiver(conn, projections::kChangeChannel),
        sinks_(sinks),
        logger_(logger) {}

  void operator()(const std::string& payload, int /*backend_pid*/) override {
    auto notice = projections::decode_change_notice(payload);
    if (!notice) {
      logger_.warn("malformed change notice ignored", {{"error", notice.error()}});
      return;
    }
    for (ChangeSink* sink : sinks_) sink->apply(notice.value());
  }

 private:
  const std::vector<ChangeSink*>& sinks_;
  service::Logger& logger_;
};

}  // namespace

ChangeListener::ChangeListener(std::string pg_url, std::string projection,
                               std::vector<ChangeSink*> sinks, service::Logger& logger,
                               ChangeListenerOptions options)
    : pg_url_(std::move(pg_url)),
      projection_(std::move(projection)),
      sinks_(std::move(sinks)),
      logger_(logger),
      options_(options) {}

void ChangeListener::start() {
  if (thread_.joinable()) return;
  thread_ = std::thread([this] { run(); });
}

void ChangeListener::stop() {
  stop_.request();
  if (thread_.joinable()) thread_.join();
}

void ChangeListener::run() {
  while (!stop_.requested()) {
    listen_once();
    for (ChangeSink* sink : sinks_) sink->disconnected();
    stop_.wait_for(options_.retry);
  }
}

void ChangeListener::listen_once() {
  std::unique_ptr<pqxx::connection> conn;
  std::unique_ptr<Receiver> receiver;
  auto connected = projections::guarded("listen", [&]() -> std::uint64_t {
    conn = std::make_unique<pqxx::connection>(pg_url_);
    {
      // Named, so operators (and tests) can tell it from pooled sessions.
      pqxx::nontransaction tx(*conn);
      tx.exec("SET application_name = 'slotwise-query-listener'");
    }
    receiver = std::make_unique<Receiver>(*conn, sinks_, logger_);  // issues LISTEN
    pqxx::nontransaction tx(*conn);
    const pqxx::result r = tx.exec_params(
        "SELECT position FROM projection_checkpoints WHERE projection = $1", projection_);
    return r.empty() ? 0 : r[0][0].as<std::uint64_t>();
  });
  if (!connected) {
    logger_.warn("change listener cannot listen", {{"error", connected.error().message}});
    return;
  }
  for (ChangeSink* sink : sinks_) sink->connected(connected.value());
  logger_.info("change listener listening", {{"position", connected.value()}});
  auto next_probe = Clock::now() + options_.probe;
  while (!stop_.requested()) {
    auto ok = projections::guarded("await change notices", [&]() -> common::Unit {
      (void)conn->await_notification(0, 200'000);
      if (Clock::now() >= next_probe) {
        pqxx::nontransaction tx(*conn);
        tx.exec("SELECT 1");
        next_probe = Clock::now() + options_.probe;
      }
      return common::Unit{};
    });
    if (!ok) {
      logger_.warn("change listener lost its connection", {{"error", ok.error().message}});
      return;
    }
  }
  receiver.reset();
}

}  // namespace slotwise::query
