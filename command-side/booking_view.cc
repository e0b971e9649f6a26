#include "command-side/booking_view.h"

#include "command-side/handler_support.h"

namespace slotwise::command {

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
        w.Key("booking_id");
        w.String(booking.booking_id.c_str());
        w.Key("business_id");
        w.String(business_id.c_str());
        w.Key("service_id");
        w.String(booking.service_id.c_str());
        w.Key("status");
        w.String(api_status(booking.status).c_str());
        w.Key("start");
        w.String(format_in_zone(booking.start, booking.time_zone).c_str());
        w.Key("end");
        w.String(format_in_zone(booking.end, booking.time_zone).c_str());
        if (booking.status == domain::BookingStatus::tentative && booking.hold_expires_at) {
          w.Key("hold_expires_at");
          w.String(format_in_zone(*booking.hold_expires_at, booking.time_zone).c_str());
          w.Key("amount_due");
          w.StartObject();
          w.Key("amount_minor");
          w.Int64(booking.amount_due.amount_minor);
          w.Key("currency");
          w.String(booking.amount_due.currency.c_str());
          w.EndObject();
        }
        if (!manage_token.empty()) {
          w.Key("manage_token");
          w.String(manage_token.c_str());
        }
        if (payment) {
          w.Key("payment");
          w.StartObject();
          w.Key("payment_intent_id");
          w.String(payment->payment_intent_id.c_str());
          w.Key("client_secret");
          w.String(payment->client_secret.c_str());
          w.Key("amount_minor");
          w.Int64(payment->amount_minor);
          w.Key("currency");
          w.String(payment->currency.c_str());
          w.EndObject();
        }
      },
      position);
}

}  // namespace slotwise::command
