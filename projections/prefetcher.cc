#include "projections/prefetcher.h"

#include "projections/batch_applier.h"

namespace slotwise::projections {

Prefetcher::Prefetcher(events::DurableSubscription& sub, FetchPlan plan)
    : sub_(sub), plan_(plan), thread_([this] { run(); }) {}

Prefetcher::~Prefetcher() {
  {
    const std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

PrefetchedBatch Prefetcher::next() {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait(lock, [&] { return ready_.has_value(); });
  PrefetchedBatch b = std::move(*ready_);
  ready_.reset();
  cv_.notify_all();
  return b;
}

void Prefetcher::run() {
  bool catchup = true;
  while (true) {
    PrefetchedBatch b;
    b.catchup = catchup;
    b.deliveries = sub_.fetch(catchup ? plan_.catchup_batch : plan_.live_batch, plan_.timeout);
    const bool failed = !b.deliveries;
    if (!failed) {
      const auto& got = b.deliveries.value();
      catchup = !got.empty() && got.back().num_pending > plan_.catchup_threshold;
      b.effects = translate(got);
    }
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return stop_ || !ready_.has_value(); });
    if (stop_) return;
    ready_ = std::move(b);
    cv_.notify_all();
    if (failed) {
      // The consumer of next() ends the session; wait to be stopped.
      cv_.wait(lock, [&] { return stop_; });
      return;
    }
  }
}

}  // namespace slotwise::projections
