#include "domain/booking.h"

namespace slotwise::domain {

std::string_view to_string(BookingStatus status) {
  switch (status) {
    case BookingStatus::tentative:
      return "tentative";
    case BookingStatus::confirmed:
      return "confirmed";
    case BookingStatus::cancelled:
      return "cancelled";
    case BookingStatus::expired:
      return "expired";
    case BookingStatus::completed:
      return "completed";
    case BookingStatus::no_show:
      return "no_show";
  }
  return "unknown";
}

bool is_terminal(BookingStatus status) {
  return status != BookingStatus::tentative && status != BookingStatus::confirmed;
}

bool is_live(const Booking& booking, Instant now) {
  switch (booking.status) {
    case BookingStatus::confirmed:
      return true;
    case BookingStatus::tentative:
      return !booking.hold_expires_at || now < *booking.hold_expires_at;
    default:
      return false;
  }
}

bool occupies_time(const Booking& booking, Instant now) {
  return is_live(booking, now) || booking.status == BookingStatus::completed ||
         booking.status == BookingStatus::no_show;
}

}  // namespace slotwise::domain
