#include "domain/service.h"

#include <string>

#include "domain/stripe_amount.h"
#include "domain/text_rules.h"

namespace slotwise::domain {
namespace {

common::Unexpected<DomainError> invalid(const std::string& why) {
  return common::fail(make_error(error_code::validation_failed, why));
}

bool in_range(int v, int lo, int hi) { return v >= lo && v <= hi; }

// What a customer pays through Stripe must be a charge Stripe takes in the
// currency (stripe_amount.h: its units, its minimum and maximum, and the
// currency itself): refused here, when the owner sets it, rather than by
// Stripe when a customer books (docs/adr/0008-payments.md). A price of 0 in
// mode full charges nothing, so has no minimum; but no service takes
// payment in a currency Stripe does not take.
common::Result<common::Unit, DomainError> check_payable(const char* field, const Money& due) {
  if (!stripe_takes_currency(due.currency)) {
    return invalid(std::string(field) + ": Stripe takes no payments in " + due.currency);
  }
  if (due.amount_minor == 0) return common::Unit{};
  if (auto r = to_stripe_charge_amount(due.amount_minor, due.currency); !r) {
    return invalid(std::string(field) + ": " + r.error().message);
  }
  return common::Unit{};
}

}  // namespace

bool operator==(const ServiceDefinition& a, const ServiceDefinition& b) {
  return a.name == b.name && a.description == b.description &&
         a.timing.duration_minutes == b.timing.duration_minutes &&
         a.timing.buffer_before_minutes == b.timing.buffer_before_minutes &&
         a.timing.buffer_after_minutes == b.timing.buffer_after_minutes && a.price == b.price &&
         a.payment_mode == b.payment_mode && a.deposit == b.deposit;
}

common::Result<common::Unit, DomainError> validate_service(const ServiceDefinition& definition,
                                                           std::string_view business_currency) {
  if (auto r = check_text("name", definition.name, 1, kMaxServiceNameLength); !r) return r;
  if (auto r = check_text("description", definition.description, 0, kMaxDescriptionLength,
                          /*multiline=*/true);
      !r) {
    return r;
  }
  const ServiceTiming& t = definition.timing;
  if (!in_range(t.duration_minutes, kMinServiceMinutes, kMaxServiceMinutes)) {
    return invalid("duration_minutes: must be 5 to 480");
  }
  if (!in_range(t.buffer_before_minutes, 0, kMaxBufferMinutes)) {
    return invalid("buffer_before_minutes: must be 0 to 240");
  }
  if (!in_range(t.buffer_after_minutes, 0, kMaxBufferMinutes)) {
    return invalid("buffer_after_minutes: must be 0 to 240");
  }
  const Money& price = definition.price;
  if (price.amount_minor < 0 || price.amount_minor > kMaxPriceMinor) {
    return invalid("price: must be 0 to 1000000000 minor units");
  }
  if (price.currency != business_currency) {
    return invalid("price: currency must be the business currency " +
                   std::string(business_currency));
  }
  switch (definition.payment_mode) {
    case PaymentMode::none:
      if (definition.deposit) return invalid("deposit: only allowed with payment mode deposit");
      return common::Unit{};
    case PaymentMode::full:
      if (definition.deposit) return invalid("deposit: only allowed with payment mode deposit");
      return check_payable("price", price);
    case PaymentMode::deposit: {
      if (!definition.deposit) return invalid("deposit: required with payment mode deposit");
      const Money& deposit = *definition.deposit;
      if (deposit.currency != business_currency) {
        return invalid("deposit: currency must be the business currency " +
                       std::string(business_currency));
      }
      if (deposit.amount_minor <= 0 || deposit.amount_minor > price.amount_minor) {
        return invalid("deposit: must be more than 0 and at most the price");
      }
      return check_payable("deposit", deposit);
    }
  }
  return invalid("payment_mode: must be none, deposit or full");
}

Money amount_due(const ServiceDefinition& definition) {
  switch (definition.payment_mode) {
    case PaymentMode::deposit:
      if (definition.deposit) return *definition.deposit;
      break;
    case PaymentMode::full:
      return definition.price;
    case PaymentMode::none:
      break;
  }
  return Money{0, definition.price.currency};
}

}  // namespace slotwise::domain
