// DomainError: why a command was refused, as a stable snake_case code and a
// human-readable message. The codes are part of the public API: the HTTP
// layer maps each to a status and returns it verbatim as error.code, so a
// code is never renamed, only added.
//
// Thread safety: plain values.
// Errors: this is the error type of every decide() in the domain library
// (docs/adr/0003-error-handling.md: expected failures are values).
#pragma once

#include <string>
#include <string_view>

#include "domain/availability.h"

namespace slotwise::domain {

struct DomainError {
  std::string code;
  std::string message;

  friend bool operator==(const DomainError&, const DomainError&) = default;
};

// The stable codes. Each constant's value is its own name.
namespace error_code {
// A field of the command is malformed or out of range (message names it).
inline constexpr std::string_view validation_failed = "validation_failed";
// The actor may not act on this aggregate (another owner's business, a
// customer without the booking's manage token).
inline constexpr std::string_view forbidden = "forbidden";
// The aggregate, service or booking does not exist.
inline constexpr std::string_view not_found = "not_found";
// Uniqueness claims held by someone else.
inline constexpr std::string_view slug_taken = "slug_taken";
inline constexpr std::string_view slug_reserved = "slug_reserved";
inline constexpr std::string_view email_taken = "email_taken";
inline constexpr std::string_view unknown_time_zone = "unknown_time_zone";
inline constexpr std::string_view unknown_currency = "unknown_currency";
// The service is retired: it can be neither updated nor booked.
inline constexpr std::string_view service_retired = "service_retired";
// The BookingRejection codes of the availability engine, one to one.
inline constexpr std::string_view slot_unavailable = "slot_unavailable";
inline constexpr std::string_view outside_hours = "outside_hours";
inline constexpr std::string_view not_on_slot_grid = "not_on_slot_grid";
inline constexpr std::string_view too_soon = "too_soon";
inline constexpr std::string_view beyond_horizon = "beyond_horizon";
inline constexpr std::string_view daily_limit_reached = "daily_limit_reached";
// The same Idempotency-Key came with a different request body.
inline constexpr std::string_view idempotency_key_reused = "idempotency_key_reused";
// The command does not apply in the aggregate's current state (completing a
// cancelled booking, creating a business twice with other data, ...).
inline constexpr std::string_view invalid_state = "invalid_state";
// A password reset token that is not (or no longer) honoured: forged, for a
// request that is not the account's latest, already used, or expired.
inline constexpr std::string_view invalid_token = "invalid_token";
}  // namespace error_code

[[nodiscard]] DomainError make_error(std::string_view code, std::string message);

// The availability engine's refusal as a DomainError: the code is
// to_string(rejection), which is also the error_code constant of that name.
[[nodiscard]] DomainError to_domain_error(BookingRejection rejection);

}  // namespace slotwise::domain
