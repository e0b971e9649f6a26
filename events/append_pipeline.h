// AppendPipeline: many appends in flight at once over JetStream asynchronous
// publishes, each with its own completion, in order per aggregate.
//
// Per subject at most one commit is in flight: the next one is published when
// the previous is acknowledged, because it needs that commit's position (its
// expected version) and hash (the audit chain). Different subjects proceed in
// parallel up to max_in_flight, which is what takes appends past the
// ~7.5k/s of one-at-a-time round trips (docs/adr/0001-event-log-layout.md).
//
// A per-subject tail cache (position, hash) of the last commit this process
// saw makes the common case — append at the version just read or written —
// cost no extra round trip. A cold or stale tail is looked up with one direct
// get. Timeouts and "no responders" are retried with the same message id and
// bytes until the append deadline, so a retry never writes twice.
//
// Commits go out as core NATS publishes whose reply subject is one of the
// pipeline's own inboxes (one per connection, "<inbox>.<token>"); the
// pipeline reads JetStream's PubAck itself (pub_ack.h). nats.c's
// js_PublishMsgAsync did the same with a per-publish hash map entry and freed
// every acknowledgement on its collector thread, waking it for each one;
// here acknowledgements are freed in batches (ADR 0012).
//
// Thread safety: thread-safe. Callbacks run on the submitting thread or on
// nats.c's acknowledgement thread; they must not block for long.
// Errors (delivered to the callback): kInvalidArgument, kConcurrencyConflict
// (with current_version), kUnavailable after the deadline, kCancelled on
// shutdown, kDecodeError for an unreadable tail.
#pragma once

#include <nats/nats.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "common/lru_cache.h"
#include "events/append_request.h"
#include "events/hash_chain.h"
#include "events/nats_handles.h"
#include "events/pub_ack.h"

namespace slotwise::events {

using AppendCallback = std::function<void(Result<AppendResult>)>;

struct SubjectTail {
  std::uint64_t sequence = 0;  // 0: the subject has no commit
  Digest hash{};
};

struct PipelineOptions {
  std::string subject_prefix = "sw.evt";
  std::size_t max_in_flight = 1024;
  std::chrono::milliseconds ack_timeout{5000};
  std::chrono::milliseconds append_deadline{30000};
  std::size_t tail_cache_capacity = 100000;
  int max_conflict_retries = 16;  // for ExpectedVersion::any()
  // Up to this many commits in flight are published on the low-latency
  // context (written to the socket at once); beyond it on the bulk context,
  // whose writes nats.c batches, so that the server reads many commits per
  // syscall. Per-subject order holds across both because a subject never has
  // two commits in flight.
  std::size_t low_latency_in_flight = 4;
};

struct PipelineStats {
  std::uint64_t appended = 0;
  std::uint64_t duplicates = 0;
  std::uint64_t conflicts = 0;
  std::uint64_t retries = 0;
  std::uint64_t tail_lookups = 0;
  std::uint64_t in_flight = 0;
};

class AppendPipeline : public std::enable_shared_from_this<AppendPipeline> {
 public:
  // I/O the pipeline needs from the store; both run on pipeline threads.
  struct Io {
    // The last commit of a subject (sequence 0 when it has none).
    std::function<Result<SubjectTail>(const std::string& subject)> tail_of;
    // Position of a commit with this id among the subject's commits after
    // `after_version`, if any (recognises a repeated commit id).
    std::function<Result<std::optional<std::uint64_t>>(
        const AggregateRef& aggregate, std::uint64_t after_version, const std::string& commit_id)>
        find_commit;
  };

  static std::shared_ptr<AppendPipeline> create(PipelineOptions options, Io io);
  AppendPipeline(const AppendPipeline&) = delete;
  AppendPipeline& operator=(const AppendPipeline&) = delete;
  ~AppendPipeline();

  // Must be called once before submit(): the connections to publish on;
  // subscribes an acknowledgement inbox on each.
  [[nodiscard]] Status attach(natsConnection* low_latency, natsConnection* bulk);
  // Unsubscribes the inboxes; call before closing the connections.
  void detach();

  void submit(AppendRequest request, AppendCallback done);

  // Waits until nothing is queued or in flight; false on timeout.
  bool drain(std::chrono::milliseconds timeout);
  // Fails everything still queued or in flight with kCancelled; later
  // submissions fail at once.
  void shutdown();
  // Stops the retry timer and waits for its thread (which may be inside a
  // tail lookup or a publish): call before the reader and the connections
  // the pipeline uses are freed. Idempotent.
  void join_timer();

  [[nodiscard]] PipelineStats stats() const;
  // Forgets a subject's cached tail (e.g. after reading it proved stale).
  void forget_tail(const std::string& subject);
  void remember_tail(const std::string& subject, const SubjectTail& tail);

 private:
  struct Pending;
  // A subject's appends in order, linked through Pending::next_in_subject:
  // no per-subject container allocation on the hot path. The head is the one
  // being worked on; the queue owns every Pending in it.
  struct SubjectQueue {
    std::unique_ptr<Pending> head;
    Pending* tail = nullptr;
  };
  // The front of a subject's queue, taken out under mu_, and the pending that
  // inherits its in-flight slot (nullptr when none).
  struct Detached {
    std::unique_ptr<Pending> done;
    Pending* next = nullptr;
  };
  using Clock = std::chrono::steady_clock;

  // Where commits are published and their acknowledgements arrive.
  struct Route {
    natsConnection* nc = nullptr;
    std::string inbox;  // replies come to "<inbox>.<token>"
    SubscriptionPtr sub;
  };

  AppendPipeline(PipelineOptions options, Io io);
  static Result<Route> subscribe_route(natsConnection* nc, void* closure);
  static void reply_handler(natsConnection* nc, natsSubscription* sub, natsMsg* msg, void* closure);
  // Each step returns the next pending to work on (the same one to retry, the
  // next of its subject, or one waiting for a slot), or nullptr when the
  // current one is now in flight or parked on a timer.
  void drive(Pending* p);
  Pending* step(Pending* p);
  // Finds the tail to append after (cached or looked up) and encodes the commit.
  Pending* prepare(Pending* p, const std::optional<SubjectTail>& cached);
  Pending* publish(Pending* p);
  void on_reply(natsMsg* msg);
  Pending* after_ack(Pending* p, Result<PubAck> ack);
  Pending* resolve_conflict(Pending* p, std::uint64_t current_version);
  Pending* retry_later(Pending* p, const Error& why);
  Pending* finish(Pending* p, Result<AppendResult> result);
  Pending* finish_locked_out(Pending* p);
  Detached detach_locked(Pending* p);  // requires mu_
  // Queues a published commit or an acknowledgement for destruction; returns
  // a full batch to destroy (outside mu_) or nothing. Requires mu_.
  [[nodiscard]] std::vector<natsMsg*> retire_locked(natsMsg* msg);
  static void destroy_all(const std::vector<natsMsg*>& msgs);
  void complete(std::unique_ptr<Pending> p, Result<AppendResult> result);
  void timer_loop();
  // Gives up waiting for acknowledgements older than ack_timeout (retried).
  void sweep_unacknowledged();

  PipelineOptions options_;
  Io io_;
  std::uint64_t registry_id_ = 0;
  Route fast_;
  Route bulk_;

  mutable std::mutex mu_;
  std::condition_variable idle_cv_;
  bool shutting_down_ = false;
  std::unordered_map<std::string, SubjectQueue> subjects_;
  std::deque<Pending*> waiting_for_slot_;
  std::size_t active_ = 0;  // subjects holding an in-flight slot
  // Submitted, not yet completed. Atomic so that completing an append takes
  // no second lock; drain() is woken under mu_ when it reaches zero.
  std::atomic<std::size_t> outstanding_{0};
  // By the token of the reply subject of the publish awaiting its ack.
  std::unordered_map<std::uint64_t, Pending*> in_flight_;
  std::uint64_t next_token_ = 1;
  static constexpr std::size_t kDestroyBatch = 1024;
  // Published commits and their acknowledgements, destroyed in batches: every
  // nats.c message is freed on its collector thread, woken per destroy.
  std::vector<natsMsg*> acked_msgs_;
  common::LruCache<std::string, SubjectTail> tails_;
  PipelineStats stats_;

  // Delayed retries (backoff after "unavailable"); the same thread sweeps
  // in_flight_ for overdue acknowledgements.
  std::multimap<Clock::time_point, Pending*> timers_;
  std::condition_variable timer_cv_;
  std::thread timer_thread_;
};

}  // namespace slotwise::events
