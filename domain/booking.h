// Booking: one appointment as the calendar aggregate holds it, its life cycle
// (BookingStatus) and the rule for which bookings take up time.
//
//   tentative --confirm--> confirmed --complete--> completed
//       |  \                  |  \----no-show----> no_show
//       |   \--expire--> expired (hold ran out before payment)
//       \------cancel------> cancelled <--cancel--/
//
// cancelled, completed and no_show are terminal; expired is terminal except
// that a late payment confirms it if its time is still free (calendar.h's
// ConfirmBooking, docs/adr/0008-payments.md).
//
// Thread safety: plain values and pure functions.
// Errors: none.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "domain/actor.h"
#include "domain/cancellation_terms.h"
#include "domain/instant.h"
#include "domain/money.h"

namespace slotwise::domain {

enum class BookingStatus { tentative, confirmed, cancelled, expired, completed, no_show };

// "tentative", "confirmed", ... (stable, for logs and read models).
[[nodiscard]] std::string_view to_string(BookingStatus status);

[[nodiscard]] bool is_terminal(BookingStatus status);

struct Customer {
  std::string name;
  std::string email;
  // Optional.
  std::string phone;
  // The customer's IANA zone when known (for notifications); optional.
  std::string time_zone;

  friend bool operator==(const Customer&, const Customer&) = default;
};

struct Booking {
  std::string booking_id;
  std::string service_id;
  BookingStatus status = BookingStatus::tentative;
  // [start, end) is the appointment; the buffers around it are kept free too.
  Instant start{};
  Instant end{};
  int buffer_before_minutes = 0;
  int buffer_after_minutes = 0;
  // The calendar's zone when booked, for rendering local times.
  std::string time_zone;
  Customer customer;
  std::string notes;
  Money price;
  // Zero when nothing is due (the booking confirmed at once).
  Money amount_due;
  // Set only for bookings that wait for payment.
  std::optional<Instant> hold_expires_at;
  // SHA-256 (hex) of the customer's manage token; the token is never stored.
  std::string manage_token_sha256;
  // Empty when the request had no Idempotency-Key.
  std::string idempotency_key;
  std::string request_sha256;
  Actor created_by;
  // A payment confirmed it (a BookingConfirmed by the payment provider),
  // whatever happened to it since. That payment reported again after the
  // booking was completed, marked a no-show or cancelled is a duplicate
  // (Stripe redelivers events), not a late payment to refund.
  bool confirmed_by_payment = false;
  // Who cancelled it and when (BookingCancelled): what a cancellation
  // refund is computed from, whenever the refund is made. No time for
  // cancellations logged before events carried it.
  std::optional<Actor> cancelled_by;
  std::optional<Instant> cancelled_at;
  // The shortest notice the customer gave when moving it (the start it had
  // then minus the time of the move), over every move the customer made:
  // a move inside the free-cancellation cutoff makes a later cancellation
  // by the customer late too, so a late cancellation cannot be turned into
  // an early one by first moving the booking. None when the customer never
  // moved it (or only in events logged before moves carried their time).
  std::optional<std::chrono::seconds> least_customer_move_notice;
  // The business's cancellation terms when it was booked, which its
  // cancellation refund follows (cancellation_refund.h); a reschedule keeps
  // them: a move is the same booking, agreed to on the same terms, whoever
  // makes it. None for bookings logged before BookingTentativelyCreated
  // carried them: those follow the business's current policy.
  std::optional<CancellationTerms> cancellation_terms;

  friend bool operator==(const Booking&, const Booking&) = default;
};

// Whether the booking holds its slot at `now`: confirmed, or tentative with
// its hold not yet run out (now < hold_expires_at). A tentative booking
// without a hold is only ever seen between the two events of a free
// booking's commit, and counts as live.
[[nodiscard]] bool is_live(const Booking& booking, Instant now);

// Whether the booking keeps other bookings out of its time and counts toward
// its local date's max_bookings_per_day: the live ones, and those that took
// place (completed, no-show). The latter have started, so they rarely matter
// for a start that passes the notice rule, but a booking later on the same
// day must still count them, and an appointment completed early still holds
// the rest of its time.
[[nodiscard]] bool occupies_time(const Booking& booking, Instant now);

}  // namespace slotwise::domain
