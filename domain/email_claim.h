// The email claim aggregate (subject sw.evt.email.<sha256(normalised email)>):
// one account per email address. Signup claims the email first, appending
// with expected version "no stream", so of two concurrent signups with one
// email the event store lets exactly one EmailClaimed through; the loser
// reloads, decides again and gets email_taken (docs/adr/0002).
//
// Thread safety: plain values and pure functions.
// Errors: decide() returns validation_failed for an email that is not
// normalised (normalize_email) or not email-shaped, or an empty user id, and
// email_taken when another user holds the claim. The same user claiming again
// yields no events: a retried signup is not an error.
#pragma once

#include <string>
#include <variant>
#include <vector>

#include "common/result.h"
#include "domain/domain_error.h"
#include "slotwise/events/v1/account.pb.h"

namespace slotwise::domain {

struct EmailClaimState {
  // Empty until claimed.
  std::string email;
  std::string user_id;

  [[nodiscard]] bool claimed() const { return !user_id.empty(); }
  friend bool operator==(const EmailClaimState&, const EmailClaimState&) = default;
};

struct ClaimEmail {
  // Normalised: trimmed and lower-cased (normalize_email in text_rules.h).
  std::string email;
  std::string user_id;
};

using EmailClaimCommand = std::variant<ClaimEmail>;
using EmailClaimEvent = std::variant<slotwise::events::v1::EmailClaimed>;

[[nodiscard]] common::Result<std::vector<EmailClaimEvent>, DomainError> decide(
    const EmailClaimState& state, const EmailClaimCommand& command);

[[nodiscard]] EmailClaimState evolve(EmailClaimState state, const EmailClaimEvent& event);

}  // namespace slotwise::domain
