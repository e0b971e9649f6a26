// HoldExpiry: the scheduler that expires unpaid holds. A tentative booking
// that waits for payment keeps its slot until hold_expires_at; then this
// appends BookingExpired (calendar ExpireBooking, actor system
// "hold-expiry") so the slot is visibly free and a late payment is handled
// as docs/adr/0008-payments.md says.
//
// start() rebuilds the pending holds from the log: a scan of the calendar
// category up to the stream's last sequence (tentative bookings with a hold
// not yet confirmed, cancelled or expired), then follows new calendar
// commits live (a LogFollower from the next sequence, applied on its
// thread), adding and removing holds. A hold that ran out while no process was running expires
// at once after start. Deadlines are kept in one Boost.Asio steady timer on
// the scheduler's own thread; it wakes at the earliest deadline and at
// least every `max_wait`, and compares against the CommandContext clock
// (which tests move). Expiring is idempotent: a hold already expired,
// confirmed or cancelled (by this or another process) is dropped.
//
// Thread safety: start()/stop() from one thread; pending() from any.
// Errors: start() returns a message when the scan or the subscription
// fails; later failures (event log down) are logged and retried.
#pragma once

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "command-side/command_context.h"
#include "command-side/hold_schedule.h"
#include "command-side/log_follower.h"
#include "common/result.h"
#include "domain/instant.h"
#include "events/append_request.h"

namespace slotwise::command {

struct HoldExpiryOptions {
  // The longest the timer sleeps between looks at the clock.
  std::chrono::milliseconds max_wait{1000};
  // After a failed expiry (event log unavailable), wait this long.
  std::chrono::seconds retry_after{5};
};

class HoldExpiry {
 public:
  // `ctx` must outlive the scheduler.
  HoldExpiry(CommandContext& ctx, HoldExpiryOptions options);
  HoldExpiry(const HoldExpiry&) = delete;
  HoldExpiry& operator=(const HoldExpiry&) = delete;
  ~HoldExpiry();

  [[nodiscard]] common::Result<common::Unit, std::string> start();
  void stop();

  // Holds waiting to expire.
  [[nodiscard]] std::size_t pending() const { return pending_.load(); }

 private:
  // Applies one calendar commit's events to `holds`; true when it added a
  // hold.
  [[nodiscard]] static bool apply(HoldSchedule& holds, const events::StoredCommit& commit);

  void on_commit(const events::StoredCommit& commit);
  void arm();
  void fire();

  CommandContext& ctx_;
  HoldExpiryOptions options_;
  boost::asio::io_context io_;
  boost::asio::steady_timer timer_;
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_;
  std::thread io_thread_;
  std::unique_ptr<LogFollower> follower_;
  std::atomic<bool> stopping_{false};
  std::atomic<std::size_t> pending_{0};
  // holds_ is written by the tail thread (commits) and the io thread
  // (expiries and retries), read by the io thread.
  std::mutex mu_;
  HoldSchedule holds_;
};

}  // namespace slotwise::command
