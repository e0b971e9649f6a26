// EventStore: the SlotWise event log over one JetStream stream.
//
//   auto store = EventStore::open(options);          // connects
//   store.value()->provision();                      // create or verify the stream
//   auto pos = store.value()->append(request);       // one commit, atomically
//   store.value()->append_async(request, callback);  // pipelined
//   auto commits = store.value()->read(aggregate, from_version);
//
// A commit is one JetStream message holding 1..n events of one aggregate
// (nats-server 2.9 has no atomic batch publish). Versions are stream
// sequences; see aggregate.h for ExpectedVersion and append_pipeline.h for
// ordering and retries.
//
// Thread safety: thread-safe; one instance per process is the intended use.
// Errors: see error.h. Destruction drains in-flight appends (bounded by
// shutdown_drain), then fails whatever is left with kCancelled.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "events/append_pipeline.h"
#include "events/append_request.h"
#include "events/connection.h"
#include "events/reader.h"
#include "events/stream_spec.h"

namespace slotwise::events {

struct StoreOptions {
  ConnectionOptions connection;
  StreamSpec stream;
  PipelineOptions pipeline;
  std::chrono::milliseconds request_timeout{5000};
  std::chrono::milliseconds shutdown_drain{5000};
};

class EventStore {
 public:
  [[nodiscard]] static Result<std::unique_ptr<EventStore>> open(StoreOptions options);
  EventStore(const EventStore&) = delete;
  EventStore& operator=(const EventStore&) = delete;
  ~EventStore();

  // Creates the stream if missing, verifies it otherwise (never changes it).
  [[nodiscard]] Result<StreamState> provision() const;

  // Appends one commit and waits for its acknowledgement.
  [[nodiscard]] Result<AppendResult> append(AppendRequest request);
  // Appends without waiting; `done` runs once, possibly on an internal thread.
  void append_async(AppendRequest request, AppendCallback done);
  // Waits until every submitted append has completed; false on timeout.
  bool drain(std::chrono::milliseconds timeout);

  // The aggregate's commits after from_version (0 = all), in order.
  [[nodiscard]] Result<std::vector<StoredCommit>> read(const AggregateRef& ref,
                                                       std::uint64_t from_version = 0) const;
  // Commits in a range of global positions; see reader.h.
  [[nodiscard]] Status scan(const ScanRange& range, const CommitVisitor& visit) const;
  // The aggregate's current version (0 when it has no commit).
  [[nodiscard]] Result<std::uint64_t> version(const AggregateRef& ref) const;
  [[nodiscard]] Result<std::optional<StoredCommit>> commit_at(std::uint64_t sequence) const;

  [[nodiscard]] Result<StreamState> state() const;
  [[nodiscard]] PipelineStats stats() const { return pipeline_->stats(); }
  [[nodiscard]] bool connected() const { return connection_->connected(); }
  [[nodiscard]] const StreamSpec& stream() const { return options_.stream; }
  [[nodiscard]] const Reader& reader() const { return *reader_; }
  // For subscriptions and provisioning helpers built on this connection.
  [[nodiscard]] jsCtx* js() const { return connection_->js(); }
  [[nodiscard]] natsConnection* nc() const { return connection_->nc(); }

 private:
  explicit EventStore(StoreOptions options) : options_(std::move(options)) {}

  StoreOptions options_;
  std::shared_ptr<AppendPipeline> pipeline_;
  std::unique_ptr<Connection> connection_;       // low latency: reads, light appends
  std::unique_ptr<Connection> bulk_connection_;  // batched writes under load
  std::unique_ptr<Reader> reader_;
};

}  // namespace slotwise::events
