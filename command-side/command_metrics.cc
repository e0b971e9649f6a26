#include "command-side/command_metrics.h"

#include <chrono>

namespace slotwise::command {
namespace {

// The growth of a cumulative value since the last look.
void grow(service::Counter& counter, std::uint64_t now, std::uint64_t& seen) {
  if (now > seen) counter.inc(now - seen);
  seen = now;
}

}  // namespace

CommandMetrics::CommandMetrics(service::MetricsRegistry& registry, CommandContext& ctx)
    : ctx_(ctx),
      append_seconds_(registry.histogram_family("slotwise_append_duration_seconds",
                                                "Event log append latency by aggregate category",
                                                {"category"})),
      conflicts_(registry.counter_family("slotwise_command_conflicts_total",
                                         "Concurrency conflicts retried, by aggregate category",
                                         {"category"})),
      hits_(registry.counter_family("slotwise_aggregate_cache_hits_total",
                                    "Aggregate loads served from the cache", {"category"})),
      misses_(registry.counter_family("slotwise_aggregate_cache_misses_total",
                                      "Aggregate loads that read the whole stream", {"category"})),
      appends_(registry.counter("slotwise_event_store_appends_total", "Commits appended")),
      duplicates_(registry.counter("slotwise_event_store_duplicates_total",
                                   "Appends answered as duplicates of an earlier commit")),
      retries_(registry.counter("slotwise_event_store_retries_total",
                                "Append attempts repeated after a timeout")),
      in_flight_(registry.gauge("slotwise_event_store_appends_in_flight",
                                "Appends waiting for their acknowledgement")),
      refunds_failed_(registry.counter(
          "slotwise_refunds_failed_total",
          "Refunds Stripe reported failed or canceled (the money must be returned by hand)")),
      booking_rate_limited_(registry.counter_family(
          "slotwise_booking_rate_limited_total",
          "Booking requests refused 429, by the limit that refused them", {"limit"})) {
  // Both series from the start, at 0: a dashboard sees the limits exist.
  for (const auto limit : BookingLimits::kLimits) {
    (void)booking_rate_limited_.with({BookingLimits::name(limit)});
  }
  const auto observe = [this](const std::string& category) {
    service::Histogram& h = append_seconds_.with({category});
    return [&h](std::chrono::steady_clock::duration d) {
      h.observe(std::chrono::duration<double>(d).count());
    };
  };
  ctx.accounts().set_append_observer(observe(kAccountCategory));
  ctx.emails().set_append_observer(observe(kEmailCategory));
  ctx.businesses().set_append_observer(observe(kBusinessCategory));
  ctx.slugs().set_append_observer(observe(kSlugCategory));
  ctx.calendars().set_append_observer(observe(kCalendarCategory));
}

template <class Repo>
void CommandMetrics::refresh_repo(const Repo& repo, Seen& seen) {
  const RepositoryStats s = repo.stats();
  const std::string& c = repo.category();
  grow(conflicts_.with({c}), s.conflicts, seen.repo.conflicts);
  grow(hits_.with({c}), s.cache_hits, seen.repo.cache_hits);
  grow(misses_.with({c}), s.cache_misses, seen.repo.cache_misses);
}

void CommandMetrics::refresh() {
  refresh_repo(ctx_.accounts(), seen_[0]);
  refresh_repo(ctx_.emails(), seen_[1]);
  refresh_repo(ctx_.businesses(), seen_[2]);
  refresh_repo(ctx_.slugs(), seen_[3]);
  refresh_repo(ctx_.calendars(), seen_[4]);
  const events::PipelineStats s = ctx_.store().stats();
  grow(appends_, s.appended, seen_store_.appended);
  grow(duplicates_, s.duplicates, seen_store_.duplicates);
  grow(retries_, s.retries, seen_store_.retries);
  in_flight_.set(static_cast<std::int64_t>(s.in_flight));
  grow(refunds_failed_, ctx_.refund_failures(), seen_refunds_failed_);
  for (const auto limit : BookingLimits::kLimits) {
    grow(booking_rate_limited_.with({BookingLimits::name(limit)}),
         ctx_.booking_limits().refusals(limit),
         seen_booking_refusals_[static_cast<std::size_t>(limit)]);
  }
}

}  // namespace slotwise::command
