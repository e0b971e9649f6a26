// open_consumer_at(): (re)creates the projection's durable pull consumer so
// that its next delivery is `start_sequence`, then binds to it. The read
// model's checkpoint in PostgreSQL is the source of truth for where the
// projection stands; the consumer is repositioned from it whenever a
// projector takes over (start, lease acquired) or detects a gap, instead of
// trusting the consumer's own ack floor (which can be ahead of or behind the
// checkpoint after a crash between commit and ack).
//
// Thread safety: call from the projector thread only (the consumer is owned
// by the lease holder).
// Errors: events::Error (kUnavailable when JetStream does not answer).
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "events/event_store.h"
#include "events/subscription.h"

namespace slotwise::projections {

[[nodiscard]] events::Result<std::unique_ptr<events::DurableSubscription>> open_consumer_at(
    const events::EventStore& store, const events::ConsumerSpec& spec,
    std::uint64_t start_sequence);

// Deletes a durable consumer; a missing one is not an error.
[[nodiscard]] events::Status delete_consumer(const events::EventStore& store,
                                             const std::string& durable_name);

}  // namespace slotwise::projections
