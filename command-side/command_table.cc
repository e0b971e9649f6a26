#include "command-side/command_table.h"

#include "command-side/auth_commands.h"
#include "command-side/booking_commands.h"
#include "command-side/business_commands.h"
#include "command-side/password_commands.h"
#include "command-side/payment_commands.h"
#include "command-side/schedule_commands.h"

namespace slotwise::command {

using service::HttpMethod;

const std::vector<CommandRoute>& command_routes() {
  static const std::vector<CommandRoute> routes{
      {"signup", HttpMethod::kPost, "/v1/auth/signup", &signup},
      {"login", HttpMethod::kPost, "/v1/auth/login", &login},
      {"change_password", HttpMethod::kPost, "/v1/auth/password", &change_password},
      {"request_password_reset", HttpMethod::kPost, "/v1/auth/password-reset",
       &request_password_reset},
      {"confirm_password_reset", HttpMethod::kPost, "/v1/auth/password-reset/confirm",
       &confirm_password_reset},
      {"create_business", HttpMethod::kPost, "/v1/businesses", &create_business},
      {"update_business", HttpMethod::kPatch, "/v1/businesses/{id}", &update_business},
      {"define_service", HttpMethod::kPost, "/v1/businesses/{id}/services", &define_service},
      {"update_service", HttpMethod::kPatch, "/v1/businesses/{id}/services/{sid}", &update_service},
      {"retire_service", HttpMethod::kDelete, "/v1/businesses/{id}/services/{sid}",
       &retire_service},
      {"reset_calendar_feed", HttpMethod::kPost, "/v1/businesses/{id}/calendar-feed/reset",
       &reset_calendar_feed},
      {"set_schedule", HttpMethod::kPut, "/v1/businesses/{id}/schedule", &set_schedule},
      {"set_override", HttpMethod::kPut, "/v1/businesses/{id}/overrides/{date}", &set_override},
      {"clear_override", HttpMethod::kDelete, "/v1/businesses/{id}/overrides/{date}",
       &clear_override},
      {"create_booking", HttpMethod::kPost, "/v1/businesses/{id}/bookings", &create_booking},
      {"cancel_booking", HttpMethod::kPost, "/v1/bookings/{id}/cancel", &cancel_booking},
      {"reschedule_booking", HttpMethod::kPost, "/v1/bookings/{id}/reschedule",
       &reschedule_booking},
      {"complete_booking", HttpMethod::kPost, "/v1/bookings/{id}/complete", &complete_booking},
      {"mark_no_show", HttpMethod::kPost, "/v1/bookings/{id}/no-show", &mark_no_show},
      {"stripe_webhook", HttpMethod::kPost, "/v1/webhooks/stripe", &stripe_webhook},
  };
  return routes;
}

const CommandRoute* find_command(std::string_view name) {
  for (const auto& r : command_routes()) {
    if (r.name == name) return &r;
  }
  return nullptr;
}

std::vector<std::string> pattern_params(std::string_view pattern) {
  std::vector<std::string> names;
  std::size_t pos = 0;
  while ((pos = pattern.find('{', pos)) != std::string_view::npos) {
    const std::size_t end = pattern.find('}', pos);
    if (end == std::string_view::npos) break;
    names.emplace_back(pattern.substr(pos + 1, end - pos - 1));
    pos = end + 1;
  }
  return names;
}

}  // namespace slotwise::command
