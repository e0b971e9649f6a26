// FetchPlan says how a projector pulls from its durable consumer: large
// batches while far behind (catch-up), small ones once caught up (live).
// A plain value; no thread-safety concerns, no errors.
#pragma once

#include <chrono>
#include <cstdint>

namespace slotwise::projections {

struct FetchPlan {
  int catchup_batch = 2000;                // fetch size while far behind
  int live_batch = 100;                    // fetch size when caught up
  std::uint64_t catchup_threshold = 500;   // pending deliveries that mean "far behind"
  std::chrono::milliseconds timeout{200};  // how long one fetch waits for messages
};

}  // namespace slotwise::projections
