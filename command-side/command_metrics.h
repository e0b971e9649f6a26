// CommandMetrics: the command side's own Prometheus series, next to the
// HTTP request series HttpServer keeps:
//   slotwise_append_duration_seconds{category}       histogram, every append
//   slotwise_command_conflicts_total{category}       optimistic-concurrency retries
//   slotwise_aggregate_cache_hits_total{category}    / _misses_total
//   slotwise_event_store_appends_total, _duplicates_total, _retries_total
//   slotwise_event_store_appends_in_flight           gauge
//   slotwise_refunds_failed_total                    refunds Stripe reported
//                                                    failed or canceled (refund_sync.h)
//   slotwise_booking_rate_limited_total{limit}       bookings refused 429, by the
//                                                    limit that refused them:
//                                                    client_address or customer
//                                                    (booking_limits.h)
// Repository and store statistics are cumulative counters kept by those
// objects; refresh() copies their growth into the registry (main.cc calls
// it every second).
//
// Thread safety: construct before serving; refresh() from one thread.
// Errors: none.
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "command-side/command_context.h"
#include "events/append_pipeline.h"
#include "service/metrics.h"

namespace slotwise::command {

class CommandMetrics {
 public:
  // Installs the append observers on ctx's repositories.
  CommandMetrics(service::MetricsRegistry& registry, CommandContext& ctx);

  void refresh();

 private:
  struct Seen {
    RepositoryStats repo;
  };
  template <class Repo>
  void refresh_repo(const Repo& repo, Seen& seen);

  CommandContext& ctx_;
  service::HistogramFamily& append_seconds_;
  service::CounterFamily& conflicts_;
  service::CounterFamily& hits_;
  service::CounterFamily& misses_;
  service::Counter& appends_;
  service::Counter& duplicates_;
  service::Counter& retries_;
  service::Gauge& in_flight_;
  service::Counter& refunds_failed_;
  service::CounterFamily& booking_rate_limited_;
  std::array<Seen, 5> seen_{};
  events::PipelineStats seen_store_{};
  std::uint64_t seen_refunds_failed_ = 0;
  std::array<std::uint64_t, BookingLimits::kLimits.size()> seen_booking_refusals_{};
};

}  // namespace slotwise::command
