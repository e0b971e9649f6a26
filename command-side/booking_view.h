// The JSON view of one booking in command replies.
//
// Thread safety: pure functions.
// Errors: none.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "command-side/command_request.h"
#include "domain/booking.h"

namespace slotwise::command {

// "pending_payment" for a tentative booking, else the status's name.
[[nodiscard]] std::string api_status(domain::BookingStatus status);

// The Stripe PaymentIntent a client pays with Stripe.js.
struct PaymentView {
  std::string payment_intent_id;
  std::string client_secret;
  std::int64_t amount_minor = 0;
  // Upper-case ISO 4217, as everywhere in the API.
  std::string currency;
};

// {booking_id, business_id, service_id, status, start, end,
//  [hold_expires_at, amount_due: {amount_minor, currency}],
//  [cancellation_terms: {free_cancellation_cutoff_minutes,
//   late_cancellation_refund_percent}], [manage_token],
//  [payment: {payment_intent_id, client_secret, amount_minor, currency}],
//  position}; times in the booking's zone.
[[nodiscard]] CommandReply booking_reply(int status, const domain::Booking& booking,
                                         const std::string& business_id,
                                         const std::string& manage_token, std::uint64_t position,
                                         const std::optional<PaymentView>& payment = std::nullopt);

}  // namespace slotwise::command
