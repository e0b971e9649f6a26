// TraceContext: W3C Trace Context (`traceparent`) identifiers, so that one
// request can be followed through every SlotWise process and log line.
//
//   traceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01
//                ver trace id (16 bytes hex)         span id (8 bytes) flags
//
// A server continues the caller's trace (same trace id, new span id of its
// own) when the header is valid, and starts a new trace when it is missing or
// invalid: a bad header from a client must never fail a request. Parsing
// follows the W3C rules: lowercase hex only, version ff is invalid, all-zero
// trace or span ids are invalid, and a future version may carry more fields
// after a '-' (we read the first four).
//
// Ids come from a per-thread PRNG seeded from std::random_device: trace ids
// need to be unique, not secret, and must be cheap on every request.
//
// Thread safety: plain value type; the free functions are safe to call from
// any thread.
// Errors: parse_traceparent returns nullopt for an invalid header.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace slotwise::service {

struct TraceContext {
  std::string trace_id;        // 32 lowercase hex digits, not all zero
  std::string span_id;         // 16 lowercase hex digits: this process's span
  std::string parent_span_id;  // the caller's span id; empty for a new trace
  std::uint8_t flags = 0;      // bit 0: sampled

  // "00-<trace_id>-<span_id>-<flags>": the header to send downstream or back.
  [[nodiscard]] std::string traceparent() const;
};

// The caller's context as the header states it (span_id = the caller's span).
[[nodiscard]] std::optional<TraceContext> parse_traceparent(std::string_view header);

// A fresh trace: new random trace id and span id, sampled flag set.
[[nodiscard]] TraceContext new_trace();

// A child span of `parent`: same trace id and flags, new span id.
[[nodiscard]] TraceContext child_span(const TraceContext& parent);

// What a server does with an incoming header: a child span of the caller's
// context when `header` is valid, otherwise a new trace.
[[nodiscard]] TraceContext continue_or_start_trace(std::string_view header);

}  // namespace slotwise::service
