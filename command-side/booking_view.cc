#include "command-side/booking_view.h"

#include "command-side/handler_support.h"

namespace slotwise::command {

using service::json_member;
using service::json_string;

std::string api_status(domain::BookingStatus status) {
  if (status == domain::BookingStatus::tentative) return "pending_payment";
  return std::string(domain::to_string(status));
}

CommandReply booking_reply(int status, const domain::Booking& booking,
                           const std::string& business_id, const std::string& manage_token,
                           std::uint64_t position, const std::optional<PaymentView>& payment) {
  return json_reply(
      status,
      [&](JsonWriter& w) {
        json_member(w, "booking_id", booking.booking_id);
        json_member(w, "business_id", business_id);
        json_member(w, "service_id", booking.service_id);
        json_member(w, "status", api_status(booking.status));
        json_member(w, "start", format_in_zone(booking.start, booking.time_zone));
        json_member(w, "end", format_in_zone(booking.end, booking.time_zone));
        if (booking.status == domain::BookingStatus::tentative && booking.hold_expires_at) {
          json_member(w, "hold_expires_at",
                      format_in_zone(*booking.hold_expires_at, booking.time_zone));
          json_string(w, "amount_due");
          w.StartObject();
          json_member(w, "amount_minor", booking.amount_due.amount_minor);
          json_member(w, "currency", booking.amount_due.currency);
          w.EndObject();
        }
        // Absent for bookings logged before bookings kept their terms (the
        // business's current policy applies to those).
        if (booking.cancellation_terms) {
          json_string(w, "cancellation_terms");
          w.StartObject();
          json_member(w, "free_cancellation_cutoff_minutes",
                      booking.cancellation_terms->free_cancellation_cutoff_minutes);
          json_member(w, "late_cancellation_refund_percent",
                      booking.cancellation_terms->late_cancellation_refund_percent);
          w.EndObject();
        }
        if (!manage_token.empty()) {
          json_member(w, "manage_token", manage_token);
        }
        if (payment) {
          json_string(w, "payment");
          w.StartObject();
          json_member(w, "payment_intent_id", payment->payment_intent_id);
          json_member(w, "client_secret", payment->client_secret);
          json_member(w, "amount_minor", payment->amount_minor);
          json_member(w, "currency", payment->currency);
          w.EndObject();
        }
      },
      position);
}

}  // namespace slotwise::command
