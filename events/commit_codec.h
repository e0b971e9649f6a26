// Encodes an AppendRequest into the bytes and headers of one JetStream message,
// and decodes a stored message back into a StoredCommit.
//
// Headers (CloudEvents-style, so non-C++ consumers can route on them):
//   ce-specversion: 1.0, ce-id: <commit id>, ce-type: <first event's type>,
//   ce-source, ce-time (RFC 3339 UTC), ce-subject: <aggregate id>,
//   content-type: application/protobuf; messageType="slotwise.events.v1.Commit"
//   traceparent, sw-correlation-id, sw-causation-id,
//   sw-event-types: comma-separated types of all events in the commit,
//   sw-hash: hex SHA-256 chain hash (see hash_chain.h),
//   Nats-Msg-Id: <commit id>, Nats-Expected-Last-Subject-Sequence: <version>.
//
// Thread safety: pure functions.
// Errors: decode_message gives kDecodeError naming subject and sequence.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "events/append_request.h"
#include "events/hash_chain.h"
#include "events/nats_handles.h"

namespace slotwise::events {

inline constexpr const char* kHeaderHash = "sw-hash";
inline constexpr const char* kHeaderMsgId = "Nats-Msg-Id";
inline constexpr const char* kHeaderExpectedLastSubjectSeq = "Nats-Expected-Last-Subject-Sequence";

struct EncodedCommit {
  std::string payload;  // serialized slotwise.events.v1.Commit
  Digest hash{};        // chain_hash(previous hash, payload)
};

[[nodiscard]] EncodedCommit encode_commit(const AppendRequest& req, std::uint64_t previous_version,
                                          const Digest& previous_hash,
                                          std::chrono::system_clock::time_point now);

// A ready-to-publish message carrying `encoded` with every header above;
// `reply` (optional) is where the server sends its acknowledgement.
[[nodiscard]] Result<MsgPtr> build_message(const std::string& subject, const AppendRequest& req,
                                           const EncodedCommit& encoded,
                                           std::uint64_t previous_version,
                                           std::chrono::system_clock::time_point now,
                                           std::string_view reply = {});

// Decodes a message read from the stream. `sequence` and `timestamp_ns` come
// from the JetStream metadata of the delivery.
[[nodiscard]] Result<StoredCommit> decode_message(natsMsg* msg, std::string_view subject_prefix,
                                                  std::uint64_t sequence,
                                                  std::int64_t timestamp_ns);

// Every header of `msg` as (name, value) pairs; a name with several values
// appears once per value.
[[nodiscard]] std::vector<std::pair<std::string, std::string>> message_headers(natsMsg* msg);

// RFC 3339 UTC with microseconds, e.g. 2026-11-25T15:24:56.123456Z.
[[nodiscard]] std::string format_rfc3339(std::chrono::system_clock::time_point t);
// The same for a server timestamp in nanoseconds since the epoch.
[[nodiscard]] std::string format_time_ns(std::int64_t ns);

}  // namespace slotwise::events
