// Reading the log: one aggregate from a version, or a range of global
// positions (optionally filtered by subject), through a short-lived ephemeral
// pull consumer (no acks, batch fetch), which reads at consumer speed rather
// than one round trip per message.
//
// Thread safety: thread-safe (each call uses its own consumer).
// Errors: kUnavailable when JetStream does not answer; a message that cannot
// be decoded is handed to the visitor as kDecodeError (subject + sequence) so
// consumers decide whether to stop or dead-letter it; read_aggregate fails on
// it, because an aggregate cannot be rebuilt around a hole.
#pragma once

#include <nats/nats.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "events/append_request.h"
#include "events/stream_spec.h"

namespace slotwise::events {

struct ScanRange {
  std::string filter_subject;       // "" = the whole log (<prefix>.>)
  std::uint64_t from_sequence = 1;  // inclusive
  std::uint64_t to_sequence = 0;    // inclusive; 0 = up to the end as of the call
  std::int64_t from_time_ns = 0;    // when set, start at the first commit at or after it
  int batch = 512;
  bool with_headers = false;  // also fill StoredCommit::headers (export)
};

// Return false to stop the scan early.
using CommitVisitor = std::function<bool(Result<StoredCommit>&&)>;

class Reader {
 public:
  Reader(jsCtx* js, StreamSpec stream, std::chrono::milliseconds request_timeout);

  [[nodiscard]] Status scan(const ScanRange& range, const CommitVisitor& visit) const;

  // Every commit of the aggregate with sequence > from_version, in order.
  [[nodiscard]] Result<std::vector<StoredCommit>> read_aggregate(const AggregateRef& ref,
                                                                 std::uint64_t from_version) const;

  // The last commit of a subject (nullopt when the subject has none), by a
  // direct get.
  [[nodiscard]] Result<std::optional<StoredCommit>> last_commit(const std::string& subject) const;

  // The message at a global position, if it exists.
  [[nodiscard]] Result<std::optional<StoredCommit>> commit_at(std::uint64_t sequence) const;

 private:
  // check_pending: ask the new consumer how much it has first, because a
  // fetch on a consumer with nothing pending waits for its full expiry.
  [[nodiscard]] Status scan_impl(const ScanRange& range, const CommitVisitor& visit,
                                 bool check_pending) const;

  jsCtx* js_;
  StreamSpec stream_;
  std::chrono::milliseconds request_timeout_;
};

}  // namespace slotwise::events
