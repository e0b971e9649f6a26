#include "query-api/projection_lag.h"

#include <algorithm>
#include <utility>

namespace slotwise::query {

ProjectionLag::ProjectionLag(const events::EventStore& store, const ReadStore& reads,
                             std::string projection, service::MetricsRegistry& metrics,
                             service::Logger& logger, std::chrono::milliseconds interval,
                             Clock clock)
    : store_(store),
      reads_(reads),
      projection_(std::move(projection)),
      logger_(logger),
      interval_(interval),
      clock_(clock ? std::move(clock) : Clock([] { return std::chrono::system_clock::now(); })),
      events_(metrics
                  .gauge_family("slotwise_projection_lag_events",
                                "Commits in the log the projection has not applied (as this query"
                                " API measures it)",
                                {"projection"})
                  .with({projection_})),
      seconds_(metrics
                   .gauge_family("slotwise_projection_lag_seconds",
                                 "Age of the oldest commit the projection has not applied (whole"
                                 " seconds; 0 when caught up)",
                                 {"projection"})
                   .with({projection_})),
      failures_(metrics.counter("slotwise_query_lag_probe_failures_total",
                                "Lag probes that could not read the log or the checkpoint")) {}

common::Result<Lag, std::string> ProjectionLag::probe() {
  // The checkpoint first: a log read after it can only be longer, so the
  // lag is never under-reported.
  auto position = reads_.position(projection_);
  if (!position) return common::fail("checkpoint: " + position.error().message);
  auto state = store_.state();
  if (!state) return common::fail("stream: " + state.error().describe());
  Lag lag;
  const std::uint64_t last = state.value().last_sequence;
  if (last > position.value()) {
    lag.events = last - position.value();
    // The first unapplied commit; sequences a retention limit removed are
    // skipped up to the stream's first.
    const std::uint64_t next = std::max(position.value() + 1, state.value().first_sequence);
    auto oldest = store_.commit_at(next);
    if (!oldest)
      return common::fail("commit " + std::to_string(next) + ": " + oldest.error().describe());
    if (oldest.value()) {
      const auto stored = std::chrono::system_clock::time_point(
          std::chrono::duration_cast<std::chrono::system_clock::duration>(
              std::chrono::nanoseconds(oldest.value()->timestamp_ns)));
      lag.age = std::max(std::chrono::seconds{0},
                         std::chrono::floor<std::chrono::seconds>(clock_() - stored));
    }
  }
  events_.set(static_cast<std::int64_t>(lag.events));
  seconds_.set(lag.age.count());
  return lag;
}

void ProjectionLag::start() {
  thread_ = std::thread([this] {
    bool failing = false;
    while (!stop_.requested()) {
      auto lag = probe();
      if (!lag) {
        failures_.inc();
        if (!failing) logger_.warn("projection lag not measured", {{"error", lag.error()}});
      } else if (failing) {
        logger_.info("projection lag measured again", {{"lag_events", lag.value().events}});
      }
      failing = !lag.ok();
      stop_.wait_for(interval_);
    }
  });
}

void ProjectionLag::stop() {
  stop_.request();
  if (thread_.joinable()) thread_.join();
}

}  // namespace slotwise::query
