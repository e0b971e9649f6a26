#include "domain/business_profile.h"

#include "domain/text_rules.h"

namespace slotwise::domain {

common::Result<common::Unit, DomainError> validate_profile(const BusinessProfile& profile) {
  if (auto r = check_text("name", profile.name, 1, 120); !r) return r;
  if (auto r = check_text("description", profile.description, 0, 2000, /*multiline=*/true); !r) {
    return r;
  }
  if (!profile.contact_email.empty() && !is_email_shaped(profile.contact_email)) {
    return common::fail(
        make_error(error_code::validation_failed, "contact_email: is not an email address"));
  }
  if (auto r = check_text("contact_phone", profile.contact_phone, 0, 40); !r) return r;
  if (auto r = check_text("address", profile.address, 0, 500, /*multiline=*/true); !r) return r;
  return common::Unit{};
}

}  // namespace slotwise::domain
