#include "command-side/hold_expiry.h"

#include <boost/asio/post.hpp>

#include <algorithm>
#include <vector>

#include "command-side/calendar_execution.h"
#include "domain/proto_values.h"

namespace slotwise::command {
namespace {

namespace v1 = slotwise::events::v1;

const domain::Actor kHoldExpiryActor{domain::ActorKind::system, "hold-expiry"};

}  // namespace

HoldExpiry::HoldExpiry(CommandContext& ctx, HoldExpiryOptions options)
    : ctx_(ctx), options_(options), timer_(io_) {}

HoldExpiry::~HoldExpiry() { stop(); }

bool HoldExpiry::apply(HoldSchedule& holds, const events::StoredCommit& commit) {
  bool added = false;
  for (const auto& rec : commit.commit.events()) {
    auto decoded = domain::from_any<domain::CalendarEvent>(rec.payload());
    if (!decoded || !decoded.value()) continue;
    const domain::CalendarEvent& event = *decoded.value();
    if (const auto* created = std::get_if<v1::BookingTentativelyCreated>(&event)) {
      if (created->has_hold_expires_at()) {
        added |= holds.add(created->booking_id(), created->business_id(),
                           domain::to_instant(created->hold_expires_at()));
      }
    } else if (const auto* confirmed = std::get_if<v1::BookingConfirmed>(&event)) {
      holds.remove(confirmed->booking_id());
    } else if (const auto* cancelled = std::get_if<v1::BookingCancelled>(&event)) {
      holds.remove(cancelled->booking_id());
    } else if (const auto* expired = std::get_if<v1::BookingExpired>(&event)) {
      holds.remove(expired->booking_id());
    }
  }
  return added;
}

common::Result<common::Unit, std::string> HoldExpiry::start() {
  auto state = ctx_.store().state();
  if (!state) return common::fail("hold expiry: stream state: " + state.error().message);
  const std::uint64_t last = state->last_sequence;
  const std::string filter = ctx_.store().stream().subject_prefix + "." + kCalendarCategory + ".>";
  HoldSchedule holds;
  if (last > 0) {
    events::ScanRange range;
    range.filter_subject = filter;
    range.from_sequence = 1;
    range.to_sequence = last;
    auto scanned = ctx_.store().scan(range, [&](events::Result<events::StoredCommit>&& c) {
      if (!c) {
        // An undecodable commit is skipped (docs/adr/0003), not fatal.
        ctx_.logger().warn("hold expiry: skipping a commit", {{"error", c.error().message}});
        return true;
      }
      (void)apply(holds, *c);
      return true;
    });
    if (!scanned) return common::fail("hold expiry: scan: " + scanned.error().message);
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    holds_ = std::move(holds);
    pending_ = holds_.size();
  }
  ctx_.logger().info(
      "hold expiry started",
      {{"pending_holds", static_cast<std::uint64_t>(holds_.size())}, {"from_sequence", last + 1}});
  work_.emplace(io_.get_executor());
  boost::asio::post(io_, [this] { arm(); });
  io_thread_ = std::thread([this] { io_.run(); });
  follower_ = std::make_unique<LogFollower>(
      ctx_.store(), ctx_.logger(), "hold expiry", filter,
      [this](const std::string&, const events::StoredCommit& commit) { on_commit(commit); });
  follower_->start(last + 1);
  return common::Unit{};
}

void HoldExpiry::stop() {
  if (stopping_.exchange(true)) return;
  if (follower_) follower_->stop();
  boost::asio::post(io_, [this] { timer_.cancel(); });
  work_.reset();
  io_.stop();
  if (io_thread_.joinable()) io_thread_.join();
}

void HoldExpiry::on_commit(const events::StoredCommit& commit) {
  // Applied on the follower's thread, not the timer's: most commits
  // (bookings that need no payment, completions, cancellations of confirmed
  // bookings) add no hold, and handing each to the timer's thread cost a
  // wake-up per commit. Only a new hold can need an earlier wake-up; a
  // removed one at most makes the timer fire for nothing.
  bool added = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    added = apply(holds_, commit);
    pending_ = holds_.size();
  }
  if (added) boost::asio::post(io_, [this] { arm(); });
}

void HoldExpiry::arm() {
  if (stopping_.load()) return;
  auto wait = std::chrono::steady_clock::duration(options_.max_wait);
  const domain::Instant now = ctx_.now();
  std::lock_guard<std::mutex> lock(mu_);
  if (const auto next = holds_.next_due()) {
    wait = std::min<std::chrono::steady_clock::duration>(
        wait, std::max<std::chrono::steady_clock::duration>(*next - now, std::chrono::seconds(0)));
  }
  timer_.expires_after(wait);
  timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec != boost::asio::error::operation_aborted) fire();
  });
}

void HoldExpiry::fire() {
  if (stopping_.load()) return;
  const domain::Instant now = ctx_.now();
  std::vector<std::pair<std::string, HoldSchedule::Hold>> due;
  {
    std::lock_guard<std::mutex> lock(mu_);
    due = holds_.due(now);
  }
  for (const auto& [booking_id, hold] : due) {
    if (stopping_.load()) return;
    CommandRequest request;
    request.trace_id = "hold-expiry";
    domain::ExpireBooking expire{hold.business_id, booking_id, kHoldExpiryActor, now};
    auto outcome = execute_calendar(ctx_, request, hold.business_id, expire, kHoldExpiryActor);
    if (!outcome && !outcome.error().is_domain()) {
      ctx_.logger().warn("hold expiry failed; retrying",
                         {{"booking_id", booking_id}, {"error", outcome.error().store().message}});
      std::lock_guard<std::mutex> lock(mu_);
      holds_.retry_at(booking_id, now + options_.retry_after);
      continue;
    }
    if (outcome) {
      ctx_.logger().info("hold expired", {{"booking_id", booking_id}});
    }
    // Expired now, or already expired/confirmed/cancelled: nothing to wait for.
    std::lock_guard<std::mutex> lock(mu_);
    holds_.remove(booking_id);
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    pending_ = holds_.size();
  }
  arm();
}

}  // namespace slotwise::command
