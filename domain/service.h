// A service a business sells (business.proto's ServiceDefinition): what it
// is called, how long it takes with its buffers, what it costs and what must
// be paid up front, and whether it can still be booked.
//
// Thread safety: plain values and pure functions.
// Errors: validate_service() returns validation_failed naming the first bad
// field (the price currency must be the business's; a service that takes
// payment needs a currency Stripe takes, and what is paid through Stripe,
// the price or the deposit, must be a charge Stripe takes in that currency,
// within its minimum and maximum: stripe_amount.h).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "domain/booking_policy.h"
#include "domain/domain_error.h"
#include "domain/money.h"

namespace slotwise::domain {

enum class PaymentMode {
  // Nothing is paid through SlotWise; bookings confirm at once.
  none,
  // `deposit` is paid to confirm; the rest is settled outside SlotWise.
  deposit,
  // The whole price is paid to confirm.
  full,
};

inline constexpr std::size_t kMaxServiceNameLength = 120;
inline constexpr std::size_t kMaxDescriptionLength = 2000;
inline constexpr std::int64_t kMaxPriceMinor = 1'000'000'000;
inline constexpr int kMinServiceMinutes = 5;
inline constexpr int kMaxServiceMinutes = 480;
inline constexpr int kMaxBufferMinutes = 240;

struct ServiceDefinition {
  std::string name;
  std::string description;
  // duration_minutes 5..480, buffers 0..240 each.
  ServiceTiming timing;
  // 0..10^9 minor units in the business currency; 0 is a free service.
  Money price;
  PaymentMode payment_mode = PaymentMode::none;
  // Set exactly when payment_mode is deposit: 0 < deposit <= price.
  // What is paid (the price in mode full, the deposit) must be a charge
  // Stripe takes in the currency: a multiple of 10 fils for KWD, of 100
  // (whole ariary) for MGA, at least 0.50 EUR, at most 999,999 kr.
  // (stripe_amount.h); a currency Stripe does not take cannot be paid in.
  std::optional<Money> deposit;

  friend bool operator==(const ServiceDefinition& a, const ServiceDefinition& b);
};

// A service as the business aggregate holds it. Retired services stay (old
// bookings refer to them) but can be neither updated nor booked.
struct Service {
  ServiceDefinition definition;
  bool active = true;

  friend bool operator==(const Service&, const Service&) = default;
};

[[nodiscard]] common::Result<common::Unit, DomainError> validate_service(
    const ServiceDefinition& definition, std::string_view business_currency);

// What a customer pays to confirm a booking: nothing for PaymentMode::none,
// the deposit, or the full price; in the price's currency. A zero amount
// means the booking confirms without payment.
[[nodiscard]] Money amount_due(const ServiceDefinition& definition);

}  // namespace slotwise::domain
