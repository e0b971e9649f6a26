// LogFollower: a thread that follows the commits of one subject filter of
// the event log, from a given stream sequence on, and hands each decoded
// commit to a callback, in stream order. A failed tail (event log down) is
// logged and reopened after the last commit seen, so nothing is skipped
// across an outage. Used by the hold expiry scheduler (calendar commits) and
// the business watch (business commits of every process).
//
// A commit that does not decode is logged and skipped (docs/adr/0003).
//
// Thread safety: start()/stop() from one thread; the callback runs on the
// follower's own thread, one commit at a time.
// Errors: none returned; failures are logged and retried every second.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <thread>

#include "events/append_request.h"
#include "events/event_store.h"
#include "service/log.h"

namespace slotwise::command {

class LogFollower {
 public:
  using OnCommit = std::function<void(const std::string& subject, const events::StoredCommit&)>;

  // `store` and `logger` must outlive the follower; `name` labels its log
  // lines ("hold expiry", "business watch").
  LogFollower(events::EventStore& store, service::Logger& logger, std::string name,
              std::string filter_subject, OnCommit on_commit);
  LogFollower(const LogFollower&) = delete;
  LogFollower& operator=(const LogFollower&) = delete;
  // Calls stop().
  ~LogFollower();

  // Follows from `from_sequence` (the first commit handed over is the first
  // matching one at or after it). Call once.
  void start(std::uint64_t from_sequence);
  // Returns once the thread has finished (within one poll interval).
  void stop();

 private:
  void run(std::uint64_t from_sequence);

  events::EventStore& store_;
  service::Logger& logger_;
  std::string name_;
  std::string filter_;
  OnCommit on_commit_;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace slotwise::command
