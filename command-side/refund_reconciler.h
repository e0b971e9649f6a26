// RefundReconciler: makes the cancellation refunds that did not go through.
// Cancelling a paid booking appends BookingCancelled first and asks Stripe
// for the refund second (docs/adr/0008-payments.md). When that second step
// fails (Stripe down, the process killed between the two), the booking is
// cancelled and the customer's money is still held. A client that repeats
// the cancel gets the refund then; this reconciler makes it without one:
//
//   - the cancel handler hands it a booking whose refund failed
//     (CommandContext::retry_refund_later); it is retried after
//     `first_retry`, then with the wait doubling up to `max_retry`, at most
//     `max_attempts` times (then logged as an error for the owner);
//   - at start it scans the log for cancelled bookings whose payment
//     succeeded and has no cancellation refund (a process that died between
//     the two steps, or gave up retrying) and tries each at once.
//
// A refund Stripe made and later reported failed (PaymentRefundFailed: the
// customer's card was closed) is not a refund that did not go through: it
// is not retried (a new refund to the same card fails the same way), it is
// shown to the owner (booking history, slotwise_refunds_failed_total).
//
// Each try is refund_cancellation(): the share the cancellation earned
// (its actor and time as logged), once per booking (the list of Stripe's
// refunds before each try, the Stripe Idempotency-Key
// refund-<bkg>-cancellation[-<n>] shared by tries made at the same time,
// and the payment aggregate's record), so this running in several
// processes, or racing a client's repeated cancel, never refunds twice. A
// try that Stripe answered 500 spends its key (Stripe replays that 500 to
// the key for 24 hours): the failure is logged as PaymentProviderCallFailed
// and the next try uses the next key (docs/adr/0008-payments.md). The scan
// runs on the reconciler's thread, not in start(): it reads two whole
// categories and must not delay serving.
//
// Thread safety: start()/stop() from one thread; retry_later() and
// pending() from any, also after stop() (then nothing more is tried).
// Errors: none returned; failures are logged and retried.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <map>
#include <mutex>
#include <string>
#include <thread>

#include "command-side/command_context.h"
#include "common/result.h"
#include "domain/instant.h"

namespace slotwise::command {

struct RefundReconcilerOptions {
  // The longest the thread sleeps between looks at the (movable) clock.
  std::chrono::milliseconds max_wait{1000};
  std::chrono::seconds first_retry{5};
  std::chrono::seconds max_retry{600};
  // About eight hours of tries at max_retry.
  int max_attempts = 50;
};

class RefundReconciler {
 public:
  // `ctx` must outlive the reconciler and have payments on (stripe()).
  RefundReconciler(CommandContext& ctx, RefundReconcilerOptions options);
  RefundReconciler(const RefundReconciler&) = delete;
  RefundReconciler& operator=(const RefundReconciler&) = delete;
  ~RefundReconciler();

  void start();
  void stop();

  // The refund of this cancelled booking failed; try again later.
  void retry_later(const std::string& business_id, const std::string& booking_id);

  // Bookings waiting for a refund try.
  [[nodiscard]] std::size_t pending() const;
  // Whether the start scan has finished (tests wait for it).
  [[nodiscard]] bool scanned() const { return scanned_.load(); }

 private:
  struct Pending {
    std::string business_id;
    domain::Instant due{};
    int attempts = 0;
  };

  // booking id -> business id of every cancelled booking with a succeeded
  // payment and no cancellation refund, as the log holds them now.
  [[nodiscard]] common::Result<std::map<std::string, std::string>, std::string> scan_log() const;
  void run();
  // The start scan, retried until it works; false when stopped first.
  [[nodiscard]] bool scan_until_done();
  // After a try of `booking_id`: done, due again later, or given up.
  // Called with mu_ held.
  void settle(const std::string& booking_id, bool done);
  // Tries one booking's refund; false when it is to be tried again.
  [[nodiscard]] bool attempt(const std::string& booking_id, const std::string& business_id);
  [[nodiscard]] std::chrono::seconds backoff(int attempts) const;

  CommandContext& ctx_;
  RefundReconcilerOptions options_;
  std::thread thread_;
  std::atomic<bool> scanned_{false};
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::map<std::string, Pending> pending_;  // by booking id; a few at most
};

}  // namespace slotwise::command
