#include "events/event_store.h"

#include <future>
#include <optional>

namespace slotwise::events {

Result<std::unique_ptr<EventStore>> EventStore::open(StoreOptions options) {
  options.pipeline.subject_prefix = options.stream.subject_prefix;
  std::unique_ptr<EventStore> store(new EventStore(std::move(options)));
  EventStore* self = store.get();

  AppendPipeline::Io io;
  io.tail_of = [self](const std::string& subject) -> Result<SubjectTail> {
    auto last = self->reader_->last_commit(subject);
    if (!last) return common::Unexpected<Error>{last.error()};
    if (!last.value()) return SubjectTail{};
    auto hash = digest_from_hex(last.value()->hash_hex);
    if (!hash) {
      Error e = hash.error();
      e.subject = subject;
      e.sequence = last.value()->sequence;
      e.message = "last commit carries no valid chain hash";
      return common::Unexpected<Error>{std::move(e)};
    }
    return SubjectTail{last.value()->sequence, hash.value()};
  };
  io.find_commit = [self](const AggregateRef& ref, std::uint64_t after,
                          const std::string& commit_id) -> Result<std::optional<std::uint64_t>> {
    auto commits = self->reader_->read_aggregate(ref, after);
    if (!commits) return common::Unexpected<Error>{commits.error()};
    for (const auto& c : commits.value()) {
      if (c.commit.commit_id() == commit_id) return std::optional<std::uint64_t>(c.sequence);
    }
    return std::optional<std::uint64_t>{};
  };
  store->pipeline_ = AppendPipeline::create(store->options_.pipeline, std::move(io));

  auto conn = Connection::open(store->options_.connection);
  if (!conn) return common::Unexpected<Error>{conn.error()};
  store->connection_ = std::move(conn).value();
  ConnectionOptions bulk_options = store->options_.connection;
  bulk_options.send_asap = false;
  bulk_options.name += "-bulk";
  auto bulk = Connection::open(bulk_options);
  if (!bulk) return common::Unexpected<Error>{bulk.error()};
  store->bulk_connection_ = std::move(bulk).value();
  if (auto attached =
          store->pipeline_->attach(store->connection_->nc(), store->bulk_connection_->nc());
      !attached) {
    return common::Unexpected<Error>{attached.error()};
  }
  store->reader_ = std::make_unique<Reader>(store->connection_->js(), store->options_.stream,
                                            store->options_.request_timeout);
  return store;
}

EventStore::~EventStore() {
  if (pipeline_) {
    pipeline_->drain(options_.shutdown_drain);
    pipeline_->shutdown();
    // When the drain timed out, the timer thread may be inside a retry's
    // tail lookup (the reader) or publish (the connections): wait for it
    // before they are freed, not in the pipeline's destructor after.
    pipeline_->join_timer();
    pipeline_->detach();
  }
  reader_.reset();
  bulk_connection_.reset();
  connection_.reset();
  pipeline_.reset();
}

Result<StreamState> EventStore::provision() const { return ensure_stream(js(), options_.stream); }

Result<StreamState> EventStore::state() const { return stream_state(js(), options_.stream); }

Result<AppendResult> EventStore::append(AppendRequest request) {
  std::promise<Result<AppendResult>> promise;
  auto future = promise.get_future();
  pipeline_->submit(std::move(request),
                    [&promise](Result<AppendResult> r) { promise.set_value(std::move(r)); });
  return future.get();
}

void EventStore::append_async(AppendRequest request, AppendCallback done) {
  pipeline_->submit(std::move(request), std::move(done));
}

bool EventStore::drain(std::chrono::milliseconds timeout) { return pipeline_->drain(timeout); }

Result<std::vector<StoredCommit>> EventStore::read(const AggregateRef& ref,
                                                   std::uint64_t from_version) const {
  return reader_->read_aggregate(ref, from_version);
}

Status EventStore::scan(const ScanRange& range, const CommitVisitor& visit) const {
  return reader_->scan(range, visit);
}

Result<std::uint64_t> EventStore::version(const AggregateRef& ref) const {
  if (auto ok = validate(ref); !ok) return common::Unexpected<Error>{ok.error()};
  auto last = reader_->last_commit(subject_of(options_.stream.subject_prefix, ref));
  if (!last) return common::Unexpected<Error>{last.error()};
  return last.value() ? last.value()->sequence : 0;
}

Result<std::optional<StoredCommit>> EventStore::commit_at(std::uint64_t sequence) const {
  return reader_->commit_at(sequence);
}

}  // namespace slotwise::events
