// AggregateRepository<State, Event>: loads aggregates of one category from the
// event log, keeps them in a bounded LRU cache, and executes decisions against
// them with optimistic concurrency.
//
//   execute(id, decide, commit_id, metadata):
//     1. take the aggregate's in-process lock (commands on one aggregate are
//        decided one at a time here; other processes are kept out by the
//        expected version),
//     2. decide(cached state) -> events | DomainError, optimistically: a
//        cached state is not re-read first, because the append below is
//        conditional on the exact version decided on. Only a state read
//        from the log is trusted for a refusal or a no-op: when the
//        decision against a cached state refuses or produces nothing, the
//        state is caught up with the log (a read of the new commits, one
//        direct get when nothing is new) and decided again,
//     3. append the events as one commit at the exact version decided on,
//     4. on a concurrency conflict catch up and go back to 2, at most
//        max_attempts times.
//   So a warm aggregate costs one round trip (the append) per command; a
//   write by another process shows up as one conflict and a re-read.
//
// Event is a std::variant of the aggregate's protobuf messages; decoding uses
// domain/event_conversion.h. Known types of other aggregates are skipped (and
// counted); a type this build does not know at all (written by a newer
// build) is an error, because deciding without it could accept what it
// forbids (docs/adr/0003).
//
// Thread safety: thread-safe.
// Errors: ExecuteError carries either the DomainError of decide() or the
// events::Error of the store (kConcurrencyConflict after max_attempts,
// kUnavailable, kDecodeError for a corrupt commit of this aggregate,
// kUnknownEventType for an event type this build does not know).
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include <google/protobuf/descriptor.h>

#include "common/lru_cache.h"
#include "domain/domain_error.h"
#include "domain/event_conversion.h"
#include "events/event_codec.h"
#include "events/event_store.h"

namespace slotwise::command {

struct ExecuteError {
  std::variant<domain::DomainError, events::Error> cause;
  [[nodiscard]] bool is_domain() const { return cause.index() == 0; }
  [[nodiscard]] const domain::DomainError& domain() const { return std::get<0>(cause); }
  [[nodiscard]] const events::Error& store() const { return std::get<1>(cause); }
};

struct Executed {
  std::uint64_t version = 0;  // the aggregate's version after the command
  bool appended = false;      // false: decide() produced no events
  bool duplicate = false;     // the commit id had been appended before
  int attempts = 1;
};

struct RepositoryStats {
  std::uint64_t cache_hits = 0;
  std::uint64_t cache_misses = 0;
  std::uint64_t conflicts = 0;
  std::uint64_t unknown_events = 0;
};

// Whether the aggregate's evolve() also takes the log position of the
// event's commit (the calendar's does: it records the commits that created
// bookings, for idempotent retries).
template <class State, class Event>
concept EvolvesWithPosition = requires(State state, const Event& event, std::uint64_t position) {
  evolve(std::move(state), event, position);
};

// The aggregate's evolve() for an event of the commit at log position
// `position`: with the position where it takes one, else without.
template <class State, class Event>
[[nodiscard]] State evolve_at(State state, const Event& event, std::uint64_t position) {
  if constexpr (EvolvesWithPosition<State, Event>) {
    return evolve(std::move(state), event, position);
  } else {
    return evolve(std::move(state), event);
  }
}

template <class State, class Event>
class AggregateRepository {
 public:
  using Decide =
      std::function<common::Result<std::vector<Event>, domain::DomainError>(const State&)>;

  AggregateRepository(events::EventStore& store, std::string category, std::size_t cache_capacity,
                      int max_attempts = 5)
      : store_(store),
        category_(std::move(category)),
        max_attempts_(max_attempts),
        cache_(cache_capacity) {}

  // The aggregate's current state and version (0 when it has no events).
  [[nodiscard]] common::Result<std::pair<State, std::uint64_t>, events::Error> load(
      const std::string& id) {
    std::lock_guard<std::mutex> aggregate_lock(stripe(id));
    auto entry = catch_up(id);
    if (!entry) return common::Unexpected<events::Error>{entry.error()};
    return std::make_pair(entry.value()->state, entry.value()->version);
  }

  // Whether `test` holds for the aggregate's current state (caught up with
  // the log, as load()), asked in place: load() copies the state, which for
  // a calendar is every booking it ever took.
  [[nodiscard]] common::Result<bool, events::Error> holds(
      const std::string& id, const std::function<bool(const State&)>& test) {
    std::lock_guard<std::mutex> aggregate_lock(stripe(id));
    auto entry = catch_up(id);
    if (!entry) return common::Unexpected<events::Error>{entry.error()};
    return test(entry.value()->state);
  }

  // Like load(), but a cached state checked against the log less than
  // `max_age` ago is returned without a read. For snapshots that feed other
  // aggregates' decisions (a business's services and policy for a booking),
  // where a bounded staleness costs nothing: writes made through this
  // process update the cache at once; only writes by another process can
  // go unseen, for at most max_age.
  [[nodiscard]] common::Result<std::pair<State, std::uint64_t>, events::Error> load_recent(
      const std::string& id, std::chrono::steady_clock::duration max_age) {
    std::lock_guard<std::mutex> aggregate_lock(stripe(id));
    {
      std::lock_guard<std::mutex> lock(cache_mu_);
      if (auto* found = cache_.find(id);
          found != nullptr && !(*found)->invalidated &&
          std::chrono::steady_clock::now() - (*found)->checked_at < max_age) {
        hits_.fetch_add(1, std::memory_order_relaxed);
        return std::make_pair((*found)->state, (*found)->version);
      }
    }
    auto entry = catch_up(id);
    if (!entry) return common::Unexpected<events::Error>{entry.error()};
    return std::make_pair(entry.value()->state, entry.value()->version);
  }

  // Marks a cached state as unchecked: the next load_recent() reads the log
  // whatever its max_age. For a follower of the log that sees commits other
  // processes made (command_server.cc's business watch). Waits for a command
  // running on the aggregate to finish.
  void invalidate(const std::string& id) {
    std::lock_guard<std::mutex> aggregate_lock(stripe(id));
    std::lock_guard<std::mutex> lock(cache_mu_);
    if (auto* found = cache_.find(id)) (*found)->invalidated = true;
  }

  [[nodiscard]] common::Result<Executed, ExecuteError> execute(const std::string& id,
                                                               const Decide& decide,
                                                               const std::string& commit_id,
                                                               const events::CommitMetadata& meta) {
    std::lock_guard<std::mutex> aggregate_lock(stripe(id));
    std::shared_ptr<Entry> entry = cached(id);
    bool from_log = false;  // `entry` was just caught up with the log
    int attempt = 1;
    while (true) {
      if (!entry) {
        auto loaded = catch_up(id);
        if (!loaded) return store_error(loaded.error());
        entry = std::move(loaded).value();
        from_log = true;
      }
      auto decision = decide(entry->state);
      if (!decision || decision->empty()) {
        if (!from_log) {  // maybe only stale: decide again on the log's state
          entry.reset();
          continue;
        }
        if (!decision) return common::Unexpected<ExecuteError>{ExecuteError{decision.error()}};
        return Executed{entry->version, false, false, attempt};
      }

      auto req = append_request(id, entry->version, *decision, commit_id, meta);
      const auto append_start = std::chrono::steady_clock::now();
      auto appended = store_.append(std::move(req));
      if (append_observer_) append_observer_(std::chrono::steady_clock::now() - append_start);
      if (appended) {
        remember(id, *entry, *decision, *appended);
        return Executed{appended->position, true, appended->duplicate, attempt};
      }
      if (appended.error().code != events::ErrorCode::kConcurrencyConflict ||
          attempt >= max_attempts_) {
        return store_error(appended.error());
      }
      conflicts_.fetch_add(1, std::memory_order_relaxed);
      // The cached state is still a valid prefix: the next catch_up reads on.
      entry.reset();
      ++attempt;
    }
  }

  // Called with the duration of every append this repository makes (for
  // the append latency histogram). Set before use; not synchronised.
  void set_append_observer(std::function<void(std::chrono::steady_clock::duration)> observer) {
    append_observer_ = std::move(observer);
  }

  [[nodiscard]] RepositoryStats stats() const {
    return {hits_.load(), misses_.load(), conflicts_.load(), unknown_.load()};
  }
  [[nodiscard]] const std::string& category() const { return category_; }

 private:
  struct Entry {
    State state{};
    std::uint64_t version = 0;
    // When `version` was last known to be the aggregate's latest, and
    // whether a later commit was seen since (both written with the
    // aggregate's stripe held).
    std::chrono::steady_clock::time_point checked_at{};
    bool invalidated = false;
  };

  static common::Unexpected<ExecuteError> store_error(events::Error e) {
    return common::Unexpected<ExecuteError>{ExecuteError{std::move(e)}};
  }

  std::mutex& stripe(const std::string& id) {
    return stripes_[std::hash<std::string>{}(id) % stripes_.size()];
  }

  void forget(const std::string& id) {
    std::lock_guard<std::mutex> lock(cache_mu_);
    cache_.erase(id);
  }

  [[nodiscard]] events::AppendRequest append_request(const std::string& id, std::uint64_t version,
                                                     const std::vector<Event>& decided,
                                                     const std::string& commit_id,
                                                     const events::CommitMetadata& meta) const {
    events::AppendRequest req;
    req.aggregate = {category_, id};
    req.expected = events::ExpectedVersion::exact(version);
    req.commit_id = commit_id;
    req.metadata = meta;
    req.events.reserve(decided.size());
    for (const Event& e : decided) {
      auto [type, data] = domain::to_packed(e);
      req.events.push_back(events::PackedEvent{std::move(type), std::move(data)});
    }
    return req;
  }

  // After a successful append of `decided` on top of `entry`.
  void remember(const std::string& id, Entry& entry, const std::vector<Event>& decided,
                const events::AppendResult& appended) {
    if (appended.duplicate) {
      forget(id);  // what was stored earlier may differ from this decision
      return;
    }
    // Our commit is the next one: apply it without a read.
    for (const Event& e : decided) {
      entry.state = evolve_at(std::move(entry.state), e, appended.position);
    }
    entry.version = appended.position;
    entry.checked_at = std::chrono::steady_clock::now();
    entry.invalidated = false;  // appended at the exact version: nothing came between
  }

  // The cached entry, without checking it against the log (nullptr when not
  // cached). Called with the aggregate's stripe held.
  std::shared_ptr<Entry> cached(const std::string& id) {
    std::lock_guard<std::mutex> lock(cache_mu_);
    auto* found = cache_.find(id);
    if (found == nullptr) return nullptr;
    hits_.fetch_add(1, std::memory_order_relaxed);
    return *found;
  }

  // Called with the aggregate's stripe held.
  common::Result<std::shared_ptr<Entry>, events::Error> catch_up(const std::string& id) {
    std::shared_ptr<Entry> entry;
    {
      std::lock_guard<std::mutex> lock(cache_mu_);
      if (auto* found = cache_.find(id)) entry = *found;
    }
    if (entry) {
      hits_.fetch_add(1, std::memory_order_relaxed);
    } else {
      misses_.fetch_add(1, std::memory_order_relaxed);
      entry = std::make_shared<Entry>();
    }
    const auto read_at = std::chrono::steady_clock::now();
    auto commits = store_.read({category_, id}, entry->version);
    if (!commits) return common::Unexpected<events::Error>{commits.error()};
    entry->checked_at = read_at;
    entry->invalidated = false;
    if (!commits->empty()) {
      // Apply to a copy so a corrupt commit leaves the cached entry intact.
      auto next = std::make_shared<Entry>(*entry);
      for (const auto& c : commits.value()) {
        for (const auto& rec : c.commit.events()) {
          auto decoded = domain::from_any<Event>(rec.payload());
          if (!decoded) {
            events::Error e;
            e.code = events::ErrorCode::kDecodeError;
            e.message = "event of type '" + decoded.error().type + "' does not parse";
            e.subject = c.subject;
            e.sequence = c.sequence;
            return common::Unexpected<events::Error>{std::move(e)};
          }
          if (!decoded.value()) {
            // A type this build has never heard of was written by a newer
            // one (a rolling deploy): deciding without it could accept
            // what it forbids (a booking overlapping one it records), so
            // refuse until this process is upgraded. A known type of
            // another aggregate is foreign to this one and skipped.
            const std::string type(domain::type_name_of(rec.payload()));
            if (google::protobuf::DescriptorPool::generated_pool()->FindMessageTypeByName(type) ==
                nullptr) {
              events::Error e;
              e.code = events::ErrorCode::kUnknownEventType;
              e.message = "event of type '" + type + "' is unknown to this build";
              e.subject = c.subject;
              e.sequence = c.sequence;
              e.event_type = type;
              return common::Unexpected<events::Error>{std::move(e)};
            }
            unknown_.fetch_add(1, std::memory_order_relaxed);
            continue;
          }
          next->state = evolve_at(std::move(next->state), *decoded.value(), c.sequence);
        }
        next->version = c.sequence;
      }
      entry = std::move(next);
    }
    std::lock_guard<std::mutex> lock(cache_mu_);
    cache_.put(id, entry);
    return entry;
  }

  events::EventStore& store_;
  std::string category_;
  int max_attempts_;
  std::array<std::mutex, 256> stripes_;
  std::mutex cache_mu_;
  common::LruCache<std::string, std::shared_ptr<Entry>> cache_;
  std::atomic<std::uint64_t> hits_{0};
  std::atomic<std::uint64_t> misses_{0};
  std::atomic<std::uint64_t> conflicts_{0};
  std::atomic<std::uint64_t> unknown_{0};
  std::function<void(std::chrono::steady_clock::duration)> append_observer_;
};

}  // namespace slotwise::command
