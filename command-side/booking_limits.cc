#include "command-side/booking_limits.h"

#include <algorithm>
#include <string>

namespace slotwise::command {
namespace {

// The customer bucket's key. Emails are cut at 254 bytes, the longest a
// valid one can be (domain/text_rules.h), so a bucket key stays small; the
// longer ones are refused anyway and may share a bucket.
constexpr std::size_t kMaxEmailBytes = 254;

std::string customer_key(std::string_view business_id, std::string_view email) {
  std::string key;
  const std::string_view cut = email.substr(0, std::min(email.size(), kMaxEmailBytes));
  key.reserve(business_id.size() + 1 + cut.size());
  key.append(business_id).append(" ").append(cut);
  return key;
}

}  // namespace

std::string_view BookingLimits::name(Limit limit) {
  return limit == Limit::client_address ? "client_address" : "customer";
}

BookingLimits::BookingLimits(const BookingLimitOptions& options) {
  if (options.by_client_address.burst > 0) by_address_.emplace(options.by_client_address);
  if (options.by_customer.burst > 0) by_customer_.emplace(options.by_customer);
}

BookingLimits::Admission BookingLimits::acquire(std::string_view client_address,
                                                std::string_view business_id,
                                                std::string_view customer_email,
                                                Clock::time_point now) {
  Admission a;
  if (by_address_) {
    const auto d = by_address_->acquire(client_address, now);
    if (!d.allowed) {
      a.refused = Refusal{Limit::client_address, d.retry_after};
      return a;
    }
    a.charged_address = true;
  }
  if (by_customer_) {
    const auto d = by_customer_->acquire(customer_key(business_id, customer_email), now);
    if (!d.allowed) {
      a.refused = Refusal{Limit::customer, d.retry_after};
      return a;
    }
    a.charged_customer = true;
  }
  return a;
}

void BookingLimits::refund(const Admission& admission, std::string_view client_address,
                           std::string_view business_id, std::string_view customer_email,
                           Clock::time_point now) {
  if (admission.charged_address && by_address_) by_address_->refund(client_address, now);
  if (admission.charged_customer && by_customer_) {
    by_customer_->refund(customer_key(business_id, customer_email), now);
  }
}

}  // namespace slotwise::command
