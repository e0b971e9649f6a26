// Prefetcher: fetches the next batch from the projection's consumer and
// translates it (translate(), no database) on its own thread while the
// projector thread writes the previous batch to PostgreSQL, so decoding and
// the database overlap instead of taking turns (on two cores that is most
// of the catch-up rate).
//
// The fetch size follows the projector's rule: the catch-up size while the
// last batch fetched left more than `catchup_threshold` pending, the live
// size after that or after an empty fetch. At most one batch waits
// unconsumed; deliveries are acknowledged by the consumer of next(), after
// its transaction commits.
//
// Thread safety: next() from one thread; the destructor stops and joins the
// fetching thread (within one fetch timeout).
// Errors: a failed fetch is handed to next() as the batch's error and ends
// the fetching.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "events/subscription.h"
#include "projections/fetch_plan.h"
#include "projections/read_model_writer.h"

namespace slotwise::projections {

struct PrefetchedBatch {
  events::Result<std::vector<events::Delivery>> deliveries{std::vector<events::Delivery>{}};
  BatchEffects effects;  // translate(deliveries)
  bool catchup = true;   // fetched with the catch-up size
};

class Prefetcher {
 public:
  Prefetcher(events::DurableSubscription& sub, FetchPlan plan);
  ~Prefetcher();
  Prefetcher(const Prefetcher&) = delete;
  Prefetcher& operator=(const Prefetcher&) = delete;

  // The next batch (empty after a fetch timed out); blocks until fetched.
  [[nodiscard]] PrefetchedBatch next();

 private:
  void run();

  events::DurableSubscription& sub_;
  FetchPlan plan_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::optional<PrefetchedBatch> ready_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace slotwise::projections
