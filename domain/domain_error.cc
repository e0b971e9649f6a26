#include "domain/domain_error.h"

#include <utility>

namespace slotwise::domain {

DomainError make_error(std::string_view code, std::string message) {
  return DomainError{std::string(code), std::move(message)};
}

DomainError to_domain_error(BookingRejection rejection) {
  switch (rejection) {
    case BookingRejection::outside_hours:
      return make_error(error_code::outside_hours,
                        "the booking with its buffers is not within opening hours");
    case BookingRejection::not_on_slot_grid:
      return make_error(error_code::not_on_slot_grid, "the start is not one of the offered slots");
    case BookingRejection::too_soon:
      return make_error(error_code::too_soon, "the start is sooner than the minimum notice");
    case BookingRejection::beyond_horizon:
      return make_error(error_code::beyond_horizon, "the start is beyond the booking horizon");
    case BookingRejection::slot_unavailable:
      return make_error(error_code::slot_unavailable, "the slot is already taken");
    case BookingRejection::daily_limit_reached:
      return make_error(error_code::daily_limit_reached,
                        "the business takes no more bookings that day");
  }
  // Only reachable through a cast of an out-of-range value.
  return make_error(error_code::slot_unavailable, "the slot cannot be booked");
}

}  // namespace slotwise::domain
