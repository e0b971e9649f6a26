// Helpers for the aggregate (decider) tests: outcomes as strings so a failed
// CHECK shows the actual code, event type lists, and the trip through the
// event log's encoding (pack -> google.protobuf.Any -> decode) that replay
// tests use.
#pragma once

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include <google/protobuf/any.pb.h>

#include "common/result.h"
#include "domain/domain_error.h"
#include "domain/event_conversion.h"

namespace slotwise::domain::test {

// "ok" or the error code.
template <class T>
std::string code_of(const common::Result<T, DomainError>& r) {
  return r.ok() ? std::string("ok") : r.error().code;
}

// "BookingTentativelyCreated BookingConfirmed": short type names in order.
template <class Event>
std::string types(const std::vector<Event>& events) {
  std::string out;
  for (const Event& e : events) {
    std::string name = event_type(e);
    if (!out.empty()) out += ' ';
    out += name.substr(name.rfind('.') + 1);
  }
  return out;
}

// The events as the command side would append them and a reader read them
// back: packed, wrapped in an Any with the standard type URL, decoded.
template <class Event>
std::vector<Event> through_log(const std::vector<Event>& events) {
  std::vector<Event> out;
  for (const Event& e : events) {
    const PackedEvent packed = to_packed(e);
    google::protobuf::Any any;
    any.set_type_url("type.googleapis.com/" + packed.first);
    any.set_value(packed.second);
    auto decoded = from_any<Event>(any);
    REQUIRE(decoded.ok());
    REQUIRE(decoded.value().has_value());
    out.push_back(std::move(*decoded.value()));
  }
  return out;
}

}  // namespace slotwise::domain::test
