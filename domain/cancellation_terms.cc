#include "domain/cancellation_terms.h"

#include <string>

namespace slotwise::domain {

common::Result<common::Unit, DomainError> validate_cancellation_terms(
    const CancellationTerms& terms, std::string_view field_prefix) {
  const std::string prefix(field_prefix);
  if (terms.free_cancellation_cutoff_minutes < 0 ||
      terms.free_cancellation_cutoff_minutes > kMaxFreeCancellationCutoffMinutes) {
    return common::fail(make_error(error_code::validation_failed,
                                   prefix + "free_cancellation_cutoff_minutes: must be 0 to " +
                                       std::to_string(kMaxFreeCancellationCutoffMinutes)));
  }
  if (terms.late_cancellation_refund_percent < 0 || terms.late_cancellation_refund_percent > 100) {
    return common::fail(make_error(error_code::validation_failed,
                                   prefix + "late_cancellation_refund_percent: must be 0 to 100"));
  }
  return common::Unit{};
}

}  // namespace slotwise::domain
