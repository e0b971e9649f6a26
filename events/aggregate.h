// AggregateRef names one event stream inside the JetStream stream: the subject
// <prefix>.<category>.<id>, e.g. sw.evt.calendar.biz_8Zk3. ExpectedVersion is
// the optimistic-concurrency precondition of an append.
//
// Thread safety: plain value types.
// Errors: validate() rejects tokens that would change the subject's meaning
// (empty, or containing '.', '*', '>', whitespace or control characters).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "events/error.h"

namespace slotwise::events {

struct AggregateRef {
  std::string category;
  std::string id;

  friend bool operator==(const AggregateRef&, const AggregateRef&) = default;
};

// A subject token must be non-empty and contain no '.', '*', '>', whitespace
// or control characters (which would change the subject's meaning).
[[nodiscard]] bool is_valid_token(std::string_view token);
[[nodiscard]] Status validate(const AggregateRef& ref);

// "<prefix>.<category>.<id>".
[[nodiscard]] std::string subject_of(std::string_view prefix, const AggregateRef& ref);
// Inverse of subject_of; fails for subjects outside the prefix.
[[nodiscard]] Result<AggregateRef> aggregate_of(std::string_view prefix, std::string_view subject);

// The version of an aggregate is the stream sequence of its last commit
// (JetStream's "last subject sequence"); 0 means it has no commit yet.
class ExpectedVersion {
 public:
  enum class Kind { kNoStream, kExact, kAny };

  static ExpectedVersion no_stream() { return {Kind::kNoStream, 0}; }
  static ExpectedVersion exact(std::uint64_t version) {
    if (version == 0) return no_stream();
    return {Kind::kExact, version};
  }
  static ExpectedVersion any() { return {Kind::kAny, 0}; }

  [[nodiscard]] Kind kind() const { return kind_; }
  // The required version for kNoStream (0) and kExact.
  [[nodiscard]] std::uint64_t version() const { return version_; }

 private:
  ExpectedVersion(Kind k, std::uint64_t v) : kind_(k), version_(v) {}
  Kind kind_;
  std::uint64_t version_;
};

}  // namespace slotwise::events
