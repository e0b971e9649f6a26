// What a writer hands to the event store (AppendRequest) and what it gets back
// (AppendResult), plus what a reader gets (StoredCommit).
//
// Thread safety: plain value types.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "events/aggregate.h"
#include "events/event_codec.h"
#include "slotwise/events/v1/commit.pb.h"

namespace slotwise::events {

// Envelope metadata, recorded in the commit and mirrored in CloudEvents-style
// message headers for consumers that only read headers.
struct CommitMetadata {
  std::string source;          // ce-source, e.g. "slotwise-command"
  std::string correlation_id;  // the request or saga this commit belongs to
  std::string causation_id;    // the command or event that caused it
  std::string traceparent;     // W3C trace context of the writer
  slotwise::events::v1::Actor actor;
};

struct AppendRequest {
  AggregateRef aggregate;
  ExpectedVersion expected = ExpectedVersion::any();
  std::vector<PackedEvent> events;  // 1..n, appended atomically as one commit
  // Idempotency id (Nats-Msg-Id). Appending the same id to the same aggregate
  // again returns the original position and writes nothing. The server's
  // duplicate window is stream-wide: an id must be unique across all
  // aggregates, or an append to another aggregate is taken for this one.
  std::string commit_id;
  CommitMetadata metadata;
};

struct AppendResult {
  std::uint64_t position = 0;  // stream sequence of the commit = the aggregate's new version
  bool duplicate = false;      // the commit id had already been appended
};

// A commit as read back from the log.
struct StoredCommit {
  std::string subject;
  AggregateRef aggregate;
  std::uint64_t sequence = 0;     // global position in the stream
  std::int64_t timestamp_ns = 0;  // when the server stored it
  std::string payload;            // the exact stored bytes (what the hash covers)
  std::string hash_hex;           // sw-hash header
  slotwise::events::v1::Commit commit;
  // Every header of the stored message as (name, value) pairs in order;
  // filled only when asked for (ScanRange::with_headers), e.g. by export.
  std::vector<std::pair<std::string, std::string>> headers;
};

}  // namespace slotwise::events
