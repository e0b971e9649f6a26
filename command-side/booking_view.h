// The JSON view of one booking in command replies.
//
// Thread safety: pure functions.
// Errors: none.
#pragma once

#include <cstdint>
#include <string>

#include "command-side/command_request.h"
#include "domain/booking.h"

namespace slotwise::command {

// "pending_payment" for a tentative booking, else the status's name.
[[nodiscard]] std::string api_status(domain::BookingStatus status);

// {booking_id, business_id, service_id, status, start, end,
//  [hold_expires_at, amount_due: {amount_minor, currency}], [manage_token],
//  position}; times in the booking's zone.
[[nodiscard]] CommandReply booking_reply(int status, const domain::Booking& booking,
                                         const std::string& business_id,
                                         const std::string& manage_token, std::uint64_t position);

}  // namespace slotwise::command
