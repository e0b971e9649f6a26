#include "domain/slug_claim.h"

#include "domain/slug.h"

namespace slotwise::domain {

namespace v1 = slotwise::events::v1;

common::Result<std::vector<SlugClaimEvent>, DomainError> decide(const SlugClaimState& state,
                                                                const SlugClaimCommand& command) {
  const auto& claim = std::get<ClaimSlug>(command);
  if (auto valid = validate_slug(claim.slug); !valid) return common::fail(valid.error());
  if (claim.business_id.empty()) {
    return common::fail(make_error(error_code::validation_failed, "business_id: is required"));
  }
  if (!state.slug.empty() && state.slug != claim.slug) {
    // Subjects are keyed by the slug: this is a command-side bug.
    return common::fail(
        make_error(error_code::invalid_state, "this claim aggregate belongs to another slug"));
  }
  if (state.claimed()) {
    if (state.business_id == claim.business_id) return std::vector<SlugClaimEvent>{};
    return common::fail(make_error(error_code::slug_taken,
                                   "the slug '" + claim.slug + "' is taken by another business"));
  }
  v1::SlugClaimed claimed;
  claimed.set_slug(claim.slug);
  claimed.set_business_id(claim.business_id);
  return std::vector<SlugClaimEvent>{std::move(claimed)};
}

SlugClaimState evolve(SlugClaimState state, const SlugClaimEvent& event) {
  if (const auto* claimed = std::get_if<v1::SlugClaimed>(&event)) {
    if (!state.claimed()) {
      state.slug = claimed->slug();
      state.business_id = claimed->business_id();
    }
  } else if (const auto* released = std::get_if<v1::SlugReleased>(&event)) {
    // Only the holder can release; a stale release changes nothing.
    if (state.business_id == released->business_id()) state.business_id.clear();
  }
  return state;
}

}  // namespace slotwise::domain
