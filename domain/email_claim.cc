#include "domain/email_claim.h"

#include "domain/text_rules.h"

namespace slotwise::domain {

namespace v1 = slotwise::events::v1;

common::Result<std::vector<EmailClaimEvent>, DomainError> decide(const EmailClaimState& state,
                                                                 const EmailClaimCommand& command) {
  const auto& claim = std::get<ClaimEmail>(command);
  if (claim.email != normalize_email(claim.email) || !is_email_shaped(claim.email)) {
    return common::fail(
        make_error(error_code::validation_failed, "email: is not a normalised email address"));
  }
  if (claim.user_id.empty()) {
    return common::fail(make_error(error_code::validation_failed, "user_id: is required"));
  }
  if (state.claimed()) {
    if (state.email != claim.email) {
      // Subjects are keyed by the email's hash: this is a command-side bug.
      return common::fail(make_error(error_code::invalid_state,
                                     "this claim aggregate belongs to another email address"));
    }
    if (state.user_id == claim.user_id) return std::vector<EmailClaimEvent>{};
    return common::fail(
        make_error(error_code::email_taken, "an account with this email already exists"));
  }
  v1::EmailClaimed claimed;
  claimed.set_email(claim.email);
  claimed.set_user_id(claim.user_id);
  return std::vector<EmailClaimEvent>{std::move(claimed)};
}

EmailClaimState evolve(EmailClaimState state, const EmailClaimEvent& event) {
  const auto& claimed = std::get<v1::EmailClaimed>(event);
  // First claim wins; a later one cannot be decided, so is ignored.
  if (!state.claimed()) {
    state.email = claimed.email();
    state.user_id = claimed.user_id();
  }
  return state;
}

}  // namespace slotwise::domain
