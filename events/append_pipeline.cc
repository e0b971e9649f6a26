#include "events/append_pipeline.h"

#include <algorithm>
#include <charconv>
#include <shared_mutex>

#include "events/commit_codec.h"
#include "events/nats_status.h"

namespace slotwise::events {

struct AppendPipeline::Pending {
  AppendRequest req;
  AppendCallback done;
  std::string subject;
  Clock::time_point deadline;
  Clock::time_point ack_due;  // while in flight: when to stop waiting for the ack
  int conflict_retries = 0;
  int unavailable_retries = 0;
  // Once prepared, retries after a timeout republish these exact bytes under
  // the same message id, so the server deduplicates instead of writing twice.
  bool prepared = false;
  std::uint64_t previous_version = 0;
  EncodedCommit encoded;
  std::chrono::system_clock::time_point committed_at;
  std::unique_ptr<Pending> next_in_subject;  // SubjectQueue's link
  // This attempt's reply token and connection, chosen by step().
  std::uint64_t token = 0;
  const Route* route = nullptr;
};

namespace {

// nats.c hands the reply handler a void* closure; a registry of weak pointers
// turns it back into a live pipeline or nothing, so a late acknowledgement can
// never touch a destroyed pipeline. Every acknowledgement looks itself up, on
// as many threads as there are connections; a shared lock keeps those lookups
// from ever sleeping on each other (only create/destroy take it exclusively).
std::shared_mutex& registry_mutex() {
  static std::shared_mutex m;
  return m;
}
std::unordered_map<std::uint64_t, std::weak_ptr<AppendPipeline>>& registry() {
  static std::unordered_map<std::uint64_t, std::weak_ptr<AppendPipeline>> r;
  return r;
}
std::uint64_t next_registry_id() {
  static std::atomic<std::uint64_t> next{1};
  return next.fetch_add(1);
}

bool valid_header_value(const std::string& v) {
  return !v.empty() && v.size() <= 256 && std::none_of(v.begin(), v.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u < 0x20 || u == 0x7f;
  });
}

Error error_of(ErrorCode code, std::string message) {
  Error e;
  e.code = code;
  e.message = std::move(message);
  return e;
}

// The token after the inbox in a reply subject ("<inbox>.<token>"); 0 if none.
std::uint64_t token_of(const char* subject) {
  if (subject == nullptr) return 0;
  const std::string_view s(subject);
  const auto dot = s.rfind('.');
  if (dot == std::string_view::npos) return 0;
  std::uint64_t v = 0;
  const auto* first = s.data() + dot + 1;
  const auto* last = s.data() + s.size();
  const auto r = std::from_chars(first, last, v);
  return r.ec == std::errc() && r.ptr == last ? v : 0;
}

}  // namespace

std::shared_ptr<AppendPipeline> AppendPipeline::create(PipelineOptions options, Io io) {
  std::shared_ptr<AppendPipeline> p(new AppendPipeline(std::move(options), std::move(io)));
  const std::unique_lock<std::shared_mutex> lock(registry_mutex());
  registry()[p->registry_id_] = p;
  return p;
}

AppendPipeline::AppendPipeline(PipelineOptions options, Io io)
    : options_(std::move(options)),
      io_(std::move(io)),
      registry_id_(next_registry_id()),
      tails_(options_.tail_cache_capacity) {
  options_.max_in_flight = std::max<std::size_t>(1, options_.max_in_flight);
  timer_thread_ = std::thread([this] { timer_loop(); });
}

void AppendPipeline::join_timer() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    shutting_down_ = true;
  }
  timer_cv_.notify_all();
  if (!timer_thread_.joinable()) return;
  if (timer_thread_.get_id() == std::this_thread::get_id()) {
    timer_thread_.detach();  // the last owner let go on the timer thread itself
  } else {
    timer_thread_.join();
  }
}

AppendPipeline::~AppendPipeline() {
  try {
    shutdown();
    join_timer();
    {
      const std::unique_lock<std::shared_mutex> lock(registry_mutex());
      registry().erase(registry_id_);
    }
    detach();
    // No acknowledgement can reach this pipeline any more.
    destroy_all(acked_msgs_);
  } catch (...) {  // NOLINT(bugprone-empty-catch): a destructor must not throw
    // Only a failing mutex or thread join can get here; nothing is left to do.
  }
}

Result<AppendPipeline::Route> AppendPipeline::subscribe_route(natsConnection* nc, void* closure) {
  Route r;
  r.nc = nc;
  natsInbox* inbox = nullptr;
  natsStatus s = natsInbox_Create(&inbox);
  if (s == NATS_OK) {
    r.inbox = inbox;
    natsInbox_Destroy(inbox);
    natsSubscription* sub = nullptr;
    s = natsConnection_Subscribe(&sub, nc, (r.inbox + ".*").c_str(), &reply_handler, closure);
    r.sub.reset(sub);
  }
  if (s == NATS_OK) s = natsSubscription_SetPendingLimits(r.sub.get(), -1, -1);
  if (s != NATS_OK) {
    return common::Unexpected<Error>{
        from_nats(s, static_cast<jsErrCode>(0), "subscribe the acknowledgement inbox")};
  }
  return r;
}

Status AppendPipeline::attach(natsConnection* low_latency, natsConnection* bulk) {
  // The id, not the address: see registry() above.
  // NOLINTNEXTLINE(performance-no-int-to-ptr): an opaque id for a C callback, never dereferenced
  void* closure = reinterpret_cast<void*>(static_cast<std::uintptr_t>(registry_id_));
  auto fast = subscribe_route(low_latency, closure);
  if (!fast) return common::Unexpected<Error>{fast.error()};
  fast_ = std::move(fast).value();
  auto slow = subscribe_route(bulk, closure);
  if (!slow) return common::Unexpected<Error>{slow.error()};
  bulk_ = std::move(slow).value();
  return common::Unit{};
}

void AppendPipeline::detach() {
  for (Route* r : {&fast_, &bulk_}) {
    if (r->sub) (void)natsSubscription_Unsubscribe(r->sub.get());
    r->sub.reset();
  }
}

void AppendPipeline::reply_handler(natsConnection* /*nc*/, natsSubscription* /*sub*/, natsMsg* msg,
                                   void* closure) {
  std::shared_ptr<AppendPipeline> self;
  {
    const std::shared_lock<std::shared_mutex> lock(registry_mutex());
    auto it =
        registry().find(static_cast<std::uint64_t>(reinterpret_cast<std::uintptr_t>(closure)));
    if (it != registry().end()) self = it->second.lock();
  }
  if (!self) {
    natsMsg_Destroy(msg);
    return;
  }
  self->on_reply(msg);
}

void AppendPipeline::submit(AppendRequest request, AppendCallback done) {
  if (auto ok = validate(request.aggregate); !ok) {
    done(common::Unexpected<Error>{ok.error()});
    return;
  }
  if (request.events.empty()) {
    done(common::Unexpected<Error>{
        error_of(ErrorCode::kInvalidArgument, "a commit needs at least one event")});
    return;
  }
  if (!valid_header_value(request.commit_id)) {
    done(common::Unexpected<Error>{
        error_of(ErrorCode::kInvalidArgument, "commit id must be 1..256 printable characters")});
    return;
  }
  auto p = std::make_unique<Pending>();
  p->subject = subject_of(options_.subject_prefix, request.aggregate);
  p->req = std::move(request);
  p->done = std::move(done);
  p->deadline = Clock::now() + options_.append_deadline;
  Pending* start_now = nullptr;
  {
    std::unique_lock<std::mutex> lock(mu_);
    if (shutting_down_) {
      lock.unlock();
      p->done(common::Unexpected<Error>{
          error_of(ErrorCode::kCancelled, "event store is shutting down")});
      return;
    }
    outstanding_.fetch_add(1, std::memory_order_relaxed);
    auto& q = subjects_[p->subject];
    Pending* raw = p.get();
    const bool first = q.head == nullptr;
    if (first) {
      q.head = std::move(p);
    } else {
      q.tail->next_in_subject = std::move(p);
    }
    q.tail = raw;
    if (first) {
      if (active_ < options_.max_in_flight) {
        ++active_;
        start_now = raw;
      } else {
        waiting_for_slot_.push_back(raw);
      }
    }
  }
  drive(start_now);
}

void AppendPipeline::drive(Pending* p) {
  // Iterative rather than recursive: a long queue on one subject that fails
  // synchronously (e.g. at shutdown) must not grow the stack.
  while (p != nullptr) p = step(p);
}

AppendPipeline::Pending* AppendPipeline::step(Pending* p) {
  bool stopping = false;
  std::optional<SubjectTail> cached;
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping = shutting_down_;
    if (!stopping && !p->prepared) {
      if (const auto* t = tails_.find(p->subject)) cached = *t;
    }
    // Each attempt gets a fresh token (an older attempt's late ack then finds
    // nothing); drawn here so that publish() needs one lock fewer per append.
    p->token = next_token_++;
    p->route = stats_.in_flight + 1 > options_.low_latency_in_flight ? &bulk_ : &fast_;
  }
  if (stopping) return finish_locked_out(p);
  if (p->prepared) return publish(p);
  return prepare(p, cached);
}

AppendPipeline::Pending* AppendPipeline::prepare(Pending* p,
                                                 const std::optional<SubjectTail>& cached) {
  const ExpectedVersion& exp = p->req.expected;
  std::optional<SubjectTail> tail;
  switch (exp.kind()) {
    case ExpectedVersion::Kind::kNoStream:
      if (cached && cached->sequence != 0) return resolve_conflict(p, cached->sequence);
      tail = SubjectTail{};  // the server enforces emptiness (expected sequence 0)
      break;
    case ExpectedVersion::Kind::kExact:
      if (cached && cached->sequence == exp.version()) tail = cached;
      if (cached && cached->sequence > exp.version()) return resolve_conflict(p, cached->sequence);
      break;
    case ExpectedVersion::Kind::kAny:
      tail = cached;
      break;
  }
  if (!tail) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      ++stats_.tail_lookups;
    }
    auto looked = io_.tail_of(p->subject);
    if (!looked) {
      if (looked.error().code == ErrorCode::kUnavailable) return retry_later(p, looked.error());
      return finish(p, common::Unexpected<Error>{looked.error()});
    }
    tail = looked.value();
    remember_tail(p->subject, *tail);
    if (exp.kind() == ExpectedVersion::Kind::kExact && tail->sequence != exp.version()) {
      if (tail->sequence > exp.version()) return resolve_conflict(p, tail->sequence);
      Error e = error_of(ErrorCode::kConcurrencyConflict,
                         "expected version " + std::to_string(exp.version()) + " of " + p->subject +
                             " does not exist");
      e.current_version = tail->sequence;
      return finish(p, common::Unexpected<Error>{std::move(e)});
    }
  }
  p->previous_version = tail->sequence;
  p->committed_at = std::chrono::system_clock::now();
  p->encoded = encode_commit(p->req, tail->sequence, tail->hash, p->committed_at);
  p->prepared = true;
  return publish(p);
}

AppendPipeline::Pending* AppendPipeline::publish(Pending* p) {
  const std::uint64_t token = p->token;
  const Route* route = p->route;
  auto built = build_message(p->subject, p->req, p->encoded, p->previous_version, p->committed_at,
                             route->inbox + "." + std::to_string(token));
  if (!built) return finish(p, common::Unexpected<Error>{built.error()});
  // The message stays this call's until the publish returns: from the moment
  // p is registered, the ack thread (or shutdown) may complete and free p.
  MsgPtr msg = std::move(built).value();
  {
    std::lock_guard<std::mutex> lock(mu_);
    p->ack_due = Clock::now() + options_.ack_timeout;
    in_flight_[token] = p;
    ++stats_.in_flight;
  }
  // sweep_unacknowledged() enforces ack_timeout.
  const natsStatus s = natsConnection_PublishMsg(route->nc, msg.get());
  if (s == NATS_OK) {
    // p may already be completed by the ack thread: only the message is
    // touched here, freed with the acknowledgements in a batch.
    std::vector<natsMsg*> to_destroy;
    {
      std::lock_guard<std::mutex> lock(mu_);
      to_destroy = retire_locked(msg.release());
    }
    destroy_all(to_destroy);
    return nullptr;
  }
  bool still_ours = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    still_ours = in_flight_.erase(token) > 0;
    if (still_ours) --stats_.in_flight;
  }
  if (!still_ours) return nullptr;  // cancelled by shutdown meanwhile
  Error e = from_nats(s, static_cast<jsErrCode>(0), "publish to " + p->subject);
  if (e.code == ErrorCode::kUnavailable) return retry_later(p, e);
  return finish(p, common::Unexpected<Error>{std::move(e)});
}

void AppendPipeline::on_reply(natsMsg* msg) {
  const std::uint64_t token = token_of(natsMsg_GetSubject(msg));
  Pending* p = nullptr;
  Result<PubAck> ack = PubAck{};
  Detached detached;  // the common case, a stored commit: completed in this one lock region
  std::vector<natsMsg*> to_destroy;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = in_flight_.find(token);
    if (it != in_flight_.end()) {
      p = it->second;
      in_flight_.erase(it);
      --stats_.in_flight;
      ack = parse_pub_ack(msg, p->subject);
      if (ack && !ack->duplicate) {
        tails_.put(p->subject, SubjectTail{ack->sequence, p->encoded.hash});
        ++stats_.appended;
        detached = detach_locked(p);
      }
    }
    to_destroy = retire_locked(msg);  // after parsing: msg is read above
  }
  destroy_all(to_destroy);
  if (p == nullptr) return;  // a stale attempt, or cancelled by shutdown
  if (detached.done) {
    complete(std::move(detached.done), AppendResult{ack->sequence, false});
    drive(detached.next);
    return;
  }
  drive(after_ack(p, std::move(ack)));
}

AppendPipeline::Pending* AppendPipeline::after_ack(Pending* p, Result<PubAck> ack) {
  if (ack) {
    const PubAck& pa = ack.value();
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (pa.duplicate) {
        // The stored commit may differ from ours (an earlier request with the
        // same id), so its hash is unknown here.
        tails_.erase(p->subject);
        ++stats_.duplicates;
      } else {
        tails_.put(p->subject, SubjectTail{pa.sequence, p->encoded.hash});
        ++stats_.appended;
      }
    }
    return finish(p, AppendResult{pa.sequence, pa.duplicate});
  }
  Error e = std::move(ack).error();
  if (e.code == ErrorCode::kConcurrencyConflict) {
    forget_tail(p->subject);
    if (p->req.expected.kind() == ExpectedVersion::Kind::kAny) {
      if (++p->conflict_retries > options_.max_conflict_retries) {
        return finish(p, common::Unexpected<Error>{std::move(e)});
      }
      std::lock_guard<std::mutex> lock(mu_);
      ++stats_.retries;
      p->prepared = false;
      return p;  // re-run with a fresh tail
    }
    return resolve_conflict(p, e.current_version);
  }
  if (e.code == ErrorCode::kUnavailable) return retry_later(p, e);
  return finish(p, common::Unexpected<Error>{std::move(e)});
}

AppendPipeline::Pending* AppendPipeline::resolve_conflict(Pending* p,
                                                          std::uint64_t current_version) {
  // Past the NATS duplicate window a repeated commit id surfaces as a
  // conflict; the log itself says whether it was already appended.
  auto found = io_.find_commit(p->req.aggregate, p->req.expected.version(), p->req.commit_id);
  if (found && found.value()) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      ++stats_.duplicates;
    }
    return finish(p, AppendResult{*found.value(), true});
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    ++stats_.conflicts;
  }
  Error e =
      error_of(ErrorCode::kConcurrencyConflict,
               p->subject + " is not at version " + std::to_string(p->req.expected.version()));
  e.current_version = current_version;
  return finish(p, common::Unexpected<Error>{std::move(e)});
}

AppendPipeline::Pending* AppendPipeline::retry_later(Pending* p, const Error& why) {
  const auto now = Clock::now();
  if (now >= p->deadline) {
    Error e = why;
    e.message = "gave up after the append deadline: " + why.message;
    return finish(p, common::Unexpected<Error>{std::move(e)});
  }
  const int shift = std::min(p->unavailable_retries++, 5);
  const auto backoff =
      std::min(std::chrono::milliseconds(1000), std::chrono::milliseconds(25 << shift));
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!shutting_down_) {
      timers_.emplace(std::min(now + backoff, p->deadline), p);
      ++stats_.retries;
      timer_cv_.notify_one();
      return nullptr;
    }
  }
  return finish(p, common::Unexpected<Error>{
                       error_of(ErrorCode::kCancelled, "event store is shutting down")});
}

AppendPipeline::Pending* AppendPipeline::finish_locked_out(Pending* p) {
  return finish(p, common::Unexpected<Error>{
                       error_of(ErrorCode::kCancelled, "event store is shutting down")});
}

AppendPipeline::Pending* AppendPipeline::finish(Pending* p, Result<AppendResult> result) {
  Detached d;
  {
    std::lock_guard<std::mutex> lock(mu_);
    d = detach_locked(p);
  }
  complete(std::move(d.done), std::move(result));
  return d.next;
}

std::vector<natsMsg*> AppendPipeline::retire_locked(natsMsg* msg) {
  // nats.c frees messages on its garbage-collector thread and wakes that
  // thread whenever it is idle; destroying commits and acknowledgements in
  // batches costs one wake-up per batch instead of up to two per append.
  std::vector<natsMsg*> full;
  acked_msgs_.push_back(msg);
  if (acked_msgs_.size() >= kDestroyBatch) {
    full.swap(acked_msgs_);
    acked_msgs_.reserve(kDestroyBatch);
  }
  return full;
}

void AppendPipeline::destroy_all(const std::vector<natsMsg*>& msgs) {
  for (natsMsg* m : msgs) natsMsg_Destroy(m);
}

AppendPipeline::Detached AppendPipeline::detach_locked(Pending* p) {
  Detached d;
  auto it = subjects_.find(p->subject);
  auto& q = it->second;
  d.done = std::move(q.head);  // p is always the head of its subject's queue
  q.head = std::move(d.done->next_in_subject);
  if (q.head != nullptr) {
    d.next = q.head.get();  // inherits the slot, keeping per-subject order
  } else {
    subjects_.erase(it);
    --active_;
    if (!waiting_for_slot_.empty()) {
      d.next = waiting_for_slot_.front();
      waiting_for_slot_.pop_front();
      ++active_;
    }
  }
  return d;
}

void AppendPipeline::complete(std::unique_ptr<Pending> p, Result<AppendResult> result) {
  p->done(std::move(result));
  if (outstanding_.fetch_sub(1, std::memory_order_acq_rel) == 1) {
    // Under mu_ so that a drain() between its check and its wait is not missed.
    std::lock_guard<std::mutex> lock(mu_);
    idle_cv_.notify_all();
  }
}

void AppendPipeline::timer_loop() {
  // Acknowledgement deadlines are checked in sweeps a quarter of the ack
  // timeout apart, so an ack is given up on between 1 and 1.25 timeouts
  // after its publish, at the cost of one wake-up per sweep.
  const auto sweep_every =
      std::max<Clock::duration>(options_.ack_timeout / 4, std::chrono::milliseconds(10));
  auto next_sweep = Clock::now() + sweep_every;
  std::unique_lock<std::mutex> lock(mu_);
  while (!shutting_down_ || !timers_.empty()) {
    if (Clock::now() >= next_sweep) {
      lock.unlock();
      sweep_unacknowledged();
      lock.lock();
      next_sweep = Clock::now() + sweep_every;
      continue;
    }
    const auto due = timers_.empty() ? next_sweep : std::min(next_sweep, timers_.begin()->first);
    if (Clock::now() < due) {
      timer_cv_.wait_until(lock, due);
      continue;
    }
    if (timers_.empty()) continue;
    Pending* p = timers_.begin()->second;
    timers_.erase(timers_.begin());
    lock.unlock();
    drive(p);
    lock.lock();
  }
}

void AppendPipeline::sweep_unacknowledged() {
  std::vector<Pending*> overdue;
  {
    std::lock_guard<std::mutex> lock(mu_);
    const auto now = Clock::now();
    for (auto it = in_flight_.begin(); it != in_flight_.end();) {
      if (it->second->ack_due <= now) {
        // A late ack finds no entry here and is dropped (see on_reply).
        overdue.push_back(it->second);
        it = in_flight_.erase(it);
        --stats_.in_flight;
      } else {
        ++it;
      }
    }
  }
  // A retry republishes the same bytes under the same message id, so the
  // server deduplicates if the first attempt did arrive.
  for (Pending* p : overdue) {
    drive(retry_later(p, error_of(ErrorCode::kUnavailable,
                                  "no acknowledgement for " + p->subject + " within " +
                                      std::to_string(options_.ack_timeout.count()) + " ms")));
  }
}

bool AppendPipeline::drain(std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock(mu_);
  return idle_cv_.wait_for(lock, timeout,
                           [this] { return outstanding_.load(std::memory_order_acquire) == 0; });
}

void AppendPipeline::shutdown() {
  std::vector<Pending*> cancel;
  {
    std::lock_guard<std::mutex> lock(mu_);
    shutting_down_ = true;
    for (const auto& [due, p] : timers_) cancel.push_back(p);
    timers_.clear();
    for (const auto& [token, p] : in_flight_) cancel.push_back(p);
    stats_.in_flight -= in_flight_.size();
    in_flight_.clear();
  }
  timer_cv_.notify_all();
  // Each cancelled front hands its slot to the next, which step() cancels too.
  for (Pending* p : cancel) drive(finish_locked_out(p));
}

PipelineStats AppendPipeline::stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  return stats_;
}

void AppendPipeline::forget_tail(const std::string& subject) {
  std::lock_guard<std::mutex> lock(mu_);
  tails_.erase(subject);
}

void AppendPipeline::remember_tail(const std::string& subject, const SubjectTail& tail) {
  std::lock_guard<std::mutex> lock(mu_);
  tails_.put(subject, tail);
}

}  // namespace slotwise::events
