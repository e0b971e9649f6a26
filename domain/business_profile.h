// BusinessProfile: how a business presents itself on its public page
// (business.proto's BusinessProfile), and the rules its fields follow.
//
// Thread safety: plain values and pure functions.
// Errors: validate_profile() returns validation_failed naming the first bad
// field.
#pragma once

#include <string>

#include "common/result.h"
#include "domain/domain_error.h"

namespace slotwise::domain {

struct BusinessProfile {
  // 1..120 code points.
  std::string name;
  // Up to 2000 code points, line breaks allowed.
  std::string description;
  // Empty, or an email address.
  std::string contact_email;
  // Up to 40 characters; free form because formats differ per country.
  std::string contact_phone;
  // Up to 500 code points, line breaks allowed.
  std::string address;

  friend bool operator==(const BusinessProfile&, const BusinessProfile&) = default;
};

[[nodiscard]] common::Result<common::Unit, DomainError> validate_profile(
    const BusinessProfile& profile);

}  // namespace slotwise::domain
