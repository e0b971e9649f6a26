#include "service/trace.h"

#include <algorithm>
#include <random>

namespace slotwise::service {
namespace {

constexpr std::string_view kHex = "0123456789abcdef";

bool is_lower_hex(std::string_view s) {
  return std::ranges::all_of(
      s, [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

bool all_zero(std::string_view s) { return s.find_first_not_of('0') == std::string_view::npos; }

int hex_value(char c) { return c <= '9' ? c - '0' : c - 'a' + 10; }

std::uint64_t next_random() {
  // One generator per thread: no lock on the request path.
  thread_local std::mt19937_64 generator = [] {
    std::random_device device;
    std::seed_seq seed{device(), device(), device(), device()};
    return std::mt19937_64(seed);
  }();
  return generator();
}

// `digits` random lowercase hex digits, never all zero (invalid in W3C).
std::string random_hex(std::size_t digits) {
  std::string out(digits, '0');
  while (all_zero(out)) {
    std::uint64_t bits = 0;
    for (std::size_t i = 0; i < digits; ++i) {
      if (i % 16 == 0) bits = next_random();
      out[i] = kHex[bits & 0xFU];
      bits >>= 4;
    }
  }
  return out;
}

}  // namespace

std::string TraceContext::traceparent() const {
  std::string out = "00-";
  out.reserve(55);
  out += trace_id;
  out += '-';
  out += span_id;
  out += '-';
  out += kHex[flags >> 4];
  out += kHex[flags & 0xFU];
  return out;
}

std::optional<TraceContext> parse_traceparent(std::string_view header) {
  // version(2) '-' trace-id(32) '-' parent-id(16) '-' flags(2) = 55 characters.
  if (header.size() < 55) return std::nullopt;
  const std::string_view version = header.substr(0, 2);
  if (!is_lower_hex(version) || version == "ff") return std::nullopt;
  // Version 00 has exactly these fields; later versions may append "-...".
  if (version == "00" ? header.size() != 55 : (header.size() > 55 && header[55] != '-')) {
    return std::nullopt;
  }
  if (header[2] != '-' || header[35] != '-' || header[52] != '-') return std::nullopt;
  const std::string_view trace_id = header.substr(3, 32);
  const std::string_view span_id = header.substr(36, 16);
  const std::string_view flags = header.substr(53, 2);
  if (!is_lower_hex(trace_id) || !is_lower_hex(span_id) || !is_lower_hex(flags)) {
    return std::nullopt;
  }
  if (all_zero(trace_id) || all_zero(span_id)) return std::nullopt;
  TraceContext ctx;
  ctx.trace_id = std::string(trace_id);
  ctx.span_id = std::string(span_id);
  ctx.flags = static_cast<std::uint8_t>(hex_value(flags[0]) * 16 + hex_value(flags[1]));
  return ctx;
}

TraceContext new_trace() {
  TraceContext ctx;
  ctx.trace_id = random_hex(32);
  ctx.span_id = random_hex(16);
  ctx.flags = 0x01;
  return ctx;
}

TraceContext child_span(const TraceContext& parent) {
  TraceContext ctx;
  ctx.trace_id = parent.trace_id;
  ctx.span_id = random_hex(16);
  ctx.parent_span_id = parent.span_id;
  ctx.flags = parent.flags;
  return ctx;
}

TraceContext continue_or_start_trace(std::string_view header) {
  if (auto parent = parse_traceparent(header)) return child_span(*parent);
  return new_trace();
}

}  // namespace slotwise::service
