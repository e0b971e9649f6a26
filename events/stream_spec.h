// StreamSpec describes the one JetStream stream that holds the SlotWise event
// log, and ensure_stream() provisions it idempotently.
//
// Layout (docs/adr/0001-event-log-layout.md): stream SLOTWISE over
// "sw.evt.>", subjects sw.evt.<category>.<aggregate_id>, file storage, no age
// or size limits, DenyDelete, DenyPurge, AllowDirect, replicas 1 (local) or 3
// (cluster), a configurable duplicate window.
//
// Thread safety: functions take a jsCtx, which nats.c makes thread-safe.
// Errors: kConfigMismatch when an existing stream differs in a way we must not
// change silently (the message lists every difference); kUnavailable when
// JetStream does not answer.
#pragma once

#include <nats/nats.h>

#include <chrono>
#include <cstdint>
#include <string>

#include "events/error.h"

namespace slotwise::events {

struct StreamSpec {
  std::string name = "SLOTWISE";
  std::string subject_prefix = "sw.evt";  // subjects are <prefix>.<category>.<id>
  int replicas = 1;
  std::chrono::seconds duplicate_window{120};

  [[nodiscard]] std::string wildcard() const { return subject_prefix + ".>"; }
};

struct StreamState {
  std::uint64_t messages = 0;
  std::uint64_t bytes = 0;
  std::uint64_t first_sequence = 0;
  std::uint64_t last_sequence = 0;
  std::int64_t first_time_ns = 0;
  std::int64_t last_time_ns = 0;
  bool created = false;  // ensure_stream created it just now
};

// Creates the stream if missing; verifies it if present.
[[nodiscard]] Result<StreamState> ensure_stream(jsCtx* js, const StreamSpec& spec);
// Reads the current state of an existing stream.
[[nodiscard]] Result<StreamState> stream_state(jsCtx* js, const StreamSpec& spec);

struct ConsumerSpec {
  std::string durable_name;
  std::string filter_subject;  // e.g. "sw.evt.calendar.>", or "" for the whole stream
  std::chrono::seconds ack_wait{30};
  int max_ack_pending = 20000;
};

struct ConsumerState {
  std::string name;
  std::uint64_t delivered_stream_sequence = 0;
  std::uint64_t ack_floor_stream_sequence = 0;
  std::uint64_t num_pending = 0;      // not yet delivered
  std::uint64_t num_ack_pending = 0;  // delivered, not yet acknowledged
  bool created = false;
};

// Creates a durable pull consumer (explicit ack, deliver all) if missing;
// verifies filter and ack policy if present.
[[nodiscard]] Result<ConsumerState> ensure_consumer(jsCtx* js, const StreamSpec& stream,
                                                    const ConsumerSpec& spec);
[[nodiscard]] Result<ConsumerState> consumer_state(jsCtx* js, const StreamSpec& stream,
                                                   const std::string& durable_name);

}  // namespace slotwise::events
