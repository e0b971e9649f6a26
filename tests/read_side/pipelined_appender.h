// PipelinedAppender: appends domain events to the log without waiting for
// each commit (EventStore::append_async), so commits to different
// aggregates are in flight together and a large log is seeded in seconds.
// drain() waits for every commit and says whether all of them were
// appended. Used by the read-side tests and the query benchmark's seed.
//
// Thread safety: append() from one thread; drain() after the appends.
// Errors: drain() returns false when an append failed or did not finish.
#pragma once

#include <atomic>
#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "domain/event_conversion.h"
#include "events/event_store.h"

namespace slotwise::testing {

class PipelinedAppender {
 public:
  // `store` must outlive the appender; commit ids are <prefix><n>.
  PipelinedAppender(events::EventStore& store, std::string commit_prefix)
      : store_(store), prefix_(std::move(commit_prefix)) {}

  template <class Event>
  void append(const std::string& category, const std::string& id, const std::vector<Event>& evs,
              const events::CommitMetadata& metadata = {}) {
    events::AppendRequest r;
    r.aggregate = {category, id};
    r.commit_id = prefix_ + std::to_string(++next_);
    r.metadata = metadata;
    for (const auto& e : evs) {
      auto packed = domain::to_packed(e);
      r.events.push_back(events::PackedEvent{packed.first, packed.second});
    }
    store_.append_async(std::move(r), [this](const events::Result<events::AppendResult>& res) {
      if (!res) failed_.fetch_add(1);
    });
  }

  [[nodiscard]] bool drain(std::chrono::seconds timeout) {
    return store_.drain(timeout) && failed_.load() == 0;
  }
  [[nodiscard]] long failures() const { return failed_.load(); }

 private:
  events::EventStore& store_;
  std::string prefix_;
  long next_ = 0;
  std::atomic<long> failed_{0};
};

}  // namespace slotwise::testing
