#include "command-side/refund_reconciler.h"

#include <algorithm>
#include <set>
#include <utility>
#include <vector>

#include "command-side/payment_flow.h"
#include "domain/proto_values.h"

namespace slotwise::command {
namespace {

namespace v1 = slotwise::events::v1;

// Stands in for the canceller only for cancellations logged without one
// (before BookingCancelled recorded it): the full refund, as an owner's.
const domain::Actor kReconcilerActor{domain::ActorKind::system, "refund-reconciler"};

// Visits the decoded events of one category up to `last`; an undecodable
// commit is skipped (docs/adr/0003), as everywhere that scans.
template <class Event, class Visit>
events::Status scan_category(CommandContext& ctx, const std::string& category, std::uint64_t last,
                             Visit&& visit) {
  events::ScanRange range;
  range.filter_subject = ctx.store().stream().subject_prefix + "." + category + ".>";
  range.from_sequence = 1;
  range.to_sequence = last;
  return ctx.store().scan(range, [&](events::Result<events::StoredCommit>&& c) {
    if (!c) return true;
    for (const auto& rec : c->commit.events()) {
      auto decoded = domain::from_any<Event>(rec.payload());
      if (decoded && decoded.value()) visit(*decoded.value());
    }
    return true;
  });
}

}  // namespace

RefundReconciler::RefundReconciler(CommandContext& ctx, RefundReconcilerOptions options)
    : ctx_(ctx), options_(options) {}

RefundReconciler::~RefundReconciler() { stop(); }

void RefundReconciler::start() {
  thread_ = std::thread([this] { run(); });
}

void RefundReconciler::stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void RefundReconciler::retry_later(const std::string& business_id, const std::string& booking_id) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) return;
    // A booking already waiting keeps its place and its count.
    pending_.try_emplace(booking_id, Pending{business_id, ctx_.now() + options_.first_retry, 0});
  }
  cv_.notify_all();
}

std::size_t RefundReconciler::pending() const {
  std::lock_guard<std::mutex> lock(mu_);
  return pending_.size();
}

common::Result<std::map<std::string, std::string>, std::string> RefundReconciler::scan_log() const {
  auto state = ctx_.store().state();
  if (!state) return common::fail("stream state: " + state.error().message);
  const std::uint64_t last = state->last_sequence;
  std::map<std::string, std::string> found;
  if (last == 0) return found;
  // Payments first: they are few (paid bookings only), and knowing them
  // keeps the calendar pass from remembering every cancellation ever made.
  std::set<std::string> paid;
  std::set<std::string> refunded;
  auto payments = scan_category<domain::PaymentEvent>(
      ctx_, kPaymentCategory, last, [&](const domain::PaymentEvent& event) {
        if (const auto* s = std::get_if<v1::PaymentSucceeded>(&event)) {
          paid.insert(s->booking_id());
        } else if (const auto* r = std::get_if<v1::PaymentRefunded>(&event)) {
          if (r->reason() == kRefundCancellation) refunded.insert(r->booking_id());
        } else if (const auto* f = std::get_if<v1::PaymentRefundFailed>(&event)) {
          // Made, and failed at Stripe: not retried (ADR 0008).
          if (f->reason() == kRefundCancellation) refunded.insert(f->booking_id());
        }
      });
  if (!payments) return common::fail("payment scan: " + payments.error().message);
  for (const auto& id : refunded) paid.erase(id);
  if (paid.empty()) return found;
  auto calendars = scan_category<domain::CalendarEvent>(
      ctx_, kCalendarCategory, last, [&](const domain::CalendarEvent& event) {
        if (const auto* c = std::get_if<v1::BookingCancelled>(&event)) {
          if (paid.contains(c->booking_id())) found.emplace(c->booking_id(), c->business_id());
        }
      });
  if (!calendars) return common::fail("calendar scan: " + calendars.error().message);
  return found;
}

std::chrono::seconds RefundReconciler::backoff(int attempts) const {
  auto wait = options_.first_retry;
  for (int i = 1; i < attempts && wait < options_.max_retry; ++i) wait *= 2;
  return std::min(wait, options_.max_retry);
}

bool RefundReconciler::attempt(const std::string& booking_id, const std::string& business_id) {
  CommandRequest request;
  request.trace_id = "refund-reconciler";
  auto business = ctx_.businesses().load(business_id);
  if (!business) {
    ctx_.logger().warn("refund retry: business unavailable",
                       {{"booking_id", booking_id}, {"error", business.error().message}});
    return false;
  }
  auto refunded = refund_cancellation(ctx_, request, business_id, booking_id,
                                      business->first.policy, kReconcilerActor);
  if (!refunded) {
    ctx_.logger().warn("refund retry failed",
                       {{"booking_id", booking_id}, {"error", refunded.error().message}});
    return false;
  }
  return true;
}

bool RefundReconciler::scan_until_done() {
  // Retried until it works: the log may be unreachable at start.
  for (;;) {
    auto found = scan_log();
    std::unique_lock<std::mutex> lock(mu_);
    if (stopping_) return false;
    if (found) {
      for (auto& [booking, business] : *found) {
        pending_.try_emplace(booking, Pending{std::move(business), ctx_.now(), 0});
      }
      ctx_.logger().info("refund reconciler started",
                         {{"pending_refunds", static_cast<std::uint64_t>(pending_.size())}});
      scanned_ = true;
      return true;
    }
    ctx_.logger().warn("refund reconciler: scan failed; retrying", {{"error", found.error()}});
    cv_.wait_for(lock, options_.first_retry, [this] { return stopping_; });
  }
}

void RefundReconciler::settle(const std::string& booking_id, bool done) {
  auto it = pending_.find(booking_id);
  if (it == pending_.end()) return;
  if (done) {
    pending_.erase(it);
  } else if (++it->second.attempts >= options_.max_attempts) {
    ctx_.logger().error("refund retry: giving up; refund it by hand",
                        {{"booking_id", booking_id}, {"business_id", it->second.business_id}});
    pending_.erase(it);
  } else {
    it->second.due = ctx_.now() + backoff(it->second.attempts);
  }
}

void RefundReconciler::run() {
  if (!scan_until_done()) return;
  std::unique_lock<std::mutex> lock(mu_);
  while (!stopping_) {
    const domain::Instant now = ctx_.now();
    std::vector<std::pair<std::string, std::string>> due;  // booking, business
    auto wait = std::chrono::steady_clock::duration(options_.max_wait);
    for (const auto& [booking, p] : pending_) {
      if (p.due <= now) {
        due.emplace_back(booking, p.business_id);
      } else {
        wait = std::min<std::chrono::steady_clock::duration>(wait, p.due - now);
      }
    }
    if (due.empty()) {
      cv_.wait_for(lock, wait);
      continue;
    }
    for (const auto& [booking, business] : due) {
      if (stopping_) break;
      lock.unlock();
      const bool done = attempt(booking, business);
      lock.lock();
      settle(booking, done);
    }
  }
}

}  // namespace slotwise::command
