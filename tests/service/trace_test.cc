// W3C traceparent: valid headers are continued, invalid ones start a trace.
#include "service/trace.h"

#include <doctest/doctest.h>

#include <string>

using slotwise::service::child_span;
using slotwise::service::continue_or_start_trace;
using slotwise::service::new_trace;
using slotwise::service::parse_traceparent;

namespace {
constexpr const char* kValid = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

bool is_hex(const std::string& s, std::size_t n) {
  return s.size() == n && s.find_first_not_of("0123456789abcdef") == std::string::npos &&
         s.find_first_not_of('0') != std::string::npos;
}
}  // namespace

TEST_CASE("a valid header is parsed into its fields and written back identically") {
  const auto ctx = parse_traceparent(kValid);
  REQUIRE(ctx.has_value());
  CHECK(ctx->trace_id == "4bf92f3577b34da6a3ce929d0e0e4736");
  CHECK(ctx->span_id == "00f067aa0ba902b7");
  CHECK(ctx->flags == 1);
  CHECK(ctx->traceparent() == kValid);
}

TEST_CASE("invalid headers are refused") {
  for (const char* bad : {
           "",
           "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7",       // no flags
           "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",    // upper case
           "00-00000000000000000000000000000000-00f067aa0ba902b7-01",    // zero trace id
           "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",    // zero span id
           "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",    // version ff
           "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-x",  // v00 has no extras
           "00_4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",    // separator
           "00-4bf92f3577b34da6a3ce929d0e0e473g-00f067aa0ba902b7-01",    // not hex
           "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01x",   // future: needs '-'
       }) {
    CHECK_MESSAGE(!parse_traceparent(bad).has_value(), bad);
  }
}

TEST_CASE("a future version with extra fields is read by its first four") {
  const auto ctx =
      parse_traceparent("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00-extra");
  REQUIRE(ctx.has_value());
  CHECK(ctx->trace_id == "4bf92f3577b34da6a3ce929d0e0e4736");
  CHECK(ctx->flags == 0);
}

TEST_CASE("a server continues a valid trace with a new span of its own") {
  const auto ctx = continue_or_start_trace(kValid);
  CHECK(ctx.trace_id == "4bf92f3577b34da6a3ce929d0e0e4736");
  CHECK(ctx.parent_span_id == "00f067aa0ba902b7");
  CHECK(is_hex(ctx.span_id, 16));
  CHECK(ctx.span_id != "00f067aa0ba902b7");
  CHECK(ctx.flags == 1);
  const auto grandchild = child_span(ctx);
  CHECK(grandchild.trace_id == ctx.trace_id);
  CHECK(grandchild.parent_span_id == ctx.span_id);
}

TEST_CASE("a missing or invalid header starts a new trace") {
  const auto a = continue_or_start_trace("");
  const auto b = continue_or_start_trace("garbage");
  CHECK(is_hex(a.trace_id, 32));
  CHECK(is_hex(a.span_id, 16));
  CHECK(a.parent_span_id.empty());
  CHECK(a.trace_id != b.trace_id);
  const auto header = new_trace().traceparent();
  CHECK(parse_traceparent(header).has_value());
  CHECK(header.size() == 55);
}
